//! Passive DNS Common Output Format: plain NDJSON records, DNSDB v2 `cond`/`obj` framing, and the
//! seed notebook's 7-field records.

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
        count: json::opt_i64(record, "count")?,
        query_raw: rrname.as_bytes().to_vec(),
        qtype: json::opt_text(record, "rrtype")?,
        answers: json::string_list(record, "rdata")?,
        ..Event::default()
    })
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
    }
}
