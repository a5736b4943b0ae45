//! A logistic regression over the hashed character n-grams of the label itself, stacked under
//! the main learner as one more feature.
//!
//! The lexical features summarise a label in 25 numbers and lose which letters it is made of;
//! generators differ exactly there (one alphabet, fixed syllables, a word list of their own). A
//! linear model over 1- to 6-grams sees them, and the learner above combines its logit with the
//! rest. On the training rows the column is cross-fitted: each fold is scored by a regression
//! that never saw it, so the learner does not learn to trust a memorised score.

use dnshunt_features::MAX_LABEL_LEN;
use serde::{Deserialize, Serialize};

use crate::calibration::sigmoid;
use crate::error::{ModelsError, Result};
use crate::samples::SplitMix64;

/// Parameters of [`LabelNgrams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabelNgramParams {
    /// Hash buckets are `2^bucket_bits` weights.
    pub bucket_bits: u32,
    /// Longest n-gram (from 1).
    pub max_order: usize,
    /// Passes over the training rows.
    pub epochs: usize,
    /// Adagrad step size.
    pub learning_rate: f64,
    /// L2 penalty per update.
    pub l2: f64,
    /// Folds of the cross-fitted training column.
    pub folds: usize,
    /// Order of the rows in each pass.
    pub seed: u64,
}

impl Default for LabelNgramParams {
    fn default() -> Self {
        Self {
            bucket_bits: 18,
            max_order: 6,
            epochs: 3,
            learning_rate: 0.1,
            l2: 1e-6,
            folds: 5,
            seed: 0,
        }
    }
}

impl LabelNgramParams {
    fn check(&self) -> Result<()> {
        let problem = if !(8..=24).contains(&self.bucket_bits) {
            "bucket_bits must lie in 8..=24"
        } else if !(1..=8).contains(&self.max_order) {
            "max_order must lie in 1..=8"
        } else if self.epochs == 0 {
            "epochs must be at least 1"
        } else if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            "learning_rate must be positive"
        } else if !(self.l2 >= 0.0 && self.l2.is_finite()) {
            "l2 must be zero or positive"
        } else if self.folds < 2 {
            "folds must be at least 2"
        } else {
            return Ok(());
        };
        Err(ModelsError::InvalidInput(format!(
            "label n-grams: {problem}"
        )))
    }
}

/// A fitted hashed n-gram regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelNgrams {
    max_order: usize,
    bias: f32,
    weights: Vec<f32>,
}

/// Bytes that mark the label's start and end, so prefixes and suffixes are n-grams of their own.
const START: u8 = 0x02;
const END: u8 = 0x03;

/// Visits the bucket of every n-gram of `^label$`, up to `max_order` long. Labels are cut to
/// [`MAX_LABEL_LEN`] bytes, as the features cut them.
fn for_each_bucket(label: &str, max_order: usize, mask: usize, mut visit: impl FnMut(usize)) {
    let bytes = &label.as_bytes()[..label.len().min(MAX_LABEL_LEN)];
    let mut padded = [END; MAX_LABEL_LEN + 2];
    padded[0] = START;
    padded[1..=bytes.len()].copy_from_slice(bytes);
    let padded = &padded[..bytes.len() + 2];
    for start in 0..padded.len() {
        // FNV-1a over the n-gram, one more byte per order, then a multiply-shift mix so that
        // nearby hashes spread over the buckets.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for &byte in &padded[start..padded.len().min(start + max_order)] {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            let mixed = (hash ^ (hash >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            visit((mixed >> 32) as usize & mask);
        }
    }
}

impl LabelNgrams {
    /// Fits on labels (`true` = DGA) with Adagrad on log-loss, each n-gram weighing
    /// `1/sqrt(n-grams in the label)` so long labels do not shout.
    pub fn fit(params: &LabelNgramParams, labels: &[&str], targets: &[bool]) -> Result<Self> {
        params.check()?;
        if labels.len() != targets.len() || labels.is_empty() {
            return Err(ModelsError::InvalidInput(format!(
                "label n-grams: {} labels but {} targets",
                labels.len(),
                targets.len()
            )));
        }
        let size = 1usize << params.bucket_bits;
        let mask = size - 1;
        let mut weights = vec![0.0f64; size];
        let mut squares = vec![1e-8f64; size];
        let (mut bias, mut bias_squares) = (0.0f64, 1e-8f64);
        let mut order: Vec<usize> = (0..labels.len()).collect();
        let mut rng = SplitMix64(params.seed);
        let mut found = Vec::new();
        for _ in 0..params.epochs {
            // Fisher-Yates, so every pass sees the families interleaved.
            for i in (1..order.len()).rev() {
                let j = (rng.unit() * (i + 1) as f64) as usize;
                order.swap(i, j.min(i));
            }
            for &row in &order {
                found.clear();
                for_each_bucket(labels[row], params.max_order, mask, |b| found.push(b));
                let value = 1.0 / (found.len() as f64).sqrt();
                let logit = bias + found.iter().map(|&b| weights[b]).sum::<f64>() * value;
                let gradient = sigmoid(logit) - f64::from(u8::from(targets[row]));
                bias_squares += gradient * gradient;
                bias -= params.learning_rate * gradient / bias_squares.sqrt();
                for &b in &found {
                    let g = gradient * value + params.l2 * weights[b];
                    squares[b] += g * g;
                    weights[b] -= params.learning_rate * g / squares[b].sqrt();
                }
            }
        }
        Ok(Self {
            max_order: params.max_order,
            bias: bias as f32,
            weights: weights.iter().map(|&w| w as f32).collect(),
        })
    }

    /// Out-of-fold logits for the training rows: fold `k` (by a hash of the label) is scored by
    /// a regression fitted on the other folds.
    pub fn cross_fit(
        params: &LabelNgramParams,
        labels: &[&str],
        targets: &[bool],
    ) -> Result<Vec<f64>> {
        params.check()?;
        let folds = params.folds as u64;
        let fold_of: Vec<u64> = labels
            .iter()
            .map(|label| dnshunt_features::schema::stable_hash(label.bytes()) % folds)
            .collect();
        let mut logits = vec![0.0; labels.len()];
        for fold in 0..folds {
            let (mut fit_labels, mut fit_targets) = (Vec::new(), Vec::new());
            for ((label, target), &f) in labels.iter().zip(targets).zip(&fold_of) {
                if f != fold {
                    fit_labels.push(*label);
                    fit_targets.push(*target);
                }
            }
            let model = Self::fit(params, &fit_labels, &fit_targets)?;
            for ((logit, label), &f) in logits.iter_mut().zip(labels).zip(&fold_of) {
                if f == fold {
                    *logit = model.logit(label);
                }
            }
        }
        Ok(logits)
    }

    /// The regression's logit (towards DGA) for one label.
    pub fn logit(&self, label: &str) -> f64 {
        // Summed in f64: finite f32 weights cannot overflow it, so the logit is always finite.
        let (mut sum, mut count) = (0.0f64, 0usize);
        for_each_bucket(label, self.max_order, self.weights.len() - 1, |b| {
            sum += f64::from(self.weights[b]);
            count += 1;
        });
        f64::from(self.bias) + sum / (count as f64).sqrt()
    }

    /// Checks deserialized weights, so hostile bytes cannot make [`Self::logit`] panic.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !self.weights.len().is_power_of_two() || self.weights.len() < 2 {
            Err("label n-gram weights are not a power of two long".to_owned())
        } else if self.max_order == 0 || self.max_order > 8 {
            Err(format!(
                "label n-gram order {} out of range",
                self.max_order
            ))
        } else if !self.bias.is_finite() || self.weights.iter().any(|w| !w.is_finite()) {
            Err("label n-gram weights are not finite".to_owned())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (Vec<String>, Vec<bool>) {
        // Benign labels from English-like syllables, DGA from a consonant-only alphabet.
        let syllables = ["ka", "lo", "mi", "ne", "ta", "ro", "su", "vi"];
        let consonants = b"bcdfghjklmnpqrstvwxz";
        let mut rng = SplitMix64(3);
        let mut labels = Vec::new();
        let mut targets = Vec::new();
        for i in 0..2_000 {
            let dga = i % 2 == 0;
            let label: String = if dga {
                (0..10)
                    .map(|_| char::from(consonants[(rng.unit() * 20.0) as usize % 20]))
                    .collect()
            } else {
                (0..4)
                    .map(|_| syllables[(rng.unit() * 8.0) as usize % 8])
                    .collect()
            };
            labels.push(label);
            targets.push(dga);
        }
        (labels, targets)
    }

    #[test]
    fn separates_alphabets_and_cross_fits_out_of_fold() {
        let (labels, targets) = data();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let params = LabelNgramParams {
            bucket_bits: 12,
            ..LabelNgramParams::default()
        };
        let model = LabelNgrams::fit(&params, &labels, &targets).unwrap();
        assert!(model.validate().is_ok());
        assert!(
            model.logit("xkcdqwrtzp") > 2.0,
            "{}",
            model.logit("xkcdqwrtzp")
        );
        assert!(
            model.logit("kalominesu") < -2.0,
            "{}",
            model.logit("kalominesu")
        );
        let logits = LabelNgrams::cross_fit(&params, &labels, &targets).unwrap();
        let right = logits
            .iter()
            .zip(&targets)
            .filter(|(logit, dga)| (**logit > 0.0) == **dga)
            .count();
        assert!(
            right > 1_950,
            "{right} of 2000 out-of-fold logits on the right side"
        );
    }

    #[test]
    fn same_seed_same_weights_and_bad_params_refused() {
        let (labels, targets) = data();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let params = LabelNgramParams {
            bucket_bits: 10,
            epochs: 1,
            ..LabelNgramParams::default()
        };
        let a = LabelNgrams::fit(&params, &labels, &targets).unwrap();
        let b = LabelNgrams::fit(&params, &labels, &targets).unwrap();
        assert_eq!(a, b);
        for bad in [
            LabelNgramParams {
                bucket_bits: 30,
                ..params.clone()
            },
            LabelNgramParams {
                folds: 1,
                ..params.clone()
            },
            LabelNgramParams {
                learning_rate: f64::NAN,
                ..params.clone()
            },
        ] {
            assert!(LabelNgrams::fit(&bad, &labels, &targets).is_err());
        }
    }

    #[test]
    fn hostile_weights_are_refused_and_odd_labels_score() {
        let broken = LabelNgrams {
            max_order: 4,
            bias: 0.0,
            weights: vec![0.0; 1000],
        };
        assert!(broken.validate().is_err());
        let model = LabelNgrams {
            max_order: 4,
            bias: 0.5,
            weights: vec![0.0; 256],
        };
        assert!(model.validate().is_ok());
        for label in ["", "a", "xn--bcher-kva", "ü-ß"] {
            assert!(model.logit(label).is_finite());
        }
        // Past the longest DNS label only the first 63 bytes count, as in the features.
        let long = "k".repeat(300);
        assert_eq!(model.logit(&long), model.logit(&long[..MAX_LABEL_LEN]));
        let huge = LabelNgrams {
            max_order: 8,
            bias: f32::MAX,
            weights: vec![f32::MAX; 256],
        };
        assert!(huge.validate().is_ok());
        assert!(huge.logit(&"z".repeat(63)).is_finite());
    }
}
