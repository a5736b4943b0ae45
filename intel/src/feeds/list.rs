//! Plain lists: one domain, address or CIDR network a line.
//!
//! # What it is
//! A text file of indicators, `#` comments and blank lines allowed (RITA custom feeds, in-house
//! block lists). CRLF line ends and a byte-order mark are accepted.
//!
//! # Why it matters
//! The simplest way to bring one's own intelligence.
//!
//! # Example
//! `evil.example`, `*.dyn.example`, `198.51.100.7`, `203.0.113.0/24`, `2001:db8:bad::/48`.
//!
//! # Known limits
//! A list does not say whether it means the exact host or the whole subtree, so every domain
//! matches both ways and the match kind (`exact` or `parent`) tells them apart; a leading `*.` or
//! `.` is dropped. URLs and lines with spaces are rejected: a URL list should be loaded as a feed
//! that takes hosts out of URLs. Nothing but the feed name and line is known about an entry.
//!
//! # References
//! `../shared/docs/FORMATS.md` §7d.

use crate::feed::Loaded;
use crate::host::parse_value;
use crate::indicator::Indicator;

/// Loads a plain list.
pub fn load(text: &str, feed: &str) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        if entry.contains("://") {
            loaded.malformed(number, "a URL, not a domain, address or network");
            continue;
        }
        if entry.contains(char::is_whitespace) {
            loaded.malformed(number, "a list line holds one entry without spaces");
            continue;
        }
        let entry = entry
            .strip_prefix("*.")
            .or_else(|| entry.strip_prefix('.'))
            .unwrap_or(entry);
        match parse_value(entry) {
            Ok(value) => loaded.indicators.push(Indicator::new(feed, value, number)),
            Err(reason) => loaded.malformed(number, reason),
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::IndicatorType;

    #[test]
    fn reads_domains_addresses_and_networks() {
        let text = "# mine\r\nEvil.Example.\r\n*.dyn.example\n198.51.100.7\n203.0.113.9/24\n2001:db8:bad::/48\n\nhttp://x.example/\nbad name\n300.1.2.3/8\n";
        let loaded = load(text, "mine").unwrap();
        let got: Vec<(&str, IndicatorType)> = loaded
            .indicators
            .iter()
            .map(|i| (i.indicator.as_str(), i.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("evil.example", IndicatorType::Domain),
                ("dyn.example", IndicatorType::Domain),
                ("198.51.100.7", IndicatorType::Ip),
                ("203.0.113.0/24", IndicatorType::Cidr),
                ("2001:db8:bad::/48", IndicatorType::Cidr),
            ]
        );
        let lines: Vec<usize> = loaded.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [8, 9, 10]);
    }
}
