//! What the name detectors (`dga_domain`, `typosquat_domain`, `intel_match`) say about each
//! distinct name, computed once per name on whole batches.

use std::net::IpAddr;

use dnshunt_features::{NormalizedBatch, normalize};
use dnshunt_intel::{Indicator, IntelIndex, Match, MatchKind};

use crate::detect::config::DetectConfig;
use crate::functions::Functions;

/// The DGA model's verdict on a name at or above the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct DgaSignal {
    /// Calibrated score, 0–1.
    pub score: f32,
    /// The threshold it passed.
    pub threshold: f32,
}

/// A name that imitates a watched brand.
#[derive(Debug, Clone, PartialEq)]
pub struct TypoSignal {
    /// The brand.
    pub brand: String,
    /// The brand's first owned domain, the one named in reasons.
    pub brand_domain: String,
    /// The fuzzer id or lookalike method (`addition`, `homoglyph`, `confusable`, ...).
    pub method: &'static str,
    /// What exactly differs.
    pub detail: String,
    /// Confidence, 0–1.
    pub score: f32,
}

/// The strongest threat-intel match of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct IntelSignal {
    /// How it matched.
    pub kind: MatchKind,
    /// The feed.
    pub feed: String,
    /// The listed indicator.
    pub indicator: String,
    /// Malware family, when the feed gives one.
    pub family: Option<String>,
    /// The feed's tags.
    pub tags: Vec<String>,
    /// The feed's threat type.
    pub threat: Option<String>,
    /// Where to read more.
    pub reference: Option<String>,
    /// 0–100, the indicator's confidence weighed by the kind of match.
    pub confidence: u8,
    /// One-line description, as SQL's `intel_match` gives it.
    pub text: String,
    /// The answer address that matched, when the name resolved to a listed address or network.
    pub answer: Option<IpAddr>,
}

impl IntelSignal {
    fn new(found: &Match, indicator: &Indicator, answer: Option<IpAddr>) -> Self {
        let mut signal = Self {
            kind: found.kind,
            feed: indicator.feed.clone(),
            indicator: indicator.indicator.clone(),
            family: indicator.family.clone(),
            tags: indicator.tags.clone(),
            threat: indicator.threat.clone(),
            reference: indicator.reference.clone(),
            confidence: found.confidence,
            text: String::new(),
            answer,
        };
        signal.text = describe(
            signal.kind,
            &signal.feed,
            &signal.indicator,
            &signal.labels(),
        );
        signal
    }

    fn merge(&mut self, other: &dnshunt_intel::Indicator) {
        if self.family.is_none() {
            self.family.clone_from(&other.family);
        }
        for tag in &other.tags {
            if !self.tags.contains(tag) {
                self.tags.push(tag.clone());
            }
        }
        self.text = describe(self.kind, &self.feed, &self.indicator, &self.labels());
    }

    /// A match on the indicator itself or a name under it, not a lead such as a cross-suffix one.
    pub fn is_hit(&self) -> bool {
        self.kind != MatchKind::CrossSuffix
    }

    /// Family and tags without repeats, for reasons.
    pub fn labels(&self) -> Vec<&str> {
        let mut labels: Vec<&str> = self.family.iter().map(String::as_str).collect();
        for tag in &self.tags {
            if !labels.iter().any(|l| l.eq_ignore_ascii_case(tag)) {
                labels.push(tag);
            }
        }
        labels
    }
}

/// Everything the name detectors found about one name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameSignals {
    /// `dga_domain`.
    pub dga: Option<DgaSignal>,
    /// `typosquat_domain`.
    pub typo: Option<TypoSignal>,
    /// `intel_match`.
    pub intel: Option<IntelSignal>,
}

impl NameSignals {
    /// Whether any detector fired.
    pub fn any(&self) -> bool {
        self.dga.is_some() || self.typo.is_some() || self.intel.is_some()
    }
}

/// Runs the enabled name detectors over `names`, one result per name.
pub fn name_signals(
    names: &[&str],
    functions: &Functions,
    config: &DetectConfig,
) -> Vec<NameSignals> {
    let batch = normalize(names);
    let mut out = vec![NameSignals::default(); names.len()];
    if config.dga.enabled
        && let Some(model) = functions.model()
    {
        let threshold = config
            .dga
            .threshold
            .unwrap_or_else(|| model.default_threshold());
        for (slot, score) in out.iter_mut().zip(model.score_batch(&batch)) {
            if score >= threshold {
                slot.dga = Some(DgaSignal { score, threshold });
            }
        }
    }
    if config.typosquat.enabled
        && let Some(index) = functions.watchlist()
    {
        let brands = &index.watchlist().brands;
        for found in index.match_batch(&batch) {
            let slot = &mut out[found.row].typo;
            if slot.as_ref().is_none_or(|t| found.score > t.score) {
                let brand = &brands[found.brand];
                *slot = Some(TypoSignal {
                    brand: brand.name.clone(),
                    brand_domain: brand.domains.first().unwrap_or(&brand.name).clone(),
                    method: found.method.how(),
                    detail: found.method.detail(),
                    score: found.score,
                });
            }
        }
    }
    if config.intel.enabled {
        for (slot, intel) in out.iter_mut().zip(intel_signals(functions.intel(), &batch)) {
            slot.intel = intel;
        }
    }
    out
}

/// Each name's strongest intel match, with the family and tags of every row the feed holds for
/// the same indicator (`URLhaus` lists a host once per URL, not always with its tags).
pub fn intel_signals(intel: &IntelIndex, batch: &NormalizedBatch) -> Vec<Option<IntelSignal>> {
    let mut out: Vec<Option<IntelSignal>> = vec![None; batch.len()];
    // Matches come by row, strongest first: keep each row's first.
    for found in intel.match_names(batch) {
        let Some(indicator) = intel.indicator(found.indicator) else {
            continue;
        };
        match &mut out[found.query] {
            Some(kept) if kept.kind == found.kind && kept.indicator == indicator.indicator => {
                kept.merge(indicator);
            }
            Some(_) => {}
            slot @ None => *slot = Some(IntelSignal::new(&found, indicator, None)),
        }
    }
    out
}

/// Adds intel hits on the addresses names resolved to. `answers` pairs an index into `signals`
/// with an address that name was answered with. A hit on the name itself is kept; a cross-suffix
/// lead gives way to an answer hit; of a name's answer hits, the first in reporting order wins.
pub fn add_answer_hits(
    signals: &mut [NameSignals],
    answers: &[(usize, IpAddr)],
    functions: &Functions,
) {
    let intel = functions.intel();
    let addresses: Vec<IpAddr> = answers.iter().map(|&(_, ip)| ip).collect();
    for found in intel.match_addresses(&addresses) {
        let (row, address) = answers[found.query];
        let Some(indicator) = intel.indicator(found.indicator) else {
            continue;
        };
        let slot = &mut signals[row].intel;
        match slot {
            Some(kept)
                if kept.answer == Some(address)
                    && kept.kind == found.kind
                    && kept.indicator == indicator.indicator =>
            {
                kept.merge(indicator);
            }
            Some(kept) if kept.is_hit() => {}
            _ => *slot = Some(IntelSignal::new(&found, indicator, Some(address))),
        }
    }
}

/// `kind feed indicator [labels]`, as SQL's `intel_match` writes a match.
fn describe(kind: MatchKind, feed: &str, indicator: &str, labels: &[&str]) -> String {
    let text = format!("{} {feed} {indicator}", kind.as_str());
    if labels.is_empty() {
        text
    } else {
        format!("{text} [{}]", labels.join(", "))
    }
}
