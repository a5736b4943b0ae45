//! A loaded feed: its indicators and the records it could not use, with line numbers.
//!
//! Loading never stops at a bad record: each one is counted and kept as a [`Rejected`] entry (line,
//! record id when the feed has one, reason) while the rest loads. Only a file that is not the
//! format at all (a JSON feed that does not parse, an empty file) is an error.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::IntelError;
use crate::feeds;
use crate::indicator::{Indicator, IndicatorType};

/// The feed formats dnshunt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedKind {
    /// URLhaus CSV dump, 8- or 9-column layout.
    Urlhaus,
    /// URLhaus hostfile (`127.0.0.1<TAB>host`).
    UrlhausHosts,
    /// ThreatFox export, CSV or JSON.
    Threatfox,
    /// STIX 2.1 bundle of indicators.
    Stix,
    /// One domain, IP or CIDR a line.
    List,
    /// A hosts file (`0.0.0.0 host [host...]`).
    Hosts,
}

impl FeedKind {
    /// Every kind, for help texts.
    pub const ALL: [Self; 6] = [
        Self::Urlhaus,
        Self::UrlhausHosts,
        Self::Threatfox,
        Self::Stix,
        Self::List,
        Self::Hosts,
    ];

    /// The stable id used on the command line and in stored feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Urlhaus => "urlhaus",
            Self::UrlhausHosts => "urlhaus-hosts",
            Self::Threatfox => "threatfox",
            Self::Stix => "stix",
            Self::List => "list",
            Self::Hosts => "hosts",
        }
    }

    /// Guesses the format from the content: JSON by its structure, CSV dumps by their commented
    /// headers, hosts files by a sink address leading the first record.
    pub fn detect(text: &str) -> Option<Self> {
        if is_json(text) {
            return Some(Self::json_kind(text));
        }
        let text = text.trim_start_matches('\u{feff}').trim_start();
        let mut saw_urlhaus_banner = false;
        for line in text.lines().take(200) {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim_start();
                if comment.starts_with("id,dateadded,url") {
                    return Some(Self::Urlhaus);
                }
                if comment.starts_with("\"first_seen_utc\"") {
                    return Some(Self::Threatfox);
                }
                saw_urlhaus_banner |= comment.contains("URLhaus");
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let first = line.split_whitespace().next().unwrap_or("");
            let is_hosts = matches!(first, "0.0.0.0" | "127.0.0.1" | "::" | "::1")
                && line.split_whitespace().count() > 1;
            return Some(match (is_hosts, saw_urlhaus_banner) {
                (true, true) => Self::UrlhausHosts,
                (true, false) => Self::Hosts,
                // Headerless abuse.ch CSV: URLhaus rows have 8 or 9 fields, ThreatFox 14 or 15.
                (false, _) if line.starts_with('"') => {
                    match feeds::quoted_csv::split(line).map(|f| f.len()) {
                        Ok(14 | 15) => Self::Threatfox,
                        _ => Self::Urlhaus,
                    }
                }
                (false, _) => Self::List,
            });
        }
        None
    }
}

/// Whether feed text is JSON (a STIX bundle, a ThreatFox export), not lines of text.
pub(crate) fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

impl FeedKind {
    /// STIX objects carry a `type` at their top level (a bundle, or a bare object or array of
    /// them); ThreatFox answers and exports never do: `{"query_status": .., "data": [..]}`, or
    /// records keyed by id whose type is `ioc_type`. The structure decides, not words inside
    /// values: a ThreatFox tag may well read "indicator".
    fn json_kind(text: &str) -> Self {
        let has_type =
            |value: &serde_json::Value| value.get("type").is_some_and(serde_json::Value::is_string);
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) if items.first().is_some_and(has_type) => {
                Self::Stix
            }
            Ok(root) if has_type(&root) => Self::Stix,
            // Not JSON at all: the ThreatFox loader says where it breaks.
            _ => Self::Threatfox,
        }
    }
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeedKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown feed kind {text:?}; use one of {}",
                    known.join(", ")
                )
            })
    }
}

/// Why a record was not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// The record is broken: wrong column count, no usable host, bad date.
    Malformed,
    /// The record is fine but dnshunt cannot match on it (a file-hash IOC, a complex STIX pattern).
    Unsupported,
}

/// A record that was not loaded, kept so nothing disappears silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// 1-based line in the feed file (0 when the format gives no line).
    pub line: usize,
    /// The record's own id, when it has one (STIX `indicator--…`, ThreatFox ioc id).
    pub record_id: Option<String>,
    /// Malformed or unsupported.
    pub kind: RejectKind,
    /// What is wrong, in words.
    pub reason: String,
}

/// What one loader produced from one file.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The indicators, in file order.
    pub indicators: Vec<Indicator>,
    /// Records not loaded, in file order.
    pub rejected: Vec<Rejected>,
}

impl Loaded {
    pub(crate) fn malformed(&mut self, line: usize, reason: impl Into<String>) {
        self.reject(line, None, RejectKind::Malformed, reason);
    }

    pub(crate) fn reject(
        &mut self,
        line: usize,
        record_id: Option<String>,
        kind: RejectKind,
        reason: impl Into<String>,
    ) {
        self.rejected.push(Rejected {
            line,
            record_id,
            kind,
            reason: reason.into(),
        });
    }
}

/// Why an indicator would match far more than its feed means, if it would: a network of
/// fewer than 8 (IPv4) or 16 (IPv6) prefix bits, or the unspecified or loopback address, which
/// is what resolvers answer for blocked names (`http://0.0.0.0/` rows exist).
fn too_broad(indicator: &Indicator) -> Option<&'static str> {
    match indicator.kind {
        IndicatorType::Domain => None,
        IndicatorType::Ip => {
            let ip: std::net::IpAddr = indicator.indicator.parse().ok()?;
            (ip.is_unspecified() || ip.is_loopback()).then_some(
                "a sink or loopback address: resolvers answer blocked names with it, so it would \
                 mark them all",
            )
        }
        IndicatorType::Cidr => {
            let (address, prefix) = indicator.indicator.split_once('/')?;
            let prefix: u8 = prefix.parse().ok()?;
            let least = if address.contains(':') { 16 } else { 8 };
            (prefix < least)
                .then_some("a network this wide would match a large part of the Internet")
        }
    }
}

/// A loaded feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// The name it is stored and reported under; loading a feed of the same name replaces it.
    pub name: String,
    /// Its format.
    pub kind: FeedKind,
    /// Where it was read from.
    pub source: String,
    /// RFC 3339 UTC time of loading.
    pub loaded_at: String,
    /// The indicators.
    pub indicators: Vec<Indicator>,
    /// The records that were not loaded.
    pub rejected: Vec<Rejected>,
}

impl Feed {
    /// Loads feed text of a known kind under `name`.
    ///
    /// # Errors
    /// When the text is not that format at all (see [`IntelError::Format`]); bad records inside a
    /// readable file are [`Feed::rejected`] instead.
    pub fn load(
        kind: FeedKind,
        name: &str,
        source: &str,
        text: &str,
        loaded_at: SystemTime,
    ) -> Result<Self, IntelError> {
        let text = text.trim_start_matches('\u{feff}');
        let mut loaded = match kind {
            FeedKind::Urlhaus => feeds::urlhaus::load(text, name),
            FeedKind::UrlhausHosts | FeedKind::Hosts => feeds::hosts::load(text, name),
            FeedKind::Threatfox => feeds::threatfox::load(text, name),
            FeedKind::Stix => feeds::stix::load(text, name),
            FeedKind::List => feeds::list::load(text, name),
        }
        .map_err(|reason| IntelError::Format {
            origin: source.to_owned(),
            kind,
            reason,
        })?;
        let mut kept = Vec::with_capacity(loaded.indicators.len());
        for indicator in std::mem::take(&mut loaded.indicators) {
            match too_broad(&indicator) {
                None => kept.push(indicator),
                Some(reason) => loaded.reject(
                    indicator.line,
                    indicator.reference,
                    RejectKind::Unsupported,
                    format!("{}: {reason}", indicator.indicator),
                ),
            }
        }
        loaded.indicators = kept;
        if matches!(
            kind,
            FeedKind::List | FeedKind::Hosts | FeedKind::UrlhausHosts
        ) {
            // These formats carry nothing but the value: a repeated one would only repeat rows.
            let mut seen = std::collections::HashSet::new();
            loaded
                .indicators
                .retain(|i| seen.insert((i.indicator.clone(), i.kind)));
        }
        Ok(Self {
            name: name.to_owned(),
            kind,
            source: source.to_owned(),
            loaded_at: DateTime::<Utc>::from(loaded_at).to_rfc3339_opts(SecondsFormat::Secs, true),
            indicators: loaded.indicators,
            rejected: loaded.rejected,
        })
    }

    /// Counts of what it holds.
    pub fn summary(&self) -> FeedSummary {
        let count = |kind| self.indicators.iter().filter(|i| i.kind == kind).count();
        let rejected = |kind| self.rejected.iter().filter(|r| r.kind == kind).count();
        FeedSummary {
            name: self.name.clone(),
            kind: self.kind,
            source: self.source.clone(),
            loaded_at: self.loaded_at.clone(),
            indicators: self.indicators.len(),
            domains: count(IndicatorType::Domain),
            ips: count(IndicatorType::Ip),
            cidrs: count(IndicatorType::Cidr),
            malformed: rejected(RejectKind::Malformed),
            unsupported: rejected(RejectKind::Unsupported),
        }
    }
}

/// What a feed holds, in counts: cheap to store and list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSummary {
    /// Feed name.
    pub name: String,
    /// Format.
    pub kind: FeedKind,
    /// Where it was read from.
    pub source: String,
    /// RFC 3339 UTC time of loading.
    pub loaded_at: String,
    /// All indicators.
    pub indicators: usize,
    /// Domain indicators.
    pub domains: usize,
    /// Single-address indicators.
    pub ips: usize,
    /// Network indicators.
    pub cidrs: usize,
    /// Records rejected as malformed.
    pub malformed: usize,
    /// Records rejected as unsupported.
    pub unsupported: usize,
}

/// A feed field, or `None` for the feeds' ways of saying "nothing": empty, `None`, `null`.
pub(crate) fn present(field: &str) -> Option<&str> {
    let field = field.trim();
    (!matches!(field, "" | "None" | "none" | "null" | "NULL")).then_some(field)
}

/// A feed time as RFC 3339 UTC: `YYYY-MM-DD HH:MM:SS` (abuse.ch, UTC, optionally ending in ` UTC`)
/// or RFC 3339 with any offset. Missing values give `Ok(None)`.
pub(crate) fn feed_time(field: &str) -> Result<Option<String>, String> {
    let Some(text) = present(field) else {
        return Ok(None);
    };
    let plain = text.strip_suffix(" UTC").unwrap_or(text);
    if let Ok(time) = NaiveDateTime::parse_from_str(plain, "%Y-%m-%d %H:%M:%S") {
        return Ok(Some(
            time.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true),
        ));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| {
            Some(
                time.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::AutoSi, true),
            )
        })
        .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD HH:MM:SS or RFC 3339)"))
}

/// Comma-joined tags as a list, `None` and blanks dropped.
pub(crate) fn split_tags(field: &str) -> Vec<String> {
    field
        .split(',')
        .filter_map(present)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_become_rfc3339_utc() {
        assert_eq!(
            feed_time("2019-08-15 13:58:10").unwrap().as_deref(),
            Some("2019-08-15T13:58:10Z")
        );
        assert_eq!(
            feed_time("2024-08-28 10:00:00 UTC").unwrap().as_deref(),
            Some("2024-08-28T10:00:00Z")
        );
        assert_eq!(
            feed_time("2024-08-28T12:00:00.000+02:00")
                .unwrap()
                .as_deref(),
            Some("2024-08-28T10:00:00Z")
        );
        assert_eq!(feed_time("").unwrap(), None);
        assert_eq!(feed_time("None").unwrap(), None);
        assert!(feed_time("yesterday").is_err());
    }

    #[test]
    fn detects_formats_by_content() {
        let cases = [
            (
                "# URLhaus\n# id,dateadded,url,url_status\n\"1\",\"x\"",
                FeedKind::Urlhaus,
            ),
            (
                "# ThreatFox\n# \"first_seen_utc\", \"ioc_id\"\n",
                FeedKind::Threatfox,
            ),
            ("{\"type\": \"bundle\", \"objects\": []}", FeedKind::Stix),
            ("{\"1\": [{\"ioc_value\": \"x\"}]}", FeedKind::Threatfox),
            (
                "{\"query_status\": \"ok\", \"data\": [{\"ioc\": \"c2.example\", \"tags\": [\"indicator\", \"bundle\"]}]}",
                FeedKind::Threatfox,
            ),
            (
                "[{\"type\": \"indicator\", \"pattern\": \"\"}]",
                FeedKind::Stix,
            ),
            (
                "# URLhaus Host file\n127.0.0.1\tevil.example\n",
                FeedKind::UrlhausHosts,
            ),
            ("# ads\n0.0.0.0 ads.example\n", FeedKind::Hosts),
            ("\u{feff}# mine\nevil.example\n10.0.0.0/8\n", FeedKind::List),
            (
                "\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\"\n",
                FeedKind::Threatfox,
            ),
            (
                "\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\"\n",
                FeedKind::Urlhaus,
            ),
        ];
        for (text, kind) in cases {
            assert_eq!(FeedKind::detect(text), Some(kind), "{text:?}");
        }
        assert_eq!(FeedKind::detect("# only comments\n\n"), None);
    }

    fn list(text: &str) -> Feed {
        Feed::load(
            FeedKind::List,
            "mine",
            "mine.txt",
            text,
            SystemTime::UNIX_EPOCH,
        )
        .unwrap()
    }

    /// Value and line of each indicator.
    fn kept(feed: &Feed) -> Vec<(&str, usize)> {
        feed.indicators
            .iter()
            .map(|i| (i.indicator.as_str(), i.line))
            .collect()
    }

    #[test]
    fn networks_too_wide_and_sink_addresses_are_refused() {
        let feed = list("0.0.0.0/0\n::/0\n127.0.0.1\n0.0.0.0\n[::]\nevil.example\n10.0.0.0/8\n");
        assert_eq!(kept(&feed), [("evil.example", 6), ("10.0.0.0/8", 7)]);
        let refused: Vec<(usize, &str)> = feed
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.split(':').next().unwrap_or_default()))
            .collect();
        assert_eq!(refused.len(), 5, "{:?}", feed.rejected);
        assert!(
            feed.rejected
                .iter()
                .all(|r| r.kind == RejectKind::Unsupported)
        );
        assert_eq!(refused[0], (1, "0.0.0.0/0"));
    }

    #[test]
    fn a_value_repeated_in_a_list_is_kept_once() {
        let feed = list("evil.example\nEVIL.example.\n10.0.0.0/8\nevil.example\n");
        assert_eq!(kept(&feed), [("evil.example", 1), ("10.0.0.0/8", 3)]);
    }

    #[test]
    fn kinds_round_trip_through_their_ids() {
        for kind in FeedKind::ALL {
            assert_eq!(kind.as_str().parse::<FeedKind>(), Ok(kind));
        }
        assert!("csv".parse::<FeedKind>().is_err());
    }
}
