//! BIND 9 logs: the `queries` category, and the denied queries and zone transfers of the
//! `security` category, under any `print-time` prefix, a syslog prefix, or a category prefix.
//!
//! Other messages of a `named` log (zone loads, notifies, `query-errors` follow-ups of a query
//! the `queries` category already logged) are not DNS queries: they are skipped and counted.
//! A line without a time, or a query message that cannot be read, is quarantined.

use chrono::{NaiveDateTime, TimeZone, Utc};

use super::Source;
use crate::event::{Event, Parsed};

/// The BIND log parser. Syslog stamps carry no year, so the caller supplies one.
pub struct Bind {
    /// The year to put on syslog timestamps.
    pub year: i32,
}

impl Source for Bind {
    fn parse(&mut self, line: &str) -> Parsed {
        let line = line.trim_ascii();
        if line.is_empty() || line.starts_with('#') {
            return Parsed::Skip;
        }
        match self.event(line) {
            Ok(Some(event)) => Parsed::Event(Box::new(event)),
            Ok(None) => Parsed::Skip,
            Err(reason) => Parsed::Reject(reason),
        }
    }
}

/// Whether a line looks like a BIND client message (for `--format auto`).
pub fn looks_like(line: &str) -> bool {
    line.contains("client ")
        && (line.contains(": query: ")
            || line.contains("' denied")
            || line.contains(": query failed ("))
}

impl Bind {
    /// The event on a line, `None` for a message that is not a query.
    fn event(&self, line: &str) -> Result<Option<Event>, String> {
        let (prefix, message) = match line.find("client ") {
            Some(at) => line.split_at(at),
            None => (line, ""),
        };
        let event_time = self.time(prefix)?;
        let Some(message) = message.strip_prefix("client ") else {
            return Ok(None);
        };
        // The peer is `[@0x… ]<ip>#<port>[/key …] [(<qname>)]`, ended by the first `: `.
        let (peer, text) = message
            .split_once(": ")
            .ok_or("no `: ` after the client address")?;
        let address = peer
            .split_ascii_whitespace()
            .find(|part| part.contains('#'))
            .and_then(|part| part.split('#').next())
            .ok_or("no client address `<ip>#<port>`")?;
        let text = strip_view(text);
        let mut event = if let Some(question) = text.strip_prefix("query: ") {
            query(question)?
        } else if let Some(denied) = denied(text) {
            denied?
        } else {
            return Ok(None);
        };
        event.event_time = event_time;
        event.count = Some(1);
        event.client_ip = Some(address.to_owned());
        Ok(Some(event))
    }

    /// The time at the start of `prefix`: BIND's `28-Aug-2024 10:15:21.123`, ISO 8601 (with
    /// `Z`, an offset, or none) or a syslog `Jul 24 14:16:55`. Times without a zone are UTC.
    fn time(&self, prefix: &str) -> Result<i64, String> {
        let words: Vec<&str> = prefix.split_ascii_whitespace().take(3).collect();
        let first = words.first().copied().unwrap_or_default();
        let zoned = |pattern: Option<&str>| {
            match pattern {
                None => chrono::DateTime::parse_from_rfc3339(first),
                Some(pattern) => chrono::DateTime::parse_from_str(first, pattern),
            }
            .ok()
            .map(|t| t.timestamp_micros())
        };
        let naive = |text: &str, pattern: &str| {
            NaiveDateTime::parse_from_str(text, pattern)
                .ok()
                .map(|t| Utc.from_utc_datetime(&t).timestamp_micros())
        };
        let bind_stamp = words.get(..2).map(|w| w.join(" ")).unwrap_or_default();
        let syslog = format!("{} {}", self.year, words.join(" "));
        let micros = zoned(None)
            .or_else(|| zoned(Some("%Y-%m-%dT%H:%M:%S%.f%z")))
            .or_else(|| naive(first, "%Y-%m-%dT%H:%M:%S%.f"))
            .or_else(|| naive(&bind_stamp, "%d-%b-%Y %H:%M:%S%.f"))
            .or_else(|| naive(&syslog, "%Y %b %e %H:%M:%S"))
            .ok_or_else(|| {
                let shown: String = prefix.chars().take(40).collect();
                format!("no BIND time prefix (enable `print-time` in the logging channel): {shown}")
            })?;
        super::check_time(micros, first)
    }
}

/// Drops a `view NAME: ` in front of the message.
fn strip_view(text: &str) -> &str {
    text.strip_prefix("view ")
        .and_then(|rest| rest.split_once(": "))
        .map_or(text, |(_, rest)| rest)
}

/// `query: NAME CLASS TYPE FLAGS (SERVER)` of the `queries` category.
fn query(question: &str) -> Result<Event, String> {
    let mut words = question.split_ascii_whitespace();
    let qname = words.next().ok_or("no query name after `query:`")?;
    let _class = words.next();
    let qtype = words.next().ok_or("no query type after the class")?;
    let server = question
        .rfind('(')
        .and_then(|open| question[open + 1..].split(')').next())
        .map(str::to_owned);
    Ok(Event {
        server_ip: server,
        query_raw: qname.as_bytes().to_vec(),
        qtype: Some(qtype.to_owned()),
        ..Event::default()
    })
}

/// A refused request of the `security` category: `query [(cache)] 'NAME/TYPE/CLASS' denied`,
/// `zone transfer 'NAME/AXFR/CLASS' denied`, or `bad zone transfer request: 'NAME/CLASS': …
/// (RCODE)`. `None` for any other message.
fn denied(text: &str) -> Option<Result<Event, String>> {
    let (quoted, qtype, rcode) =
        if let Some(rest) = text.strip_prefix("bad zone transfer request: ") {
            let rcode = rest
                .rsplit_once('(')
                .and_then(|(_, code)| code.strip_suffix(')'))
                .unwrap_or("REFUSED");
            (rest, Some("AXFR"), rcode)
        } else if text.starts_with("query ") || text.starts_with("zone transfer ") {
            if !text.contains("' denied") {
                return None;
            }
            (text, None, "REFUSED")
        } else {
            return None;
        };
    let triple = quoted
        .split('\'')
        .nth(1)
        .ok_or("no quoted 'NAME/TYPE/CLASS' in the denied request");
    Some(triple.map_err(str::to_owned).and_then(|triple| {
        let mut parts = triple.split('/');
        let name = parts.next().filter(|n| !n.is_empty()).ok_or("empty name")?;
        let qtype = match qtype {
            Some(qtype) => qtype,
            None => parts.next().ok_or("no type in 'NAME/TYPE/CLASS'")?,
        };
        Ok(Event {
            query_raw: name.as_bytes().to_vec(),
            qtype: Some(qtype.to_owned()),
            rcode: Some(rcode.to_owned()),
            ..Event::default()
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_native_and_iso_prefixes() {
        let native = "28-Aug-2024 10:15:21.123 queries: info: client @0x7f3a1c00b2d0 192.0.2.10#53412 (www.example.com): query: www.example.com IN A +E(0)DV (192.0.2.53)";
        let Parsed::Event(e) = Bind { year: 2026 }.parse(native) else {
            panic!()
        };
        assert_eq!(e.event_time, 1_724_840_121_123_000);
        assert_eq!(e.client_ip.as_deref(), Some("192.0.2.10"));
        assert_eq!(e.server_ip.as_deref(), Some("192.0.2.53"));
        assert_eq!(e.qtype.as_deref(), Some("A"));
        let iso = "2026-11-28T01:33:21.174Z client @0x1 2001:db8::1#53005 (x.example): query: x.example IN AAAA +E(0)K (::1)";
        let Parsed::Event(e) = Bind { year: 2026 }.parse(iso) else {
            panic!()
        };
        assert_eq!(e.client_ip.as_deref(), Some("2001:db8::1"));
        assert!(matches!(
            Bind { year: 2026 }.parse("client 1.2.3.4#5: query:"),
            Parsed::Reject(_)
        ));
    }

    fn parsed(line: &str) -> (String, String, Option<String>, Option<String>) {
        let Parsed::Event(e) = (Bind { year: 2013 }).parse(line) else {
            panic!("no event: {line}")
        };
        (
            String::from_utf8(e.query_raw).unwrap(),
            e.client_ip.unwrap(),
            e.qtype,
            e.rcode,
        )
    }

    #[test]
    fn denied_requests_are_refused_queries() {
        let (name, client, qtype, rcode) = parsed(
            "Jul 24 14:16:55 raid5 named[3935]: client 194.145.196.18#4795: query 'ricreig.com/NS/IN' denied",
        );
        assert_eq!(
            (name.as_str(), client.as_str()),
            ("ricreig.com", "194.145.196.18")
        );
        assert_eq!(
            (qtype.as_deref(), rcode.as_deref()),
            (Some("NS"), Some("REFUSED"))
        );
        let (name, _, qtype, _) = parsed(
            "Jul 24 14:23:36 raid5 named[3935]: client 62.109.4.89#9334: view external: query (cache) './NS/IN' denied",
        );
        assert_eq!((name.as_str(), qtype.as_deref()), (".", Some("NS")));
        let (name, _, qtype, _) = parsed(
            "11-Aug-2013 03:36:11.372 error: client 1.2.3.4#52115: zone transfer 'domain.com/AXFR/IN' denied",
        );
        assert_eq!(
            (name.as_str(), qtype.as_deref()),
            ("domain.com", Some("AXFR"))
        );
        let (name, client, qtype, rcode) = parsed(
            "Aug 27 16:59:00 host named[28098]: client @0x7f6450002ef0 192.0.2.1#23332 (example.com): bad zone transfer request: 'test.com/IN': non-authoritative zone (NOTAUTH)",
        );
        assert_eq!((name.as_str(), client.as_str()), ("test.com", "192.0.2.1"));
        assert_eq!(
            (qtype.as_deref(), rcode.as_deref()),
            (Some("AXFR"), Some("NOTAUTH"))
        );
    }

    #[test]
    fn server_messages_are_skipped_and_lines_without_time_rejected() {
        let mut bind = Bind { year: 2026 };
        for line in [
            "# failJSON: { \"match\": true }",
            "28-Nov-2026 01:33:18.182 general: notice: all zones loaded",
            "28-Nov-2026 01:33:25.626 notify: info: client @0x7fd73247f498 127.20.0.21#55421: received notify for zone 'example.com'",
            "28-Nov-2026 01:33:35.218 query-errors: info: client @0x1 127.0.0.1#53229 (www.wikipedia.org): query failed (timed out) for www.wikipedia.org/IN/A at query.c:7916",
        ] {
            assert!(matches!(bind.parse(line), Parsed::Skip), "{line}");
        }
        for line in [
            "atom named[1806]: client @0x7fb13400eec0 192.0.2.1#61977 (.): query (cache) './ANY/IN' denied",
            "garbage",
        ] {
            assert!(matches!(bind.parse(line), Parsed::Reject(_)), "{line}");
        }
    }
}
