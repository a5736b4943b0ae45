//! One trait for every classifier, and the algorithm as data: [`Params`] names the algorithm and
//! its parameters (what a run records), [`Estimator`] holds any fitted model (what an artefact
//! stores).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::boosting::{BoostedTrees, BoostingParams};
use crate::error::Result;
use crate::forest::{ForestParams, RandomForest};
use crate::logistic::{LogisticParams, LogisticRegression};
use crate::samples::{LabelledSamples, Samples};

/// A metric recorded while fitting, per step (boosting round, optimizer iteration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepMetric {
    /// Metric name, such as `validation_log_loss`.
    pub key: String,
    /// The step, from 1.
    pub step: u64,
    /// Its value.
    pub value: f64,
}

/// A fitted model and what fitting recorded.
#[derive(Debug, Clone)]
pub struct Fitted<M> {
    /// The model.
    pub model: M,
    /// Per-step metrics, in step order (empty for learners without steps).
    pub steps: Vec<StepMetric>,
}

/// A binary classifier over feature vectors: fit on rows labelled benign (`false`) or DGA
/// (`true`), predict raw scores in `[0, 1]` that rank DGA higher, serialize with serde.
///
/// Raw scores are not probabilities; [`crate::Calibration`] maps them to ones.
pub trait Classifier: Sized + Serialize + DeserializeOwned {
    /// Typed parameters, validated by [`Classifier::fit`].
    type Params: Clone + Serialize + DeserializeOwned;

    /// Fits on `train`. `validation`, when given, only feeds per-step metrics.
    fn fit(
        params: &Self::Params,
        train: LabelledSamples<'_>,
        validation: Option<LabelledSamples<'_>>,
    ) -> Result<Fitted<Self>>;

    /// Number of features a row must have.
    fn features(&self) -> usize;

    /// Writes one raw score per row into `out` (of the same length as the rows).
    ///
    /// # Panics
    /// If `out` does not have one slot per row, or rows are narrower than [`Self::features`].
    fn predict_into(&self, samples: Samples<'_>, out: &mut [f32]);

    /// Checks a deserialized model before use, so hostile bytes cannot panic prediction.
    fn validate(&self) -> Result<(), String>;

    /// One raw score per row.
    fn predict(&self, samples: Samples<'_>) -> Vec<f32> {
        let mut out = vec![0.0; samples.rows()];
        self.predict_into(samples, &mut out);
        out
    }
}

/// The algorithm and its parameters, as a run records them:
/// `{"algorithm": "random-forest", "trees": 100, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "kebab-case")]
pub enum Params {
    /// linfa-logistic on standardized features.
    LogisticRegression(LogisticParams),
    /// smartcore's random forest, predicted through the flat tree layout.
    RandomForest(ForestParams),
    /// Histogram gradient boosting on binary log-loss (implemented here).
    GradientBoosting(BoostingParams),
}

impl Params {
    /// The algorithm ids [`Params::default_for`] accepts, in the order to try them.
    pub const ALGORITHMS: [&'static str; 3] =
        ["gradient-boosting", "random-forest", "logistic-regression"];

    /// Default parameters of an algorithm id, or `None` for an unknown id.
    pub fn default_for(algorithm: &str) -> Option<Self> {
        match algorithm {
            "logistic-regression" => Some(Self::LogisticRegression(LogisticParams::default())),
            "random-forest" => Some(Self::RandomForest(ForestParams::default())),
            "gradient-boosting" => Some(Self::GradientBoosting(BoostingParams::default())),
            _ => None,
        }
    }

    /// The algorithm id.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::LogisticRegression(_) => "logistic-regression",
            Self::RandomForest(_) => "random-forest",
            Self::GradientBoosting(_) => "gradient-boosting",
        }
    }

    /// The seed, for algorithms that draw random numbers; sets it where there is one.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        match &mut self {
            Self::LogisticRegression(_) => {}
            Self::RandomForest(p) => p.seed = seed,
            Self::GradientBoosting(p) => p.seed = seed,
        }
        self
    }

    /// Parameters as flat `key → value` strings, as `MLflow` and run listings want them.
    pub fn flat(&self) -> Vec<(String, String)> {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut flat: Vec<(String, String)> = value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, value)| {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                (key.clone(), text)
            })
            .collect();
        flat.sort();
        flat
    }

    /// Fits the algorithm.
    pub fn fit(
        &self,
        train: LabelledSamples<'_>,
        validation: Option<LabelledSamples<'_>>,
    ) -> Result<Fitted<Estimator>> {
        fn wrap<M>(fitted: Fitted<M>, into: fn(M) -> Estimator) -> Fitted<Estimator> {
            Fitted {
                model: into(fitted.model),
                steps: fitted.steps,
            }
        }
        Ok(match self {
            Self::LogisticRegression(p) => wrap(
                LogisticRegression::fit(p, train, validation)?,
                Estimator::LogisticRegression,
            ),
            Self::RandomForest(p) => wrap(
                RandomForest::fit(p, train, validation)?,
                Estimator::RandomForest,
            ),
            Self::GradientBoosting(p) => wrap(
                BoostedTrees::fit(p, train, validation)?,
                Estimator::GradientBoosting,
            ),
        })
    }
}

/// Any fitted model: the weights an artefact stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Estimator {
    /// See [`LogisticRegression`].
    LogisticRegression(LogisticRegression),
    /// See [`RandomForest`].
    RandomForest(RandomForest),
    /// See [`BoostedTrees`].
    GradientBoosting(BoostedTrees),
}

impl Estimator {
    /// The algorithm id.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::LogisticRegression(_) => "logistic-regression",
            Self::RandomForest(_) => "random-forest",
            Self::GradientBoosting(_) => "gradient-boosting",
        }
    }

    /// Number of features a row must have.
    pub fn features(&self) -> usize {
        match self {
            Self::LogisticRegression(m) => m.features(),
            Self::RandomForest(m) => m.features(),
            Self::GradientBoosting(m) => m.features(),
        }
    }

    /// See [`Classifier::predict_into`].
    pub fn predict_into(&self, samples: Samples<'_>, out: &mut [f32]) {
        match self {
            Self::LogisticRegression(m) => m.predict_into(samples, out),
            Self::RandomForest(m) => m.predict_into(samples, out),
            Self::GradientBoosting(m) => m.predict_into(samples, out),
        }
    }

    /// See [`Classifier::predict`].
    pub fn predict(&self, samples: Samples<'_>) -> Vec<f32> {
        let mut out = vec![0.0; samples.rows()];
        self.predict_into(samples, &mut out);
        out
    }

    /// See [`Classifier::validate`].
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::LogisticRegression(m) => m.validate(),
            Self::RandomForest(m) => m.validate(),
            Self::GradientBoosting(m) => m.validate(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_tagged_by_algorithm_and_strict() {
        for id in Params::ALGORITHMS {
            let params = Params::default_for(id).unwrap();
            let json = serde_json::to_value(&params).unwrap();
            assert_eq!(json["algorithm"], id);
            let back: Params = serde_json::from_value(json).unwrap();
            assert_eq!(back, params);
            assert!(
                params
                    .flat()
                    .iter()
                    .any(|(k, v)| k == "algorithm" && v == id)
            );
        }
        let typo = r#"{"algorithm": "random-forest", "treez": 3}"#;
        let err = serde_json::from_str::<Params>(typo)
            .unwrap_err()
            .to_string();
        assert!(err.contains("treez"), "{err}");
        assert!(Params::default_for("svm").is_none());
    }
}
