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
