//! Findings reshaped for the template: counts, findings grouped by severity, affected clients.
//!
//! Every text that came from a log or a finding passes through [`super::text`] here, so the
//! template only ever sees visible text (and escapes it).

use std::collections::{BTreeMap, BTreeSet};

use dnshunt_lake::detect::combine::iso_time;
use dnshunt_lake::{Finding, Severity};
use serde::Serialize;

use crate::visible::{evidence, visible};

/// What the report shows for a missing value.
const NONE: &str = "–";

/// A name and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// A severity or a detector.
    pub name: String,
    /// Findings with it.
    pub count: usize,
}

/// One row of the findings table.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    severity: &'static str,
    detector: String,
    score: String,
    time: String,
    last_seen: String,
    count: i64,
    client: String,
    query: String,
    registered_domain: String,
    reason: String,
    intel: String,
    evidence: String,
    model_version: String,
}

/// The findings of one severity.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityGroup {
    /// `critical`, `high`, ...
    pub severity: &'static str,
    /// Its findings shown, most severe first.
    pub findings: Vec<FindingView>,
}

/// One row of the affected-clients table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientView {
    /// The client address as the log gave it (made visible).
    pub client: String,
    /// Findings about it.
    pub findings: usize,
    /// Its most severe finding's severity.
    pub worst: &'static str,
    /// The detectors that fired on it, comma-separated.
    pub detectors: String,
}

/// Findings per severity, every severity listed, most urgent first.
pub fn by_severity(findings: &[Finding]) -> Vec<Count> {
    Severity::ALL
        .iter()
        .map(|&severity| Count {
            name: severity.as_str().to_owned(),
            count: findings.iter().filter(|f| f.severity == severity).count(),
        })
        .collect()
}

/// Findings per detector, most first.
pub fn by_detector(findings: &[Finding]) -> Vec<Count> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings {
        *counts.entry(visible(&f.detector)).or_default() += 1;
    }
    let mut counts: Vec<Count> = counts
        .into_iter()
        .map(|(name, count)| Count { name, count })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    counts
}

/// The first `top` findings (all when `None`), grouped by severity, empty groups left out.
/// `findings` must be sorted most severe first, as `read_findings` returns them.
pub fn groups(findings: &[Finding], top: Option<usize>) -> Vec<SeverityGroup> {
    let shown = &findings[..top.unwrap_or(findings.len()).min(findings.len())];
    Severity::ALL
        .iter()
        .filter_map(|&severity| {
            let rows: Vec<FindingView> = shown
                .iter()
                .filter(|f| f.severity == severity)
                .map(finding_view)
                .collect();
            (!rows.is_empty()).then_some(SeverityGroup {
                severity: severity.as_str(),
                findings: rows,
            })
        })
        .collect()
}

fn finding_view(f: &Finding) -> FindingView {
    let optional = |value: Option<&String>| value.map_or_else(|| NONE.to_owned(), |v| visible(v));
    FindingView {
        severity: f.severity.as_str(),
        detector: visible(&f.detector),
        score: format!("{:.3}", f.score),
        time: iso_time(f.event_time),
        last_seen: iso_time(f.last_seen),
        count: f.count,
        client: optional(f.client_ip.as_ref()),
        query: visible(&f.query),
        registered_domain: optional(f.registered_domain.as_ref()),
        reason: visible(&f.reason),
        intel: optional(f.intel.as_ref()),
        evidence: evidence(&f.evidence),
        model_version: optional(f.model_version.as_ref()),
    }
}

/// Every client with findings: the worst first, then the busiest.
pub fn clients(findings: &[Finding]) -> Vec<ClientView> {
    struct Tally<'a> {
        findings: usize,
        worst: Severity,
        detectors: BTreeSet<&'a str>,
    }
    let mut tallies: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    for f in findings {
        let tally = tallies.entry(f.client_ip.as_deref()).or_insert(Tally {
            findings: 0,
            worst: f.severity,
            detectors: BTreeSet::new(),
        });
        tally.findings += 1;
        tally.worst = tally.worst.max(f.severity);
        tally.detectors.insert(&f.detector);
    }
    let mut rows: Vec<(Severity, ClientView)> = tallies
        .into_iter()
        .map(|(client, tally)| {
            let detectors: Vec<String> = tally.detectors.into_iter().map(visible).collect();
            let view = ClientView {
                client: client.map_or_else(|| "(no client in the log)".to_owned(), visible),
                findings: tally.findings,
                worst: tally.worst.as_str(),
                detectors: detectors.join(", "),
            };
            (tally.worst, view)
        })
        .collect();
    rows.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then(y.findings.cmp(&x.findings))
            .then_with(|| x.client.cmp(&y.client))
    });
    rows.into_iter().map(|(_, view)| view).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A finding for tests.
    pub(crate) fn finding(
        severity: Severity,
        detector: &str,
        client: Option<&str>,
        query: &str,
    ) -> Finding {
        Finding {
            finding_id: format!("{detector}-{query}"),
            detector: detector.to_owned(),
            severity,
            score: 0.9,
            event_time: 1_700_000_000_000_000,
            last_seen: 1_700_000_060_000_000,
            count: 2,
            client_ip: client.map(str::to_owned),
            query: query.to_owned(),
            registered_domain: None,
            reason: format!("{query} looks bad"),
            evidence: r#"{"dga":{"score":0.9}}"#.to_owned(),
            intel: None,
            model_version: Some("builtin".to_owned()),
        }
    }

    fn sample() -> Vec<Finding> {
        vec![
            finding(Severity::Critical, "dga_domain", Some("10.0.0.1"), "a.cf"),
            finding(Severity::High, "intel_match", Some("10.0.0.2"), "b.ga"),
            finding(Severity::Medium, "dga_domain", Some("10.0.0.2"), "c.tk"),
            finding(Severity::Low, "newly_seen", None, "d.com"),
        ]
    }

    #[test]
    fn counts_list_every_severity_and_each_detector() {
        let findings = sample();
        let severities = by_severity(&findings);
        assert_eq!(severities.len(), 5);
        assert_eq!(
            (severities[0].name.as_str(), severities[0].count),
            ("critical", 1)
        );
        assert_eq!(severities[4].count, 0);
        let detectors = by_detector(&findings);
        assert_eq!(
            (detectors[0].name.as_str(), detectors[0].count),
            ("dga_domain", 2)
        );
        assert_eq!(detectors.len(), 3);
    }

    #[test]
    fn groups_keep_the_top_findings_by_severity() {
        let findings = sample();
        let all = groups(&findings, None);
        assert_eq!(
            all.iter().map(|g| g.severity).collect::<Vec<_>>(),
            ["critical", "high", "medium", "low"]
        );
        let top = groups(&findings, Some(2));
        assert_eq!(top.len(), 2);
        assert_eq!(groups(&findings, Some(99)).len(), 4);
        assert!(groups(&[], Some(3)).is_empty());
    }

    #[test]
    fn clients_are_ranked_by_their_worst_finding() {
        let rows = clients(&sample());
        assert_eq!(rows[0].client, "10.0.0.1");
        assert_eq!(rows[1].client, "10.0.0.2");
        assert_eq!((rows[1].findings, rows[1].worst), (2, "high"));
        assert_eq!(rows[1].detectors, "dga_domain, intel_match");
        assert_eq!(rows[2].client, "(no client in the log)");
    }
}
