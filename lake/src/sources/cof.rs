//! Passive DNS Common Output Format: plain NDJSON records, DNSDB v2 `cond`/`obj` framing, and the
//! seed notebook's 7-field records.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;

use super::Source;
use super::json::{self, Object};
use crate::event::{Event, Parsed};

/// The COF parser.
pub struct Cof;

impl Source for Cof {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim_ascii().is_empty() {
            return Parsed::Skip;
        }
        if let Some(event) = FlatRecord::event(line) {
            return Parsed::Event(Box::new(event));
        }
        let obj = match json::object(line) {
            Ok(obj) => obj,
            Err(reason) => return Parsed::Reject(reason),
        };
        match framed(obj) {
            Ok(Some(record)) => match record_event(&record) {
                Ok(event) => Parsed::Event(Box::new(event)),
                Err(reason) => Parsed::Reject(reason),
            },
            Ok(None) => Parsed::Skip,
            Err(reason) => Parsed::Reject(reason),
        }
    }
}

/// Unwraps DNSDB framing: the COF record, `None` for stream control and keepalives.
fn framed(mut obj: Object) -> Result<Option<Object>, String> {
    if let Some(inner) = obj.remove("obj") {
        return match inner {
            Value::Object(record) => Ok(Some(record)),
            other => Err(format!(
                "field `obj` should be an object, found {}",
                json::kind(&other)
            )),
        };
    }
    if let Some(cond) = obj.get("cond") {
        return match cond.as_str() {
            Some("begin" | "ongoing" | "succeeded" | "limited") => Ok(None),
            Some("failed") => Err(format!(
                "DNSDB stream failed: {}",
                obj.get("msg")
                    .and_then(Value::as_str)
                    .unwrap_or("no message")
            )),
            _ => Err(format!("unknown DNSDB stream condition {cond}")),
        };
    }
    if obj.is_empty() {
        return Ok(None); // a DNSDB keepalive line
    }
    Ok(Some(obj))
}

fn record_event(record: &Object) -> Result<Event, String> {
    let rrname = json::opt_str(record, "rrname")?.ok_or("missing field `rrname`")?;
    let first = time_pair(record, "time_first", "zone_time_first")?;
    let last = time_pair(record, "time_last", "zone_time_last")?;
    let event_time = first
        .or(last)
        .ok_or("missing field `time_first` (and `zone_time_first`)")?;
    Ok(Event {
        event_time,
        first_seen: first,
        last_seen: last,
        count: count(json::opt_i64(record, "count")?)?,
        query_raw: rrname.as_bytes().to_vec(),
        qtype: json::opt_text(record, "rrtype")?,
        answers: json::string_list(record, "rdata")?,
        ..Event::default()
    })
}

/// A record's `count`: how often the sensor saw it, so never negative.
fn count(count: Option<i64>) -> Result<Option<i64>, String> {
    match count {
        Some(n) if n < 0 => Err(format!("field `count` is negative: {n}")),
        _ => Ok(count),
    }
}

/// A plain COF record read straight into typed fields, without a `serde_json::Value` tree:
/// parsing went about twice as fast (docs/performance.md, lake ingest). Whatever it does not
/// take (DNSDB framing, a mistyped field, a duplicate key, a time out of range) goes the
/// general way, which also says what is wrong.
#[derive(Deserialize)]
struct FlatRecord<'a> {
    #[serde(borrow)]
    rrname: Cow<'a, str>,
    rrtype: Option<Text>,
    rdata: Option<Strings>,
    count: Option<i64>,
    time_first: Option<f64>,
    time_last: Option<f64>,
    zone_time_first: Option<f64>,
    zone_time_last: Option<f64>,
    obj: Option<IgnoredAny>,
    cond: Option<IgnoredAny>,
}

impl FlatRecord<'_> {
    /// The event of `line` when it is a plain record of well-typed fields.
    fn event(line: &str) -> Option<Event> {
        let record: FlatRecord<'_> = serde_json::from_str(line).ok()?;
        if record.obj.is_some() || record.cond.is_some() || count(record.count).is_err() {
            return None;
        }
        // Wire times win over zone-file times, as in `time_pair`.
        // `None`: out of range; `Some(None)`: absent.
        let seconds = |wire: Option<f64>, zone: Option<f64>| match wire.or(zone) {
            None => Some(None),
            Some(s) => json::seconds_to_micros("time", s).ok().map(Some),
        };
        let first = seconds(record.time_first, record.zone_time_first)?;
        let last = seconds(record.time_last, record.zone_time_last)?;
        Some(Event {
            event_time: first.or(last)?,
            first_seen: first,
            last_seen: last,
            count: record.count,
            query_raw: record.rrname.as_bytes().to_vec(),
            qtype: record.rrtype.map(|t| t.0),
            answers: record.rdata.map(|s| s.0).unwrap_or_default(),
            ..Event::default()
        })
    }
}

/// A string, or an integer written in decimal (`rrtype` 65).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
                Ok(Text(value.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Text, E> {
                Ok(Text(value.to_string()))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Text, E> {
                Ok(Text(value.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A string or a list of strings (`rdata`).
struct Strings(Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Strings, E> {
                Ok(Strings(vec![value.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(Strings(items))
            }
        }
        deserializer.deserialize_any(StringsVisitor)
    }
}

/// Wire times win over zone-file times when both are present.
fn time_pair(record: &Object, wire: &str, zone: &str) -> Result<Option<i64>, String> {
    for key in [wire, zone] {
        match record.get(key) {
            None | Some(Value::Null) => {}
            Some(value) => return json::epoch_seconds_to_micros(key, value).map(Some),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Event {
        match Cof.parse(line) {
            Parsed::Event(e) => *e,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn dnsdb_framing_and_string_rdata() {
        assert_eq!(Cof.parse(r#"{"cond":"begin"}"#), Parsed::Skip);
        let e = event(
            r#"{"obj":{"count":12,"time_first":1700000000,"time_last":1700086400,"rrname":"www.example.com.","rrtype":"A","rdata":"192.0.2.10"}}"#,
        );
        assert_eq!(e.query_raw, b"www.example.com.");
        assert_eq!(e.answers, ["192.0.2.10"]);
        assert_eq!(e.count, Some(12));
        assert_eq!(e.event_time, 1_700_000_000_000_000);
        assert!(matches!(
            Cof.parse(r#"{"cond":"exploded"}"#),
            Parsed::Reject(_)
        ));
    }

    #[test]
    fn the_typed_path_reads_what_the_general_path_reads() {
        let lines = [
            r#"{"rrname":"www.example.com.","rrtype":"A","rdata":["192.0.2.1","192.0.2.2"],"count":3,"time_first":1700000000,"time_last":1700000100}"#,
            r#"{"rrname":"caf\u00e9.example","rrtype":65,"rdata":"x","zone_time_first":10.5,"zone_time_last":null,"bailiwick":"example."}"#,
            r#"{"rrname":"a\"b.example","time_last":20,"rdata":[],"count":null}"#,
        ];
        for line in lines {
            let typed = FlatRecord::event(line).expect(line);
            let general = record_event(&framed(json::object(line).unwrap()).unwrap().unwrap());
            assert_eq!(Ok(typed), general, "{line}");
        }
        // Framing, mistyped fields and times out of range go the general way.
        for line in [
            r#"{"obj":{"rrname":"a.example","time_first":1}}"#,
            r#"{"rrname":"a.example","time_first":"1"}"#,
            r#"{"rrname":"a.example","rrtype":1.5,"time_first":1}"#,
            r#"{"rrname":"a.example","time_first":-1}"#,
            r#"{"rrname":"a.example","rrname":"b.example","time_first":1}"#,
        ] {
            assert!(FlatRecord::event(line).is_none(), "{line}");
        }
    }

    #[test]
    fn numeric_rrtype_zone_times_and_mistyped_fields() {
        let e = event(
            r#"{"rrname":"a.example","rrtype":65,"zone_time_first":10,"zone_time_last":20,"rdata":[]}"#,
        );
        assert_eq!(e.qtype.as_deref(), Some("65"));
        assert_eq!(e.last_seen, Some(20_000_000));
        let Parsed::Reject(reason) = Cof.parse(r#"{"rrname":7,"time_first":1}"#) else {
            panic!()
        };
        assert!(reason.contains("rrname"), "{reason}");
        let Parsed::Reject(reason) = Cof.parse(r#"{"rrname":"a.b","time_first":"x"}"#) else {
            panic!()
        };
        assert!(reason.contains("time_first"), "{reason}");
        let Parsed::Reject(reason) = Cof.parse(r#"{"rrname":"a.b","time_first":1,"count":-7}"#)
        else {
            panic!()
        };
        assert_eq!(reason, "field `count` is negative: -7");
    }
}
