//! Platt scaling: maps raw scores to probabilities with `sigmoid(a * logit(score) + b)`, fitted
//! on the validation split.
//!
//! Why Platt and not isotonic regression: the score is strictly increasing in the raw score
//! (`a > 0`), so it keeps every ranking and the ROC curve exactly, which matters at a false
//! positive rate of 1e-4 where the threshold sits among the top few benign scores. Isotonic
//! regression turns the top of the range into a few flat steps, ties hundreds of names at one
//! score and makes such thresholds impossible to place; with two parameters, Platt also cannot
//! overfit a validation split of a few tens of thousands of rows.

use serde::{Deserialize, Serialize};

use crate::error::{ModelsError, Result};

/// The logistic function.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Raw scores are clamped into `[EPS, 1 - EPS]` before the logit, so 0 and 1 stay finite.
const EPS: f64 = 1e-7;

fn logit(score: f32) -> f64 {
    let p = f64::from(score).clamp(EPS, 1.0 - EPS);
    (p / (1.0 - p)).ln()
}

/// A fitted Platt scaling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Slope on the raw score's logit; always positive.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
}

impl Calibration {
    /// Leaves scores as they are (up to the clamping of 0 and 1).
    pub const IDENTITY: Calibration = Calibration {
        slope: 1.0,
        intercept: 0.0,
    };

    /// Fits on raw validation scores and labels by Newton's method on the log-loss, with Platt's
    /// smoothed targets (`(P + 1) / (P + 2)` and `1 / (N + 2)`) so that separable data does not
    /// drive the slope to infinity.
    pub fn fit(scores: &[f32], labels: &[bool]) -> Result<Calibration> {
        let positives = labels.iter().filter(|&&y| y).count() as f64;
        let negatives = labels.len() as f64 - positives;
        if scores.len() != labels.len() || positives == 0.0 || negatives == 0.0 {
            return Err(ModelsError::InvalidInput(format!(
                "calibration needs scores for both classes; got {} scores, {} labels, \
                 {positives} DGA",
                scores.len(),
                labels.len()
            )));
        }
        let hi = (positives + 1.0) / (positives + 2.0);
        let lo = 1.0 / (negatives + 2.0);
        let points: Vec<(f64, f64)> = scores
            .iter()
            .zip(labels)
            .map(|(&s, &y)| (logit(s), if y { hi } else { lo }))
            .collect();
        let loss = |a: f64, b: f64| -> f64 {
            points
                .iter()
                .map(|&(x, t)| {
                    let z = a * x + b;
                    // t * softplus(-z) + (1 - t) * softplus(z), overflow-free.
                    let softplus = |v: f64| v.max(0.0) + (-v.abs()).exp().ln_1p();
                    t * softplus(-z) + (1.0 - t) * softplus(z)
                })
                .sum()
        };
        let (mut slope, mut intercept) = (1.0, 0.0);
        let mut current = loss(slope, intercept);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &(x, t) in &points {
                let p = sigmoid(slope * x + intercept);
                let d = p - t;
                let w = (p * (1.0 - p)).max(1e-12);
                ga += d * x;
                gb += d;
                haa += w * x * x;
                hab += w * x;
                hbb += w;
            }
            // A small ridge keeps the Hessian invertible when all scores coincide.
            let (haa, hbb) = (haa + 1e-9, hbb + 1e-9);
            let det = haa * hbb - hab * hab;
            let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
            let mut step = 1.0;
            let mut improved = false;
            while step > 1e-10 {
                let (next_slope, next_intercept) = (slope - step * da, intercept - step * db);
                let next = loss(next_slope, next_intercept);
                if next.is_finite() && next <= current {
                    (slope, intercept, current) = (next_slope, next_intercept, next);
                    improved = true;
                    break;
                }
                step /= 2.0;
            }
            if !improved || (ga.abs() + gb.abs()) < 1e-9 * points.len() as f64 {
                break;
            }
        }
        if !(slope > 0.0 && slope.is_finite() && intercept.is_finite()) {
            return Err(ModelsError::Fit {
                algorithm: "platt-calibration",
                reason: format!(
                    "the raw scores do not rank DGA above benign on the validation split \
                     (slope {slope}); the model is no better than chance"
                ),
            });
        }
        Ok(Calibration { slope, intercept })
    }

    /// The calibrated probability of one raw score.
    pub fn apply(&self, score: f32) -> f32 {
        sigmoid(self.slope * logit(score) + self.intercept) as f32
    }

    /// Calibrates scores in place.
    pub fn apply_all(&self, scores: &mut [f32]) {
        for score in scores {
            *score = self.apply(*score);
        }
    }

    /// Whether both numbers are usable (for artefacts read from disk).
    pub fn is_valid(&self) -> bool {
        self.slope > 0.0 && self.slope.is_finite() && self.intercept.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_distortion_and_keeps_order() {
        // True probability p; the model reports sigmoid(logit(p) / 3 - 1) instead.
        let mut scores = Vec::new();
        let mut labels = Vec::new();
        for i in 0..20_000u32 {
            let p = f64::from(i % 1000) / 1000.0 + 0.0005;
            let raw = sigmoid(((p / (1.0 - p)).ln()) / 3.0 - 1.0) as f32;
            // A deterministic draw with probability p.
            let u = f64::from(i.wrapping_mul(2_654_435_761) % 1_000_000) / 1e6;
            scores.push(raw);
            labels.push(u < p);
        }
        let calibration = Calibration::fit(&scores, &labels).unwrap();
        assert!((calibration.slope - 3.0).abs() < 0.3, "{calibration:?}");
        assert!((calibration.intercept - 3.0).abs() < 0.4, "{calibration:?}");
        let mut sorted = scores.clone();
        sorted.sort_by(f32::total_cmp);
        let calibrated: Vec<f32> = sorted.iter().map(|&s| calibration.apply(s)).collect();
        assert!(calibrated.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn refuses_a_model_that_ranks_backwards() {
        let scores = [0.9, 0.8, 0.2, 0.1];
        let labels = [false, false, true, true];
        assert!(Calibration::fit(&scores, &labels).is_err());
        assert!(Calibration::fit(&scores, &[true; 4]).is_err());
    }
}
