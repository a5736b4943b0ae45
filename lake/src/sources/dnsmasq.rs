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
        // `log-queries=extra` prefixes `<serial> <client>/<port> `, `=proto` adds `UDP `/`TCP `.
        let Some(at) = message.find("query[") else {
            return Parsed::Skip;
        };
        let question = &message[at + "query[".len()..];
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
}
