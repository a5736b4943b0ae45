//! Evaluation of a model on labelled names: the metrics a run records and a comparison shows.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::metrics::{self, Confusion, CurvePoint, FamilyRecall};
use crate::model::Model;

/// Points kept on the ROC / precision-recall curve.
pub const CURVE_POINTS: usize = 500;

/// Labelled names, column-wise: one name, label (`true` = DGA) and family per row; benign rows
/// have family `benign`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelledNames {
    /// The names, as they would be seen in logs.
    pub names: Vec<String>,
    /// `true` for DGA.
    pub labels: Vec<bool>,
    /// Family per row.
    pub families: Vec<String>,
}

impl LabelledNames {
    /// Adds one row.
    pub fn push(&mut self, name: impl Into<String>, dga: bool, family: impl Into<String>) {
        self.names.push(name.into());
        self.labels.push(dga);
        self.families.push(family.into());
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Results at one threshold chosen on validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    /// The false positive rate the threshold was chosen for.
    pub target_fpr: f64,
    /// The threshold.
    pub threshold: f32,
    /// Counts on the evaluated rows.
    pub confusion: Confusion,
    /// Recall of DGA families not marked dictionary-style.
    pub random_style_recall: Option<f64>,
    /// Recall of dictionary-style families.
    pub dictionary_style_recall: Option<f64>,
    /// The best recall any threshold reaches on these rows at this false positive rate (what
    /// the threshold would give if it had been chosen on these rows).
    pub best_recall_at_fpr: Option<f64>,
}

/// Scoring speed: normalization, features, prediction and calibration, one thread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Names scored.
    pub names: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Names per second.
    pub names_per_second: f64,
}

/// Metrics of a model on labelled names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Rows evaluated.
    pub rows: usize,
    /// DGA rows.
    pub dga_rows: usize,
    /// Rows with nothing to judge (scored [`crate::UNJUDGED_SCORE`]).
    pub unjudged_rows: usize,
    /// Area under the ROC curve (`None` without both classes).
    pub roc_auc: Option<f64>,
    /// Average precision (`None` without DGA rows).
    pub pr_auc: Option<f64>,
    /// One entry per model threshold.
    pub operating_points: Vec<OperatingPoint>,
    /// Flag rate per family at the default threshold.
    pub families: Vec<FamilyRecall>,
    /// ROC and precision-recall curve points.
    pub curve: Vec<CurvePoint>,
    /// Scoring speed.
    pub throughput: Throughput,
}

impl Evaluation {
    /// The headline numbers as flat `name → value` pairs (for run listings and MLflow):
    /// `roc_auc`, `pr_auc`, and per threshold `recall_at_fpr_1e-3`, `fpr_at_fpr_1e-3`,
    /// `recall_random_at_fpr_1e-3`, `recall_dictionary_at_fpr_1e-3`, then
    /// `scoring_names_per_second` and `family_recall/<family>`.
    pub fn summary(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        out.extend(self.roc_auc.map(|v| ("roc_auc".to_owned(), v)));
        out.extend(self.pr_auc.map(|v| ("pr_auc".to_owned(), v)));
        for point in &self.operating_points {
            let tag = fpr_tag(point.target_fpr);
            out.push((format!("recall_at_fpr_{tag}"), point.confusion.recall()));
            out.push((format!("fpr_at_fpr_{tag}"), point.confusion.fpr()));
            out.extend(
                point
                    .random_style_recall
                    .map(|v| (format!("recall_random_at_fpr_{tag}"), v)),
            );
            out.extend(
                point
                    .dictionary_style_recall
                    .map(|v| (format!("recall_dictionary_at_fpr_{tag}"), v)),
            );
        }
        out.push((
            "scoring_names_per_second".to_owned(),
            self.throughput.names_per_second,
        ));
        for family in &self.families {
            out.push((format!("family_recall/{}", family.family), family.rate));
        }
        out
    }
}

/// `1e-3` for 0.001: short, and legal in `MLflow` metric names.
pub fn fpr_tag(fpr: f64) -> String {
    format!("{fpr:e}")
}

/// Scores `set` with `model` and measures it. `dictionary_families` are reported apart.
pub fn evaluate(
    model: &Model,
    set: &LabelledNames,
    dictionary_families: &BTreeSet<String>,
) -> Evaluation {
    let started = Instant::now();
    let scores = model.score_names(&set.names);
    let seconds = started.elapsed().as_secs_f64();
    let unjudged_rows = dnshunt_features::normalize(&set.names)
        .scoring_labels()
        .filter(|label| label.is_empty())
        .count();
    let labels = &set.labels;
    let operating_points = model
        .manifest()
        .thresholds
        .iter()
        .map(|t| {
            let style_recall = |dictionary: bool| {
                let (mut rows, mut flagged) = (0usize, 0usize);
                for ((score, dga), family) in scores.iter().zip(labels).zip(&set.families) {
                    if *dga && dictionary_families.contains(family) == dictionary {
                        rows += 1;
                        flagged += usize::from(*score >= t.threshold);
                    }
                }
                (rows > 0).then(|| flagged as f64 / rows as f64)
            };
            OperatingPoint {
                target_fpr: t.target_fpr,
                threshold: t.threshold,
                confusion: metrics::confusion(&scores, labels, t.threshold),
                random_style_recall: style_recall(false),
                dictionary_style_recall: style_recall(true),
                best_recall_at_fpr: metrics::recall_at_fpr(&scores, labels, t.target_fpr),
            }
        })
        .collect();
    Evaluation {
        rows: set.len(),
        dga_rows: labels.iter().filter(|&&y| y).count(),
        unjudged_rows,
        roc_auc: metrics::roc_auc(&scores, labels),
        pr_auc: metrics::pr_auc(&scores, labels),
        operating_points,
        families: metrics::family_recall(
            &scores,
            &set.families,
            model.default_threshold(),
            dictionary_families,
        ),
        curve: metrics::curve(&scores, labels, CURVE_POINTS),
        throughput: Throughput {
            names: set.len(),
            seconds,
            names_per_second: if seconds > 0.0 {
                set.len() as f64 / seconds
            } else {
                0.0
            },
        },
    }
}
