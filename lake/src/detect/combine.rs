//! Signals about one client's queries for one name on one day, combined into one finding with a
//! severity, a score, a one-sentence reason and JSON evidence.
//!
//! | signals | severity |
//! |---|---|
//! | intel hit (exact, parent) with DGA or lookalike; DGA with a cross-suffix intel lead | critical |
//! | intel hit alone; DGA or lookalike on a rare new domain | high |
//! | DGA alone; lookalike alone | medium |
//! | cross-suffix intel lead alone | low |
//! | rare new domain alone | info |

use serde_json::{Value, json};

use crate::detect::finding::{Finding, Severity, finding_id};
use crate::detect::signals::NameSignals;

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// One client's queries for one name on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryGroup {
    /// The client, when logged.
    pub client_ip: Option<String>,
    /// The normalized name.
    pub query: String,
    /// Its registrable domain.
    pub registered_domain: Option<String>,
    /// First query.
    pub first_time: i64,
    /// Last query.
    pub last_time: i64,
    /// Queries (passive DNS counts included).
    pub count: i64,
    /// Whether any answer came back with NOERROR.
    pub resolved: bool,
}

/// A registered domain first seen in this lake after the baseline, by few clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewDomain {
    /// First sighting in the lake.
    pub first_seen: i64,
    /// Distinct clients that queried it in the detection window.
    pub clients: u64,
}

/// The finding for `group`, if any signal fired.
pub fn combine(
    group: &QueryGroup,
    signals: &NameSignals,
    new_domain: Option<NewDomain>,
    model_version: Option<&str>,
) -> Option<Finding> {
    let (detector, severity) = leading(signals, new_domain.is_some())?;
    let mut parts = Vec::new();
    let mut evidence = serde_json::Map::new();
    let mut scores = Vec::new();
    if let Some(dga) = &signals.dga {
        parts.push(format!("DGA score {:.2}", dga.score));
        scores.push(f64::from(dga.score));
        evidence.insert(
            "dga".into(),
            json!({"score": round(f64::from(dga.score)), "threshold": round(f64::from(dga.threshold)), "model": model_version}),
        );
    }
    if let Some(typo) = &signals.typo {
        parts.push(format!(
            "lookalike of {} ({})",
            typo.brand_domain, typo.method
        ));
        scores.push(f64::from(typo.score));
        evidence.insert(
            "typosquat".into(),
            json!({"brand": typo.brand, "brand_domain": typo.brand_domain, "fuzzer": typo.method, "detail": typo.detail, "score": round(f64::from(typo.score))}),
        );
    }
    if let Some(intel) = &signals.intel {
        let listed = match (intel.answer, intel.kind) {
            (Some(answer), _) => format!(
                "resolved to {answer}, listed by {} as {}",
                intel.feed, intel.indicator
            ),
            (None, dnshunt_intel::MatchKind::CrossSuffix) => {
                format!("same label as {} host {}", intel.feed, intel.indicator)
            }
            (None, dnshunt_intel::MatchKind::Parent) => {
                format!("under {}, listed by {}", intel.indicator, intel.feed)
            }
            _ => format!("listed by {} as {}", intel.feed, intel.indicator),
        };
        let labels = intel.labels();
        parts.push(if labels.is_empty() {
            listed
        } else {
            format!("{listed}, tagged {}", labels.join(", "))
        });
        scores.push(f64::from(intel.confidence) / 100.0);
        let mut listing = json!({
            "kind": intel.kind.as_str(), "feed": intel.feed, "indicator": intel.indicator,
            "family": intel.family, "tags": intel.tags, "threat": intel.threat,
            "reference": intel.reference, "confidence": intel.confidence,
        });
        if let Some(answer) = intel.answer {
            listing["answer"] = answer.to_string().into();
        }
        evidence.insert("intel".into(), listing);
    }
    if let Some(new) = new_domain {
        let clients = if new.clients == 1 {
            "client"
        } else {
            "clients"
        };
        parts.push(format!(
            "first seen in this lake {} by {} {clients}",
            iso_time(new.first_seen),
            new.clients
        ));
        scores.push(0.2);
        evidence.insert(
            "newly_seen".into(),
            json!({"first_seen": iso_time(new.first_seen), "clients": new.clients}),
        );
    }
    evidence.insert("queries".into(), json!(group.count));
    evidence.insert("resolved".into(), json!(group.resolved));
    let reason = match (&group.client_ip, group.resolved) {
        (Some(client), true) => format!("client {client} resolved {}", group.query),
        (Some(client), false) => format!("client {client} queried {}", group.query),
        (None, true) => format!("{} was resolved", group.query),
        (None, false) => format!("{} was queried", group.query),
    };
    let reason = format!("{reason} — {}", parts.join("; "));
    let day = group.first_time.div_euclid(MICROS_PER_DAY);
    Some(Finding {
        finding_id: finding_id(detector, group.client_ip.as_deref(), &group.query, day),
        detector: detector.to_owned(),
        severity,
        score: round(noisy_or(&scores)),
        event_time: group.first_time,
        last_seen: group.last_time,
        count: group.count,
        client_ip: group.client_ip.clone(),
        query: group.query.clone(),
        registered_domain: group.registered_domain.clone(),
        reason,
        evidence: Value::Object(evidence).to_string(),
        intel: signals.intel.as_ref().map(|i| i.text.clone()),
        model_version: signals.dga.as_ref().and(model_version).map(str::to_owned),
    })
}

/// The detector that leads the finding and its severity, per the table above.
fn leading(signals: &NameSignals, new_and_rare: bool) -> Option<(&'static str, Severity)> {
    let hit = signals
        .intel
        .as_ref()
        .is_some_and(super::signals::IntelSignal::is_hit);
    let lead = signals.intel.is_some() && !hit;
    let lexical = signals.dga.is_some() || signals.typo.is_some();
    let lexical_detector = if signals.dga.is_some() {
        "dga_domain"
    } else {
        "typosquat_domain"
    };
    Some(match (hit, lead, lexical) {
        (true, _, true) => ("intel_match", Severity::Critical),
        (true, _, false) => ("intel_match", Severity::High),
        (false, true, true) if signals.dga.is_some() => (lexical_detector, Severity::Critical),
        (false, true, true) => (lexical_detector, Severity::High),
        (false, false, true) if new_and_rare => (lexical_detector, Severity::High),
        (false, false, true) => (lexical_detector, Severity::Medium),
        (false, true, false) => ("intel_match", Severity::Low),
        (false, false, false) if new_and_rare => ("newly_seen_domain", Severity::Info),
        (false, false, false) => return None,
    })
}

/// Independent evidence combined: 1 − Π(1 − sᵢ).
fn noisy_or(scores: &[f64]) -> f64 {
    1.0 - scores
        .iter()
        .map(|s| 1.0 - s.clamp(0.0, 1.0))
        .product::<f64>()
}

/// Four decimals: enough to rank, stable to print.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `2026-11-02T09:15:00Z`.
pub fn iso_time(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros).map_or_else(
        || micros.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::signals::{DgaSignal, IntelSignal, TypoSignal};
    use dnshunt_intel::MatchKind;

    fn group() -> QueryGroup {
        QueryGroup {
            client_ip: Some("10.1.2.3".into()),
            query: "ns1.asdklgb.cf".into(),
            registered_domain: Some("asdklgb.cf".into()),
            first_time: 1_600_000_000_000_000,
            last_time: 1_600_000_100_000_000,
            count: 4,
            resolved: true,
        }
    }

    fn intel(kind: MatchKind) -> IntelSignal {
        IntelSignal {
            kind,
            feed: "urlhaus".into(),
            indicator: "asdklgb.ga".into(),
            family: None,
            tags: vec!["AgentTesla".into()],
            threat: Some("malware_download".into()),
            reference: None,
            confidence: 30,
            text: "cross_suffix urlhaus asdklgb.ga [AgentTesla]".into(),
            answer: None,
        }
    }

    #[test]
    fn dga_with_a_cross_suffix_lead_is_critical_and_tells_the_story() {
        let signals = NameSignals {
            dga: Some(DgaSignal {
                score: 0.97,
                threshold: 0.6,
            }),
            typo: None,
            intel: Some(intel(MatchKind::CrossSuffix)),
        };
        let f = combine(&group(), &signals, None, Some("dga/3")).unwrap();
        assert_eq!(
            (f.detector.as_str(), f.severity),
            ("dga_domain", Severity::Critical)
        );
        assert_eq!(
            f.reason,
            "client 10.1.2.3 resolved ns1.asdklgb.cf — DGA score 0.97; same label as urlhaus host asdklgb.ga, tagged AgentTesla"
        );
        let evidence: Value = serde_json::from_str(&f.evidence).unwrap();
        assert_eq!(evidence["intel"]["kind"], "cross_suffix");
        assert_eq!(evidence["dga"]["model"], "dga/3");
        assert!((f.score - (1.0 - 0.03 * 0.7)).abs() < 1e-4, "{}", f.score);
        assert_eq!(f.model_version.as_deref(), Some("dga/3"));
    }

    #[test]
    fn an_answer_in_a_listed_network_is_a_hit_that_names_the_address() {
        let signals = NameSignals {
            intel: Some(IntelSignal {
                indicator: "192.0.2.0/24".into(),
                feed: "blocklist".into(),
                tags: Vec::new(),
                answer: Some("192.0.2.77".parse().unwrap()),
                ..intel(MatchKind::Cidr)
            }),
            ..NameSignals::default()
        };
        let f = combine(&group(), &signals, None, None).unwrap();
        assert_eq!(
            (f.detector.as_str(), f.severity),
            ("intel_match", Severity::High)
        );
        assert!(
            f.reason
                .ends_with("resolved to 192.0.2.77, listed by blocklist as 192.0.2.0/24"),
            "{}",
            f.reason
        );
        let evidence: Value = serde_json::from_str(&f.evidence).unwrap();
        assert_eq!(evidence["intel"]["answer"], "192.0.2.77");
        assert_eq!(evidence["intel"]["kind"], "cidr");
    }

    #[test]
    fn severities_follow_the_table() {
        let dga = Some(DgaSignal {
            score: 0.9,
            threshold: 0.6,
        });
        let typo = Some(TypoSignal {
            brand: "google".into(),
            brand_domain: "google.com".into(),
            method: "addition",
            detail: String::new(),
            score: 0.9,
        });
        let new = Some(NewDomain {
            first_seen: 0,
            clients: 1,
        });
        let severity = |s: NameSignals, new| {
            combine(&group(), &s, new, None).map(|f| (f.detector, f.severity))
        };
        let only = |dga, typo, intel| NameSignals { dga, typo, intel };
        assert_eq!(
            severity(only(None, None, Some(intel(MatchKind::Exact))), None),
            Some(("intel_match".into(), Severity::High))
        );
        assert_eq!(
            severity(
                only(None, typo.clone(), Some(intel(MatchKind::Parent))),
                None
            ),
            Some(("intel_match".into(), Severity::Critical))
        );
        assert_eq!(
            severity(only(dga.clone(), None, None), None),
            Some(("dga_domain".into(), Severity::Medium))
        );
        assert_eq!(
            severity(only(dga, None, None), new),
            Some(("dga_domain".into(), Severity::High))
        );
        assert_eq!(
            severity(only(None, typo, None), None),
            Some(("typosquat_domain".into(), Severity::Medium))
        );
        assert_eq!(
            severity(only(None, None, Some(intel(MatchKind::CrossSuffix))), None),
            Some(("intel_match".into(), Severity::Low))
        );
        assert_eq!(
            severity(only(None, None, None), new),
            Some(("newly_seen_domain".into(), Severity::Info))
        );
        assert_eq!(severity(only(None, None, None), None), None);
    }
}
