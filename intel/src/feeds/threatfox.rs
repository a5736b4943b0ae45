//! ThreatFox exports (abuse.ch), CSV and JSON: indicators of compromise with malware family,
//! threat type and confidence.
//!
//! # What it is
//! CSV: a `#` banner, a commented quoted header (`# "first_seen_utc", "ioc_id", "ioc_value",
//! "ioc_type", ...`, 15 columns, 14 in older exports without `is_compromised`), then quoted fields
//! separated by a comma and a space. JSON export: an object keyed by IOC id whose values are arrays
//! of objects with the CSV's names. The API's `{"query_status": "ok", "data": [...]}` answer, with
//! its renamed fields (`id`, `ioc`, `first_seen`, `last_seen`), is read too.
//!
//! # Why it matters
//! ThreatFox names the malware family behind a C2 domain or address, which is what an analyst
//! needs to act on a match.
//!
//! # Example
//! `"2024-08-28 10:00:00", "1000001", "c2.malware.example", "domain", "botnet_cc", "win.agent_tesla",
//! "None", "Agent Tesla", "", "75", "False", "None", "AgentTesla", "0", "reporter1"` gives the domain
//! indicator `c2.malware.example`, family `Agent Tesla`, threat `botnet_cc`, confidence 75,
//! reference `https://threatfox.abuse.ch/ioc/1000001/`.
//!
//! # Known limits
//! `ioc_type` `domain`, `url` (its host) and `ip:port` (the address; the port is kept in
//! `source_value`) are loaded; file hashes cannot be matched against DNS and are reported as
//! unsupported. The family is `malware_printable`, else `fk_malware`. JSON records carry no line
//! number (they are reported by IOC id).
//!
//! # References
//! abuse.ch ThreatFox exports and API; `../shared/docs/FORMATS.md` §7b.

use serde_json::Value;

use super::quoted_csv;
use crate::feed::{Loaded, RejectKind, feed_time, present, split_tags};
use crate::host::{host_of_url, parse_host, parse_ip};
use crate::indicator::{Indicator, IndicatorValue};

const LAYOUT_15: [&str; 15] = [
    "first_seen_utc",
    "ioc_id",
    "ioc_value",
    "ioc_type",
    "threat_type",
    "fk_malware",
    "malware_alias",
    "malware_printable",
    "last_seen_utc",
    "confidence_level",
    "is_compromised",
    "reference",
    "tags",
    "anonymous",
    "reporter",
];

/// Loads a ThreatFox export, CSV or JSON (told apart by the first character).
pub fn load(text: &str, feed: &str) -> Result<Loaded, String> {
    if text.trim_start().starts_with(['{', '[']) {
        load_json(text, feed)
    } else {
        Ok(load_csv(text, feed))
    }
}

/// One IOC, whichever form it came in.
#[derive(Default)]
struct Record<'a> {
    id: Option<&'a str>,
    value: Option<&'a str>,
    ioc_type: Option<&'a str>,
    threat: Option<&'a str>,
    family: Option<&'a str>,
    first_seen: &'a str,
    last_seen: &'a str,
    confidence: Option<&'a str>,
    tags: Vec<String>,
}

fn load_csv(text: &str, feed: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let mut header: Option<Vec<String>> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') {
            if header.is_none() && trimmed.contains("\"first_seen_utc\"") {
                match quoted_csv::header(trimmed) {
                    Ok(names) => header = Some(names),
                    Err(reason) => loaded.malformed(number, format!("header: {reason}")),
                }
            }
            continue;
        }
        let fields = match quoted_csv::split(trimmed) {
            Ok(fields) => fields,
            Err(reason) => {
                loaded.malformed(number, reason);
                continue;
            }
        };
        let columns: Vec<&str> = match &header {
            Some(names) => names.iter().map(String::as_str).collect(),
            // Without a header, the older 14-column export lacks `is_compromised`.
            None if fields.len() == 14 => LAYOUT_15
                .iter()
                .copied()
                .filter(|c| *c != "is_compromised")
                .collect(),
            None => LAYOUT_15.to_vec(),
        };
        if fields.len() != columns.len() {
            loaded.malformed(
                number,
                format!(
                    "{} columns where the header has {}",
                    fields.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| *c == name)
                .and_then(|at| fields.get(at))
                .map(String::as_str)
        };
        let record = Record {
            id: get("ioc_id").and_then(present),
            value: get("ioc_value").and_then(present),
            ioc_type: get("ioc_type").and_then(present),
            threat: get("threat_type").and_then(present),
            family: get("malware_printable")
                .and_then(present)
                .or_else(|| get("fk_malware").and_then(present)),
            first_seen: get("first_seen_utc").unwrap_or(""),
            last_seen: get("last_seen_utc").unwrap_or(""),
            confidence: get("confidence_level").and_then(present),
            tags: get("tags").map(split_tags).unwrap_or_default(),
        };
        add(&record, feed, number, &mut loaded);
    }
    loaded
}

fn load_json(text: &str, feed: &str) -> Result<Loaded, String> {
    let root: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    // Each IOC with the key it sits under: the export keys its arrays by IOC id.
    let records: Vec<(Option<&str>, &Value)> = match &root {
        Value::Object(map) if map.get("data").is_some_and(Value::is_array) => map["data"]
            .as_array()
            .map(|items| items.iter().map(|item| (None, item)).collect())
            .unwrap_or_default(),
        Value::Object(map) if map.contains_key("query_status") => {
            return Err(format!(
                "an API answer without data (query_status {})",
                map["query_status"]
            ));
        }
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, value)| match value {
                Value::Array(items) => items
                    .iter()
                    .map(|item| (Some(key.as_str()), item))
                    .collect(),
                other => vec![(Some(key.as_str()), other)],
            })
            .collect(),
        Value::Array(items) => items.iter().map(|item| (None, item)).collect(),
        _ => return Err("expected an object keyed by IOC id, or an array".to_owned()),
    };
    let mut loaded = Loaded::default();
    for (key, item) in records {
        let Some(object) = item.as_object() else {
            loaded.reject(
                0,
                key.map(str::to_owned),
                RejectKind::Malformed,
                "an IOC should be an object",
            );
            continue;
        };
        let text = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| object.get(*name).and_then(Value::as_str).and_then(present))
        };
        let id_number = object
            .get("ioc_id")
            .or_else(|| object.get("id"))
            .filter(|v| v.is_number())
            .map(ToString::to_string);
        let confidence_number = object
            .get("confidence_level")
            .filter(|v| v.is_number())
            .map(ToString::to_string);
        let tags = match object.get("tags") {
            Some(Value::String(joined)) => split_tags(joined),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(present)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let record = Record {
            id: id_number
                .as_deref()
                .or_else(|| text(&["ioc_id", "id"]))
                .or(key),
            value: text(&["ioc_value", "ioc"]),
            ioc_type: text(&["ioc_type"]),
            threat: text(&["threat_type"]),
            family: text(&["malware_printable", "malware", "fk_malware"]),
            first_seen: text(&["first_seen_utc", "first_seen"]).unwrap_or(""),
            last_seen: text(&["last_seen_utc", "last_seen"]).unwrap_or(""),
            confidence: confidence_number
                .as_deref()
                .or_else(|| text(&["confidence_level"])),
            tags,
        };
        add(&record, feed, 0, &mut loaded);
    }
    Ok(loaded)
}

fn add(record: &Record<'_>, feed: &str, line: usize, out: &mut Loaded) {
    let id = record.id.map(str::to_owned);
    let Some(value) = record.value else {
        out.reject(line, id, RejectKind::Malformed, "no ioc_value");
        return;
    };
    let parsed = match record.ioc_type {
        Some("domain") => parse_host(value),
        Some("url") => host_of_url(value),
        Some("ip:port") => address_of(value),
        Some(other @ ("md5_hash" | "sha1_hash" | "sha256_hash")) => {
            out.reject(
                line,
                id,
                RejectKind::Unsupported,
                format!("ioc_type {other} cannot be matched against DNS names or addresses"),
            );
            return;
        }
        Some(other) => {
            out.reject(
                line,
                id,
                RejectKind::Unsupported,
                format!("unknown ioc_type {other:?}"),
            );
            return;
        }
        None => Err("no ioc_type".to_owned()),
    };
    let confidence = record
        .confidence
        .map(|c| c.parse::<u8>().ok().filter(|&c| c <= 100));
    let times = (feed_time(record.first_seen), feed_time(record.last_seen));
    let (value_parsed, first_seen, last_seen, confidence) = match (parsed, times, confidence) {
        (Err(reason), ..) | (_, (Err(reason), _) | (_, Err(reason)), _) => {
            out.reject(line, id, RejectKind::Malformed, reason);
            return;
        }
        (_, _, Some(None)) => {
            out.reject(
                line,
                id,
                RejectKind::Malformed,
                "confidence_level is not a number from 0 to 100",
            );
            return;
        }
        (Ok(parsed), (Ok(first), Ok(last)), confidence) => {
            (parsed, first, last, confidence.flatten())
        }
    };
    let mut indicator = Indicator::new(feed, value_parsed, line);
    indicator.threat = record.threat.map(str::to_owned);
    indicator.family = record.family.map(str::to_owned);
    indicator.tags.clone_from(&record.tags);
    indicator.first_seen = first_seen;
    indicator.last_seen = last_seen;
    indicator.confidence = confidence;
    indicator.reference = record
        .id
        .map(|id| format!("https://threatfox.abuse.ch/ioc/{id}/"));
    if record.ioc_type != Some("domain") {
        indicator.source_value = Some(value.to_owned());
    }
    out.indicators.push(indicator);
}

/// The address of `ip:port`, split on the last colon; `[v6]:port` and a bare address are accepted.
fn address_of(value: &str) -> Result<IndicatorValue, String> {
    let address = match value.rsplit_once(':') {
        Some((address, port)) if port.parse::<u16>().is_ok() && parse_ip(address).is_some() => {
            address
        }
        _ => value,
    };
    parse_ip(address)
        .map(IndicatorValue::Ip)
        .ok_or_else(|| format!("{value:?} is not ip:port"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::IndicatorType;

    const CSV: &str = r#"################################################################
# ThreatFox IOCs: recent                                       #
################################################################
#
# "first_seen_utc", "ioc_id", "ioc_value", "ioc_type", "threat_type", "fk_malware", "malware_alias", "malware_printable", "last_seen_utc", "confidence_level", "is_compromised", "reference", "tags", "anonymous", "reporter"
"2024-08-28 10:00:00", "1000001", "c2.malware.example", "domain", "botnet_cc", "win.agent_tesla", "None", "Agent Tesla", "", "75", "False", "None", "AgentTesla", "0", "reporter1"
"2024-08-28 10:01:00", "1000002", "198.51.100.9:443", "ip:port", "botnet_cc", "win.cobalt_strike", "None", "Cobalt Strike", "2024-08-29 11:00:00", "100", "False", "None", "c2,cs", "0", "reporter1"
"2024-08-28 10:02:00", "1000003", "https://drop.example:8443/a.exe", "url", "payload_delivery", "unknown", "None", "Unknown malware", "", "50", "False", "None", "None", "0", "reporter2"
"2024-08-28 10:03:00", "1000004", "d41d8cd98f00b204e9800998ecf8427e", "md5_hash", "payload", "unknown", "None", "Unknown malware", "", "50", "False", "None", "None", "0", "reporter2"
"2024-08-28 10:04:00", "1000005", "c2.other.example", "domain", "botnet_cc", "unknown", "None", "Unknown malware", "", "high", "False", "None", "None", "0", "reporter2"
"#;

    #[test]
    fn reads_the_csv_export() {
        let loaded = load(CSV, "threatfox").unwrap();
        let got: Vec<(&str, IndicatorType)> = loaded
            .indicators
            .iter()
            .map(|i| (i.indicator.as_str(), i.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("c2.malware.example", IndicatorType::Domain),
                ("198.51.100.9", IndicatorType::Ip),
                ("drop.example", IndicatorType::Domain),
            ]
        );
        let first = &loaded.indicators[0];
        assert_eq!(first.family.as_deref(), Some("Agent Tesla"));
        assert_eq!(first.confidence, Some(75));
        assert_eq!(first.threat.as_deref(), Some("botnet_cc"));
        assert_eq!(first.tags, ["AgentTesla"]);
        assert_eq!(
            first.reference.as_deref(),
            Some("https://threatfox.abuse.ch/ioc/1000001/")
        );
        assert_eq!(
            loaded.indicators[1].last_seen.as_deref(),
            Some("2024-08-29T11:00:00Z")
        );
        assert_eq!(loaded.indicators[1].tags, ["c2", "cs"]);
        let rejected: Vec<(usize, RejectKind)> =
            loaded.rejected.iter().map(|r| (r.line, r.kind)).collect();
        assert_eq!(
            rejected,
            [(9, RejectKind::Unsupported), (10, RejectKind::Malformed)]
        );
    }

    #[test]
    fn reads_the_json_export_and_the_api_answer() {
        let export = r#"{"1000001": [{"ioc_value": "c2.malware.example", "ioc_type": "domain", "threat_type": "botnet_cc", "malware": "win.agent_tesla", "malware_printable": "Agent Tesla", "first_seen_utc": "2024-08-28 10:00:00", "last_seen_utc": null, "confidence_level": 75, "tags": "AgentTesla,rat", "reporter": "r"}],
                         "1000002": [{"ioc_value": "[2001:db8::5]:443", "ioc_type": "ip:port", "confidence_level": 50, "tags": null}],
                         "1000003": [{"ioc_value": "abc", "ioc_type": "sha256_hash"}]}"#;
        let loaded = load(export, "tf").unwrap();
        assert_eq!(loaded.indicators.len(), 2);
        let first = &loaded.indicators[0];
        assert_eq!(first.tags, ["AgentTesla", "rat"]);
        assert_eq!(first.confidence, Some(75));
        assert_eq!(loaded.indicators[1].indicator, "2001:db8::5");
        assert_eq!(loaded.rejected.len(), 1);
        assert_eq!(loaded.rejected[0].kind, RejectKind::Unsupported);
        assert_eq!(loaded.rejected[0].record_id.as_deref(), Some("1000003"));
        assert_eq!(
            first.reference.as_deref(),
            Some("https://threatfox.abuse.ch/ioc/1000001/")
        );

        let api = r#"{"query_status": "ok", "data": [{"id": "41", "ioc": "evil.example", "ioc_type": "domain", "malware_printable": "Emotet", "first_seen": "2024-08-28 10:00:00 UTC", "confidence_level": 100, "tags": ["emotet"]}]}"#;
        let loaded = load(api, "tf").unwrap();
        let only = &loaded.indicators[0];
        assert_eq!(only.indicator, "evil.example");
        assert_eq!(only.family.as_deref(), Some("Emotet"));
        assert_eq!(only.first_seen.as_deref(), Some("2024-08-28T10:00:00Z"));
        assert_eq!(
            only.reference.as_deref(),
            Some("https://threatfox.abuse.ch/ioc/41/")
        );
        assert!(load("{not json", "tf").is_err());
    }
}
