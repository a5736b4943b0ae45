//! Indicators and their provenance: what a feed says is bad, and who said so.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// What an indicator's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorType {
    /// A host name: lower case, no trailing dot, punycode.
    Domain,
    /// One address, printed canonically (`2001:db8::1`, never zero-padded).
    Ip,
    /// A network, `address/prefix` with the host bits cleared.
    Cidr,
}

impl IndicatorType {
    /// The stable snake-case id used in tables and output (the `indicators` table's `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Ip => "ip",
            Self::Cidr => "cidr",
        }
    }
}

impl fmt::Display for IndicatorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One indicator with its provenance: a row of the `indicators` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// The feed it came from (the name it was loaded under).
    pub feed: String,
    /// The normalized value: see [`IndicatorType`].
    pub indicator: String,
    /// Domain, IP or CIDR.
    #[serde(rename = "type")]
    pub kind: IndicatorType,
    /// Malware family (`win.agent_tesla`, `Agent Tesla`), when the feed names one.
    pub family: Option<String>,
    /// The feed's tags, in its order (URLhaus `None` gives none).
    pub tags: Vec<String>,
    /// The feed's threat type (`malware_download`, `botnet_cc`).
    pub threat: Option<String>,
    /// RFC 3339 UTC (`2019-08-15T13:58:10Z`).
    pub first_seen: Option<String>,
    /// RFC 3339 UTC.
    pub last_seen: Option<String>,
    /// Where to read more: the feed's page for the entry, or its id.
    pub reference: Option<String>,
    /// The feed's confidence, 0–100, when it gives one.
    pub confidence: Option<u8>,
    /// The feed record it came from (a URL, `ip:port`, a pattern), when that differs from the value.
    pub source_value: Option<String>,
    /// The line of the feed file it came from (1-based; for JSON feeds, the line its object starts on
    /// when known, else 0).
    pub line: usize,
}

impl Indicator {
    /// An indicator with no provenance but its feed, value and line; loaders fill in the rest.
    pub fn new(feed: &str, value: IndicatorValue, line: usize) -> Self {
        let (indicator, kind) = value.into_parts();
        Self {
            feed: feed.to_owned(),
            indicator,
            kind,
            family: None,
            tags: Vec::new(),
            threat: None,
            first_seen: None,
            last_seen: None,
            reference: None,
            confidence: None,
            source_value: None,
            line,
        }
    }
}

/// A parsed indicator value, before provenance is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndicatorValue {
    /// A normalized host name.
    Domain(String),
    /// One address.
    Ip(IpAddr),
    /// A network: its first address and prefix length (host bits already cleared).
    Cidr(IpAddr, u8),
}

impl IndicatorValue {
    fn into_parts(self) -> (String, IndicatorType) {
        match self {
            Self::Domain(name) => (name, IndicatorType::Domain),
            Self::Ip(ip) => (ip.to_string(), IndicatorType::Ip),
            Self::Cidr(ip, len) => (format!("{ip}/{len}"), IndicatorType::Cidr),
        }
    }
}
