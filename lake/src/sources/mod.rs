//! One parser per log format. Each turns one line into a [`Parsed`]: an event, a skip (headers,
//! framing, other event types) or a rejection with its reason.

pub mod bind;
pub mod cof;
pub mod csv;
pub mod dnsmasq;
mod json;
pub mod suricata;
pub mod zeek_json;
pub mod zeek_tsv;

use crate::event::Parsed;
use crate::format::Format;

/// The last second of year 9999. Log times outside 1970–9999 are corruption, and a forged old
/// one would make its domain look long known to `newly_seen_domain`.
const LAST_SECOND: i64 = 253_402_300_799;
/// The end of year 9999 in microseconds.
const LAST_MICROS: i64 = LAST_SECOND * 1_000_000 + 999_999;

/// Epoch seconds (with a fraction) as microseconds, when they fall in years 1970–9999.
fn epoch_micros(seconds: f64) -> Option<i64> {
    (0.0..=LAST_SECOND as f64)
        .contains(&seconds)
        .then(|| (seconds * 1e6).round() as i64)
}

/// `micros`, parsed from `shown`, when it falls in years 1970–9999.
fn check_time(micros: i64, shown: &str) -> Result<i64, String> {
    if (0..=LAST_MICROS).contains(&micros) {
        Ok(micros)
    } else {
        Err(format!("time `{shown}` is outside years 1970–9999"))
    }
}

/// A line parser; Zeek TSV keeps header state, the JSON formats keep none.
pub trait Source {
    /// Parses one line (without its line ending, valid UTF-8).
    fn parse(&mut self, line: &str) -> Parsed;
}

/// The parser for a concrete format (`Auto` must be resolved first; it yields `None`).
/// `year` dates syslog stamps, which have none (dnsmasq, BIND through syslog); `csv` maps CSV columns.
pub fn for_format(format: Format, year: i32, csv: &csv::CsvColumns) -> Option<Box<dyn Source>> {
    match format {
        Format::Csv => Some(Box::new(csv::Csv::new(csv.clone()))),
        Format::Auto => None,
        Format::Cof => Some(Box::new(cof::Cof)),
        Format::Bind => Some(Box::new(bind::Bind { year })),
        Format::Dnsmasq => Some(Box::new(dnsmasq::Dnsmasq { year })),
        Format::ZeekTsv => Some(Box::new(zeek_tsv::ZeekTsv::default())),
        Format::ZeekJson => Some(Box::new(zeek_json::ZeekJson)),
        Format::Suricata => Some(Box::new(suricata::Suricata)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_times_outside_1970_to_9999_are_rejected() {
        let outside = |parsed: Parsed| matches!(parsed, Parsed::Reject(r) if r.contains("outside years 1970–9999"));
        let mut bind = bind::Bind { year: 2026 };
        let query = "client @0x1 10.0.0.1#5353 (a.example): query: a.example IN A + (127.0.0.1)";
        assert!(outside(
            bind.parse(&format!("0000-01-01T00:00:00Z {query}"))
        ));
        assert!(matches!(
            bind.parse(&format!("2026-11-28T01:33:21.174Z {query}")),
            Parsed::Event(_)
        ));
        let mut csv = csv::Csv::new(csv::CsvColumns::default());
        assert_eq!(csv.parse("time,client,query"), Parsed::Skip);
        assert!(outside(
            csv.parse("0000-01-01T00:00:00Z,10.0.0.1,a.example")
        ));
        assert!(outside(csv.parse("1969-12-31 23:59:59,10.0.0.1,a.example")));
        let mut eve = suricata::Suricata;
        let line = r#"{"timestamp":"9999-12-31T23:59:59-23:59","event_type":"dns","src_ip":"10.0.0.1","dns":{"type":"query","rrname":"a.example","rrtype":"A"}}"#;
        assert!(outside(eve.parse(line)));
    }
}
