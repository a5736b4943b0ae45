//! Stream latency (issue 9): how long after a log file lands in a watched folder its finding is
//! alerted by `dnshunt stream`.
//!
//! A shipper thread renames Zeek `dns.log` files into the folder at a steady rate, as a log
//! shipper does after each rotation: each holds `STREAM_BENCH_LINES` lines of the demo's company
//! traffic (`dnshunt_datasets::traffic`) plus one marker line, a client of its own resolving the
//! Agent Tesla host of the bundled `URLhaus` sample. Meanwhile the stream runs as `dnshunt
//! stream --source dir:` does (the same `Stream::step` loop, polling every `STREAM_BENCH_POLL_MS`
//! when idle), with what `dnshunt detect` loads on a home without a registry. A file's latency is
//! the time from its rename to the alert of its marker's `intel_match` finding. The benchmark
//! prints the median, the 95th percentile and the maximum, the median batch time, and the median
//! latency of the first and the last tenth of the files (does latency grow with the lake?).
//!
//! Run with `cargo bench -p dnshunt-bench --bench stream_latency`. Knobs, all optional:
//! `STREAM_BENCH_FILES` (60), `STREAM_BENCH_LINES` per file (5,000), `STREAM_BENCH_EVERY_MS`
//! between landings (1,000), `STREAM_BENCH_POLL_MS` (500, the command's default). Under
//! `cargo test --all-targets` (no `--bench` flag) it lands 3 small files as a smoke test.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dnshunt_datasets::traffic::{self, TrafficOptions};
use dnshunt_lake::detect::DetectConfig;
use dnshunt_lake::{DetectOptions, ReadOptions, Stream, StreamOptions, StreamSource};

struct Knobs {
    files: usize,
    lines: usize,
    every: Duration,
    poll: Duration,
}

impl Knobs {
    fn from_env(benchmarking: bool) -> Self {
        let knob = |name: &str, bench: u64, smoke: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(if benchmarking { bench } else { smoke })
        };
        Self {
            files: usize::try_from(knob("STREAM_BENCH_FILES", 60, 3)).unwrap_or(3),
            lines: usize::try_from(knob("STREAM_BENCH_LINES", 5_000, 200)).unwrap_or(200),
            every: Duration::from_millis(knob("STREAM_BENCH_EVERY_MS", 1_000, 200)),
            poll: Duration::from_millis(knob("STREAM_BENCH_POLL_MS", 500, 500)),
        }
    }
}

/// The marker client of file `index`: no generated workstation uses 10.250.0.0/16.
fn marker_client(index: usize) -> String {
    format!("10.250.{}.{}", index / 256, index % 256)
}

/// The log files to land: the Zeek header, `lines` rows of traffic and one marker row each.
fn log_files(knobs: &Knobs) -> Vec<String> {
    let mut log = Vec::new();
    let needed = knobs.files * knobs.lines;
    let clients = 300;
    let per_hour = u32::try_from(needed.div_ceil(clients * 24) + 1).unwrap_or(u32::MAX);
    traffic::write_zeek(
        &TrafficOptions {
            clients,
            events_per_client_hour: per_hour,
            ..TrafficOptions::default()
        },
        &mut log,
    )
    .expect("generating traffic");
    let log = String::from_utf8(log).expect("the generator writes UTF-8");
    let (header, rows): (Vec<&str>, Vec<&str>) = log.lines().partition(|l| l.starts_with('#'));
    let header: Vec<&str> = header
        .into_iter()
        .filter(|l| !l.starts_with("#close"))
        .collect();
    let fields: Vec<&str> = header
        .iter()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .expect("a #fields line")
        .split('\t')
        .collect();
    let column = |name: &str| fields.iter().position(|f| *f == name).expect(name);
    let (client, query) = (column("id.orig_h"), column("query"));
    let host = traffic::planted(&TrafficOptions::default()).agenttesla_host;
    assert!(rows.len() >= needed, "the generator made too few lines");
    rows.chunks(knobs.lines)
        .take(knobs.files)
        .enumerate()
        .map(|(index, part)| {
            let mut marker: Vec<String> = part[0].split('\t').map(str::to_owned).collect();
            marker[client] = marker_client(index);
            marker[query].clone_from(&host);
            format!(
                "{}\n{}\n{}\n",
                header.join("\n"),
                part.join("\n"),
                marker.join("\t")
            )
        })
        .collect()
}

/// The `q` quantile of `values` (nearest rank), in milliseconds.
fn quantile(values: &[Duration], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let knobs = Knobs::from_env(benchmarking);
    let dir = tempfile::tempdir().expect("temporary folder");
    let (home, incoming, staging) = (
        dir.path().join("home"),
        dir.path().join("incoming"),
        dir.path().join("staging"),
    );
    std::fs::create_dir(&incoming).expect("the watched folder");
    std::fs::create_dir(&staging).expect("the staging folder");
    let files = log_files(&knobs);
    println!(
        "{} files of {} Zeek lines + 1 marker, one every {} ms; stream polls every {} ms when idle",
        knobs.files,
        knobs.lines,
        knobs.every.as_millis(),
        knobs.poll.as_millis()
    );

    let functions = dnshunt_bench::demo_functions(&home);
    let detect = DetectOptions {
        model_version: Some("builtin".to_owned()),
        config: DetectConfig::default(),
        ..DetectOptions::default()
    };
    let mut stream = Stream::open(
        &home,
        StreamSource::Dir(incoming.clone()),
        StreamOptions {
            name: "bench".to_owned(),
            read: ReadOptions::default(),
            batch_bytes: 8 << 20,
            unfinished: false,
        },
    )
    .expect("opening the stream");

    let landed = Arc::new(Mutex::new(vec![None; knobs.files]));
    let shipper = std::thread::spawn({
        let landed = Arc::clone(&landed);
        let every = knobs.every;
        move || land(&files, &staging, &incoming, every, &landed)
    });

    let mut alerted: Vec<Option<Instant>> = vec![None; knobs.files];
    let mut batch_times = Vec::new();
    let deadline = Instant::now()
        + knobs.every * u32::try_from(knobs.files).unwrap_or(1) * 2
        + Duration::from_secs(120);
    while alerted.iter().any(Option::is_none) && Instant::now() < deadline {
        let started = Instant::now();
        let mut alert = |finding: &dnshunt_lake::Finding| {
            let index = (0..knobs.files)
                .find(|&i| finding.client_ip.as_deref() == Some(marker_client(i).as_str()));
            if let Some(index) = index {
                alerted[index].get_or_insert_with(Instant::now);
            }
            Ok(())
        };
        match stream
            .step(&functions, &detect, &mut alert)
            .expect("a stream batch")
        {
            Some(_) => batch_times.push(started.elapsed()),
            None => std::thread::sleep(knobs.poll),
        }
    }
    shipper.join().expect("the shipper thread");
    let landed = landed.lock().expect("landing times");
    let latencies: Vec<Duration> = landed
        .iter()
        .zip(&alerted)
        .filter_map(|(landed, alerted)| Some(alerted.as_ref()?.duration_since((*landed)?)))
        .collect();
    assert_eq!(
        latencies.len(),
        knobs.files,
        "every landed file's marker is alerted"
    );
    println!(
        "{} batches, median batch {:.0} ms",
        batch_times.len(),
        quantile(&batch_times, 0.5)
    );
    println!(
        "stream latency, file landing to alert, over {} files: median {:.0} ms, p95 {:.0} ms, \
         max {:.0} ms",
        latencies.len(),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.95),
        quantile(&latencies, 1.0)
    );
    // Whether latency grows with the lake: the first and the last tenth of the files.
    let tenth = latencies.len().div_ceil(10);
    println!(
        "median latency of the first {tenth} files {:.0} ms, of the last {tenth} {:.0} ms",
        quantile(&latencies[..tenth], 0.5),
        quantile(&latencies[latencies.len() - tenth..], 0.5)
    );
}

/// Writes each file in `staging`, renames it into `incoming` and notes when, one every `every`.
fn land(
    files: &[String],
    staging: &Path,
    incoming: &Path,
    every: Duration,
    landed: &Mutex<Vec<Option<Instant>>>,
) {
    for (index, text) in files.iter().enumerate() {
        let name = format!("dns.{index:04}.log");
        std::fs::write(staging.join(&name), text).expect("writing a log");
        std::fs::rename(staging.join(&name), incoming.join(&name)).expect("landing a log");
        landed.lock().expect("landing times")[index] = Some(Instant::now());
        std::thread::sleep(every);
    }
}
