//! DGA classifiers behind one trait, with calibration, metrics, artefacts, the model registry and the run store.
//!
//! # Design
//! - **One trait, algorithms as data.** [`Classifier`] fits on feature rows with benign/DGA
//!   labels, predicts raw scores in `[0, 1]` for a batch, and serializes with serde. [`Params`]
//!   (`{"algorithm": "gradient-boosting", ...}`, strict serde) names the algorithm a run used;
//!   [`Estimator`] holds whichever model was fitted. Three learners: `logistic-regression`
//!   (linfa-logistic on standardized features), `random-forest` (smartcore fits, we predict) and
//!   `gradient-boosting` (our own histogram boosting on log-loss: linfa has none for
//!   classification, smartcore's is a regressor).
//! - **Fast batch scoring.** Tree models predict from one flat node array ([`trees`]), walking
//!   blocks of rows tree by tree; [`Model::score_names`] normalizes, extracts and predicts in
//!   chunks of 4,096 names. Names with nothing to judge score [`UNJUDGED_SCORE`] (0, benign).
//! - **Calibrated, thresholded on validation.** [`fit()`] fits on train, fits Platt scaling on
//!   validation (monotone, so rankings and ROC stay exact; see [`calibration`]) and picks the
//!   thresholds for FPR 1e-3 and 1e-4 there; test is only for the reported [`Evaluation`].
//! - **Self-describing artefacts.** `manifest.json` (algorithm, parameters, feature schema,
//!   dataset hash, calibration, thresholds, metrics, time, code version, weights checksum) beside
//!   `model.bin` (bincode 2 through its serde layer: bincode 1 is unmaintained and 3.0 is an empty
//!   release). Loading checks the feature schema against the running extractor.
//! - **Nothing is overwritten.** Runs ([`RunStore`], `home/runs`) and registry versions and alias
//!   moves ([`Registry`], `home/registry`) are plain files written once (temp file + link, or a
//!   staged folder renamed into place).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod boosting;
pub mod builtin;
pub mod calibration;
pub mod classifier;
pub mod error;
pub mod evaluate;
pub mod files;
pub mod fit;
pub mod forest;
pub mod label_ngrams;
pub mod logistic;
pub mod metrics;
pub mod model;
pub mod registry;
pub mod runs;
pub mod samples;
pub mod trees;

pub use calibration::Calibration;
pub use classifier::{Classifier, Estimator, Fitted, Params, StepMetric};
pub use error::{ModelsError, Result};
pub use evaluate::{Evaluation, LabelledNames, evaluate};
pub use fit::{FitOptions, TARGET_FPRS, Trained, TrainingData, fit};
pub use label_ngrams::{LabelNgramParams, LabelNgrams};
pub use model::{Model, ModelManifest, UNJUDGED_SCORE, Verdict, Weights};
pub use registry::{ModelSpec, Registry};
pub use runs::{ActiveRun, RunRecord, RunStatus, RunStore};
pub use samples::{LabelledSamples, Samples};
