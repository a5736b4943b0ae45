//! STIX 2.1 bundles: `indicator` objects whose patterns compare a domain name, an address or a URL.
//!
//! # What it is
//! A JSON bundle (`{"type": "bundle", "objects": [...]}`); each `indicator` object carries a STIX
//! pattern such as `[domain-name:value = 'c2.example']`. `malware` objects and `indicates`
//! relationships in the same bundle name the family.
//!
//! # Why it matters
//! STIX is how ISACs, MISP and commercial platforms exchange intelligence (TAXII serves it).
//!
//! # Example
//! `[domain-name:value = 'c2.example' OR ipv4-addr:value = '198.51.100.0/24']` gives a domain
//! indicator and a CIDR indicator, both referencing the STIX indicator's id.
//!
//! # Known limits
//! Only equality comparisons on `domain-name:value`, `ipv4-addr:value`, `ipv6-addr:value` and
//! `url:value` are read, alone or joined by `OR` (within or between brackets). Every other pattern
//! (`AND`, `LIKE`, `MATCHES`, `ISSUBSET`, qualifiers such as `WITHIN`, file hashes, other pattern
//! languages) is reported as unsupported with the indicator's id, never dropped silently. Revoked
//! indicators are reported as unsupported too. Records carry no line number.
//!
//! # References
//! OASIS STIX 2.1, sections 4.7 (indicator) and 9 (patterning); `../shared/docs/FORMATS.md` §7c.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::feed::{Loaded, RejectKind, feed_time};
use crate::host::{host_of_url, parse_host, parse_value};
use crate::indicator::{Indicator, IndicatorValue};

/// Loads a STIX 2.1 bundle (or a bare array of objects, or one indicator).
pub fn load(text: &str, feed: &str) -> Result<Loaded, String> {
    let root: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    let objects: Vec<&Value> = match &root {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("bundle") => map
            .get("objects")
            .and_then(Value::as_array)
            .map(|items| items.iter().collect())
            .unwrap_or_default(),
        Value::Object(_) => vec![&root],
        Value::Array(items) => items.iter().collect(),
        _ => return Err("expected a STIX bundle object".to_owned()),
    };
    let families = families(&objects);
    let mut loaded = Loaded::default();
    for object in objects {
        let Some(object) = object.as_object() else {
            loaded.malformed(0, "a bundle member that is not an object");
            continue;
        };
        if object.get("type").and_then(Value::as_str) == Some("indicator") {
            indicator(object, &families, feed, &mut loaded);
        }
    }
    Ok(loaded)
}

/// Malware names by the ids of the indicators that an `indicates` relationship ties to them.
fn families<'a>(objects: &[&'a Value]) -> HashMap<&'a str, &'a str> {
    let field = |object: &'a Value, name: &str| object.get(name).and_then(Value::as_str);
    let malware: HashMap<&str, &str> = objects
        .iter()
        .filter(|o| field(o, "type") == Some("malware"))
        .filter_map(|o| Some((field(o, "id")?, field(o, "name")?)))
        .collect();
    objects
        .iter()
        .filter(|o| {
            field(o, "type") == Some("relationship")
                && field(o, "relationship_type") == Some("indicates")
        })
        .filter_map(|o| {
            let name = malware.get(field(o, "target_ref")?)?;
            Some((field(o, "source_ref")?, *name))
        })
        .collect()
}

fn indicator(
    object: &Map<String, Value>,
    families: &HashMap<&str, &str>,
    feed: &str,
    out: &mut Loaded,
) {
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let id = text("id").map(str::to_owned);
    let Some(pattern) = text("pattern") else {
        out.reject(
            0,
            id,
            RejectKind::Malformed,
            "an indicator without a pattern",
        );
        return;
    };
    if let Some(language) = text("pattern_type").filter(|t| *t != "stix") {
        out.reject(
            0,
            id,
            RejectKind::Unsupported,
            format!("pattern_type {language:?}: only STIX patterns are read"),
        );
        return;
    }
    if object.get("revoked").and_then(Value::as_bool) == Some(true) {
        out.reject(0, id, RejectKind::Unsupported, "revoked by its producer");
        return;
    }
    let values = match parse_pattern(pattern) {
        Ok(values) => values,
        Err(Problem::Unsupported(reason)) => {
            out.reject(0, id, RejectKind::Unsupported, reason);
            return;
        }
        Err(Problem::Malformed(reason)) => {
            out.reject(0, id, RejectKind::Malformed, reason);
            return;
        }
    };
    let first_seen = match feed_time(text("valid_from").unwrap_or("")) {
        Ok(time) => time,
        Err(reason) => {
            out.reject(
                0,
                id,
                RejectKind::Malformed,
                format!("valid_from: {reason}"),
            );
            return;
        }
    };
    // STIX confidence is an integer 0-100; anything else is not a confidence to match at 100.
    let confidence = match object.get("confidence") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let Some(c) = value.as_u64().filter(|&c| c <= 100) else {
                out.reject(
                    0,
                    id,
                    RejectKind::Malformed,
                    format!("confidence {value} is not an integer from 0 to 100"),
                );
                return;
            };
            u8::try_from(c).ok()
        }
    };
    let strings = |name: &str| -> Vec<String> {
        object
            .get(name)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let threat = Some(strings("indicator_types").join(",")).filter(|t| !t.is_empty());
    let reference = object
        .get("external_references")
        .and_then(Value::as_array)
        .and_then(|refs| {
            refs.iter()
                .find_map(|r| r.get("url").and_then(Value::as_str))
        })
        .map(str::to_owned)
        .or_else(|| id.clone());
    let family = text("id")
        .and_then(|id| families.get(id))
        .map(|f| (*f).to_owned());
    for (value, source) in values {
        let mut indicator = Indicator::new(feed, value, 0);
        indicator.threat.clone_from(&threat);
        indicator.tags = strings("labels");
        indicator.family.clone_from(&family);
        indicator.first_seen.clone_from(&first_seen);
        indicator.confidence = confidence;
        indicator.reference.clone_from(&reference);
        indicator.source_value = Some(source);
        out.indicators.push(indicator);
    }
}

/// Why a pattern gave no indicators.
#[derive(Debug, PartialEq)]
enum Problem {
    /// Valid STIX, perhaps, but not a comparison dnshunt can match on.
    Unsupported(String),
    /// A supported comparison whose value is broken.
    Malformed(String),
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Equals,
    Text(String),
    Word(String),
}

/// The (value, comparison) pairs of a pattern made only of supported equality comparisons joined
/// by `OR`.
fn parse_pattern(pattern: &str) -> Result<Vec<(IndicatorValue, String)>, Problem> {
    let unsupported = || {
        Problem::Unsupported(format!(
            "pattern {pattern:?} is not an equality on domain-name, ipv4-addr, ipv6-addr or url values joined by OR"
        ))
    };
    let tokens = tokenize(pattern).ok_or_else(unsupported)?;
    let mut values = Vec::new();
    let mut at = 0;
    loop {
        if tokens.get(at) != Some(&Token::Open) {
            return Err(unsupported());
        }
        at += 1;
        loop {
            let (Some(Token::Word(path)), Some(Token::Equals), Some(Token::Text(value))) =
                (tokens.get(at), tokens.get(at + 1), tokens.get(at + 2))
            else {
                return Err(unsupported());
            };
            let parsed = match path.as_str() {
                "domain-name:value" => parse_host(value),
                "url:value" => host_of_url(value),
                "ipv4-addr:value" | "ipv6-addr:value" => {
                    parse_value(value).and_then(|v| check_family(path, v))
                }
                _ => return Err(unsupported()),
            }
            .map_err(|reason| Problem::Malformed(format!("{path} {value:?}: {reason}")))?;
            values.push((parsed, format!("{path} = '{value}'")));
            at += 3;
            match tokens.get(at) {
                Some(Token::Word(word)) if word == "OR" => at += 1,
                Some(Token::Close) => break,
                _ => return Err(unsupported()),
            }
        }
        at += 1;
        match tokens.get(at) {
            None => return Ok(values),
            Some(Token::Word(word)) if word == "OR" => at += 1,
            Some(_) => return Err(unsupported()),
        }
    }
}

/// An `ipv4-addr` value must be IPv4 and an `ipv6-addr` value IPv6.
fn check_family(path: &str, value: IndicatorValue) -> Result<IndicatorValue, String> {
    let is_v4 = match &value {
        IndicatorValue::Ip(ip) | IndicatorValue::Cidr(ip, _) => ip.is_ipv4(),
        IndicatorValue::Domain(_) => return Err("not an address".to_owned()),
    };
    if is_v4 == (path == "ipv4-addr:value") {
        Ok(value)
    } else {
        Err("the address family does not match the object type".to_owned())
    }
}

/// Tokens of a pattern, or `None` for a string that is not closed.
fn tokenize(pattern: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' | ']' | '=' => {
                chars.next();
                tokens.push(match c {
                    '[' => Token::Open,
                    ']' => Token::Close,
                    _ => Token::Equals,
                });
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next()? {
                        '\\' => text.push(chars.next()?),
                        '\'' => break,
                        other => text.push(other),
                    }
                }
                tokens.push(Token::Text(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '[' | ']' | '=' | '\'') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Some(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::IndicatorType;

    fn values(pattern: &str) -> Vec<String> {
        parse_pattern(pattern)
            .unwrap()
            .into_iter()
            .map(|(value, _)| match value {
                IndicatorValue::Domain(name) => name,
                IndicatorValue::Ip(ip) => ip.to_string(),
                IndicatorValue::Cidr(ip, len) => format!("{ip}/{len}"),
            })
            .collect()
    }

    #[test]
    fn reads_equality_patterns() {
        assert_eq!(values("[domain-name:value = 'C2.Example']"), ["c2.example"]);
        assert_eq!(
            values("[ipv4-addr:value = '198.51.100.7' OR ipv6-addr:value='2001:db8::/32']"),
            ["198.51.100.7", "2001:db8::/32"]
        );
        assert_eq!(
            values(
                "[url:value = 'http://x.example/it\\'s'] OR [ipv4-addr:value = '203.0.113.0/24']"
            ),
            ["x.example", "203.0.113.0/24"]
        );
    }

    #[test]
    fn refuses_everything_else() {
        for pattern in [
            "[file:hashes.'SHA-256' = 'abc']",
            "[domain-name:value = 'a.example' AND domain-name:value = 'b.example']",
            "[domain-name:value LIKE '%.example']",
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            "[domain-name:value = 'a.example'] WITHIN 10 SECONDS",
            "[domain-name:value != 'a.example']",
            "[domain-name:value = 'a.example'",
            "[domain-name:value = 'open",
            "",
        ] {
            assert!(
                matches!(parse_pattern(pattern), Err(Problem::Unsupported(_))),
                "{pattern}"
            );
        }
        assert!(matches!(
            parse_pattern("[ipv4-addr:value = '2001:db8::1']"),
            Err(Problem::Malformed(_))
        ));
    }

    #[test]
    fn reads_a_bundle_with_families_and_reports_the_rest() {
        let bundle = r#"{"type": "bundle", "id": "bundle--1", "objects": [
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--a", "created": "2024-08-28T10:00:00.000Z", "modified": "2024-08-28T10:00:00.000Z",
             "indicator_types": ["malicious-activity"], "pattern": "[domain-name:value = 'c2.malware.example']", "pattern_type": "stix",
             "valid_from": "2024-08-28T10:00:00Z", "confidence": 80, "labels": ["c2"]},
            {"type": "indicator", "id": "indicator--b", "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", "pattern_type": "stix", "valid_from": "2024-08-28T10:00:00Z"},
            {"type": "indicator", "id": "indicator--c", "pattern": "alert tcp any any", "pattern_type": "snort", "valid_from": "2024-08-28T10:00:00Z"},
            {"type": "indicator", "id": "indicator--d", "valid_from": "2024-08-28T10:00:00Z"},
            {"type": "malware", "id": "malware--m", "name": "AgentTesla", "is_family": true},
            {"type": "relationship", "id": "relationship--r", "relationship_type": "indicates", "source_ref": "indicator--a", "target_ref": "malware--m"}
        ]}"#;
        let loaded = load(bundle, "stix").unwrap();
        assert_eq!(loaded.indicators.len(), 1);
        let only = &loaded.indicators[0];
        assert_eq!(only.kind, IndicatorType::Domain);
        assert_eq!(only.family.as_deref(), Some("AgentTesla"));
        assert_eq!(only.confidence, Some(80));
        assert_eq!(only.threat.as_deref(), Some("malicious-activity"));
        assert_eq!(only.reference.as_deref(), Some("indicator--a"));
        assert_eq!(only.first_seen.as_deref(), Some("2024-08-28T10:00:00Z"));
        let rejected: Vec<(Option<&str>, RejectKind)> = loaded
            .rejected
            .iter()
            .map(|r| (r.record_id.as_deref(), r.kind))
            .collect();
        assert_eq!(
            rejected,
            [
                (Some("indicator--b"), RejectKind::Unsupported),
                (Some("indicator--c"), RejectKind::Unsupported),
                (Some("indicator--d"), RejectKind::Malformed),
            ]
        );
    }

    #[test]
    fn a_confidence_out_of_range_is_malformed_not_certain() {
        for confidence in ["150", "-5", "\"low\"", "50.5"] {
            let object = format!(
                r#"{{"type": "indicator", "id": "indicator--x", "pattern": "[domain-name:value = 'c2.example']",
                    "valid_from": "2024-08-28T10:00:00Z", "confidence": {confidence}}}"#
            );
            let loaded = load(&object, "stix").unwrap();
            assert!(loaded.indicators.is_empty(), "{confidence}");
            assert_eq!(
                loaded.rejected[0].kind,
                RejectKind::Malformed,
                "{confidence}"
            );
        }
    }
}
