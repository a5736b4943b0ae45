//! Feeds over http(s): fetched with a timeout and a size limit, kept in a cache, and downloaded
//! again only when they changed.
//!
//! The cache holds one copy per URL under `<home>/intel/cache/`: `<key>.body` (the bytes as
//! served) and `<key>.json` ([`CacheEntry`]: the URL, its `ETag` and `Last-Modified`, when it was
//! fetched and how long it is), `<key>` being a 64-bit FNV-1a hash of the URL in hex. The next
//! fetch of the URL sends `If-None-Match` / `If-Modified-Since`, and a `304 Not Modified` answer
//! reuses the cached copy. When the server cannot be reached (connection refused, timeout, a
//! broken transfer, a 5xx answer), the cached copy is used and the result says so
//! ([`Freshness::Stale`]); a 4xx answer (wrong URL, key needed) and a feed over the size limit
//! are errors, since the cached copy would hide a problem only the user can fix.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ureq::http::{StatusCode, Uri, header};

use crate::IntelError;

/// How to fetch feeds.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Limit for connecting and for each read from the server: a server that accepts and then
    /// goes quiet fails after this long.
    pub timeout: Duration,
    /// The largest body accepted (after decompression), in bytes.
    pub max_bytes: u64,
    /// Where fetched feeds are kept.
    pub cache_dir: PathBuf,
}

impl FetchOptions {
    /// The default timeout: 30 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default size limit: 512 MiB, well above the full URLhaus CSV dump.
    pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

    /// The defaults, with the cache under `<home>/intel/cache/`.
    pub fn new(home: &Path) -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            cache_dir: home.join("intel").join("cache"),
        }
    }
}

/// Where the bytes of a fetched feed come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Downloaded just now.
    Downloaded,
    /// The server answered `304 Not Modified`: the cached copy is current.
    NotModified,
    /// The server could not be reached: the cached copy, possibly out of date, was used.
    Stale {
        /// When the cached copy was fetched (RFC 3339 UTC).
        fetched_at: String,
        /// Why the server could not be reached.
        reason: String,
    },
}

/// A fetched feed.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The body, as served (decompressed).
    pub bytes: Vec<u8>,
    /// Where it comes from.
    pub freshness: Freshness,
}

/// What the cache knows of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The URL, checked on reading so a hash collision cannot serve another feed.
    pub url: String,
    /// The server's `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The server's `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When it was downloaded (RFC 3339 UTC).
    pub fetched_at: String,
    /// Length of the body file, checked on reading so a half-written cache is not used.
    pub bytes: u64,
}

/// Whether `text` is meant as a URL rather than a file (it starts with a `scheme://`).
pub fn is_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// A feed name made from a URL: its last path segment without extension
/// (`https://urlhaus.abuse.ch/downloads/csv_recent/` gives `csv_recent`), else its host with
/// dashes for dots.
///
/// # Errors
/// When `url` is not an http(s) URL.
pub fn name_from_url(url: &str) -> Result<String, IntelError> {
    let uri = parse_url(url)?;
    let name = match uri.path().split('/').rfind(|segment| !segment.is_empty()) {
        Some(segment) => crate::store::name_from_path(Path::new(segment)),
        // A host is no file name: its last label is no extension to drop.
        None => {
            crate::store::name_from_path(Path::new(&uri.host().unwrap_or("feed").replace('.', "-")))
        }
    };
    Ok(name)
}

/// Fetches an http(s) URL, through the cache in `options.cache_dir` (see the module docs).
///
/// # Errors
/// When the URL is not http(s); the server answers with an error status (4xx, or 5xx with
/// nothing cached); the body is over `options.max_bytes`; the server cannot be reached and
/// nothing is cached; or the cache cannot be written.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Fetched, IntelError> {
    parse_url(url)?;
    let key = cache_key(url);
    let body_path = options.cache_dir.join(format!("{key}.body"));
    let meta_path = options.cache_dir.join(format!("{key}.json"));
    let cached = read_cache(url, &meta_path, &body_path);

    let request = request(
        url,
        options.timeout,
        cached.as_ref().map(|(entry, _)| entry),
    );
    let fallback = |reason: String| match &cached {
        Some((entry, bytes)) => Ok(Fetched {
            bytes: bytes.clone(),
            freshness: Freshness::Stale {
                fetched_at: entry.fetched_at.clone(),
                reason,
            },
        }),
        None => Err(IntelError::Fetch {
            url: url.to_owned(),
            reason,
        }),
    };

    let mut response = match request.call() {
        Ok(response) => response,
        Err(err) => return fallback(describe(&err, options.timeout)),
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED
        && let Some((_, bytes)) = &cached
    {
        return Ok(Fetched {
            bytes: bytes.clone(),
            freshness: Freshness::NotModified,
        });
    }
    if status.is_server_error() {
        return fallback(format!("the server answered {status}"));
    }
    if !status.is_success() {
        return Err(IntelError::HttpStatus {
            url: url.to_owned(),
            status: status.to_string(),
        });
    }
    let too_large = || IntelError::TooLarge {
        url: url.to_owned(),
        limit: options.max_bytes,
    };
    if response
        .body()
        .content_length()
        .is_some_and(|length| length > options.max_bytes)
    {
        return Err(too_large());
    }
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header_text(header::ETAG);
    let last_modified = header_text(header::LAST_MODIFIED);
    let bytes = match read_body(response.body_mut(), options.max_bytes) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(too_large()),
        Err(err) => return fallback(format!("the transfer broke off: {err}")),
    };
    let entry = CacheEntry {
        url: url.to_owned(),
        etag,
        last_modified,
        fetched_at: DateTime::<Utc>::from(SystemTime::now())
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        bytes: bytes.len() as u64,
    };
    write_cache(&options.cache_dir, &entry, &bytes, &meta_path, &body_path)?;
    Ok(Fetched {
        bytes,
        freshness: Freshness::Downloaded,
    })
}

/// A GET of `url` with the timeouts set, conditional on the cached copy's validators.
fn request(
    url: &str,
    timeout: Duration,
    cached: Option<&CacheEntry>,
) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_resolve(Some(timeout))
        .timeout_connect(Some(timeout))
        .timeout_per_read(Some(timeout))
        .timeout_per_write(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("dnshunt/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent.get(url);
    if let Some(entry) = cached {
        if let Some(etag) = &entry.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &entry.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
    }
    request
}

/// The body, or `None` when it is over `max_bytes`: reading stops one byte past the limit,
/// which tells "exactly at the limit" from "over it" without reading on.
fn read_body(body: &mut ureq::Body, max_bytes: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    body.as_reader()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max_bytes).then_some(bytes))
}

fn parse_url(url: &str) -> Result<Uri, IntelError> {
    let bad = |reason: &str| IntelError::Url {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: Uri = url.parse().map_err(|_| bad("not a valid URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("only http:// and https:// URLs are fetched")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("the URL has no host"));
    }
    Ok(uri)
}

/// A failed exchange in words, naming the timeout when that is what ended it.
fn describe(err: &ureq::Error, timeout: Duration) -> String {
    let timed_out = match err {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    };
    if timed_out {
        format!(
            "no answer within the timeout of {} s",
            timeout.as_secs_f64()
        )
    } else {
        err.to_string()
    }
}

/// FNV-1a over the URL: stable across runs and builds, unlike `std`'s hasher.
fn cache_key(url: &str) -> String {
    let hash = url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The cached copy of `url`, or `None` when there is none or it is unusable (another URL, cut
/// short, unreadable): then the feed is simply downloaded again.
fn read_cache(url: &str, meta_path: &Path, body_path: &Path) -> Option<(CacheEntry, Vec<u8>)> {
    let entry: CacheEntry = serde_json::from_slice(&fs::read(meta_path).ok()?).ok()?;
    let bytes = fs::read(body_path).ok()?;
    (entry.url == url && entry.bytes == bytes.len() as u64).then_some((entry, bytes))
}

/// Writes body then metadata, each to a temporary file renamed into place: a reader sees the
/// old copy or the new one, and a body whose length disagrees with its metadata is not used.
fn write_cache(
    dir: &Path,
    entry: &CacheEntry,
    bytes: &[u8],
    meta_path: &Path,
    body_path: &Path,
) -> Result<(), IntelError> {
    fs::create_dir_all(dir).map_err(|err| IntelError::io(dir, err))?;
    let meta = serde_json::to_vec(entry).map_err(|err| IntelError::Store {
        path: meta_path.to_owned(),
        reason: err.to_string(),
    })?;
    replace_file(body_path, bytes)?;
    replace_file(meta_path, &meta)
}

fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), IntelError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    };
    write().map_err(|err| IntelError::io(path, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://urlhaus.abuse.ch/downloads/csv_recent/"));
        assert!(is_url("ftp://example.org/feed.txt"));
        assert!(!is_url("feeds/urlhaus.csv"));
        assert!(!is_url("/tmp/odd name://x"));
        assert!(!is_url("://x"));
    }

    #[test]
    fn only_http_and_https_are_fetched() {
        let options = FetchOptions::new(Path::new("/nonexistent"));
        for url in ["ftp://example.org/feed.txt", "file:///etc/hosts", "http://"] {
            let err = fetch(url, &options).unwrap_err();
            assert!(matches!(err, IntelError::Url { .. }), "{url}: {err}");
            assert!(err.to_string().contains(url), "{err}");
        }
    }

    #[test]
    fn names_come_from_the_last_path_segment() {
        let name = |url| name_from_url(url).unwrap();
        assert_eq!(
            name("https://urlhaus.abuse.ch/downloads/csv_recent/"),
            "csv_recent"
        );
        assert_eq!(
            name("http://127.0.0.1:8000/feeds/Block%20List.txt?x=1"),
            "block-20list"
        );
        assert_eq!(name("https://feeds.example.org/"), "feeds-example-org");
    }

    #[test]
    fn cache_keys_are_stable() {
        assert_eq!(cache_key(""), "cbf29ce484222325");
        assert_ne!(cache_key("http://a/"), cache_key("http://b/"));
    }
}
