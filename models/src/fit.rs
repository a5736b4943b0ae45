//! Fitting end to end: features for every split, the learner, Platt calibration and thresholds
//! on validation, metrics on test, and the model with its manifest.

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::Utc;
use dnshunt_features::{FEATURE_COUNT, FeatureExtractor, FeatureMatrix, normalize};
use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;
use crate::classifier::{Params, StepMetric};
use crate::error::{ModelsError, Result};
use crate::evaluate::{Evaluation, LabelledNames, evaluate};
use crate::label_ngrams::{LabelNgramParams, LabelNgrams};
use crate::metrics;
use crate::model::{
    ARTEFACT_FORMAT_VERSION, CodeVersion, Model, ModelManifest, Threshold, Weights, with_column,
};
use crate::samples::{LabelledSamples, Samples};

/// The false positive rates thresholds are chosen for, the default (first) one strictest last.
pub const TARGET_FPRS: [f64; 2] = [1e-3, 1e-4];

/// The three splits of a dataset and what identifies it.
#[derive(Debug, Clone, Default)]
pub struct TrainingData {
    /// Fitting rows.
    pub train: LabelledNames,
    /// Calibration and threshold rows.
    pub validation: LabelledNames,
    /// Reported-metric rows.
    pub test: LabelledNames,
    /// Hash of the dataset manifest (`dnshunt_datasets::builder::Manifest::hash`).
    pub dataset_manifest_hash: String,
    /// Families to report apart as dictionary-style.
    pub dictionary_families: BTreeSet<String>,
}

/// Options of [`fit`] beyond the algorithm's parameters.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// False positive rates to choose thresholds for; the first is the default.
    pub target_fprs: Vec<f64>,
    /// `git describe` of the tree, recorded in the manifest.
    pub git_describe: Option<String>,
    /// The label n-gram regression stacked under the learner; `None` fits on the features alone.
    pub label_ngrams: Option<LabelNgramParams>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            target_fprs: TARGET_FPRS.to_vec(),
            git_describe: None,
            label_ngrams: Some(LabelNgramParams::default()),
        }
    }
}

/// Seconds spent per stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Normalization and features of all splits.
    pub features_seconds: f64,
    /// The label n-gram regression, cross-fitted and on all training rows.
    pub label_ngrams_seconds: f64,
    /// The learner.
    pub fit_seconds: f64,
    /// Calibration and thresholds.
    pub calibrate_seconds: f64,
    /// Scoring and metrics on test.
    pub evaluate_seconds: f64,
}

/// What [`fit`] returns.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model, its manifest holding the test metrics.
    pub model: Model,
    /// Per-step metrics of the learner.
    pub steps: Vec<StepMetric>,
    /// Test metrics (also in the manifest).
    pub evaluation: Evaluation,
    /// Where the time went.
    pub timings: Timings,
    /// Training rows left out because they have nothing to judge (see [`crate::UNJUDGED_SCORE`]).
    pub skipped_unjudged: usize,
}

/// Feature rows of the names that have something to judge, with their labels.
struct Judged {
    features: FeatureMatrix,
    /// The domain labels the rows were computed from.
    names: Vec<String>,
    labels: Vec<bool>,
    skipped: usize,
}

impl Judged {
    fn names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }
}

fn judged(set: &LabelledNames) -> Judged {
    let batch = normalize(&set.names);
    let mut labels_kept = Vec::with_capacity(set.len());
    let mut names_kept: Vec<&str> = Vec::with_capacity(set.len());
    for (label, dga) in batch.scoring_labels().zip(&set.labels) {
        if !label.is_empty() {
            names_kept.push(label);
            labels_kept.push(*dga);
        }
    }
    Judged {
        features: FeatureExtractor::builtin().extract_labels(&names_kept),
        names: names_kept.iter().map(|&name| name.to_owned()).collect(),
        skipped: set.len() - names_kept.len(),
        labels: labels_kept,
    }
}

fn check_columns(set: &LabelledNames, split: &str) -> Result<()> {
    if set.labels.len() == set.len() && set.families.len() == set.len() {
        Ok(())
    } else {
        Err(ModelsError::InvalidInput(format!(
            "{split}: {} names, {} labels, {} families",
            set.len(),
            set.labels.len(),
            set.families.len()
        )))
    }
}

/// The learner's rows for train and validation, with the label n-gram logit as one more column
/// when `params` asks for it: out of fold on the rows the learner fits on, from the regression on
/// all of them for validation (as at scoring time).
fn stack_label_ngrams(
    params: Option<&LabelNgramParams>,
    train: &Judged,
    validation: &Judged,
) -> Result<(Vec<f64>, Vec<f64>, Option<LabelNgrams>)> {
    let Some(params) = params else {
        return Ok((
            train.features.as_slice().to_vec(),
            validation.features.as_slice().to_vec(),
            None,
        ));
    };
    let names = train.names();
    let out_of_fold = LabelNgrams::cross_fit(params, &names, &train.labels)?;
    let ngrams = LabelNgrams::fit(params, &names, &train.labels)?;
    let validation_logits = validation.names.iter().map(|name| ngrams.logit(name));
    Ok((
        with_column(&train.features, out_of_fold.into_iter()),
        with_column(&validation.features, validation_logits),
        Some(ngrams),
    ))
}

/// Fits `params` on `data.train`, calibrates and picks thresholds on `data.validation`, and
/// measures on `data.test`.
pub fn fit(params: &Params, data: &TrainingData, options: &FitOptions) -> Result<Trained> {
    for (set, split) in [
        (&data.train, "train"),
        (&data.validation, "validation"),
        (&data.test, "test"),
    ] {
        check_columns(set, split)?;
    }
    if options.target_fprs.is_empty()
        || options
            .target_fprs
            .iter()
            .any(|fpr| !(*fpr > 0.0 && *fpr < 1.0))
    {
        return Err(ModelsError::InvalidInput(format!(
            "target false positive rates must lie in (0, 1); got {:?}",
            options.target_fprs
        )));
    }
    let mut timings = Timings::default();
    let started = Instant::now();
    let train = judged(&data.train);
    let validation = judged(&data.validation);
    timings.features_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let (train_rows, validation_rows, label_ngrams) =
        stack_label_ngrams(options.label_ngrams.as_ref(), &train, &validation)?;
    let columns = FEATURE_COUNT + usize::from(label_ngrams.is_some());
    timings.label_ngrams_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let train_samples = LabelledSamples::new(Samples::new(&train_rows, columns)?, &train.labels)?;
    let validation_samples =
        LabelledSamples::new(Samples::new(&validation_rows, columns)?, &validation.labels)?;
    let fitted = params.fit(train_samples, Some(validation_samples))?;
    timings.fit_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let raw = fitted.model.predict(validation_samples.samples);
    let calibration = Calibration::fit(&raw, &validation.labels)?;
    let calibrated: Vec<f32> = raw.iter().map(|&s| calibration.apply(s)).collect();
    let benign_rows = validation.labels.iter().filter(|&&y| !y).count();
    let thresholds = options
        .target_fprs
        .iter()
        .map(|&target_fpr| {
            let threshold = metrics::threshold_for_fpr(&calibrated, &validation.labels, target_fpr)
                .unwrap_or(1.0);
            let at = metrics::confusion(&calibrated, &validation.labels, threshold);
            Threshold {
                target_fpr,
                threshold,
                validation_fpr: at.fpr(),
                validation_recall: at.recall(),
                validation_benign_rows: benign_rows,
            }
        })
        .collect();
    timings.calibrate_seconds = started.elapsed().as_secs_f64();

    let trained_families: BTreeSet<String> = data
        .train
        .families
        .iter()
        .zip(&data.train.labels)
        .filter(|(_, dga)| **dga)
        .map(|(family, _)| family.clone())
        .collect();
    let extractor = FeatureExtractor::builtin();
    let manifest = ModelManifest {
        format_version: ARTEFACT_FORMAT_VERSION,
        algorithm: params.algorithm().to_owned(),
        params: params.clone(),
        label_ngrams: options.label_ngrams.clone(),
        feature_schema: extractor.schema().clone(),
        feature_schema_id: extractor.schema().id(),
        dataset_manifest_hash: data.dataset_manifest_hash.clone(),
        trained_families: trained_families.into_iter().collect(),
        calibration,
        thresholds,
        metrics: None,
        created_at: Utc::now(),
        code_version: CodeVersion::current(options.git_describe.clone()),
        weights_bytes: 0,
        weights_fnv1a: String::new(),
    };
    let weights = Weights {
        estimator: fitted.model,
        label_ngrams,
    };
    let mut model = Model::new(manifest, weights)?;

    let started = Instant::now();
    let evaluation = evaluate(&model, &data.test, &data.dictionary_families);
    timings.evaluate_seconds = started.elapsed().as_secs_f64();
    model.set_metrics(evaluation.clone());
    Ok(Trained {
        model,
        steps: fitted.steps,
        evaluation,
        timings,
        skipped_unjudged: train.skipped + validation.skipped,
    })
}
