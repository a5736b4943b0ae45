//! `dnshunt intel`: threat-intel feeds and matching.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use dnshunt_features::InvalidReason;
use dnshunt_intel::fetch::{is_url, name_from_url};
use dnshunt_intel::store::{check_name, name_from_path};
use dnshunt_intel::{
    Feed, FeedKind, FeedStore, FeedSummary, FetchOptions, Freshness, IntelIndex, MatchKind,
    RejectKind, load_file, load_url,
};

use crate::output::{Format, Table, Value};
use crate::visible::visible;

/// Threat-intel commands.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load feed files or http(s) URLs into <home>/intel/; a feed loaded again under the same
    /// name is replaced.
    #[command(after_help = LOAD_HELP)]
    Load(LoadArgs),
    /// List the loaded feeds and what they hold.
    List(ListArgs),
    /// Match names and addresses against the loaded feeds.
    #[command(after_help = MATCH_HELP)]
    Match(MatchArgs),
}

const LOAD_HELP: &str = "\
Formats: urlhaus (CSV dump, 8- or 9-column layout), urlhaus-hosts (URLhaus hostfile), threatfox
(CSV or JSON export), stix (STIX 2.1 bundle), list (domains, IPs, CIDRs), hosts (hosts file).
Records that cannot be loaded are printed to standard error with their line (or STIX/ThreatFox
id) and kept in the stored feed; the exit code is then 1.
http(s) URLs are fetched with --timeout and --max-size and cached under <home>/intel/cache/: the
next load sends the cached ETag / Last-Modified and reuses the copy on 304 Not Modified. When the
server cannot be reached (or answers 5xx), the cached copy is loaded and a warning says so; 4xx
answers and feeds over the size limit are errors. See docs/intel.md.";

const MATCH_HELP: &str = "\
Output columns: query, match (exact, parent, ip, cidr, cross_suffix), indicator, type, feed,
confidence (0-100), threat, family, tags, first_seen, last_seen, reference. One row per match;
queries without matches give no row. cross_suffix rows (same domain label under another public
suffix) are leads, not hits: they are listed after the others and carry 30% of the confidence.";

/// Feed formats on the command line: a format, or `auto` to guess it from the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FeedArg {
    Auto,
    Urlhaus,
    UrlhausHosts,
    Threatfox,
    Stix,
    List,
    Hosts,
}

impl FeedArg {
    fn kind(self) -> Option<FeedKind> {
        match self {
            Self::Auto => None,
            Self::Urlhaus => Some(FeedKind::Urlhaus),
            Self::UrlhausHosts => Some(FeedKind::UrlhausHosts),
            Self::Threatfox => Some(FeedKind::Threatfox),
            Self::Stix => Some(FeedKind::Stix),
            Self::List => Some(FeedKind::List),
            Self::Hosts => Some(FeedKind::Hosts),
        }
    }
}

#[derive(clap::Args)]
struct LoadArgs {
    /// Feed files, or http(s) URLs to fetch.
    #[arg(required = true, value_name = "PATH_OR_URL")]
    paths: Vec<PathBuf>,
    /// Format of the files.
    #[arg(long, value_enum, default_value = "auto")]
    feed: FeedArg,
    /// Name to store the feed under (default: the file name without extension; for a URL, its
    /// last path segment). Only with one file.
    #[arg(long)]
    name: Option<String>,
    /// Seconds to wait for a server to connect and for each read, for URLs.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    timeout: Duration,
    /// Largest feed fetched from a URL, in bytes or with a K, M or G suffix (powers of 1024).
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_size)]
    max_size: u64,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{text:?} is not a number of seconds above 0 (at most 86400)"))
}

fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let (digits, shift) = match upper.strip_suffix(['K', 'M', 'G']) {
        Some(digits) if upper.ends_with('K') => (digits, 10),
        Some(digits) if upper.ends_with('M') => (digits, 20),
        Some(digits) => (digits, 30),
        None => (upper.as_str(), 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{text:?} is not a size: give bytes, or a number with K, M or G"))
}

#[derive(clap::Args)]
struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(clap::Args)]
struct MatchArgs {
    /// Names or addresses to check (in addition to --file).
    queries: Vec<String>,
    /// A file of names or addresses, one a line (`-`: standard input). Lines holding a JSON
    /// object give the name in rrname, query, domain or name and the answer addresses in rdata
    /// or answers (passive DNS, Zeek, ...).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Leave out cross-suffix matches.
    #[arg(long)]
    no_cross_suffix: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let store = FeedStore::new(home);
    match &args.command {
        Command::Load(load) => {
            let fetch = FetchOptions {
                timeout: load.timeout,
                max_bytes: load.max_size,
                ..FetchOptions::new(home)
            };
            run_load(load, &store, &fetch)
        }
        Command::List(list) => run_list(list, &store),
        Command::Match(matching) => run_match(matching, &store),
    }
}

/// Rejected records printed per feed; the rest stay in the stored feed.
const SHOWN_REJECTS: usize = 50;

/// A feed to load: a file, or a URL (given as text: URLs are never paths).
enum Source<'a> {
    File(&'a Path),
    Url(&'a str),
}

fn run_load(args: &LoadArgs, store: &FeedStore, fetch: &FetchOptions) -> Result<ExitCode> {
    if args.name.is_some() && args.paths.len() > 1 {
        bail!("--name names one feed; load the files one at a time to name each");
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for path in &args.paths {
        let source = match path.to_str() {
            Some(text) if is_url(text) => Source::Url(text),
            _ => Source::File(path),
        };
        let name = match (&args.name, &source) {
            (Some(name), _) => name.clone(),
            (None, Source::File(path)) => name_from_path(path),
            (None, Source::Url(url)) => name_from_url(url)?,
        };
        check_name(&name)?;
        if names.contains(&name) {
            bail!("two files would be stored as feed {name:?}; load one of them with --name OTHER");
        }
        names.push(name);
        sources.push(source);
    }
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let mut code = ExitCode::SUCCESS;
    for (source, name) in sources.iter().zip(&names) {
        let (feed, note) = match source {
            Source::File(path) => (
                load_file(path, args.feed.kind(), name, SystemTime::now())?,
                String::new(),
            ),
            Source::Url(url) => {
                let (feed, freshness) =
                    load_url(url, args.feed.kind(), name, SystemTime::now(), fetch)?;
                if let Freshness::Stale { fetched_at, reason } = &freshness {
                    writeln!(
                        err,
                        "warning: {url}: {reason}; loaded the cached copy fetched at {fetched_at}, \
                         which may be out of date"
                    )?;
                }
                (feed, freshness_note(&freshness))
            }
        };
        if feed.indicators.is_empty() {
            // Most likely the wrong format (guessed or given): never let it wipe a good copy.
            writeln!(
                err,
                "{}: no indicators read as {}; feed {name:?} is left as it was stored. \
                 If the format is wrong, name it with --feed",
                feed.source, feed.kind
            )?;
            report_rejected(&mut err, &feed, store)?;
            code = ExitCode::from(1);
            continue;
        }
        store.save(&feed).with_context(|| {
            format!(
                "storing feed {name:?} under {} (check --home)",
                store.dir().display()
            )
        })?;
        let summary = feed.summary();
        writeln!(
            out,
            "loaded {} ({}) from {}{note}: {} indicators ({} domains, {} ips, {} cidrs), {} malformed, {} unsupported",
            summary.name,
            summary.kind,
            summary.source,
            summary.indicators,
            summary.domains,
            summary.ips,
            summary.cidrs,
            summary.malformed,
            summary.unsupported
        )?;
        if !feed.rejected.is_empty() {
            code = ExitCode::from(1);
            report_rejected(&mut err, &feed, store)?;
        }
    }
    Ok(code)
}

/// `text` cut to at most 300 characters, marked with `…` when cut.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// How a fetched feed was obtained, for the `loaded ...` line.
fn freshness_note(freshness: &Freshness) -> String {
    match freshness {
        Freshness::Downloaded => " (downloaded)".to_owned(),
        Freshness::NotModified => " (not modified: cached copy)".to_owned(),
        Freshness::Stale { fetched_at, .. } => {
            format!(" (server unreachable: cached copy of {fetched_at})")
        }
    }
}

fn report_rejected(err: &mut impl Write, feed: &Feed, store: &FeedStore) -> Result<()> {
    for rejected in feed.rejected.iter().take(SHOWN_REJECTS) {
        let place = match (rejected.line, &rejected.record_id) {
            (0, Some(id)) => format!("{}: {id}", feed.source),
            (0, None) => feed.source.clone(),
            (line, Some(id)) => format!("{}:{line}: {id}", feed.source),
            (line, None) => format!("{}:{line}", feed.source),
        };
        let kind = match rejected.kind {
            RejectKind::Malformed => "malformed",
            RejectKind::Unsupported => "unsupported",
        };
        // Ids and reasons quote the feed: escaped, and cut, as a field can be megabytes long.
        writeln!(
            err,
            "{}: {kind}: {}",
            shortened(&visible(&place)),
            shortened(&visible(&rejected.reason))
        )?;
    }
    if feed.rejected.len() > SHOWN_REJECTS {
        writeln!(
            err,
            "{}: {} more rejected records, all listed in {}",
            feed.source,
            feed.rejected.len() - SHOWN_REJECTS,
            store
                .dir()
                .join(format!("{}.feed.json", feed.name))
                .display()
        )?;
    }
    Ok(())
}

fn run_list(args: &ListArgs, store: &FeedStore) -> Result<ExitCode> {
    let summaries = store.summaries()?;
    let mut table = Table::new(vec![
        "feed",
        "kind",
        "indicators",
        "domains",
        "ips",
        "cidrs",
        "malformed",
        "unsupported",
        "loaded_at",
        "source",
    ]);
    for summary in &summaries {
        table.push(list_row(summary));
    }
    table.write(&mut std::io::stdout().lock(), args.format)?;
    Ok(ExitCode::SUCCESS)
}

fn list_row(summary: &FeedSummary) -> Vec<Value> {
    let count = |n: usize| Value::Number(n as f64);
    vec![
        Value::Text(summary.name.clone()),
        Value::Text(summary.kind.as_str().to_owned()),
        count(summary.indicators),
        count(summary.domains),
        count(summary.ips),
        count(summary.cidrs),
        count(summary.malformed),
        count(summary.unsupported),
        Value::Text(summary.loaded_at.clone()),
        Value::Text(summary.source.clone()),
    ]
}

fn run_match(args: &MatchArgs, store: &FeedStore) -> Result<ExitCode> {
    let mut queries = args.queries.clone();
    if let Some(path) = &args.file {
        queries.extend(read_queries(path)?);
    }
    if queries.is_empty() {
        bail!("nothing to match: give names or addresses, or --file");
    }
    let index = store.index()?;
    if index.is_empty() {
        bail!(
            "no indicators under {}; load a feed first with `dnshunt intel load FILE`",
            store.dir().display()
        );
    }
    let mut table = Table::new(vec![
        "query",
        "match",
        "indicator",
        "type",
        "feed",
        "confidence",
        "threat",
        "family",
        "tags",
        "first_seen",
        "last_seen",
        "reference",
    ]);
    let batch = dnshunt_features::normalize(&queries);
    for found in index.match_names(&batch) {
        if args.no_cross_suffix && found.kind == MatchKind::CrossSuffix {
            continue;
        }
        if let Some(row) = match_row(&index, &queries[found.query], found) {
            table.push(row);
        }
    }
    table.write(&mut std::io::stdout().lock(), args.format)?;
    // Names that are no host name cannot match a feed's; say so rather than print nothing.
    let mut err = std::io::stderr().lock();
    let mut code = ExitCode::SUCCESS;
    for (query, name) in queries.iter().zip(batch.iter()) {
        if let Some(reason) = name.invalid.filter(|r| *r != InvalidReason::IpLiteral) {
            writeln!(
                err,
                "{}: not matched: not a valid host name ({})",
                shortened(&visible(query)),
                reason.as_str()
            )?;
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

fn match_row(index: &IntelIndex, query: &str, found: dnshunt_intel::Match) -> Option<Vec<Value>> {
    let indicator = index.indicator(found.indicator)?;
    let text = |field: &Option<String>| field.clone().map_or(Value::Null, Value::Text);
    Some(vec![
        Value::Text(query.to_owned()),
        Value::Text(found.kind.as_str().to_owned()),
        Value::Text(indicator.indicator.clone()),
        Value::Text(indicator.kind.as_str().to_owned()),
        Value::Text(indicator.feed.clone()),
        Value::Number(f64::from(found.confidence)),
        text(&indicator.threat),
        text(&indicator.family),
        Value::Text(indicator.tags.join(",")),
        text(&indicator.first_seen),
        text(&indicator.last_seen),
        text(&indicator.reference),
    ])
}

/// JSON fields holding the queried name, in the order they are tried.
const NAME_FIELDS: [&str; 4] = ["rrname", "query", "domain", "name"];
/// JSON fields holding answer data, whose addresses are matched too.
const ANSWER_FIELDS: [&str; 2] = ["rdata", "answers"];

/// Names and addresses of a file (`-`: standard input): one a line, or from JSON lines.
fn read_queries(path: &Path) -> Result<Vec<String>> {
    let bytes = crate::input::read_bytes(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut queries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('{') {
            from_json(line, &mut queries)
                .with_context(|| format!("{}:{}", path.display(), number + 1))?;
        } else {
            queries.push(line.to_owned());
        }
    }
    Ok(queries)
}

fn from_json(line: &str, queries: &mut Vec<String>) -> Result<()> {
    let value: serde_json::Value =
        serde_json::from_str(line).context("the line starts with '{' but is not valid JSON")?;
    let Some(name) = NAME_FIELDS
        .iter()
        .find_map(|field| value.get(field).and_then(serde_json::Value::as_str))
    else {
        bail!("a JSON line needs a string field named one of {NAME_FIELDS:?}");
    };
    queries.push(name.to_owned());
    for field in ANSWER_FIELDS {
        let answers: Vec<&str> = match value.get(field) {
            Some(serde_json::Value::String(one)) => one.split(',').collect(),
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(serde_json::Value::as_str).collect()
            }
            _ => Vec::new(),
        };
        // Only addresses: answer names (CNAME targets, SOA data) are not what was asked.
        queries.extend(
            answers
                .into_iter()
                .map(str::trim)
                .filter(|answer| answer.parse::<std::net::IpAddr>().is_ok())
                .map(str::to_owned),
        );
    }
    Ok(())
}
