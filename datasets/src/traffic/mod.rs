//! A deterministic day of DNS traffic at a small company, with threats planted in it, as a Zeek
//! `dns.log`: the data behind `dnshunt demo` and the ingest benchmarks.
//!
//! # What it is
//! A few hundred workstations (`10.1.x.y`) and a mail relay (`10.0.0.25`) ask the company resolver
//! (`10.0.0.53`) for the names of a hand-written catalogue of real business services
//! (`data/demo/benign-domains.txt`: Microsoft 365, Google, Slack, Zoom, GitHub, CDNs, telemetry,
//! the company's own `acmebank.com`), drawn with a Zipf law, busier in working hours (UTC) than
//! at night and at weekends. Lookups send A, often AAAA and sometimes HTTPS from one socket; the
//! mail relay asks MX and TXT (SPF, DMARC); a few names do not exist (WPAD, search-suffix
//! leftovers). Into this traffic three threats are planted (see [`Planted`]): a Necurs-infected
//! workstation that also reaches an Agent Tesla host listed in the bundled `URLhaus` sample, a
//! phished workstation resolving a lookalike of a watchlist brand, and a DNS tunnel.
//!
//! # Why it matters
//! A demo and a benchmark need data that looks like a real network's, is the same on every run,
//! and holds known findings: the planted values are the answers the detectors must give.
//!
//! # Example
//! ```
//! use dnshunt_datasets::traffic::{demo_day, TrafficOptions};
//! let day = demo_day(&TrafficOptions { clients: 20, hours: 2, ..TrafficOptions::default() });
//! assert!(day.zeek_dns_log.starts_with("#separator \\x09\n"));
//! assert!(day.zeek_dns_log.contains(&day.planted.lookalike));
//! assert!(day.urlhaus_feed.contains(&day.planted.agenttesla_host));
//! ```
//!
//! # Known limits
//! Synthetic: the answers' addresses are taken from reserved ranges (198.18.0.0/15 and
//! `2001:db8::/32` for public names, 203.0.113.0/24 for the planted threats, 10.0.0.0/8 inside),
//! not the names' real ones, so no answer can match a real indicator by accident. Time is UTC and
//! the working day is 09:00–17:00 UTC. The Necurs names are those of the window's first date;
//! the threats happen once per window however long it is. Each transaction is one line (no
//! retransmissions, no unanswered queries).
//!
//! # References
//! Zeek's `base/protocols/dns/main.zeek` (what is logged when) and the `#fields` of Zeek 6 logs;
//! `../shared/docs/FORMATS.md` §2 (Zeek) and §7a (`URLhaus`).

mod benign;
mod rng;
mod threats;
mod zeek;

use std::io::{self, Write};

use benign::{Catalogue, Target, catalogue};
use rng::Rng;
use threats::{PlantedRow, Window};
use zeek::{QType, Row};

/// A `URLhaus` CSV dump (current 9-column layout, with the abuse.ch banner) listing the Agent Tesla
/// host the infected client reaches, the three seed-notebook rows for `asdklgb.ga`, and other
/// malware-hosting URLs that the generated traffic never resolves.
pub const URLHAUS_SAMPLE: &str = include_str!("../../data/demo/urlhaus-sample.csv");

/// The demo company's brand watchlist, in `dnshunt typo match --brands` format: each brand with
/// the domains it owns, so its own services in the traffic are not flagged.
pub const WATCHLIST: &str = include_str!("../../data/demo/watchlist.txt");

/// 2026-11-02T00:00:00Z, a Monday: the default start.
pub const DEFAULT_START: i64 = 1_793_577_600;

/// The most workstations: every address of 10.1.0.0/16 the generator hands out (`.10`–`.249`).
pub const MAX_CLIENTS: usize = 240 * 256;

/// The mail relay's address.
const MAIL_RELAY: [u8; 4] = [10, 0, 0, 25];
/// Share of lookups made by the mail relay.
const MAIL_SHARE: f64 = 0.015;
/// Relative busyness of each UTC hour of a working day (scaled to a mean of 1 below).
const DIURNAL: [f64; 24] = [
    0.15, 0.12, 0.10, 0.10, 0.12, 0.20, 0.40, 0.90, 1.70, 2.10, 2.20, 2.10, 1.60, 2.00, 2.20, 2.10,
    1.80, 1.20, 0.70, 0.45, 0.35, 0.30, 0.25, 0.20,
];
/// Saturday and Sunday traffic relative to a working day.
const WEEKEND_FACTOR: f64 = 0.2;
const MINUTE_US: i64 = 60_000_000;

/// What to generate. The same options always give the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficOptions {
    /// Seed of every random choice (which clients misbehave, who asks what and when).
    pub seed: u64,
    /// Workstations, 3 to [`MAX_CLIENTS`] (values outside are clamped); default 300.
    pub clients: usize,
    /// Start of the window, Unix seconds (negative values are clamped to 0); default
    /// [`DEFAULT_START`].
    pub start: i64,
    /// Length of the window in hours, at least 1; default 24.
    pub hours: u32,
    /// Mean log lines per workstation and hour over a working day; default 20. The total over a
    /// window of working days is close to `clients * hours * events_per_client_hour`.
    pub events_per_client_hour: u32,
}

impl Default for TrafficOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            clients: 300,
            start: DEFAULT_START,
            hours: 24,
            events_per_client_hour: 20,
        }
    }
}

/// The planted threats: what the detectors should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// The workstation running the DGA and reaching the Agent Tesla host.
    pub infected_client: String,
    /// The DGA family ([`crate::dga`] name).
    pub dga_family: &'static str,
    /// The DGA names the infected client queried, in order (all NXDOMAIN but one).
    pub dga_domains: Vec<String>,
    /// The Agent Tesla host, listed in [`URLHAUS_SAMPLE`], resolved by the infected client.
    pub agenttesla_host: String,
    /// The lookalike domain of a [`WATCHLIST`] brand (`rnicrosoft.com`, homoglyph of
    /// `microsoft.com`).
    pub lookalike: String,
    /// The workstation resolving the lookalike.
    pub lookalike_client: String,
    /// The tunnel's registered domain; the queries are under `t.` of it.
    pub tunnel_domain: String,
    /// The workstation running the tunnel.
    pub tunnel_client: String,
}

/// A whole demo day in memory: the log, the feed and watchlist to check it against, and the
/// answers.
#[derive(Debug, Clone)]
pub struct DemoDay {
    /// A complete Zeek `dns.log` (TSV: `#separator`, `#fields`, `#types` header, lines in time
    /// order, `#close`).
    pub zeek_dns_log: String,
    /// [`URLHAUS_SAMPLE`].
    pub urlhaus_feed: &'static str,
    /// [`WATCHLIST`].
    pub watchlist: &'static str,
    /// The planted threats.
    pub planted: Planted,
    /// Log lines (DNS transactions) in `zeek_dns_log`, header excluded.
    pub events: usize,
}

/// Generates the demo day for `options` in memory (about 25 MB for the defaults; use
/// [`write_zeek`] for large runs).
pub fn demo_day(options: &TrafficOptions) -> DemoDay {
    let mut log = Vec::new();
    // Writing into a Vec cannot fail.
    let events = write_zeek(options, &mut log).unwrap_or(0);
    let zeek_dns_log = String::from_utf8(log)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    DemoDay {
        zeek_dns_log,
        urlhaus_feed: URLHAUS_SAMPLE,
        watchlist: WATCHLIST,
        planted: planted(options),
        events,
    }
}

/// The planted threats for `options`, without generating the traffic.
pub fn planted(options: &TrafficOptions) -> Planted {
    let settings = Settings::new(options);
    threats::plan(
        settings.seed,
        settings.window,
        settings.clients,
        client_address,
    )
    .planted
}

/// Writes the traffic for `options` to `out` as a complete Zeek `dns.log` (header, lines, close),
/// streaming: memory stays bounded by one minute of traffic, whatever the total. Returns the
/// number of lines written (header excluded). Output is buffered here; `out` need not be.
pub fn write_zeek(options: &TrafficOptions, out: &mut dyn Write) -> io::Result<usize> {
    let settings = Settings::new(options);
    let plan = threats::plan(
        settings.seed,
        settings.window,
        settings.clients,
        client_address,
    );
    let client_weights = client_weights(settings.seed, settings.clients);
    let mut planted = plan.rows.iter().peekable();
    let mut buffer = Vec::with_capacity(1 << 17);
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let mut answers = Vec::with_capacity(4);
    let mut events = 0;
    zeek::write_header(&mut buffer, settings.window.start_us / 1_000_000)?;
    let mut minute_start = settings.window.start_us;
    while minute_start < settings.window.end_us {
        let minute_end = (minute_start + MINUTE_US).min(settings.window.end_us);
        let minute = u64::try_from(minute_start / MINUTE_US).unwrap_or(0);
        let mut rng = Rng::new(settings.seed, "minute", minute);
        pending.clear();
        benign_minute(
            &settings,
            &client_weights,
            minute_start,
            &mut rng,
            &mut pending,
        );
        while let Some(row) = planted.next_if(|row| row.time_us < minute_end) {
            pending.push(Pending {
                time_us: row.time_us,
                order: pending.len() as u32,
                what: What::Planted(row),
            });
        }
        pending.sort_unstable_by_key(|p| (p.time_us, p.order));
        for entry in &pending {
            match &entry.what {
                What::Benign(lookup) => {
                    let (query, rcode) = catalogue().resolve(
                        lookup.target,
                        lookup.qtype,
                        entry.time_us.div_euclid(1_000_000),
                        &mut answers,
                    );
                    // Mostly answered from the resolver's cache, sometimes fetched upstream.
                    let rtt_us = if rng.chance(0.85) {
                        rng.between(150, 1_800)
                    } else {
                        rng.between(4_000, 90_000)
                    } as u32;
                    zeek::write_row(
                        &mut buffer,
                        &Row {
                            time_us: entry.time_us,
                            uid: lookup.uid,
                            client: lookup.client,
                            client_port: lookup.port,
                            trans_id: lookup.trans_id,
                            rtt_us,
                            query,
                            qtype: lookup.qtype,
                            rcode,
                            answers: &answers,
                        },
                    )?;
                }
                What::Planted(row) => row.write(&mut buffer)?,
            }
            events += 1;
        }
        if buffer.len() >= 1 << 16 {
            out.write_all(&buffer)?;
            buffer.clear();
        }
        minute_start = minute_end;
    }
    zeek::write_close(&mut buffer, settings.window.end_us / 1_000_000)?;
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(events)
}

/// Draws the benign lookups of the minute starting at `minute_start` into `pending` (unsorted):
/// how many, who asks, for what, and the queries each sends.
fn benign_minute(
    settings: &Settings,
    client_weights: &[f64],
    minute_start: i64,
    rng: &mut Rng,
    pending: &mut Vec<Pending<'_>>,
) {
    let catalogue = catalogue();
    let mut qtypes = Vec::with_capacity(3);
    let lookups = rng.count_around(settings.lookups_per_minute(minute_start));
    for _ in 0..lookups {
        // Room at the end of the minute for the lookup's later queries.
        let mut time_us = minute_start + rng.offset(MINUTE_US - 2_000);
        let (client, port, target) = if rng.chance(MAIL_SHARE) {
            let port = rng.between(32_768, 60_999) as u16;
            (MAIL_RELAY, port, catalogue.draw_mail(rng))
        } else {
            let client = client_address(pick_client(client_weights, rng));
            let port = rng.between(49_152, 65_535) as u16;
            (client, port, catalogue.draw_workstation(rng))
        };
        let Some(target) = target else { continue };
        let uid = threats::connection_uid(rng);
        Catalogue::qtypes(target, rng, &mut qtypes);
        for &qtype in &qtypes {
            pending.push(Pending {
                time_us,
                order: pending.len() as u32,
                what: What::Benign(Lookup {
                    target,
                    qtype,
                    client,
                    port,
                    trans_id: rng.below(65_536) as u16,
                    uid,
                }),
            });
            time_us += rng.offset_between(20, 400);
        }
    }
}

/// The options, clamped and in the units the generator works in.
#[derive(Debug, Clone, Copy)]
struct Settings {
    seed: u64,
    clients: usize,
    window: Window,
    /// Mean lookups per workstation-minute over a working day.
    lookups_per_client_minute: f64,
}

impl Settings {
    fn new(options: &TrafficOptions) -> Self {
        let start_us = options.start.clamp(0, 253_402_300_799) * 1_000_000;
        let hours = i64::from(options.hours.max(1));
        let lines_per_lookup = MAIL_SHARE
            + (1.0 - MAIL_SHARE)
                * (1.0 + benign::AAAA_CHANCE + benign::HTTPS_CHANCE * benign::HOST_SHARE);
        Self {
            seed: options.seed,
            clients: options.clients.clamp(3, MAX_CLIENTS),
            window: Window {
                start_us,
                end_us: start_us.saturating_add(hours.saturating_mul(3_600_000_000)),
            },
            lookups_per_client_minute: f64::from(options.events_per_client_hour)
                / 60.0
                / lines_per_lookup,
        }
    }

    /// Mean lookups in the minute starting at `time_us`, by hour of day and day of week.
    fn lookups_per_minute(&self, time_us: i64) -> f64 {
        let hour = (time_us / 3_600_000_000) as usize % 24;
        let day = time_us / 86_400_000_000;
        // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
        let weekday = (day + 3) % 7;
        let mean_diurnal = DIURNAL.iter().sum::<f64>() / 24.0;
        let week = if weekday >= 5 { WEEKEND_FACTOR } else { 1.0 };
        self.clients as f64 * self.lookups_per_client_minute * DIURNAL[hour] / mean_diurnal * week
    }
}

/// A workstation's address: `10.1.x.y`, hosts `.10`–`.249` of each /24.
fn client_address(index: usize) -> [u8; 4] {
    [10, 1, ((index / 240) % 256) as u8, (index % 240 + 10) as u8]
}

/// Cumulative activity weights of the workstations: most are ordinary, a few are very busy
/// (weight `1 / (0.1 + 0.9 u)`, from 1 to 10).
fn client_weights(seed: u64, clients: usize) -> Vec<f64> {
    let mut rng = Rng::new(seed, "clients", 0);
    let mut total = 0.0;
    (0..clients)
        .map(|_| {
            total += 1.0 / (0.1 + 0.9 * rng.unit());
            total
        })
        .collect()
}

fn pick_client(cumulative: &[f64], rng: &mut Rng) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let roll = rng.unit() * total;
    cumulative
        .partition_point(|&c| c <= roll)
        .min(cumulative.len().saturating_sub(1))
}

/// One line waiting in the current minute.
struct Pending<'a> {
    time_us: i64,
    order: u32,
    what: What<'a>,
}

enum What<'a> {
    Benign(Lookup),
    Planted(&'a PlantedRow),
}

/// One benign query, resolved when it is written.
struct Lookup {
    target: Target,
    qtype: QType,
    client: [u8; 4],
    port: u16,
    trans_id: u16,
    uid: u128,
}

#[cfg(test)]
mod tests;
