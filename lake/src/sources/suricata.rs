//! Suricata EVE JSON `dns` events: v1 (one answer per event), v2 (`query`/`answer` with detailed
//! answers) and v3 (`request`/`response` with a `queries` array). Other event types are skipped.

use serde_json::Value;

use super::Source;
use super::json::{self, Object};
use crate::event::{Event, Parsed};

/// The Suricata EVE parser.
pub struct Suricata;

impl Source for Suricata {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim_ascii().is_empty() {
            return Parsed::Skip;
        }
        let obj = match json::object(line) {
            Ok(obj) => obj,
            Err(reason) => return Parsed::Reject(reason),
        };
        if obj.get("event_type").and_then(Value::as_str) != Some("dns") {
            return Parsed::Skip;
        }
        match event(&obj) {
            Ok(event) => Parsed::Event(Box::new(event)),
            Err(reason) => Parsed::Reject(reason),
        }
    }
}

fn event(obj: &Object) -> Result<Event, String> {
    let text = json::opt_str(obj, "timestamp")?.ok_or("missing field `timestamp`")?;
    let event_time = json::iso_to_micros("timestamp", text)?;
    let Some(Value::Object(dns)) = obj.get("dns") else {
        return Err("missing object `dns`".to_owned());
    };
    let version = json::opt_i64(dns, "version")?;
    let kind = json::opt_str(dns, "type")?.unwrap_or_default();
    let (rrname, rrtype) = question(dns)?;
    let server_side = server_is_source(obj, kind, version)?;
    let (src, dest) = (
        json::opt_str(obj, "src_ip")?.map(str::to_owned),
        json::opt_str(obj, "dest_ip")?.map(str::to_owned),
    );
    let (client_ip, server_ip) = if server_side {
        (dest, src)
    } else {
        (src, dest)
    };
    Ok(Event {
        event_time,
        count: Some(1),
        client_ip,
        server_ip,
        query_raw: rrname.into_bytes(),
        qtype: rrtype,
        rcode: json::opt_text(dns, "rcode")?,
        answers: answers(dns)?,
        ..Event::default()
    })
}

/// Whether `src_ip` is the server. The ports decide when one side is a DNS port: Suricata 4.1
/// wrote v2 answers from the server side although later v2 writers keep the client as `src_ip`.
/// Otherwise the layout rule: v3 responses and v1 answers come from the server.
fn server_is_source(obj: &Object, kind: &str, version: Option<i64>) -> Result<bool, String> {
    const DNS_PORTS: [i64; 4] = [53, 853, 5353, 5355];
    let src = json::opt_i64(obj, "src_port")?.is_some_and(|p| DNS_PORTS.contains(&p));
    let dest = json::opt_i64(obj, "dest_port")?.is_some_and(|p| DNS_PORTS.contains(&p));
    Ok(match (src, dest) {
        (true, false) => true,
        (false, true) => false,
        _ => kind == "response" || (kind == "answer" && version != Some(2)),
    })
}

/// The first question: `queries[0]` (v3) or `rrname`/`rrtype` on `dns` (v1, v2).
fn question(dns: &Object) -> Result<(String, Option<String>), String> {
    let holder = match dns.get("queries") {
        Some(Value::Array(queries)) => match queries.first() {
            Some(Value::Object(first)) => first,
            Some(other) => {
                return Err(format!(
                    "`dns.queries` should hold objects, found {}",
                    json::kind(other)
                ));
            }
            None => return Err("`dns.queries` is empty".to_owned()),
        },
        Some(other) => {
            return Err(format!(
                "`dns.queries` should be an array, found {}",
                json::kind(other)
            ));
        }
        None => dns,
    };
    let rrname = json::opt_str(holder, "rrname")?.ok_or("dns event without `rrname`")?;
    Ok((rrname.to_owned(), json::opt_text(holder, "rrtype")?))
}

/// Answer data from the detailed list; `grouped` only when there is no detailed list (both are on
/// by default, and counting both would double every answer); v1 puts one `rdata` on `dns`.
fn answers(dns: &Object) -> Result<Vec<String>, String> {
    if let Some(value) = dns.get("answers") {
        let Value::Array(items) = value else {
            return Err(format!(
                "`dns.answers` should be an array, found {}",
                json::kind(value)
            ));
        };
        return Ok(items
            .iter()
            .filter_map(|item| item.as_object().and_then(answer_text))
            .collect());
    }
    if let Some(Value::Object(grouped)) = dns.get("grouped") {
        return Ok(grouped
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect());
    }
    Ok(answer_text(dns).into_iter().collect())
}

/// One answer's data: `rdata`, or the nested `soa`/`srv`/`sshfp` object written as JSON.
fn answer_text(answer: &Object) -> Option<String> {
    if let Some(rdata) = answer.get("rdata") {
        return Some(
            rdata
                .as_str()
                .map_or_else(|| rdata.to_string(), str::to_owned),
        );
    }
    ["soa", "srv", "sshfp"]
        .iter()
        .find_map(|key| answer.get(*key).map(Value::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_response_puts_the_client_on_dest() {
        let line = r#"{"timestamp":"2024-08-28T10:15:21.135456+0000","event_type":"dns","src_ip":"192.0.2.53","dest_ip":"192.0.2.10","dns":{"version":3,"type":"response","rcode":"NOERROR","queries":[{"rrname":"www.example.com","rrtype":"A"}],"answers":[{"rrname":"www.example.com","rrtype":"A","ttl":60,"rdata":"203.0.113.7"}],"grouped":{"A":["203.0.113.7"]}}}"#;
        let Parsed::Event(e) = Suricata.parse(line) else {
            panic!()
        };
        assert_eq!(e.client_ip.as_deref(), Some("192.0.2.10"));
        assert_eq!(e.answers, ["203.0.113.7"]);
        assert_eq!(e.event_time, 1_724_840_121_135_456);
        assert_eq!(Suricata.parse(r#"{"event_type":"flow"}"#), Parsed::Skip);
    }
}
