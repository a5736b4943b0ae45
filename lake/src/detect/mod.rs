//! Detection over the lake: every enabled detector over `events`, findings into the `findings`
//! Delta table.
//!
//! Detectors, one module each: `dga_domain`, `typosquat_domain` and `intel_match` judge each
//! distinct name once ([`signals`]); [`dns_tunnel`] aggregates per client, domain and window;
//! [`newly_seen`] keeps the first sighting of every domain. [`combine`] merges the signals about
//! one client's queries for one name on one day into one finding. Finding ids are deterministic,
//! so running `detect` again adds no duplicate.
//!
//! Retro-hunt: when the loaded feeds changed since the last run, intel matching covers the whole
//! history, not only the events after `--since`.
//!
//! Runs over one lake take turns ([`take_turn`]): a run reads what earlier ones added (findings,
//! first sightings) before adding its own, so a `detect` during a stream would otherwise add the
//! same rows twice.

pub mod columns;
pub mod combine;
pub mod config;
pub mod dns_tunnel;
pub mod finding;
pub mod newly_seen;
pub mod signals;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use deltalake::datafusion::datasource::MemTable;
use deltalake::datafusion::prelude::SessionContext;
use deltalake::kernel::Transaction;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::LakeError;
use crate::functions::Functions;
use crate::sql::run;
use crate::tables::{self, runtime, table_dir};
use combine::QueryGroup;
pub use config::DetectConfig;
pub use finding::{Finding, Severity, findings_batch, findings_from_batches, findings_schema};

/// The findings table's name.
pub const FINDINGS: &str = "findings";
/// The in-memory table holding a stream batch's events while it is judged.
const BATCH_EVENTS: &str = "batch_events";

/// What `detect` runs with.
#[derive(Debug, Clone, Default)]
pub struct DetectOptions {
    /// Only events at or after this time (microseconds since the epoch, UTC); `None`: all.
    pub since: Option<i64>,
    /// Detector settings.
    pub config: DetectConfig,
    /// The DGA model's version, for evidence (`dga/3`, `builtin`).
    pub model_version: Option<String>,
}

/// What a `detect` run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetectReport {
    /// Client, name and day groups judged.
    pub groups: usize,
    /// Distinct names scored.
    pub names: usize,
    /// Findings this run produced, new ones and ones already in the table.
    pub findings: usize,
    /// Of those, the ones added now.
    pub added: usize,
    /// Names that scored as DGA but were not reported: their domain is resolved by more than
    /// `dga.max_clients` clients.
    pub popular_dga: usize,
    /// Whether new feeds made intel matching cover the whole history.
    pub retro_hunt: bool,
    /// Added findings per severity.
    pub by_severity: BTreeMap<Severity, usize>,
}

/// Runs every enabled detector over the events of `home` and appends new findings.
pub fn detect(
    home: &Path,
    functions: &Functions,
    options: &DetectOptions,
) -> Result<DetectReport, LakeError> {
    if !tables::exists(&table_dir(home, "events")) {
        return Err(LakeError::Config(format!(
            "{}: no events table; run `dnshunt ingest` first",
            table_dir(home, "events").display()
        )));
    }
    let _turn = take_turn(home)?;
    runtime()?.block_on(async {
        let ctx = crate::sql::context(home).await?;
        functions.register(&ctx);
        let found = find(&ctx, home, functions, options, Scope::Lake).await?;
        let mut report = found.report;
        let existing = existing_ids(&ctx, home).await?;
        let mut seen = HashSet::new();
        let fresh: Vec<Finding> = found
            .findings
            .into_iter()
            .filter(|f| !existing.contains(&f.finding_id) && seen.insert(f.finding_id.clone()))
            .collect();
        report.added = fresh.len();
        for f in &fresh {
            *report.by_severity.entry(f.severity).or_default() += 1;
        }
        append_findings(home, fresh).await?;
        let mut sightings_table =
            tables::open_or_create(home, newly_seen::TABLE, newly_seen::schema(), None).await?;
        tables::append(
            &mut sightings_table,
            vec![found.sightings.added_batch()?],
            None,
            None,
        )
        .await?;
        found.state.save(home)?;
        Ok(report)
    })
}

/// Judges one stream batch: the `events` rows just committed under `txn`. New findings go to
/// `alert` and then to the `findings` table, and new sightings to their table, both committed
/// with `txn`, so that a batch redone after a crash adds nothing twice. Sightings are committed
/// last: once they are, the batch is done. Returns the findings added now.
pub fn detect_batch(
    home: &Path,
    functions: &Functions,
    options: &DetectOptions,
    events: Vec<RecordBatch>,
    txn: &Transaction,
    alert: &mut dyn FnMut(&Finding) -> Result<(), LakeError>,
) -> Result<Vec<Finding>, LakeError> {
    let Some(first_time) = earliest_event(&events)? else {
        return Ok(Vec::new());
    };
    let _turn = take_turn(home)?;
    runtime()?.block_on(async {
        let mut findings_table =
            tables::open_or_create(home, FINDINGS, findings_schema(), None).await?;
        let mut sightings_table =
            tables::open_or_create(home, newly_seen::TABLE, newly_seen::schema(), None).await?;
        if tables::holds(&sightings_table, txn).await? {
            return Ok(Vec::new());
        }
        let ctx = crate::sql::context(home).await?;
        functions.register(&ctx);
        let schema = crate::batch::events_schema();
        let batch_table = MemTable::try_new(schema, vec![events])
            .map_err(|e| tables::table_error("the batch's events", e))?;
        ctx.register_table(BATCH_EVENTS, Arc::new(batch_table))
            .map_err(|e| tables::table_error("the batch's events", e))?;
        // Only the tunnel windows this batch adds to are measured again; their other rows are in
        // `events` already. Bounding by time (not the day) keeps a batch's cost flat all day.
        let window_start = window_start(&options.config, first_time);
        let found = find(
            &ctx,
            home,
            functions,
            options,
            Scope::Batch { window_start },
        )
        .await?;
        let mut fresh = Vec::new();
        if !tables::holds(&findings_table, txn).await? {
            let existing = existing_ids(&ctx, home).await?;
            let mut seen = HashSet::new();
            fresh = found
                .findings
                .into_iter()
                .filter(|f| !existing.contains(&f.finding_id) && seen.insert(f.finding_id.clone()))
                .collect();
            // Alerts go out before the commit: after a crash they may repeat, never go missing.
            for f in &fresh {
                alert(f)?;
            }
            tables::append(
                &mut findings_table,
                vec![findings_batch(&fresh)?],
                None,
                Some(txn.clone()),
            )
            .await?;
        }
        tables::append(
            &mut sightings_table,
            vec![found.sightings.added_batch()?],
            None,
            Some(txn.clone()),
        )
        .await?;
        Ok(fresh)
    })
}

/// Waits until no other detection run holds the lake of `home`, then holds it until the returned
/// file is dropped (or the process dies: the lock is the kernel's, on an open file).
fn take_turn(home: &Path) -> Result<std::fs::File, LakeError> {
    let path = home.join("lake").join("detect.lock");
    let io_error = |source| LakeError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_error)?;
    file.lock().map_err(io_error)?;
    Ok(file)
}

/// The start of the tunnel window holding `time`.
fn window_start(config: &DetectConfig, time: i64) -> i64 {
    let window = i64::from(config.dns_tunnel.window_minutes.max(1)) * MINUTE_MICROS;
    time - time.rem_euclid(window)
}

const MINUTE_MICROS: i64 = 60_000_000;
const DAY_MICROS: i64 = 86_400_000_000;

/// The smallest `event_time` of `events`, or `None` when there are no rows.
fn earliest_event(events: &[RecordBatch]) -> Result<Option<i64>, LakeError> {
    let mut earliest = None;
    for batch in events {
        let times = columns::micros(batch, "event_time")?;
        earliest = times.into_iter().chain(earliest).min();
    }
    Ok(earliest)
}

/// Appends findings to the `findings` table of `home`, creating it on first use.
pub async fn append_findings(home: &Path, findings: Vec<Finding>) -> Result<(), LakeError> {
    let mut table = tables::open_or_create(home, FINDINGS, findings_schema(), None).await?;
    tables::append(&mut table, vec![findings_batch(&findings)?], None, None).await
}

/// Every finding of `home`, most severe first, then by score and time.
pub fn read_findings(home: &Path) -> Result<Vec<Finding>, LakeError> {
    if !tables::exists(&table_dir(home, FINDINGS)) {
        return Ok(Vec::new());
    }
    let batches = crate::sql(home, "SELECT * FROM findings", &Functions::new())?;
    let mut findings = findings_from_batches(&batches)?;
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.score.total_cmp(&a.score))
            .then(a.event_time.cmp(&b.event_time))
            .then(a.finding_id.cmp(&b.finding_id))
    });
    Ok(findings)
}

struct Found {
    findings: Vec<Finding>,
    sightings: newly_seen::Sightings,
    state: RunState,
    report: DetectReport,
}

/// Which events a run judges.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// The `events` table, from `--since` on (or all of it, in a retro-hunt).
    Lake,
    /// The rows of table [`BATCH_EVENTS`]; tunnels are measured over `events` from
    /// `window_start` on, so windows that earlier batches began are judged whole.
    Batch { window_start: i64 },
}

async fn find(
    ctx: &SessionContext,
    home: &Path,
    functions: &Functions,
    options: &DetectOptions,
    scope: Scope,
) -> Result<Found, LakeError> {
    let config = &options.config;
    let previous = RunState::load(home)?;
    let state = RunState {
        feeds: feeds_fingerprint(functions.indicators()),
    };
    let retro_hunt = matches!(scope, Scope::Lake)
        && options.since.is_some()
        && config.intel.enabled
        && !functions.indicators().is_empty()
        && previous.feeds != state.feeds;
    // Tunnels are measured over whole windows: a `--since` inside one would split it between
    // two daily runs, each seeing too few subdomains.
    let window_of = |since| window_start(config, since);
    let (table, groups_since, tunnel_since) = match scope {
        Scope::Lake if retro_hunt => ("events", None, options.since.map(window_of)),
        Scope::Lake => ("events", options.since, options.since.map(window_of)),
        Scope::Batch { window_start } => (BATCH_EVENTS, None, Some(window_start)),
    };
    let groups = query_groups(ctx, table, groups_since).await?;

    let names: Vec<&str> = {
        let mut distinct: Vec<&str> = groups.iter().map(|g| g.query.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        distinct
    };
    let mut judged = signals::name_signals(&names, functions, config);
    let answered = if config.intel.enabled && has_address_indicators(functions) {
        let answers = answer_addresses(ctx, table, groups_since, &groups).await?;
        answer_hits(&answers, &groups, &names, &judged, functions)
    } else {
        HashMap::new()
    };
    let domain_of: HashMap<&str, &str> = groups
        .iter()
        .filter_map(|g| Some((g.query.as_str(), g.registered_domain.as_deref()?)))
        .collect();
    let popular_dga =
        drop_popular_dga(ctx, &names, &domain_of, &mut judged, &config.dga, &groups).await?;
    let by_name: HashMap<&str, &signals::NameSignals> =
        names.iter().copied().zip(&judged).collect();

    let sightings_exist = tables::exists(&table_dir(home, newly_seen::TABLE));
    let mut sightings = newly_seen::Sightings::load(ctx, sightings_exist).await?;
    sightings.observe(&groups);
    let candidates = sightings.candidates(&groups, &config.newly_seen);
    let clients = prevalence(ctx, &candidates).await?;
    let new_domains = sightings.judge(&groups, &config.newly_seen, &clients);

    let mut findings = Vec::new();
    for (at, (group, new_domain)) in groups.iter().zip(new_domains).enumerate() {
        let Some(&signals) = by_name.get(group.query.as_str()) else {
            continue;
        };
        let with_answers;
        let signals = match answered.get(&at) {
            Some(intel) => {
                with_answers = signals::NameSignals {
                    intel: intel.clone(),
                    ..signals.clone()
                };
                &with_answers
            }
            None => signals,
        };
        // Before --since, a retro-hunt looks for intel. A hit leads the finding, and what else is
        // known of the name (a DGA score) sets its severity and reason as in a fresh run; a mere
        // lead stays a lead, as the name's other findings were reported when it was judged.
        let before_since = options.since.is_some_and(|since| group.last_time < since);
        let hit = signals
            .intel
            .as_ref()
            .is_some_and(signals::IntelSignal::is_hit);
        let model_version = options.model_version.as_deref();
        let finding = match (before_since, hit) {
            (false, _) => combine::combine(group, signals, new_domain, model_version),
            (true, true) => combine::combine(group, signals, None, model_version),
            (true, false) => {
                let intel_only = signals::NameSignals {
                    intel: signals.intel.clone(),
                    ..Default::default()
                };
                combine::combine(group, &intel_only, None, None)
            }
        };
        findings.extend(finding);
    }
    if config.dns_tunnel.enabled {
        let windows = tunnel_windows(ctx, &config.dns_tunnel, tunnel_since).await?;
        findings.extend(dns_tunnel::findings(&windows, &config.dns_tunnel));
    }
    let report = DetectReport {
        groups: groups.len(),
        names: names.len(),
        popular_dga,
        findings: findings.len(),
        retro_hunt,
        ..DetectReport::default()
    };
    Ok(Found {
        findings,
        sightings,
        state,
        report,
    })
}

/// The intel signal of each group (client, name, day) that was answered, by index into
/// `groups`: an answer hit belongs to the client that got the answer, on that day, not to every
/// client of the name. It starts from the name's own signal (`judged`, by `names`).
fn answer_hits(
    answers: &[(usize, IpAddr)],
    groups: &[QueryGroup],
    names: &[&str],
    judged: &[signals::NameSignals],
    functions: &Functions,
) -> HashMap<usize, Option<signals::IntelSignal>> {
    let mut owners: Vec<usize> = answers.iter().map(|&(group, _)| group).collect();
    owners.dedup();
    let mut per_group: Vec<signals::NameSignals> = owners
        .iter()
        .map(|&group| signals::NameSignals {
            intel: names
                .binary_search(&groups[group].query.as_str())
                .ok()
                .and_then(|row| judged[row].intel.clone()),
            ..Default::default()
        })
        .collect();
    let by_owner: Vec<(usize, IpAddr)> = answers
        .iter()
        .filter_map(|&(group, ip)| Some((owners.binary_search(&group).ok()?, ip)))
        .collect();
    signals::add_answer_hits(&mut per_group, &by_owner, functions);
    owners
        .into_iter()
        .zip(per_group)
        .map(|(group, signals)| (group, signals.intel))
        .collect()
}

/// Whether any loaded feed lists an address or a network: without one, answers need no reading.
fn has_address_indicators(functions: &Functions) -> bool {
    functions
        .intel()
        .indicators()
        .iter()
        .any(|i| i.kind != dnshunt_intel::IndicatorType::Domain)
}

/// The query behind [`answer_addresses`]: the distinct clients, names, days (since the epoch)
/// and answers of `table` from `since` on. Public for the detect benchmark's breakdown.
pub fn answers_sql(table: &str, since: Option<i64>) -> String {
    format!(
        "SELECT DISTINCT client_ip, query, to_unixtime(event_time) / 86400 AS day, answer FROM \
           (SELECT client_ip, query, event_time, unnest(answers) AS answer FROM {table} \
            WHERE is_valid_name AND cardinality(answers) > 0 {}) AS resolved",
        since_filter(since)
    )
}

/// Which group (client, name, day) of `groups` was answered with which address, as (index into
/// `groups`, address), in a fixed order. Answers that are not addresses (CNAME targets, TXT
/// strings) are skipped.
async fn answer_addresses(
    ctx: &SessionContext,
    table: &str,
    since: Option<i64>,
    groups: &[QueryGroup],
) -> Result<Vec<(usize, IpAddr)>, LakeError> {
    let index: HashMap<(Option<&str>, &str, i64), usize> = groups
        .iter()
        .enumerate()
        .map(|(at, g)| {
            let day = g.first_time.div_euclid(DAY_MICROS);
            ((g.client_ip.as_deref(), g.query.as_str(), day), at)
        })
        .collect();
    let mut pairs = Vec::new();
    for batch in run(ctx, &answers_sql(table, since)).await? {
        let clients = columns::strings(&batch, "client_ip")?;
        let queries = columns::strings(&batch, "query")?;
        let days = columns::integers(&batch, "day")?;
        let answers = columns::strings(&batch, "answer")?;
        for (((client, query), day), answer) in clients.iter().zip(&queries).zip(days).zip(&answers)
        {
            let (Some(query), Some(answer)) = (query, answer) else {
                continue;
            };
            if let (Some(&group), Ok(address)) = (
                index.get(&(client.as_deref(), query.as_str(), day)),
                answer.parse::<IpAddr>(),
            ) {
                pairs.push((group, address));
            }
        }
    }
    // Query results come in no fixed order; which answer hit a name reports must not depend on it.
    pairs.sort_unstable();
    Ok(pairs)
}

/// Removes the DGA signal of names whose registered domain more than `max_clients` distinct
/// clients resolved from `popularity_days` before the oldest of `groups` on; returns how many
/// names that silenced.
async fn drop_popular_dga(
    ctx: &SessionContext,
    names: &[&str],
    domain_of: &HashMap<&str, &str>,
    judged: &mut [signals::NameSignals],
    config: &config::DgaConfig,
    groups: &[QueryGroup],
) -> Result<usize, LakeError> {
    let flagged: Vec<(usize, &str)> = names
        .iter()
        .zip(judged.iter())
        .enumerate()
        .filter(|(_, (_, s))| s.dga.is_some())
        .filter_map(|(i, (name, _))| Some((i, *domain_of.get(name)?)))
        .collect();
    if flagged.is_empty() {
        return Ok(0);
    }
    let mut domains: Vec<&str> = flagged.iter().map(|(_, d)| *d).collect();
    domains.sort_unstable();
    domains.dedup();
    let list = sql_strings(domains.iter().copied());
    let oldest = groups.iter().map(|g| g.first_time).min();
    let period = match oldest {
        Some(oldest) if config.popularity_days > 0 => {
            let since = oldest - i64::from(config.popularity_days) * DAY_MICROS;
            // The date bound lets the scan skip whole `event_date` partitions.
            let day = chrono::DateTime::from_timestamp_micros(since)
                .map_or_else(String::new, |t| {
                    format!("AND event_date >= DATE '{}'", t.date_naive())
                });
            format!("{day} {}", since_filter(Some(since)))
        }
        _ => String::new(),
    };
    // Clients whose lookups failed (NXDOMAIN, SERVFAIL) did not reach the domain: a DGA
    // outbreak on many hosts must not make its own names look popular. Query-only logs (BIND,
    // dnsmasq) say nothing of the outcome, so their clients count.
    let sql = format!(
        "SELECT registered_domain FROM events WHERE registered_domain IN ({list}) {period} \
         AND (rcode IS NULL OR rcode = 'NOERROR' OR cardinality(answers) > 0) \
         GROUP BY registered_domain HAVING count(DISTINCT client_ip) > {}",
        config.max_clients
    );
    let mut popular = HashSet::new();
    for batch in run(ctx, &sql).await? {
        popular.extend(
            columns::strings(&batch, "registered_domain")?
                .into_iter()
                .flatten(),
        );
    }
    let mut silenced = 0;
    for (i, domain) in flagged {
        if popular.contains(domain) {
            judged[i].dga = None;
            silenced += 1;
        }
    }
    Ok(silenced)
}

/// Distinct clients that queried each domain of `domains` (with its first sighting) from then
/// on, over the whole `events` table: the lake's prevalence, not a stream batch's or a
/// `--since` window's.
async fn prevalence(
    ctx: &SessionContext,
    domains: &[(String, i64)],
) -> Result<HashMap<String, u64>, LakeError> {
    let Some(since) = domains.iter().map(|&(_, first)| first).min() else {
        return Ok(HashMap::new());
    };
    let list = sql_strings(domains.iter().map(|(d, _)| d.as_str()));
    let sql = format!(
        "SELECT registered_domain, count(DISTINCT client_ip) AS clients FROM events \
         WHERE registered_domain IN ({list}) AND client_ip IS NOT NULL {} \
         GROUP BY registered_domain",
        since_filter(Some(since))
    );
    let mut counts = HashMap::new();
    for batch in run(ctx, &sql).await? {
        let domains = columns::strings(&batch, "registered_domain")?;
        let clients = columns::integers(&batch, "clients")?;
        for (domain, n) in domains.into_iter().zip(clients) {
            if let Some(domain) = domain {
                counts.insert(domain, u64::try_from(n).unwrap_or_default());
            }
        }
    }
    Ok(counts)
}

/// `'a', 'b'`: SQL string literals for an `IN` list. Registered domains of valid names hold
/// letters, digits, '-' and '.'; quotes are doubled anyway.
fn sql_strings<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn since_filter(since: Option<i64>) -> String {
    since.map_or_else(String::new, |micros| {
        format!("AND event_time >= to_timestamp_micros({micros})")
    })
}

/// The query behind [`query_groups`]: one row per client, name and day of `table`, from
/// `since` (microseconds) when given. Public for the detect benchmark's breakdown.
pub fn query_groups_sql(table: &str, since: Option<i64>) -> String {
    format!(
        "SELECT client_ip, query, registered_domain, \
           min(event_time) AS first_time, max(event_time) AS last_time, \
           {} AS queries, \
           max(CASE WHEN rcode = 'NOERROR' OR cardinality(answers) > 0 THEN 1 ELSE 0 END) AS resolved \
         FROM {table} WHERE is_valid_name {} \
         GROUP BY client_ip, query, registered_domain, event_date",
        columns::QUERIES_SUM,
        since_filter(since)
    )
}

/// One row per client, name and day.
async fn query_groups(
    ctx: &SessionContext,
    table: &str,
    since: Option<i64>,
) -> Result<Vec<QueryGroup>, LakeError> {
    let sql = query_groups_sql(table, since);
    let mut groups = Vec::new();
    for batch in run(ctx, &sql).await? {
        let clients = columns::strings(&batch, "client_ip")?;
        let queries = columns::strings(&batch, "query")?;
        let domains = columns::strings(&batch, "registered_domain")?;
        let first = columns::micros(&batch, "first_time")?;
        let last = columns::micros(&batch, "last_time")?;
        let counts = columns::query_counts(&batch, "queries")?;
        let resolved = columns::integers(&batch, "resolved")?;
        for row in 0..batch.num_rows() {
            groups.push(QueryGroup {
                client_ip: clients[row].clone(),
                query: queries[row].clone().unwrap_or_default(),
                registered_domain: domains[row].clone(),
                first_time: first[row],
                last_time: last[row],
                count: counts[row],
                resolved: resolved[row] > 0,
            });
        }
    }
    // Query results come in no fixed order; findings and sightings must not depend on it.
    groups.sort_by(|a, b| {
        (a.first_time, &a.client_ip, &a.query).cmp(&(b.first_time, &b.client_ip, &b.query))
    });
    Ok(groups)
}

async fn tunnel_windows(
    ctx: &SessionContext,
    config: &config::TunnelConfig,
    since: Option<i64>,
) -> Result<Vec<dns_tunnel::Window>, LakeError> {
    let mut windows = Vec::new();
    for batch in run(ctx, &dns_tunnel::query(config, &since_filter(since))).await? {
        let clients = columns::strings(&batch, "client_ip")?;
        let domains = columns::strings(&batch, "registered_domain")?;
        let first = columns::micros(&batch, "first_time")?;
        let last = columns::micros(&batch, "last_time")?;
        let queries = columns::query_counts(&batch, "queries")?;
        let shares = columns::floats(&batch, "txt_share")?;
        let subdomains = columns::string_lists(&batch, "subdomains")?;
        for (row, mut subs) in subdomains.into_iter().enumerate() {
            subs.sort_unstable();
            windows.push(dns_tunnel::Window {
                client_ip: clients[row].clone(),
                registered_domain: domains[row].clone().unwrap_or_default(),
                first_time: first[row],
                last_time: last[row],
                queries: queries[row],
                txt_share: shares[row],
                subdomains: subs,
            });
        }
    }
    windows.sort_by(|a, b| {
        (a.first_time, &a.client_ip, &a.registered_domain).cmp(&(
            b.first_time,
            &b.client_ip,
            &b.registered_domain,
        ))
    });
    Ok(windows)
}

async fn existing_ids(ctx: &SessionContext, home: &Path) -> Result<HashSet<String>, LakeError> {
    if !tables::exists(&table_dir(home, FINDINGS)) {
        return Ok(HashSet::new());
    }
    let mut ids = HashSet::new();
    for batch in run(ctx, "SELECT finding_id FROM findings").await? {
        ids.extend(
            columns::strings(&batch, "finding_id")?
                .into_iter()
                .flatten(),
        );
    }
    Ok(ids)
}

/// What the next run needs from the last one: which feeds it matched.
#[derive(Debug, Default, Serialize, Deserialize)]
struct RunState {
    feeds: String,
}

impl RunState {
    fn path(home: &Path) -> std::path::PathBuf {
        home.join("lake").join("detect_state.json")
    }

    fn load(home: &Path) -> Result<Self, LakeError> {
        match std::fs::read_to_string(Self::path(home)) {
            Ok(text) => Ok(serde_json::from_str(&text).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(LakeError::Io {
                path: Self::path(home).display().to_string(),
                source,
            }),
        }
    }

    fn save(&self, home: &Path) -> Result<(), LakeError> {
        let path = Self::path(home);
        let text = serde_json::to_string(self).map_err(|e| LakeError::Table(e.to_string()))?;
        // Written whole then renamed, so a crash leaves the old state or the new one.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|source| LakeError::Io {
                path: path.display().to_string(),
                source,
            })
    }
}

/// A hash of every loaded indicator, so a run can tell that feeds changed.
fn feeds_fingerprint(indicators: &[dnshunt_intel::Indicator]) -> String {
    let mut hasher = sha2::Sha256::new();
    for i in indicators {
        hasher.update(i.feed.as_bytes());
        hasher.update([0]);
        hasher.update(i.indicator.as_bytes());
        hasher.update([0]);
    }
    crate::ingest::hex(&hasher.finalize()[..16])
}
