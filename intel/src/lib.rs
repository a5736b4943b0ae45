//! Threat-intelligence feed loaders, an indicator index, and suffix-aware domain and IP matching.
//!
//! - [`feeds`]: one module per format (URLhaus CSV and hostfile, ThreatFox CSV and JSON, STIX 2.1,
//!   plain lists, hosts files); [`Feed::load`] picks one, [`FeedKind::detect`] guesses it.
//!   Bad records are kept as [`Rejected`] entries with their line, never dropped silently.
//! - [`IntelIndex`]: the indicators of many feeds, matched in batches as [`MatchKind::Exact`],
//!   [`MatchKind::Parent`], [`MatchKind::Ip`], [`MatchKind::Cidr`] and, apart and weaker,
//!   [`MatchKind::CrossSuffix`].
//! - [`FeedStore`]: loaded feeds kept under `<home>/intel/`.
//! - [`fetch`]: feeds over http(s), with a timeout, a size limit and a cache ([`load_url`]).
//!
//! ```
//! use std::time::SystemTime;
//!
//! use dnshunt_intel::{Feed, FeedKind, IntelIndex, MatchKind};
//!
//! let text = "evil.example\n198.51.100.0/24\n";
//! let feed = Feed::load(FeedKind::List, "mine", "mine.txt", text, SystemTime::now()).unwrap();
//! let index = IntelIndex::build([feed]);
//! let matches = index.match_queries(&["cdn.evil.example", "198.51.100.7", "evil.example.org"]);
//! let kinds: Vec<(usize, MatchKind)> = matches.iter().map(|m| (m.query, m.kind)).collect();
//! assert_eq!(kinds, [(0, MatchKind::Parent), (1, MatchKind::Cidr)]);
//! ```
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::path::{Path, PathBuf};

mod block_filter;
pub mod feed;
pub mod feeds;
pub mod fetch;
pub mod host;
pub mod index;
pub mod indicator;
mod label_table;
pub mod store;

pub use feed::{Feed, FeedKind, FeedSummary, RejectKind, Rejected};
pub use fetch::{FetchOptions, Fetched, Freshness};
pub use index::{
    CROSS_SUFFIX_LEADS_PER_DOMAIN, CROSS_SUFFIX_MIN_LABEL, IntelIndex, Match, MatchKind,
};
pub use indicator::{Indicator, IndicatorType, IndicatorValue};
pub use store::FeedStore;

/// Errors of the intel crate. Bad records are not errors: they are [`Rejected`] entries.
#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    /// The whole input is not the format it was taken for.
    #[error(
        "{origin}: not a {kind} feed: {reason}; check the file, or name its format with --feed"
    )]
    Format {
        /// The file or URL.
        origin: String,
        /// The format it was read as.
        kind: FeedKind,
        /// What is wrong.
        reason: String,
    },
    /// The format could not be guessed.
    #[error("{0}: cannot tell the feed format; name it with --feed")]
    UnknownFormat(String),
    /// Reading or writing a file failed.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// A stored feed cannot be read back.
    #[error(
        "{}: stored feed is unreadable ({reason}); load the feed again with `dnshunt intel load`",
        path.display()
    )]
    Store {
        /// The stored file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A feed name that cannot be a file name.
    #[error(
        "feed name {0:?}: use 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'"
    )]
    FeedName(String),
    /// A feed address that is not an http(s) URL.
    #[error("{url}: {reason}")]
    Url {
        /// The address as given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The server could not be reached, or the transfer broke off, and nothing was cached.
    #[error("{url}: {reason}; check the address and the network, or download the file and load it")]
    Fetch {
        /// The URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("{url}: the server answered {status}; check the address (and any key the feed needs)")]
    HttpStatus {
        /// The URL.
        url: String,
        /// Code and reason (`404 Not Found`).
        status: String,
    },
    /// The feed is over the size limit; nothing past the limit was read.
    #[error("{url}: the feed is larger than the limit of {limit} bytes; raise it with --max-size")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },
}

impl IntelError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Reads a feed file (`kind` `None`: guessed from the content) and loads it under `name`.
///
/// Lines that are not UTF-8 are rejected as malformed with their line number; the rest loads.
///
/// # Errors
/// When the file cannot be read, its format cannot be guessed, or it is not that format at all.
pub fn load_file(
    path: &Path,
    kind: Option<FeedKind>,
    name: &str,
    loaded_at: std::time::SystemTime,
) -> Result<Feed, IntelError> {
    let bytes = std::fs::read(path).map_err(|err| IntelError::io(path, err))?;
    load_bytes(&bytes, &path.display().to_string(), kind, name, loaded_at)
}

/// Fetches a feed from an http(s) URL (see [`fetch`]) and loads it under `name`, the URL as its
/// source. The [`Freshness`] says whether the bytes were downloaded, confirmed current (`304`), or
/// taken from the cache because the server could not be reached: callers must report the last.
///
/// # Errors
/// As [`fetch::fetch`] and [`load_file`].
pub fn load_url(
    url: &str,
    kind: Option<FeedKind>,
    name: &str,
    loaded_at: std::time::SystemTime,
    options: &FetchOptions,
) -> Result<(Feed, Freshness), IntelError> {
    let fetched = fetch::fetch(url, options)?;
    let feed = load_bytes(&fetched.bytes, url, kind, name, loaded_at)?;
    Ok((feed, fetched.freshness))
}

/// Loads feed bytes read from `origin` (a file or URL, named in errors and kept as the source).
fn load_bytes(
    bytes: &[u8],
    origin: &str,
    kind: Option<FeedKind>,
    name: &str,
    loaded_at: std::time::SystemTime,
) -> Result<Feed, IntelError> {
    let (text, bad_lines) = decode_lines(bytes);
    let kind = match kind {
        Some(kind) => kind,
        None => {
            FeedKind::detect(&text).ok_or_else(|| IntelError::UnknownFormat(origin.to_owned()))?
        }
    };
    // A CSV or list line stands alone; a JSON line left out can change what the rest means
    // (a `"revoked": true` dropped with it).
    if feed::is_json(&text)
        && let Some(line) = bad_lines.first()
    {
        return Err(IntelError::Format {
            origin: origin.to_owned(),
            kind,
            reason: format!("line {line} is not UTF-8, and a JSON feed must be UTF-8 throughout"),
        });
    }
    let mut feed = Feed::load(kind, name, origin, &text, loaded_at)?;
    if !bad_lines.is_empty() {
        feed.rejected
            .extend(bad_lines.into_iter().map(|line| Rejected {
                line,
                record_id: None,
                kind: RejectKind::Malformed,
                reason: "not UTF-8".to_owned(),
            }));
        feed.rejected.sort_by_key(|r| r.line);
    }
    Ok(feed)
}

/// The text of a file whose lines that are not UTF-8 are left empty (keeping line numbers), and
/// those lines' numbers.
fn decode_lines(bytes: &[u8]) -> (String, Vec<usize>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), Vec::new());
    }
    let mut text = String::with_capacity(bytes.len());
    let mut bad = Vec::new();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if index > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(line) => text.push_str(line),
            Err(_) => bad.push(index + 1),
        }
    }
    (text, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_feed_with_a_line_that_is_not_utf8_is_refused_whole() {
        let json = b"{\"type\": \"indicator\", \"id\": \"indicator--1\",\n\"revoked\": true, \"note\": \"\xff\",\n\"pattern\": \"[domain-name:value = 'x.example']\"}";
        let refused = load_bytes(json, "f.json", None, "f", std::time::SystemTime::UNIX_EPOCH);
        assert!(
            matches!(&refused, Err(IntelError::Format { reason, .. }) if reason.contains("line 2")),
            "{refused:?}"
        );
        // A list keeps its other lines and reports the bad one.
        let list = load_bytes(
            b"a.example\n\xff\nb.example\n",
            "l.txt",
            None,
            "l",
            std::time::SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(list.indicators.len(), 2);
        assert_eq!(list.rejected[0].line, 2);
    }
}
