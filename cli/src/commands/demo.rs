//! `dnshunt demo`: the main job on generated data. A day of a small company's DNS traffic with
//! planted threats goes through ingest, detect and report, and the planted threats are checked
//! against what detect found.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use dnshunt_datasets::traffic::{self, Planted, TrafficOptions};
use dnshunt_intel::{Feed, FeedKind, FeedStore};
use dnshunt_lake::tables::{exists, table_dir};
use dnshunt_lake::{Finding, Format, ReadOptions};
use dnshunt_typosquat::Watchlist;

use crate::output::Format as Output;

/// The name the bundled sample feed is stored under.
const FEED_NAME: &str = "urlhaus-demo";
/// The folder of `<home>` holding the generated inputs; its presence marks a demo home.
const DEMO_DIR: &str = "demo";

#[derive(clap::Args)]
pub struct Args {
    /// The HTML report to write (default: <home>/demo-report.html).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Seed of the generated traffic: the same seed gives the same day.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Workstations in the company.
    #[arg(long, default_value_t = 300)]
    clients: usize,
    /// How many of the most severe findings to print.
    #[arg(long, default_value_t = 10)]
    top: usize,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let demo_dir = home.join(DEMO_DIR);
    if exists(&table_dir(home, "events")) && !demo_dir.is_dir() {
        bail!(
            "{}: this home already holds a lake of other data; run the demo in a fresh one (--home dnshunt-demo)",
            home.display()
        );
    }
    std::fs::create_dir_all(&demo_dir)
        .with_context(|| format!("{}: cannot create the folder", demo_dir.display()))?;
    let options = TrafficOptions {
        seed: args.seed,
        clients: args.clients,
        ..TrafficOptions::default()
    };
    let mut out = std::io::stdout().lock();

    let log = demo_dir.join(format!("dns-seed{}-clients{}.log", args.seed, args.clients));
    let lines = write_log(&options, &log)?;
    // The home's own watchlist, so `detect`, `sql` and `dnshunt-serve` on this home use it too.
    let watchlist = Watchlist::home_file(home);
    match std::fs::read_to_string(&watchlist) {
        Ok(text) if text != traffic::WATCHLIST => bail!(
            "{}: this home has a watchlist of its own; run the demo in a fresh one (--home dnshunt-demo)",
            watchlist.display()
        ),
        Ok(_) => {}
        Err(_) => std::fs::write(&watchlist, traffic::WATCHLIST)
            .with_context(|| format!("{}: cannot write the watchlist", watchlist.display()))?,
    }
    let indicators = load_sample_feed(home)?;
    writeln!(
        out,
        "demo: {lines} DNS transactions of {} workstations in {}; feed {FEED_NAME} ({indicators} indicators); watchlist {}",
        options.clients,
        log.display(),
        watchlist.display()
    )?;

    let ingest = dnshunt_lake::ingest(
        home,
        std::slice::from_ref(&log),
        &ReadOptions {
            format: Format::ZeekTsv,
            ..ReadOptions::default()
        },
        &mut |_| {},
    )?;
    writeln!(
        out,
        "ingest: {} read = {} events + {} quarantined{}",
        ingest.records_read(),
        ingest.events(),
        ingest.quarantined(),
        if ingest.records_read() == 0 {
            " (this log was ingested before)"
        } else {
            ""
        }
    )?;

    let report = super::detect::run_detectors(home, None, "dga@champion", Some(&watchlist))?;
    super::detect::print_report(&mut out, home, &report, args.top, Output::Table)?;

    let findings = dnshunt_lake::read_findings(home)?;
    let planted = traffic::planted(&options);
    let missed = write_planted_check(&mut out, &planted, &findings)?;

    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| home.join("demo-report.html"));
    super::report::write_report(home, &report_path, "dga@champion", None)?;
    writeln!(
        out,
        "report: {} findings in {}; open it in a browser",
        findings.len(),
        report_path.display()
    )?;
    out.flush()?;
    Ok(if missed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Generates the day into `path` unless an earlier run already did; returns its line count.
fn write_log(options: &TrafficOptions, path: &Path) -> Result<usize> {
    let context = || format!("{}: cannot write the generated log", path.display());
    // Written aside then renamed: an interrupted run never leaves half a log to be ingested.
    let partial = path.with_extension("partial");
    let mut file = BufWriter::new(std::fs::File::create(&partial).with_context(context)?);
    let lines = traffic::write_zeek(options, &mut file).with_context(context)?;
    file.into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .and_then(|f| f.sync_all())
        .with_context(context)?;
    std::fs::rename(&partial, path).with_context(context)?;
    Ok(lines)
}

/// Stores the bundled `URLhaus` sample as feed [`FEED_NAME`]; returns its indicator count.
fn load_sample_feed(home: &Path) -> Result<usize> {
    let feed = Feed::load(
        FeedKind::Urlhaus,
        FEED_NAME,
        "dnshunt demo sample (bundled; not real threat intel)",
        traffic::URLHAUS_SAMPLE,
        SystemTime::now(),
    )?;
    let store = FeedStore::new(home);
    store
        .save(&feed)
        .with_context(|| format!("storing feed {FEED_NAME} under {}", store.dir().display()))?;
    Ok(feed.indicators.len())
}

/// Prints, for each planted threat, the findings that caught it, and how many findings concern
/// the other workstations (false positives, or real oddities of the benign traffic). Returns
/// how many planted threats were missed.
fn write_planted_check(
    out: &mut impl Write,
    planted: &Planted,
    findings: &[Finding],
) -> Result<usize> {
    let on = |client: &String| {
        let client = client.clone();
        findings
            .iter()
            .filter(move |f| f.client_ip.as_ref() == Some(&client))
    };
    let dga_names = on(&planted.infected_client)
        .filter(|f| f.detector == "dga_domain" && planted.dga_domains.contains(&f.query))
        .count();
    let agenttesla = on(&planted.infected_client).find(|f| f.query == planted.agenttesla_host);
    let lookalike = on(&planted.lookalike_client)
        .find(|f| f.registered_domain.as_deref() == Some(planted.lookalike.as_str()));
    let tunnel = on(&planted.tunnel_client).find(|f| {
        f.detector == "dns_tunnel"
            && f.registered_domain.as_deref() == Some(planted.tunnel_domain.as_str())
    });
    let caught_by = |f: Option<&Finding>| {
        f.map_or_else(
            || "MISSED".to_owned(),
            |f| format!("found: {} {}", f.severity.as_str(), f.detector),
        )
    };
    writeln!(out, "planted threats:")?;
    writeln!(
        out,
        "  {} DGA on {}: {dga_names} of {} generated names found by dga_domain",
        planted.dga_family,
        planted.infected_client,
        planted.dga_domains.len()
    )?;
    writeln!(
        out,
        "  Agent Tesla host {} resolved by {}: {}",
        planted.agenttesla_host,
        planted.infected_client,
        caught_by(agenttesla)
    )?;
    writeln!(
        out,
        "  lookalike {} resolved by {}: {}",
        planted.lookalike,
        planted.lookalike_client,
        caught_by(lookalike)
    )?;
    writeln!(
        out,
        "  DNS tunnel under {} from {}: {}",
        planted.tunnel_domain,
        planted.tunnel_client,
        caught_by(tunnel)
    )?;
    let planted_clients = [
        &planted.infected_client,
        &planted.lookalike_client,
        &planted.tunnel_client,
    ];
    let others = findings
        .iter()
        .filter(|f| {
            f.client_ip
                .as_ref()
                .is_none_or(|c| !planted_clients.contains(&c))
        })
        .count();
    writeln!(out, "findings on the other workstations: {others}")?;
    let missed = usize::from(dga_names == 0)
        + usize::from(agenttesla.is_none())
        + usize::from(lookalike.is_none())
        + usize::from(tunnel.is_none());
    Ok(missed)
}
