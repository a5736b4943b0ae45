//! `dnshunt stream`: ingest and detect continuously as logs land in a folder, or detect as other
//! writers commit to `events`; crash-safe.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use dnshunt_intel::FeedStore;
use dnshunt_lake::detect::DetectConfig;
use dnshunt_lake::detect::combine::iso_time;
use dnshunt_lake::{
    DetectOptions, Finding, Format, Functions, LakeError, ReadOptions, Stream, StreamOptions,
    StreamSource,
};
use dnshunt_models::registry::{ModelSpec, Registry};
use dnshunt_typosquat::Watchlist;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Where logs arrive: `dir:PATH`, a folder whose new files (rotated logs) and new lines of
    /// growing files (an `eve.json` being appended to) are read; or `delta:events`, the rows
    /// that `dnshunt ingest` or another stream commit to the events table.
    #[arg(long)]
    source: String,
    /// With `delta:events`: a new stream judges the table's whole history first, instead of
    /// starting at the rows committed after it starts.
    #[arg(long)]
    from_start: bool,
    /// The stream's name: its position is kept under <home>/stream/NAME.
    #[arg(long, default_value = "default")]
    name: String,
    /// auto (tell each new file's format), pdns, zeek, zeek-json, suricata, bind, dnsmasq or csv.
    #[arg(long, default_value = "auto")]
    format: Format,
    /// The sensor or resolver these logs come from, kept in every event's `sensor` column.
    #[arg(long)]
    sensor: Option<String>,
    /// Append alerts (new findings, one JSON object per line) to this file; default: stdout.
    #[arg(long)]
    alerts: Option<PathBuf>,
    /// Most bytes one micro-batch reads: of log (`dir:`), or of Parquet (`delta:events`).
    #[arg(long, default_value_t = 8 << 20)]
    batch_bytes: usize,
    /// How long to wait before looking again when nothing is new, in milliseconds.
    #[arg(long, default_value_t = 500)]
    poll_ms: u64,
    /// Stop once everything in the folder has been read, instead of waiting for more.
    #[arg(long)]
    once: bool,
    /// The DGA model.
    #[arg(long, default_value = "dga@champion")]
    model: String,
    /// Watchlist of brands for `typosquat_domain` (default: <home>/watchlist.txt, when present).
    #[arg(long)]
    brands: Option<PathBuf>,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let source = StreamSource::parse(&args.source, args.from_start)?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("installing the SIGINT/SIGTERM handler")?;
    }
    let (functions, model_version) =
        super::sql::functions(home, &args.model, args.brands.as_deref())?;
    let mut judging = Judging {
        functions,
        detect: DetectOptions {
            since: None,
            config: DetectConfig::load(home)?,
            model_version: Some(model_version),
        },
        inputs: matched_inputs(home, args)?,
    };
    let mut stream = Stream::open(
        home,
        source,
        StreamOptions {
            name: args.name.clone(),
            read: ReadOptions {
                format: args.format,
                sensor: args.sensor.clone(),
                ..ReadOptions::default()
            },
            batch_bytes: args.batch_bytes,
            unfinished: args.once,
        },
    )?;
    let mut alerts: Box<dyn Write> = match &args.alerts {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("{}: cannot open the alerts file", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut alert = |finding: &Finding| -> Result<(), LakeError> {
        let line = alert_json(finding).to_string();
        writeln!(alerts, "{line}")
            .and_then(|()| alerts.flush())
            .map_err(|e| LakeError::Sink(format!("writing an alert: {e}")))
    };
    eprintln!(
        "stream {}: reading {}; stop with Ctrl-C or SIGTERM",
        args.name, args.source
    );
    let mut quarantined = 0;
    while !stop.load(Ordering::Relaxed) {
        judging.refresh(home, args);
        match stream.step(&judging.functions, &judging.detect, &mut alert)? {
            Some(batch) => {
                quarantined += batch.quarantined;
                let read = if batch.files > 0 {
                    format!("{} files of events", batch.files)
                } else {
                    format!("{} bytes", batch.bytes)
                };
                eprintln!(
                    "batch {}{}: {read}, {} read = {} events + {} quarantined; {} new findings",
                    batch.batch,
                    if batch.redone {
                        " (redone after an interruption)"
                    } else {
                        ""
                    },
                    batch.records_read,
                    batch.events,
                    batch.quarantined,
                    batch.findings.len()
                );
            }
            None if args.once => break,
            None => idle(&stop, Duration::from_millis(args.poll_ms)),
        }
    }
    eprintln!("stream {}: stopped; its position is saved", args.name);
    // Done, but some input was quarantined (ARCHITECTURE.md exit codes).
    Ok(if quarantined > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the stream judges with, and what that was built from.
struct Judging {
    functions: Functions,
    detect: DetectOptions,
    inputs: Vec<u8>,
}

impl Judging {
    /// Rebuilds the functions when the model alias, the feeds or the watchlist changed: a model
    /// is promoted and feeds are loaded by cron as the stream runs, and the next batch should
    /// use them. A file caught mid-write reads as a change, and its next state as another.
    fn refresh(&mut self, home: &Path, args: &Args) {
        let now = matched_inputs(home, args).unwrap_or_else(|_| self.inputs.clone());
        if now == self.inputs {
            return;
        }
        self.inputs = now;
        match super::sql::functions(home, &args.model, args.brands.as_deref()) {
            Ok((fresh, version)) => {
                self.functions = fresh;
                eprintln!(
                    "stream {}: model, feeds or watchlist changed; model {version} and {} \
                     indicators from the next batch on",
                    args.name,
                    self.functions.indicators().len()
                );
                self.detect.model_version = Some(version);
            }
            Err(err) => eprintln!(
                "stream {}: model, feeds or watchlist changed but cannot be loaded ({err:#}); \
                 judging goes on with the previous ones",
                args.name
            ),
        }
    }
}

/// What the model, the feeds and the watchlist are now, to tell when they change: the version
/// the model spec resolves to (a promote moves it), the stored feeds' summaries (a feed loaded
/// again gets a new load time) and the watchlist's bytes.
fn matched_inputs(home: &Path, args: &Args) -> Result<Vec<u8>> {
    let resolved = args
        .model
        .parse::<ModelSpec>()
        .ok()
        .and_then(|spec| Registry::open(home).resolve(&spec).ok());
    let mut inputs = format!("{resolved:?}\n").into_bytes();
    inputs.extend(FeedStore::new(home).state()?);
    if let Some(path) = Watchlist::chosen(home, args.brands.as_deref()) {
        inputs.extend(
            std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?,
        );
    }
    Ok(inputs)
}

/// Sleeps up to `wait`, waking early when asked to stop.
fn idle(stop: &AtomicBool, wait: Duration) {
    let tick = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < wait && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(tick);
        waited += tick;
    }
}

/// A finding as one JSON alert: what a SIEM or a chat hook needs to act on it.
fn alert_json(f: &Finding) -> serde_json::Value {
    json!({
        "finding_id": f.finding_id,
        "detector": f.detector,
        "severity": f.severity.as_str(),
        "score": f.score,
        "event_time": iso_time(f.event_time),
        "client_ip": f.client_ip,
        "query": f.query,
        "registered_domain": f.registered_domain,
        "reason": f.reason,
        "evidence": serde_json::from_str::<serde_json::Value>(&f.evidence).unwrap_or_default(),
        "intel": f.intel,
        "model_version": f.model_version,
    })
}
