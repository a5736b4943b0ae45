//! What one request is judged with: the DGA model, the brand watchlist and the intel index,
//! loaded together and swapped together, and the verdict that combines them.

use dnshunt_features::normalize;
use dnshunt_intel::{IntelIndex, MatchKind};
use dnshunt_models::model::{Model, Verdict as DgaVerdict};
use dnshunt_typosquat::LookalikeIndex;
use serde::Serialize;
use utoipa::ToSchema;

/// A loaded model and the name it was asked for by.
pub struct LoadedModel {
    /// The model.
    pub model: Model,
    /// `dga/3`, or `builtin`.
    pub version: String,
    /// Where it came from (a registry folder, or the binary).
    pub origin: String,
}

/// The checks of one generation of the service.
pub struct Engine {
    /// The DGA model.
    pub dga: LoadedModel,
    /// The brand watchlist's lookalike index and brand names, with `--brands`.
    pub typosquat: Option<(LookalikeIndex, Vec<String>)>,
    /// The indicator index, with `--intel`.
    pub intel: Option<IntelIndex>,
}

/// A lookalike match.
#[derive(Debug, Serialize, ToSchema)]
pub struct TyposquatResult {
    /// The imitated brand.
    pub brand: String,
    /// The fuzzer id (`addition`, `homoglyph`, ...) or `confusable`, `other-suffix`, `edit`,
    /// `embedded`.
    pub how: &'static str,
    /// Distance and operations, or the extra tokens.
    pub detail: String,
    /// Confidence in 0..1.
    pub score: f32,
}

/// A threat-intel match.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntelResult {
    /// `exact`, `parent` or `cross_suffix` (same label, another suffix: a lead, not a hit).
    pub kind: &'static str,
    /// The feed it came from.
    pub feed: String,
    /// The indicator value.
    pub indicator: String,
    /// Malware family, when the feed names one.
    pub family: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Threat type.
    pub threat: Option<String>,
    /// Link to the feed's record.
    pub reference: Option<String>,
    /// 0-100.
    pub confidence: u8,
}

/// The DGA part of a result.
#[derive(Debug, Serialize, ToSchema)]
pub struct DgaResult {
    /// Calibrated probability that the name is machine-made.
    pub score: f32,
    /// `dga` or `benign` at the threshold.
    pub label: &'static str,
    /// The threshold (chosen for a false positive rate of 1e-3 on validation data).
    pub threshold: f32,
    /// The model version that scored it.
    pub model: String,
}

/// How bad a name looks, all checks taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Known bad: an exact or parent-domain threat-intel match.
    Malicious,
    /// Worth a look: DGA-like, a lookalike of a brand, or the same label as an indicator under
    /// another suffix.
    Suspicious,
    /// Nothing found.
    Benign,
    /// Not a valid DNS name.
    Invalid,
}

impl Level {
    /// The lower-case name, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Malicious => "malicious",
            Level::Suspicious => "suspicious",
            Level::Benign => "benign",
            Level::Invalid => "invalid",
        }
    }
}

/// The combined verdict and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verdict {
    /// The level.
    pub level: Level,
    /// One sentence saying why.
    pub reason: String,
}

/// Everything the service says about one name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreResult {
    /// The name as sent.
    pub domain: String,
    /// Lower case, no trailing dot, punycode; hostile bytes are written as `\xNN`.
    pub normalized: String,
    /// The registered domain, when the name has one.
    pub registered_domain: Option<String>,
    /// Why the name is not a valid DNS name, if it is not.
    pub invalid_reason: Option<&'static str>,
    /// The DGA model's judgement; absent when there is nothing to judge (an invalid name or a
    /// bare public suffix).
    pub dga: Option<DgaResult>,
    /// Brands the name imitates.
    pub typosquat: Vec<TyposquatResult>,
    /// Threat-intel matches, strongest first.
    pub intel: Vec<IntelResult>,
    /// Verdict and reason.
    pub verdict: Verdict,
}

/// Information about the loaded model, for `GET /v1/models`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelInfo {
    /// `dga/3` or `builtin`.
    pub version: String,
    /// Where it was loaded from.
    pub origin: String,
    /// Algorithm id.
    pub algorithm: String,
    /// Feature schema id the model was trained on (equal to the running one).
    pub feature_schema: String,
    /// The decision threshold in use.
    pub threshold: f32,
    /// DGA families in its training data.
    pub trained_families: Vec<String>,
    /// Test-split metrics recorded at training time.
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
}

impl Engine {
    /// The checks that run, for the `checks` list of answers: the typosquat and intel checks
    /// join when the service loads a watchlist and feeds.
    pub fn checks(&self) -> Vec<&'static str> {
        let mut checks = vec!["dga"];
        if self.typosquat.is_some() {
            checks.push("typosquat");
        }
        if self.intel.is_some() {
            checks.push("intel");
        }
        checks
    }

    /// Judges a batch of names, in order.
    pub fn score(&self, domains: &[String]) -> Vec<ScoreResult> {
        let batch = normalize(domains);
        let scores = self.dga.model.score_batch(&batch);
        let threshold = self.dga.model.default_threshold();
        let mut typosquat: Vec<Vec<TyposquatResult>> =
            (0..domains.len()).map(|_| Vec::new()).collect();
        if let Some((index, brands)) = &self.typosquat {
            for found in index.match_batch(&batch) {
                typosquat[found.row].push(TyposquatResult {
                    brand: brands.get(found.brand).cloned().unwrap_or_default(),
                    how: found.method.how(),
                    detail: found.method.detail(),
                    score: found.score,
                });
            }
        }
        let mut intel: Vec<Vec<IntelResult>> = (0..domains.len()).map(|_| Vec::new()).collect();
        if let Some(index) = &self.intel {
            for found in index.match_names(&batch) {
                let Some(indicator) = index.indicator(found.indicator) else {
                    continue;
                };
                intel[found.query].push(IntelResult {
                    kind: found.kind.as_str(),
                    feed: indicator.feed.clone(),
                    indicator: indicator.indicator.clone(),
                    family: indicator.family.clone(),
                    tags: indicator.tags.clone(),
                    threat: indicator.threat.clone(),
                    reference: indicator.reference.clone(),
                    confidence: found.confidence,
                });
            }
        }
        domains
            .iter()
            .zip(batch.iter())
            .zip(batch.scoring_labels())
            .zip(scores)
            .zip(typosquat.into_iter().zip(intel))
            .map(|((((domain, name), label), score), (typosquat, intel))| {
                let invalid_reason = name.invalid.map(dnshunt_features::InvalidReason::as_str);
                let dga = (!label.is_empty()).then(|| DgaResult {
                    score,
                    label: self.dga.model.verdict(score).as_str(),
                    threshold,
                    model: self.dga.version.clone(),
                });
                let verdict = verdict(invalid_reason, dga.as_ref(), label, &typosquat, &intel);
                ScoreResult {
                    domain: domain.clone(),
                    normalized: name.query.to_owned(),
                    registered_domain: name.registered_domain.map(str::to_owned),
                    invalid_reason,
                    dga,
                    typosquat,
                    intel,
                    verdict,
                }
            })
            .collect()
    }

    /// What `GET /v1/models` shows.
    pub fn model_info(&self) -> ModelInfo {
        let manifest = self.dga.model.manifest();
        ModelInfo {
            version: self.dga.version.clone(),
            origin: self.dga.origin.clone(),
            algorithm: manifest.algorithm.clone(),
            feature_schema: manifest.feature_schema_id.clone(),
            threshold: self.dga.model.default_threshold(),
            trained_families: manifest.trained_families.clone(),
            metrics: serde_json::to_value(&manifest.metrics).unwrap_or_default(),
        }
    }
}

/// The combined verdict, strongest evidence first: known-bad intel, then lookalikes, DGA and
/// cross-suffix intel leads.
fn verdict(
    invalid: Option<&'static str>,
    dga: Option<&DgaResult>,
    label: &str,
    typosquat: &[TyposquatResult],
    intel: &[IntelResult],
) -> Verdict {
    if let Some(reason) = invalid {
        return Verdict {
            level: Level::Invalid,
            reason: format!("Not a valid DNS name ({reason})."),
        };
    }
    let strong =
        |kind: &str| kind == MatchKind::Exact.as_str() || kind == MatchKind::Parent.as_str();
    if let Some(hit) = intel.iter().find(|m| strong(m.kind)) {
        return Verdict {
            level: Level::Malicious,
            reason: format!(
                "Listed by {} as {}{} ({} match).",
                hit.feed,
                hit.indicator,
                describe_family(hit),
                hit.kind
            ),
        };
    }
    let mut reasons = Vec::new();
    if let Some(best) = typosquat.iter().max_by(|a, b| a.score.total_cmp(&b.score)) {
        reasons.push(format!(
            "imitates {} ({}, {})",
            best.brand, best.how, best.detail
        ));
    }
    if let Some(dga) = dga.filter(|d| d.label == DgaVerdict::Dga.as_str()) {
        reasons.push(format!(
            "the label `{label}` looks machine-generated (DGA score {:.3}, threshold {:.3})",
            dga.score, dga.threshold
        ));
    }
    // The most telling lead: one that names a family or tags, else the strongest.
    let lead = intel
        .iter()
        .find(|m| m.family.is_some() || !m.tags.is_empty())
        .or(intel.first());
    if let Some(lead) = lead {
        reasons.push(format!(
            "same label as {} host {}{}",
            lead.feed,
            lead.indicator,
            describe_family(lead)
        ));
    }
    if reasons.is_empty() {
        let reason = if dga.is_some() {
            "No check found anything: the label does not look machine-generated."
        } else {
            "A bare public suffix: there is no label to judge."
        };
        return Verdict {
            level: Level::Benign,
            reason: reason.to_owned(),
        };
    }
    let mut reason = reasons.join("; ");
    if let Some(first) = reason.get(..1) {
        reason = first.to_uppercase() + &reason[1..];
    }
    reason.push('.');
    Verdict {
        level: Level::Suspicious,
        reason,
    }
}

/// `, tagged AgentTesla` from an indicator's family or tags.
fn describe_family(hit: &IntelResult) -> String {
    match (&hit.family, hit.tags.is_empty()) {
        (Some(family), _) => format!(", family {family}"),
        (None, false) => format!(", tagged {}", hit.tags.join(", ")),
        (None, true) => String::new(),
    }
}
