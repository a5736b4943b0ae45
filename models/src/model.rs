//! A trained model ready to score names, and its artefact: `manifest.json` (what it is, how it
//! was made, how well it did) beside `model.bin` (the weights, bincode 2 through serde).
//!
//! Names with nothing to judge score [`UNJUDGED_SCORE`].

use std::borrow::Cow;
use std::path::Path;

use chrono::{DateTime, Utc};
use dnshunt_features::schema::stable_hash;
use dnshunt_features::{
    FEATURE_COUNT, FeatureExtractor, FeatureMatrix, FeatureSchema, NormalizedBatch, normalize,
};
use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;
use crate::classifier::{Estimator, Params};
use crate::error::{ModelsError, Result};
use crate::evaluate::Evaluation;
use crate::files;
use crate::label_ngrams::{LabelNgramParams, LabelNgrams};
use crate::samples::Samples;

/// The score of a name that has no label to judge: an invalid name, an IP literal, the root, a
/// bare public suffix (`co.uk`). It is 0, below every threshold, so such names are labelled
/// benign: there is nothing in them a lexical model could call machine-made, and calling them DGA
/// would flood analysts with junk. Callers that must tell "unjudged" from "judged benign" check
/// for an empty label in [`NormalizedBatch::scoring_labels`] (or an invalid name).
pub const UNJUDGED_SCORE: f32 = 0.0;

/// Layout version of `manifest.json` and `model.bin`. Version 1 held the estimator alone; it is
/// still read (as a model without label n-grams).
pub const ARTEFACT_FORMAT_VERSION: u32 = 2;
/// The manifest's file name inside an artefact folder.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The weights' file name inside an artefact folder.
pub const WEIGHTS_FILE: &str = "model.bin";

/// Names scored per chunk: bounds memory on large inputs and keeps the chunk's features in cache.
const CHUNK_NAMES: usize = 256;
/// Weights files larger than this are refused before decoding.
const MAX_WEIGHTS_BYTES: usize = 1 << 30;

/// A decision threshold chosen on the validation split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// The false positive rate it was chosen for.
    pub target_fpr: f64,
    /// Calibrated scores at or above it are DGA.
    pub threshold: f32,
    /// False positive rate on the validation split at this threshold.
    pub validation_fpr: f64,
    /// Recall on the validation split at this threshold.
    pub validation_recall: f64,
    /// Benign rows of the validation split: with N of them, FPR is only resolved to 1/N.
    pub validation_benign_rows: usize,
}

/// Which build made the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeVersion {
    /// Version of this crate.
    pub crate_version: String,
    /// `git describe --always --dirty` of the tree, when the caller knows it.
    pub git_describe: Option<String>,
}

impl CodeVersion {
    /// This crate's version, with the caller's `git describe` output if any.
    pub fn current(git_describe: Option<String>) -> Self {
        Self {
            crate_version: env!("CARGO_PKG_VERSION").to_owned(),
            git_describe,
        }
    }
}

/// Everything an artefact says about its model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelManifest {
    /// [`ARTEFACT_FORMAT_VERSION`].
    pub format_version: u32,
    /// Algorithm id (`gradient-boosting`, ...).
    pub algorithm: String,
    /// The parameters it was fitted with.
    pub params: Params,
    /// The stacked label n-gram regression's parameters, when the model has one.
    #[serde(default)]
    pub label_ngrams: Option<LabelNgramParams>,
    /// The feature schema of its training vectors.
    pub feature_schema: FeatureSchema,
    /// [`FeatureSchema::id`], for people and listings.
    pub feature_schema_id: String,
    /// Hash of the dataset manifest it was trained on.
    pub dataset_manifest_hash: String,
    /// DGA families in its training data.
    pub trained_families: Vec<String>,
    /// Maps raw scores to probabilities.
    pub calibration: Calibration,
    /// Thresholds, strictest last; the first is the default (FPR 1e-3).
    pub thresholds: Vec<Threshold>,
    /// Test-split metrics, when measured.
    pub metrics: Option<Evaluation>,
    /// When it was fitted.
    pub created_at: DateTime<Utc>,
    /// Which build fitted it.
    pub code_version: CodeVersion,
    /// Size of `model.bin`.
    pub weights_bytes: u64,
    /// FNV-1a of `model.bin`, hex: catches truncated or swapped files (not tampering).
    pub weights_fnv1a: String,
}

impl ModelManifest {
    /// The learner's parameters and the label n-gram regression's (`label_ngrams.*`, or
    /// `label_ngrams = none`) as flat `key → value` strings, sorted.
    pub fn flat_params(&self) -> Vec<(String, String)> {
        let mut flat = self.params.flat();
        match self
            .label_ngrams
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok())
        {
            Some(serde_json::Value::Object(fields)) => {
                flat.extend(
                    fields
                        .into_iter()
                        .map(|(key, value)| (format!("label_ngrams.{key}"), value.to_string())),
                );
            }
            _ => flat.push(("label_ngrams".to_owned(), "none".to_owned())),
        }
        flat.sort();
        flat
    }
}

/// A model ready to score names.
#[derive(Debug, Clone)]
pub struct Model {
    manifest: ModelManifest,
    weights: Weights,
}

/// What `model.bin` holds (format 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Weights {
    /// The learner, over the feature vector and, when present, the n-gram logit as its last column.
    pub estimator: Estimator,
    /// The label n-gram regression whose logit is the learner's last column.
    pub label_ngrams: Option<LabelNgrams>,
}

impl Weights {
    /// Feature columns plus the stacked logit, if any: what the estimator reads.
    fn columns(&self) -> usize {
        FEATURE_COUNT + usize::from(self.label_ngrams.is_some())
    }
}

/// A verdict at a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Looks machine-made.
    Dga,
    /// Does not.
    Benign,
}

impl Verdict {
    /// `dga` or `benign`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dga => "dga",
            Self::Benign => "benign",
        }
    }
}

/// Feature rows, each followed by one more value: how the stacked n-gram logit joins them.
pub(crate) fn with_column(features: &FeatureMatrix, column: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut rows = Vec::with_capacity(features.rows() * (FEATURE_COUNT + 1));
    for (row, extra) in features.as_slice().chunks_exact(FEATURE_COUNT).zip(column) {
        rows.extend_from_slice(row);
        rows.push(extra);
    }
    rows
}

fn encode(weights: &Weights) -> Result<Vec<u8>> {
    bincode::serde::encode_to_vec(weights, bincode::config::standard()).map_err(|err| {
        ModelsError::corrupt(WEIGHTS_FILE, format!("cannot encode the weights: {err}"))
    })
}

impl Model {
    /// Assembles a model; the manifest's weight size and checksum are filled in here.
    pub fn new(mut manifest: ModelManifest, weights: Weights) -> Result<Self> {
        let bytes = encode(&weights)?;
        manifest.weights_bytes = bytes.len() as u64;
        manifest.weights_fnv1a = format!("{:016x}", stable_hash(bytes.iter().copied()));
        Ok(Self { manifest, weights })
    }

    /// What the model is.
    pub fn manifest(&self) -> &ModelManifest {
        &self.manifest
    }

    /// The fitted weights.
    pub fn estimator(&self) -> &Estimator {
        &self.weights.estimator
    }

    /// Sets the test metrics (after evaluation).
    pub fn set_metrics(&mut self, metrics: Evaluation) {
        self.manifest.metrics = Some(metrics);
    }

    /// The threshold chosen for `target_fpr`, if the model has one.
    pub fn threshold(&self, target_fpr: f64) -> Option<f32> {
        self.manifest
            .thresholds
            .iter()
            .find(|t| t.target_fpr == target_fpr)
            .map(|t| t.threshold)
    }

    /// The default threshold: the first one (FPR 1e-3 for models made by [`crate::fit`]).
    pub fn default_threshold(&self) -> f32 {
        self.manifest
            .thresholds
            .first()
            .map_or(0.5, |t| t.threshold)
    }

    /// The verdict of a score at the default threshold.
    pub fn verdict(&self, score: f32) -> Verdict {
        if score >= self.default_threshold() {
            Verdict::Dga
        } else {
            Verdict::Benign
        }
    }

    /// Calibrated DGA probabilities of names as given (normalized here), in order.
    pub fn score_names<S: AsRef<str>>(&self, names: &[S]) -> Vec<f32> {
        let mut scores = Vec::with_capacity(names.len());
        for chunk in names.chunks(CHUNK_NAMES) {
            scores.extend(self.score_batch(&normalize(chunk)));
        }
        scores
    }

    /// Calibrated DGA probabilities of a normalized batch, in order; see [`UNJUDGED_SCORE`].
    pub fn score_batch(&self, batch: &NormalizedBatch) -> Vec<f32> {
        let extractor = FeatureExtractor::builtin();
        let mut scores = vec![UNJUDGED_SCORE; batch.len()];
        let mut labels: Vec<&str> = Vec::with_capacity(CHUNK_NAMES.min(batch.len()));
        let mut all = batch.scoring_labels();
        for out in scores.chunks_mut(CHUNK_NAMES) {
            labels.clear();
            labels.extend(all.by_ref().take(out.len()));
            let features = extractor.extract_labels(&labels);
            let rows = self.features(&features, &labels);
            // Finite by construction: extracted features and n-gram logits of finite weights.
            self.predict_samples(Samples::finite(&rows, self.weights.columns()), out);
            for (score, label) in out.iter_mut().zip(&labels) {
                if label.is_empty() {
                    *score = UNJUDGED_SCORE;
                }
            }
        }
        scores
    }

    /// The rows the estimator reads: each label's feature vector (from `features`, one row per
    /// label), followed by the label n-gram logit when the model stacks one.
    /// Without n-grams they are the feature rows themselves, not a copy.
    pub fn features<'a>(&self, features: &'a FeatureMatrix, labels: &[&str]) -> Cow<'a, [f64]> {
        match &self.weights.label_ngrams {
            None => Cow::Borrowed(features.as_slice()),
            Some(ngrams) => Cow::Owned(with_column(
                features,
                labels.iter().map(|label| ngrams.logit(label)),
            )),
        }
    }

    /// Calibrated probabilities of rows made by [`Self::features`] (no check for empty labels:
    /// they get whatever the model makes of them).
    ///
    /// # Panics
    /// If `out` does not have one slot per row, or the rows are not [`Self::features`]' width.
    pub fn predict(&self, rows: &[f64], out: &mut [f32]) {
        let samples = Samples::new(rows, self.weights.columns())
            .unwrap_or_else(|err| panic!("rows for prediction: {err}"));
        self.predict_samples(samples, out);
    }

    /// The estimator's scores of `samples`, calibrated, into `out`.
    fn predict_samples(&self, samples: Samples<'_>, out: &mut [f32]) {
        self.weights.estimator.predict_into(samples, out);
        self.manifest.calibration.apply_all(out);
    }

    /// The weights as `model.bin` holds them.
    pub fn weights_bytes(&self) -> Result<Vec<u8>> {
        encode(&self.weights)
    }

    /// The manifest as `manifest.json` holds it.
    pub fn manifest_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.manifest).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes `manifest.json` and `model.bin` into `dir` (created if missing); refuses to
    /// replace either.
    pub fn write(&self, dir: &Path) -> Result<()> {
        files::create_dir_all(dir)?;
        files::write_new(&dir.join(WEIGHTS_FILE), &self.weights_bytes()?)?;
        files::write_new(&dir.join(MANIFEST_FILE), self.manifest_json().as_bytes())
    }

    /// Reads an artefact folder and checks it against the running feature extractor.
    pub fn read(dir: &Path) -> Result<Self> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let weights_path = dir.join(WEIGHTS_FILE);
        let manifest = files::read(&manifest_path)?;
        let weights = files::read(&weights_path)?;
        Self::from_parts(&manifest, &weights, dir)
    }

    /// A model from the bytes of its two files (a model built into a binary); `origin` names
    /// them in errors. Fails on a feature schema other than the running extractor's.
    pub fn from_parts(manifest: &[u8], weights: &[u8], origin: &Path) -> Result<Self> {
        let manifest_path = origin.join(MANIFEST_FILE);
        let weights_path = origin.join(WEIGHTS_FILE);
        let manifest: ModelManifest = serde_json::from_slice(manifest).map_err(|err| {
            ModelsError::corrupt(
                &manifest_path,
                format!("not a dnshunt model manifest: {err}"),
            )
        })?;
        if !(1..=ARTEFACT_FORMAT_VERSION).contains(&manifest.format_version) {
            return Err(ModelsError::corrupt(
                &manifest_path,
                format!(
                    "artefact format {} but this build reads {ARTEFACT_FORMAT_VERSION}; \
                     retrain with `dnshunt-train fit`",
                    manifest.format_version
                ),
            ));
        }
        FeatureExtractor::builtin()
            .schema()
            .check_compatible(&manifest.feature_schema)?;
        let checksum = format!("{:016x}", stable_hash(weights.iter().copied()));
        if weights.len() as u64 != manifest.weights_bytes || checksum != manifest.weights_fnv1a {
            return Err(ModelsError::corrupt(
                &weights_path,
                format!(
                    "{} bytes with FNV-1a {checksum}, but the manifest expects {} bytes with \
                     {}; the files belong to different models or one is damaged",
                    weights.len(),
                    manifest.weights_bytes,
                    manifest.weights_fnv1a
                ),
            ));
        }
        if weights.len() > MAX_WEIGHTS_BYTES {
            return Err(ModelsError::corrupt(&weights_path, "larger than 1 GiB"));
        }
        let config = bincode::config::standard().with_limit::<MAX_WEIGHTS_BYTES>();
        let cannot_decode =
            |err| ModelsError::corrupt(&weights_path, format!("cannot decode the weights: {err}"));
        let weights: Weights = if manifest.format_version == 1 {
            let (estimator, _) =
                bincode::serde::decode_from_slice(weights, config).map_err(cannot_decode)?;
            Weights {
                estimator,
                label_ngrams: None,
            }
        } else {
            bincode::serde::decode_from_slice(weights, config)
                .map_err(cannot_decode)?
                .0
        };
        let estimator = &weights.estimator;
        let problem = if estimator.algorithm() != manifest.algorithm {
            Some(format!(
                "holds a {} model but the manifest says {}",
                estimator.algorithm(),
                manifest.algorithm
            ))
        } else if weights.label_ngrams.is_some() != manifest.label_ngrams.is_some() {
            Some("the weights and the manifest disagree on label n-grams".to_owned())
        } else if estimator.features() != weights.columns() {
            Some(format!(
                "expects {} features, the schema and label n-grams make {}",
                estimator.features(),
                weights.columns()
            ))
        } else if !manifest.calibration.is_valid() {
            Some("the manifest's calibration is not usable".to_owned())
        } else {
            estimator.validate().err().or_else(|| {
                weights
                    .label_ngrams
                    .as_ref()
                    .and_then(|n| n.validate().err())
            })
        };
        if let Some(reason) = problem {
            return Err(ModelsError::corrupt(&weights_path, reason));
        }
        Ok(Self { manifest, weights })
    }
}
