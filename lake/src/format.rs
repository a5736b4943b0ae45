//! Log formats and `--format auto` sniffing.

use std::fmt;
use std::str::FromStr;

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Decide per file from its first lines.
    Auto,
    /// Passive DNS Common Output Format NDJSON, DNSDB v2 framing and the seed's 7-field records.
    Cof,
    /// Zeek `dns.log`, tab-separated with `#` headers.
    ZeekTsv,
    /// Zeek `dns.log` as NDJSON.
    ZeekJson,
    /// Suricata EVE JSON, `dns` events (v1 through v3 layouts).
    Suricata,
    /// BIND 9 query log lines.
    Bind,
    /// dnsmasq `log-queries` syslog lines.
    Dnsmasq,
    /// CSV with a header line; columns mapped by name.
    Csv,
}

impl Format {
    /// The name used on the command line and in the `source_format` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Cof => "cof",
            Self::ZeekTsv => "zeek-tsv",
            Self::ZeekJson => "zeek-json",
            Self::Suricata => "suricata",
            Self::Bind => "bind",
            Self::Dnsmasq => "dnsmasq",
            Self::Csv => "csv",
        }
    }

    /// Guesses the format from the first lines of a file; `None` when nothing matches.
    pub fn sniff<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Option<Self> {
        for line in lines {
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            if line.starts_with(b"#separator") || line.starts_with(b"#fields") {
                return Some(Self::ZeekTsv);
            }
            // A JSON line is judged as JSON: the query names inside are the sender's, and one
            // could imitate a BIND message. dnsmasq's fixed prefix is checked before BIND's
            // substrings for the same reason.
            if !line.starts_with(b"{")
                && let Ok(text) = std::str::from_utf8(line)
            {
                if crate::sources::dnsmasq::looks_like(text) {
                    return Some(Self::Dnsmasq);
                }
                if crate::sources::bind::looks_like(text) {
                    return Some(Self::Bind);
                }
            }
            let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(line) else {
                // A CSV header names a query column; only the first line can be the header.
                let csv = std::str::from_utf8(line).is_ok_and(|text| {
                    text.contains(',')
                        && crate::sources::csv::CsvColumns::default().header_has_query(text)
                });
                if csv {
                    return Some(Self::Csv);
                }
                continue;
            };
            if map.contains_key("event_type") {
                return Some(Self::Suricata);
            }
            if map.contains_key("id.orig_h") || map.contains_key("uid") {
                return Some(Self::ZeekJson);
            }
            if map.contains_key("rrname") || map.contains_key("cond") || map.contains_key("obj") {
                return Some(Self::Cof);
            }
        }
        None
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "cof" | "pdns" => Ok(Self::Cof),
            "zeek-tsv" | "zeek" => Ok(Self::ZeekTsv),
            "zeek-json" => Ok(Self::ZeekJson),
            "suricata" | "eve" => Ok(Self::Suricata),
            "bind" => Ok(Self::Bind),
            "dnsmasq" => Ok(Self::Dnsmasq),
            "csv" => Ok(Self::Csv),
            other => Err(format!(
                "unknown format `{other}`; use auto, cof (pdns), zeek-tsv (zeek), zeek-json, suricata, bind, dnsmasq or csv"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_name_imitating_bind_does_not_change_the_format() {
        let eve = br#"{"event_type":"dns","dns":{"rrname":"client 1.2.3.4#5: query: x"}}"#;
        assert_eq!(Format::sniff([&eve[..]]), Some(Format::Suricata));
        let dnsmasq =
            b"Nov 28 01:33:27 dnsmasq[1]: query[A] client 1.2.3.4#5: query: x from 6.6.6.6";
        assert_eq!(Format::sniff([&dnsmasq[..]]), Some(Format::Dnsmasq));
    }
}
