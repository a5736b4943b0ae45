//! dnsmasq `log-queries` lines through syslog. Each `query[TYPE]` line is one event; the
//! `forwarded`/`reply`/`cached`/`config` lines about it and daemon messages are skipped (joining
//! replies to their query by serial is future work).

use chrono::{NaiveDateTime, TimeZone, Utc};

use super::Source;
use crate::event::{Event, Parsed};

/// The dnsmasq parser. Syslog stamps carry no year, so the caller supplies one (the reader uses
/// the file's modification year).
pub struct Dnsmasq {
    /// The year to put on syslog timestamps.
    pub year: i32,
}

/// Whether a line looks like a dnsmasq syslog line (for `--format auto`).
pub fn looks_like(line: &str) -> bool {
    line.get(16..)
        .is_some_and(|rest| rest.starts_with("dnsmasq[") || rest.starts_with("dnsmasq:"))
}

impl Source for Dnsmasq {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim_ascii().is_empty() {
            return Parsed::Skip;
        }
        let Some((stamp, message)) = split_syslog(line) else {
            return Parsed::reject("not a dnsmasq syslog line (`Mon dd HH:MM:SS dnsmasq[pid]: …`)");
        };
        let Some(question) = question(message) else {
            return Parsed::Skip;
        };
        let Some((qtype, rest)) = question.split_once("] ") else {
            return Parsed::reject("`query[` without its closing `] `");
        };
        // Names may hold spaces (and dnsmasq writes `<name unprintable>`): the client follows the
        // last ` from `.
        let Some((name, client)) = rest.rsplit_once(" from ") else {
            return Parsed::reject("`query[…]` line without `<name> from <client>`");
        };
        let Some(event_time) = self.time(stamp) else {
            return Parsed::Reject(format!("unrecognised syslog time: {stamp}"));
        };
        Parsed::Event(Box::new(Event {
            event_time,
            count: Some(1),
            client_ip: Some(client.trim().to_owned()),
            query_raw: name.as_bytes().to_vec(),
            qtype: Some(qtype.to_owned()),
            ..Event::default()
        }))
    }
}

/// What follows `query[` when the message is a query, after what `log-queries=extra` puts before
/// it (`<serial> <client>/<port> `, and `UDP `/`TCP ` with `=proto`). Only the start of the
/// message counts: a `reply` or `forwarded` line logs a name, and a name may hold `query[`.
fn question(message: &str) -> Option<&str> {
    let mut rest = message;
    for _ in 0..3 {
        if let Some(question) = rest.strip_prefix("query[") {
            return Some(question);
        }
        let (token, after) = rest.split_once(' ')?;
        let prefix = (!token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()))
            || token.contains('/')
            || token == "UDP"
            || token == "TCP";
        if !prefix {
            return None;
        }
        rest = after;
    }
    rest.strip_prefix("query[")
}

/// `Nov 28 01:33:25 dnsmasq[31106]: message` into the stamp and the message.
fn split_syslog(line: &str) -> Option<(&str, &str)> {
    let stamp = line.get(..15)?;
    let rest = line.get(16..)?;
    let colon = rest.find(": ")?;
    rest[..colon]
        .starts_with("dnsmasq")
        .then(|| (stamp, &rest[colon + 2..]))
}

impl Dnsmasq {
    /// Syslog times are local to the server; without a zone they are taken as UTC.
    fn time(&self, stamp: &str) -> Option<i64> {
        let text = format!("{} {stamp}", self.year);
        let t = NaiveDateTime::parse_from_str(&text, "%Y %b %e %H:%M:%S").ok()?;
        Some(Utc.from_utc_datetime(&t).timestamp_micros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_extra_query_lines() {
        let mut p = Dnsmasq { year: 2026 };
        let Parsed::Event(e) =
            p.parse("Nov 28 01:33:27 dnsmasq[31107]: query[A] www.example.com from 127.30.0.5")
        else {
            panic!()
        };
        assert_eq!(e.event_time, 1_795_829_607_000_000);
        assert_eq!(e.client_ip.as_deref(), Some("127.30.0.5"));
        let Parsed::Event(e) =
            p.parse("Nov  2 01:33:25 dnsmasq[31106]: 1 127.30.0.5/48652 query[AAAA] x.example from 127.30.0.5")
        else {
            panic!()
        };
        assert_eq!(e.qtype.as_deref(), Some("AAAA"));
        assert_eq!(
            p.parse("Nov 28 01:33:27 dnsmasq[31107]: reply x.example is 192.0.2.1"),
            Parsed::Skip
        );
        let Parsed::Event(e) =
            p.parse("Nov 28 01:33:30 dnsmasq[1]: query[A] with space.example.com from 127.30.0.11")
        else {
            panic!()
        };
        assert_eq!(e.query_raw, b"with space.example.com");
        assert!(matches!(p.parse("garbage"), Parsed::Reject(_)));
    }

    #[test]
    fn a_name_holding_query_does_not_make_a_reply_a_query() {
        let mut p = Dnsmasq { year: 2026 };
        for line in [
            "Nov 28 01:33:27 dnsmasq[1]: reply query[A] framed.org from 10.9.9.9 is NXDOMAIN",
            "Nov 28 01:33:27 dnsmasq[1]: forwarded query[A] framed.org from 10.9.9.9 to 127.0.0.1",
            "Nov 28 01:33:27 dnsmasq[1]: 7 10.0.0.1/5353 reply query[A] x from 10.9.9.9 is 1.2.3.4",
        ] {
            assert_eq!(p.parse(line), Parsed::Skip, "{line}");
        }
        let Parsed::Event(e) =
            p.parse("Nov 28 01:33:27 dnsmasq[1]: 17 192.0.2.10/53412 UDP query[A] a.example from 192.0.2.10")
        else {
            panic!()
        };
        assert_eq!(e.query_raw, b"a.example");
    }
}
