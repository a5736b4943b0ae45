//! BIND 9 query log lines (`queries` category), with any `print-time` prefix or none.

use chrono::{NaiveDateTime, TimeZone, Utc};

use super::Source;
use crate::event::{Event, Parsed};

/// The BIND query log parser.
pub struct Bind;

impl Source for Bind {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim_ascii().is_empty() {
            return Parsed::Skip;
        }
        match event(line) {
            Ok(event) => Parsed::Event(Box::new(event)),
            Err(reason) => Parsed::Reject(reason),
        }
    }
}

/// Whether a line looks like a BIND query log line (for `--format auto`).
pub fn looks_like(line: &str) -> bool {
    line.contains("client ") && line.contains(": query: ")
}

fn event(line: &str) -> Result<Event, String> {
    let client_at = line
        .find("client ")
        .ok_or("not a BIND query line: no `client`")?;
    let (prefix, rest) = line.split_at(client_at);
    let query_at = rest
        .find(": query: ")
        .ok_or("not a BIND query line: no `query:`")?;
    let (peer, question) = (
        &rest["client ".len()..query_at],
        &rest[query_at + ": query: ".len()..],
    );
    // The peer is `[@0x… ]<ip>#<port>[/key …] (<qname>)`.
    let address = peer
        .split_ascii_whitespace()
        .find(|part| part.contains('#'))
        .and_then(|part| part.split('#').next())
        .ok_or("no client address `<ip>#<port>`")?;
    let mut words = question.split_ascii_whitespace();
    let qname = words.next().ok_or("no query name after `query:`")?;
    let _class = words.next();
    let qtype = words.next().ok_or("no query type after the class")?;
    let server = question
        .rfind('(')
        .and_then(|open| question[open + 1..].split(')').next())
        .map(str::to_owned);
    let event_time = time(prefix.trim())?;
    Ok(Event {
        event_time,
        count: Some(1),
        client_ip: Some(address.to_owned()),
        server_ip: server,
        query_raw: qname.as_bytes().to_vec(),
        qtype: Some(qtype.to_owned()),
        ..Event::default()
    })
}

/// The `print-time` prefix: ISO 8601 (with `Z`, an offset, or none) or `28-Aug-2024 10:15:21.123`,
/// followed by optional `queries: info:`. Times without a zone are taken as UTC.
fn time(prefix: &str) -> Result<i64, String> {
    let stamp = prefix.split(" queries:").next().unwrap_or_default().trim();
    if stamp.is_empty() {
        return Err("no time prefix (enable `print-time` in the BIND logging channel)".to_owned());
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(stamp) {
        return Ok(t.timestamp_micros());
    }
    if let Ok(t) = chrono::DateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Ok(t.timestamp_micros());
    }
    for pattern in ["%d-%b-%Y %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(stamp, pattern) {
            return Ok(Utc.from_utc_datetime(&t).timestamp_micros());
        }
    }
    Err(format!("unrecognised BIND time prefix: {stamp}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_native_and_iso_prefixes() {
        let native = "28-Aug-2024 10:15:21.123 queries: info: client @0x7f3a1c00b2d0 192.0.2.10#53412 (www.example.com): query: www.example.com IN A +E(0)DV (192.0.2.53)";
        let Parsed::Event(e) = Bind.parse(native) else {
            panic!()
        };
        assert_eq!(e.event_time, 1_724_840_121_123_000);
        assert_eq!(e.client_ip.as_deref(), Some("192.0.2.10"));
        assert_eq!(e.server_ip.as_deref(), Some("192.0.2.53"));
        assert_eq!(e.qtype.as_deref(), Some("A"));
        let iso = "2026-11-28T01:33:21.174Z client @0x1 2001:db8::1#53005 (x.example): query: x.example IN AAAA +E(0)K (::1)";
        let Parsed::Event(e) = Bind.parse(iso) else {
            panic!()
        };
        assert_eq!(e.client_ip.as_deref(), Some("2001:db8::1"));
        assert!(matches!(
            Bind.parse("client 1.2.3.4#5: query:"),
            Parsed::Reject(_)
        ));
    }
}
