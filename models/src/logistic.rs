//! Logistic regression: linfa-logistic (L-BFGS) fitted on standardized features.
//!
//! Standardizing matters: the features range from ratios in `[0, 1]` to lengths up to 63 and
//! log-probabilities around -10, and an unscaled L2 penalty would punish the small-range ones.
//! The fitted weights are folded back onto raw features, so prediction is one dot product.

use linfa::prelude::*;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::classifier::{Classifier, Fitted};
use crate::error::{ModelsError, Result};
use crate::samples::{LabelledSamples, Samples};

/// Parameters of [`LogisticRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogisticParams {
    /// L2 penalty on the standardized weights (linfa's `alpha`).
    pub l2: f64,
    /// L-BFGS iterations at most.
    pub max_iterations: u64,
    /// Stop when the gradient norm falls below this.
    pub gradient_tolerance: f64,
}

impl Default for LogisticParams {
    fn default() -> Self {
        Self {
            l2: 1e-3,
            max_iterations: 500,
            gradient_tolerance: 1e-6,
        }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    /// Training mean of each feature.
    pub mean: Vec<f64>,
    /// Training standard deviation of each feature (1 where constant).
    pub scale: Vec<f64>,
    /// Weights on standardized features, towards DGA.
    pub standardized_weights: Vec<f64>,
    /// Intercept on standardized features.
    pub standardized_intercept: f64,
    /// The same model on raw features: what prediction uses.
    raw_weights: Vec<f64>,
    raw_intercept: f64,
}

impl LogisticRegression {
    fn from_standardized(
        mean: Vec<f64>,
        scale: Vec<f64>,
        weights: Vec<f64>,
        intercept: f64,
    ) -> Self {
        let raw_weights: Vec<f64> = weights.iter().zip(&scale).map(|(w, s)| w / s).collect();
        let raw_intercept = intercept
            - raw_weights
                .iter()
                .zip(&mean)
                .map(|(w, m)| w * m)
                .sum::<f64>();
        Self {
            mean,
            scale,
            standardized_weights: weights,
            standardized_intercept: intercept,
            raw_weights,
            raw_intercept,
        }
    }
}

fn standardization(samples: Samples<'_>) -> (Vec<f64>, Vec<f64>) {
    let (rows, cols) = (samples.rows() as f64, samples.cols());
    let mut mean = vec![0.0; cols];
    for row in samples.as_slice().chunks_exact(cols) {
        for (m, x) in mean.iter_mut().zip(row) {
            *m += x;
        }
    }
    for m in &mut mean {
        *m /= rows;
    }
    let mut var = vec![0.0; cols];
    for row in samples.as_slice().chunks_exact(cols) {
        for ((v, x), m) in var.iter_mut().zip(row).zip(&mean) {
            *v += (x - m) * (x - m);
        }
    }
    let scale = var
        .iter()
        .map(|v| {
            let sd = (v / rows).sqrt();
            if sd > 1e-12 { sd } else { 1.0 }
        })
        .collect();
    (mean, scale)
}

impl Classifier for LogisticRegression {
    type Params = LogisticParams;

    fn fit(
        params: &LogisticParams,
        train: LabelledSamples<'_>,
        _validation: Option<LabelledSamples<'_>>,
    ) -> Result<Fitted<Self>> {
        let failed = |reason: String| ModelsError::Fit {
            algorithm: "logistic-regression",
            reason,
        };
        if !(params.l2 >= 0.0 && params.gradient_tolerance > 0.0 && params.max_iterations > 0) {
            return Err(ModelsError::InvalidInput(format!(
                "logistic-regression: l2 must be >= 0, gradient_tolerance > 0 and \
                 max_iterations > 0; got {params:?}"
            )));
        }
        let samples = train.samples;
        let (mean, scale) = standardization(samples);
        let cols = samples.cols();
        let standardized: Vec<f64> = samples
            .as_slice()
            .chunks_exact(cols)
            .flat_map(|row| {
                row.iter()
                    .zip(&mean)
                    .zip(&scale)
                    .map(|((x, m), s)| (x - m) / s)
            })
            .collect();
        let x = Array2::from_shape_vec((samples.rows(), cols), standardized)
            .map_err(|err| failed(err.to_string()))?;
        let y = Array1::from_iter(train.labels.iter().copied());
        let fitted = linfa_logistic::LogisticRegression::default()
            .alpha(params.l2)
            .max_iterations(params.max_iterations)
            .gradient_tolerance(params.gradient_tolerance)
            .fit(&Dataset::new(x, y))
            .map_err(|err| failed(err.to_string()))?;
        // linfa models the probability of whichever class it calls positive (the larger one).
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        let weights = fitted.params().iter().map(|w| sign * w).collect();
        let model = Self::from_standardized(mean, scale, weights, sign * fitted.intercept());
        Ok(Fitted {
            model,
            steps: Vec::new(),
        })
    }

    fn features(&self) -> usize {
        self.raw_weights.len()
    }

    fn predict_into(&self, samples: Samples<'_>, out: &mut [f32]) {
        assert_eq!(out.len(), samples.rows());
        let cols = samples.cols();
        for (row, score) in samples.as_slice().chunks_exact(cols).zip(out) {
            let z: f64 = self.raw_intercept
                + row
                    .iter()
                    .zip(&self.raw_weights)
                    .map(|(x, w)| x * w)
                    .sum::<f64>();
            *score = crate::calibration::sigmoid(z) as f32;
        }
    }

    fn validate(&self) -> Result<(), String> {
        let n = self.raw_weights.len();
        let lengths_agree = [
            self.mean.len(),
            self.scale.len(),
            self.standardized_weights.len(),
        ]
        .iter()
        .all(|&len| len == n);
        let finite = self
            .raw_weights
            .iter()
            .chain(&self.mean)
            .chain(&self.scale)
            .chain([&self.raw_intercept])
            .all(|v| v.is_finite());
        if lengths_agree && finite && n > 0 {
            Ok(())
        } else {
            Err("logistic-regression weights are inconsistent or not finite".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_rule_and_folds_scaling() {
        // DGA when x0 is large; x1 is noise on a much larger scale.
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for i in 0..400 {
            let x0 = f64::from(i % 20);
            values.extend([x0, f64::from(i * 37 % 1000)]);
            labels.push(x0 >= 10.0);
        }
        let samples = Samples::new(&values, 2).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        let fitted = LogisticRegression::fit(&LogisticParams::default(), train, None).unwrap();
        let scores = fitted.model.predict(samples);
        for (score, label) in scores.iter().zip(&labels) {
            assert_eq!(*score > 0.5, *label, "{score}");
        }
        assert!(fitted.model.standardized_weights[0] > 0.0);
        assert!(fitted.model.validate().is_ok());
    }
}
