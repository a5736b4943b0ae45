//! Hosts files used as block lists, and the URLhaus hostfile: `<sink address> <host> [<host>...]`.
//!
//! # What it is
//! Lines of an address (usually `0.0.0.0` or `127.0.0.1`) followed by one or more host names, tab
//! or space separated, with `#` comments (also at the end of a line). The URLhaus hostfile is one
//! of them: a `#` banner, then `127.0.0.1<TAB>host`.
//!
//! # Why it matters
//! Many block lists are only published in this form.
//!
//! # Example
//! `0.0.0.0 ads.example tracker.example # ad servers` gives the domain indicators `ads.example`
//! and `tracker.example`.
//!
//! # Known limits
//! The address is where the name is sent, not an indicator, so it is not loaded. Names the system
//! itself defines (`localhost`, `broadcasthost`, `ip6-localhost`, ...) are skipped. Hosts files
//! carry no provenance beyond the feed name and line.
//!
//! # References
//! `hosts(5)`; `../shared/docs/FORMATS.md` §7a (hostfile) and §7d.

use crate::feed::Loaded;
use crate::host::{parse_host, parse_ip};
use crate::indicator::Indicator;

/// Names every hosts file defines for the machine itself, and the sink address some lists repeat
/// as a name (`0.0.0.0 0.0.0.0`).
const SYSTEM_NAMES: [&str; 11] = [
    "0.0.0.0",
    "localhost",
    "localhost.localdomain",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
];

/// Loads a hosts file.
pub fn load(text: &str, feed: &str) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let mut words = content.split_whitespace();
        let address = words.next().unwrap_or("");
        if parse_ip(address).is_none() {
            loaded.malformed(
                number,
                format!("{address:?} is not an address; a hosts line is `<address> <host>...`"),
            );
            continue;
        }
        let mut hosts = 0;
        for word in words {
            hosts += 1;
            if SYSTEM_NAMES.contains(&word.to_ascii_lowercase().trim_end_matches('.')) {
                continue;
            }
            match parse_host(word) {
                Ok(value) => loaded.indicators.push(Indicator::new(feed, value, number)),
                Err(reason) => loaded.malformed(number, reason),
            }
        }
        if hosts == 0 {
            loaded.malformed(number, "an address without a host name");
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hosts_lines() {
        let text = "\u{feff}# URLhaus Host file\r\n127.0.0.1\tEvil.Example.\r\n0.0.0.0 a.example b.example # two\n127.0.0.1 localhost\n::1 ip6-localhost\nevil.example\n0.0.0.0\n0.0.0.0 bad..name\n";
        let text = text.trim_start_matches('\u{feff}');
        let loaded = load(text, "hosts").unwrap();
        let values: Vec<&str> = loaded
            .indicators
            .iter()
            .map(|i| i.indicator.as_str())
            .collect();
        assert_eq!(values, ["evil.example", "a.example", "b.example"]);
        let lines: Vec<usize> = loaded.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6, 7, 8]);
    }
}
