//! Zeek `dns.log` as NDJSON (epoch or ISO 8601 `ts`, flat dotted keys).

use serde_json::Value;

use super::Source;
use super::json;
use crate::event::{Event, Parsed};

/// The Zeek JSON parser.
pub struct ZeekJson;

impl Source for ZeekJson {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim_ascii().is_empty() {
            return Parsed::Skip;
        }
        match json::object(line).and_then(|obj| event(&obj)) {
            Ok(event) => Parsed::Event(Box::new(event)),
            Err(reason) => Parsed::Reject(reason),
        }
    }
}

fn event(obj: &json::Object) -> Result<Event, String> {
    let event_time = match obj.get("ts") {
        None | Some(Value::Null) => return Err("missing field `ts`".to_owned()),
        Some(Value::String(text)) => json::iso_to_micros("ts", text)?,
        Some(value) => json::epoch_seconds_to_micros("ts", value)?,
    };
    // A root query is logged as an empty string; an absent query (a reply with no question) too.
    let query = json::opt_str(obj, "query")?.unwrap_or_default();
    Ok(Event {
        event_time,
        count: Some(1),
        client_ip: json::opt_str(obj, "id.orig_h")?.map(str::to_owned),
        server_ip: json::opt_str(obj, "id.resp_h")?.map(str::to_owned),
        query_raw: query.as_bytes().to_vec(),
        qtype: json::opt_text(obj, "qtype_name")?.or(json::opt_text(obj, "qtype")?),
        rcode: json::opt_text(obj, "rcode_name")?.or(json::opt_text(obj, "rcode")?),
        answers: json::string_list(obj, "answers")?,
        ..Event::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_and_missing_ts() {
        let Parsed::Event(e) = ZeekJson.parse(
            r#"{"ts":"2019-08-27T21:00:00.058798Z","query":"x.example","answers":["1.2.3.4"]}"#,
        ) else {
            panic!()
        };
        assert_eq!(e.event_time, 1_566_939_600_058_798);
        assert!(
            matches!(ZeekJson.parse(r#"{"query":"x"}"#), Parsed::Reject(r) if r.contains("ts"))
        );
    }
}
