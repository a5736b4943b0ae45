//! Detection throughput (issue 9): `dnshunt_lake::detect` over about 10,000,000 events of
//! realistic company traffic, as `dnshunt detect` runs it after an ingest.
//!
//! The traffic is `dnshunt_datasets::traffic` (the `dnshunt demo` generator) for 2,000
//! workstations over one working day at 210 lines per workstation and hour, written as a Zeek
//! `dns.log` and ingested once with `dnshunt_lake::ingest` (timed and reported too: realistic
//! traffic, unlike the `lake_ingest` lines). Detection runs with what `dnshunt detect` would load
//! on a home with no registry: the built-in DGA model, the bundled `URLhaus` sample and the demo
//! watchlist. Each of three runs copies the ingested lake to a fresh home, so every run is a
//! first `detect` (sightings from the whole history, empty findings table); the same home is then
//! detected again, which adds nothing but still does all the work (the steady-state cost). It
//! prints events/s = events in the lake / detect wall time, median of three. Before the runs, one
//! pass times detect's parts on their own (the grouping SQL, the name detectors, the tunnel SQL
//! and the first-sighting SQL) to show where the time goes.
//!
//! Run with `cargo bench -p dnshunt-bench --bench detect`. Knobs, all optional:
//! `DETECT_BENCH_RUNS=N` runs; `DETECT_BENCH_CLIENTS=N` workstations (events scale with them);
//! `DETECT_BENCH_NO_TUNNEL=1` turns the `dns_tunnel` detector off (at 10,000,000 events its query
//! needs more than the machine's 23 GB, see docs/performance.md); `DETECT_BENCH_HOME=DIR` skips
//! generation and ingest and detects over copies of that home's lake instead. Under
//! `cargo test --all-targets` (no `--bench` flag) it runs once on about 20,000 events as a smoke
//! test.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dnshunt_datasets::traffic::{self, TrafficOptions};
use dnshunt_lake::arrow::array::{AsArray, RecordBatch};
use dnshunt_lake::arrow::compute::cast;
use dnshunt_lake::arrow::datatypes::DataType;
use dnshunt_lake::detect::{DetectConfig, answers_sql, newly_seen, query_groups_sql};
use dnshunt_lake::{DetectOptions, Format, Functions, ReadOptions};

/// Copies a folder tree (the lake is plain files: Parquet and the JSON transaction log).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Seconds `run` takes, and what it returns.
fn timed<T>(run: impl FnOnce() -> T) -> (f64, T) {
    let started = Instant::now();
    let value = run();
    (started.elapsed().as_secs_f64(), value)
}

/// Times detect's parts one by one on `home`, each through the public API.
fn breakdown(home: &Path, functions: &Functions, config: &DetectConfig) {
    let sql = |query: &str| dnshunt_lake::sql(home, query, functions).expect("query");
    let rows = |batches: &[RecordBatch]| batches.iter().map(RecordBatch::num_rows).sum::<usize>();
    let (seconds, groups) = timed(|| sql(&query_groups_sql("events", None)));
    println!(
        "  grouping SQL (client, name, day)      {seconds:>7.2} s  {} groups",
        rows(&groups)
    );
    drop(groups);
    let (seconds, names) = timed(|| {
        let batches = sql("SELECT DISTINCT query FROM events WHERE is_valid_name");
        let mut names = Vec::new();
        for batch in &batches {
            let column = cast(batch.column(0), &DataType::Utf8).expect("query as text");
            names.extend(
                column
                    .as_string::<i32>()
                    .iter()
                    .flatten()
                    .map(str::to_owned),
            );
        }
        names
    });
    println!(
        "  distinct names SQL                    {seconds:>7.2} s  {} names",
        names.len()
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (seconds, signals) =
        timed(|| dnshunt_lake::detect::signals::name_signals(&names, functions, config));
    println!(
        "  name detectors (DGA, lookalike, intel) {seconds:>6.2} s  {} names flagged",
        signals.iter().filter(|s| s.any()).count()
    );
    let (seconds, answers) = timed(|| sql(&answers_sql("events", None)));
    println!(
        "  answers SQL (name, address)           {seconds:>7.2} s  {} pairs",
        rows(&answers)
    );
    if config.dns_tunnel.enabled {
        let tunnel = dnshunt_lake::detect::dns_tunnel::query(&config.dns_tunnel, "");
        let (seconds, windows) = timed(|| sql(&tunnel));
        println!(
            "  tunnel SQL (client, domain, window)   {seconds:>7.2} s  {} windows",
            rows(&windows)
        );
    }
    let (seconds, domains) = timed(|| sql(newly_seen::HISTORY_SQL));
    println!(
        "  first-sighting SQL (per domain)       {seconds:>7.2} s  {} domains",
        rows(&domains)
    );
    let (seconds, count) = timed(|| sql("SELECT count(*) FROM events WHERE is_valid_name"));
    println!(
        "  scan only: count(*) of valid events   {seconds:>7.2} s  ({} batch)",
        rows(&count)
    );
}

/// Generates the traffic for `options` and ingests it into `dir/ingested`; returns that home and
/// the events in it.
fn generate_and_ingest(dir: &Path, options: &TrafficOptions) -> (PathBuf, u64) {
    let log = dir.join("dns.log");
    let (seconds, lines) = timed(|| {
        let mut out = BufWriter::new(std::fs::File::create(&log).expect("creating the log"));
        traffic::write_zeek(options, &mut out).expect("writing the log")
    });
    let bytes = std::fs::metadata(&log).map_or(0, |m| m.len());
    println!(
        "generated {lines} Zeek lines ({:.0} MB) for {} clients over {} h in {seconds:.1} s",
        bytes as f64 / 1e6,
        options.clients,
        options.hours
    );
    let home = dir.join("ingested");
    let read = ReadOptions {
        format: Format::ZeekTsv,
        ..ReadOptions::default()
    };
    let (seconds, report) = timed(|| {
        dnshunt_lake::ingest(&home, std::slice::from_ref(&log), &read, &mut |_| {}).expect("ingest")
    });
    assert_eq!(
        report.records_read(),
        lines as u64,
        "every line is read once"
    );
    let events = report.events();
    println!(
        "ingest: {events} events, {} quarantined, in {seconds:.1} s: {:.0} events/s",
        report.quarantined(),
        events as f64 / seconds
    );
    std::fs::remove_file(&log).expect("removing the log");
    (home, events)
}

/// Rows of `events` in an existing home.
fn count_events(home: &Path) -> u64 {
    let batches = dnshunt_lake::sql(home, "SELECT count(*) FROM events", &Functions::new())
        .expect("counting events");
    let column = cast(batches[0].column(0), &DataType::Int64).expect("count as integer");
    column
        .as_primitive::<dnshunt_lake::arrow::datatypes::Int64Type>()
        .value(0)
        .try_into()
        .expect("a count is not negative")
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    // 2,000 × 24 × 210 ≈ 10,080,000 lines on a Monday (the default start); the smoke size is
    // 50 × 24 × 17 ≈ 20,000.
    let (mut options, mut repeats) = if benchmarking {
        let options = TrafficOptions {
            clients: 2_000,
            hours: 24,
            events_per_client_hour: 210,
            ..TrafficOptions::default()
        };
        (options, 3)
    } else {
        let options = TrafficOptions {
            clients: 50,
            hours: 24,
            events_per_client_hour: 17,
            ..TrafficOptions::default()
        };
        (options, 1)
    };
    let knob = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(runs) = knob("DETECT_BENCH_RUNS") {
        repeats = runs;
    }
    if let Some(clients) = knob("DETECT_BENCH_CLIENTS") {
        options.clients = clients;
    }
    let mut config = DetectConfig::default();
    config.dns_tunnel.enabled = knob("DETECT_BENCH_NO_TUNNEL") != Some(1);
    let dir = tempfile::tempdir().expect("temporary folder");
    // An ingested home can be reused across runs of the benchmark (generation and ingest take
    // about a minute at full size); it is copied, never written.
    let (ingested, events) = match std::env::var_os("DETECT_BENCH_HOME") {
        Some(home) => {
            let home = PathBuf::from(home);
            let events = count_events(&home);
            println!("reusing {}: {events} events", home.display());
            (home, events)
        }
        None => generate_and_ingest(dir.path(), &options),
    };

    let functions = dnshunt_bench::demo_functions(&ingested);
    println!(
        "detect's parts, timed alone once{}:",
        if config.dns_tunnel.enabled {
            ""
        } else {
            " (dns_tunnel off)"
        }
    );
    breakdown(&ingested, &functions, &config);
    let options = DetectOptions {
        model_version: Some("builtin".to_owned()),
        config,
        ..DetectOptions::default()
    };
    let mut first = Vec::new();
    let mut again = Vec::new();
    for run in 0..repeats {
        let home = dir.path().join(format!("home-{run}"));
        copy_tree(&ingested, &home).expect("copying the lake");
        for (label, rates) in [("first", &mut first), ("again", &mut again)] {
            let (seconds, report) =
                timed(|| dnshunt_lake::detect(&home, &functions, &options).expect("detect"));
            rates.push(events as f64 / seconds);
            println!(
                "  run {run} {label}: {seconds:.1} s; {} groups, {} names, {} findings, {} new",
                report.groups, report.names, report.findings, report.added
            );
        }
        std::fs::remove_dir_all(&home).expect("removing the copy");
    }
    println!(
        "detect over {events} events: first run on a fresh copy {:.0} events/s median (runs: {}); \
         again on the same home {:.0} events/s median (runs: {})",
        dnshunt_bench::median(first.clone()),
        dnshunt_bench::list(&first),
        dnshunt_bench::median(again.clone()),
        dnshunt_bench::list(&again)
    );
}
