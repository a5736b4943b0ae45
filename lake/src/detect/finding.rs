//! One finding: what was seen, how bad it is, why, and the evidence, as a row of `findings`.

use std::sync::Arc;

use arrow_array::builder::{
    Float64Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::Serialize;
use sha2::Digest;

/// How urgent a finding is, least urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Context for a hunt, not an alert (a rare new domain).
    Info,
    /// A weak lead.
    Low,
    /// One strong signal.
    Medium,
    /// A strong signal with support, or a known-bad indicator.
    High,
    /// Several independent signals agree (a DGA name that a feed also lists).
    Critical,
}

impl Severity {
    /// Every severity, most urgent first.
    pub const ALL: [Self; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Info,
    ];

    /// The lower-case name stored in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Parses [`Severity::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// One step more urgent (critical stays critical).
    #[must_use]
    pub fn raised(self) -> Self {
        match self {
            Self::Info => Self::Low,
            Self::Low => Self::Medium,
            Self::Medium => Self::High,
            Self::High | Self::Critical => Self::Critical,
        }
    }
}

/// A row of the `findings` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Deterministic: the same detector, client, name and day always give the same id.
    pub finding_id: String,
    /// The detector whose signal leads (`dga_domain`, `intel_match`, ...).
    pub detector: String,
    /// How urgent.
    pub severity: Severity,
    /// 0–1, all signals combined.
    pub score: f64,
    /// First event of the finding, microseconds since the epoch, UTC.
    pub event_time: i64,
    /// Last event of the finding.
    pub last_seen: i64,
    /// Queries behind the finding.
    pub count: i64,
    /// The client that asked, when the log has one.
    pub client_ip: Option<String>,
    /// The name (for a tunnel: the registered domain it runs under).
    pub query: String,
    /// The registrable domain of `query`.
    pub registered_domain: Option<String>,
    /// One sentence an analyst can act on.
    pub reason: String,
    /// Structured evidence, a JSON object.
    pub evidence: String,
    /// The strongest threat-intel match, as `dnshunt sql`'s `intel_match` writes it.
    pub intel: Option<String>,
    /// The DGA model that scored the name.
    pub model_version: Option<String>,
}

/// The id of the finding of `detector` for `client` and `name` on day `day` (days since the epoch).
pub fn finding_id(detector: &str, client: Option<&str>, name: &str, day: i64) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in [detector, client.unwrap_or("-"), name, &day.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    crate::ingest::hex(&hasher.finalize()[..12])
}

/// The `findings` table schema.
pub fn findings_schema() -> SchemaRef {
    let time = || DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        text("finding_id", false),
        text("detector", false),
        text("severity", false),
        Field::new("score", DataType::Float64, false),
        Field::new("event_time", time(), false),
        Field::new("last_seen", time(), false),
        Field::new("count", DataType::Int64, false),
        text("client_ip", true),
        text("query", false),
        text("registered_domain", true),
        text("reason", false),
        text("evidence", false),
        text("intel", true),
        text("model_version", true),
    ]))
}

/// `findings` as an Arrow batch.
pub fn findings_batch(findings: &[Finding]) -> Result<RecordBatch, ArrowError> {
    let n = findings.len();
    let mut strings: Vec<StringBuilder> = (0..10).map(|_| StringBuilder::new()).collect();
    let mut score = Float64Builder::with_capacity(n);
    let mut first = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut last = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut count = Int64Builder::with_capacity(n);
    for f in findings {
        score.append_value(f.score);
        first.append_value(f.event_time);
        last.append_value(f.last_seen);
        count.append_value(f.count);
        let row: [Option<&str>; 10] = [
            Some(&f.finding_id),
            Some(&f.detector),
            Some(f.severity.as_str()),
            f.client_ip.as_deref(),
            Some(&f.query),
            f.registered_domain.as_deref(),
            Some(&f.reason),
            Some(&f.evidence),
            f.intel.as_deref(),
            f.model_version.as_deref(),
        ];
        for (builder, value) in strings.iter_mut().zip(row) {
            builder.append_option(value);
        }
    }
    let s: Vec<ArrayRef> = strings
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    let columns: Vec<ArrayRef> = vec![
        s[0].clone(),
        s[1].clone(),
        s[2].clone(),
        Arc::new(score.finish()),
        Arc::new(first.finish()),
        Arc::new(last.finish()),
        Arc::new(count.finish()),
        s[3].clone(),
        s[4].clone(),
        s[5].clone(),
        s[6].clone(),
        s[7].clone(),
        s[8].clone(),
        s[9].clone(),
    ];
    RecordBatch::try_new(findings_schema(), columns)
}

/// Findings back from batches shaped like [`findings_schema`] (as `SELECT * FROM findings` gives them).
pub fn findings_from_batches(batches: &[RecordBatch]) -> Result<Vec<Finding>, ArrowError> {
    let mut out = Vec::new();
    for batch in batches {
        let column = |name: &str| -> Result<ArrayRef, ArrowError> {
            let c = batch
                .column_by_name(name)
                .ok_or_else(|| ArrowError::SchemaError(format!("findings lack column {name}")))?;
            match c.data_type() {
                DataType::Utf8View | DataType::LargeUtf8 => {
                    deltalake::arrow::compute::cast(c, &DataType::Utf8)
                }
                _ => Ok(c.clone()),
            }
        };
        let text = |name: &str| column(name);
        let (id, detector, severity) = (text("finding_id")?, text("detector")?, text("severity")?);
        let (client, query, domain) = (
            text("client_ip")?,
            text("query")?,
            text("registered_domain")?,
        );
        let (reason, evidence, intel, model) = (
            text("reason")?,
            text("evidence")?,
            text("intel")?,
            text("model_version")?,
        );
        let score = column("score")?;
        let first = column("event_time")?;
        let last = column("last_seen")?;
        let count = column("count")?;
        let get = |a: &ArrayRef, row: usize| -> Option<String> {
            let s = a.as_string::<i32>();
            (!s.is_null(row)).then(|| s.value(row).to_owned())
        };
        for row in 0..batch.num_rows() {
            let required = |a: &ArrayRef| get(a, row).unwrap_or_default();
            out.push(Finding {
                finding_id: required(&id),
                detector: required(&detector),
                severity: Severity::parse(&required(&severity)).unwrap_or(Severity::Info),
                score: score.as_primitive::<Float64Type>().value(row),
                event_time: first.as_primitive::<TimestampMicrosecondType>().value(row),
                last_seen: last.as_primitive::<TimestampMicrosecondType>().value(row),
                count: count.as_primitive::<Int64Type>().value(row),
                client_ip: get(&client, row),
                query: required(&query),
                registered_domain: get(&domain, row),
                reason: required(&reason),
                evidence: required(&evidence),
                intel: get(&intel, row),
                model_version: get(&model, row),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_separate_their_parts() {
        let a = finding_id("dga_domain", Some("10.1.2.3"), "ns1.asdklgb.cf", 20_000);
        assert_eq!(
            a,
            finding_id("dga_domain", Some("10.1.2.3"), "ns1.asdklgb.cf", 20_000)
        );
        assert_eq!(a.len(), 24);
        assert_ne!(
            a,
            finding_id("dga_domain", Some("10.1.2.3"), "ns1.asdklgb.cf", 20_001)
        );
        assert_ne!(
            a,
            finding_id("intel_match", Some("10.1.2.3"), "ns1.asdklgb.cf", 20_000)
        );
        assert_ne!(
            finding_id("d", Some("a"), "bc", 1),
            finding_id("d", Some("ab"), "c", 1)
        );
    }

    #[test]
    fn batches_round_trip() {
        let finding = Finding {
            finding_id: "x".into(),
            detector: "dga_domain".into(),
            severity: Severity::Critical,
            score: 0.97,
            event_time: 1,
            last_seen: 2,
            count: 3,
            client_ip: None,
            query: "ns1.asdklgb.cf".into(),
            registered_domain: Some("asdklgb.cf".into()),
            reason: "r".into(),
            evidence: "{}".into(),
            intel: Some("cross_suffix urlhaus asdklgb.ga".into()),
            model_version: None,
        };
        let batch = findings_batch(std::slice::from_ref(&finding)).unwrap();
        assert_eq!(findings_from_batches(&[batch]).unwrap(), vec![finding]);
        assert!(Severity::Critical > Severity::High && Severity::Info.raised() == Severity::Low);
    }
}
