//! `dnshunt ingest`: DNS logs into the lake's Delta tables.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use dnshunt_lake::sources::csv::CsvColumns;
use dnshunt_lake::{FileOutcome, Format, Progress, ReadOptions};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders to read (`.gz` files are decompressed as they are read).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// auto (decide per file), pdns (COF), zeek (TSV), zeek-json, suricata, bind, dnsmasq or csv.
    #[arg(long, default_value = "auto")]
    format: Format,
    /// CSV only: which column holds a field, FIELD=COLUMN (fields: time, query, client, server,
    /// qtype, rcode, answers). Unmapped fields try common names (ts, qname, `src_ip`, ...).
    #[arg(long = "csv-column", value_name = "FIELD=COLUMN")]
    csv_columns: Vec<String>,
    /// The sensor or resolver these logs come from, kept in the `sensor` column of every event.
    #[arg(long)]
    sensor: Option<String>,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let options = ReadOptions {
        format: args.format,
        csv: CsvColumns::parse_pairs(&args.csv_columns).map_err(anyhow::Error::msg)?,
        sensor: args.sensor.clone(),
        ..ReadOptions::default()
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {msg} {human_pos} rows ({per_sec})",
    )?);
    let report = dnshunt_lake::ingest(
        home,
        &args.paths,
        &options,
        &mut |progress| match progress {
            Progress::File { path, .. } => {
                bar.set_message(path.display().to_string());
                bar.set_position(0);
            }
            Progress::Rows(rows) => bar.set_position(rows),
        },
    )?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    for file in &report.files {
        match file {
            FileOutcome::Ingested(file) => {
                write!(
                    out,
                    "{} ({}): {} read = {} events + {} quarantined",
                    file.path.display(),
                    file.format,
                    file.records_read,
                    file.events,
                    file.quarantined
                )?;
                if file.skipped_lines > 0 {
                    // dnsmasq replies, BIND notices: lines of the log that hold no query.
                    write!(
                        out,
                        "; {} lines without a query skipped",
                        file.skipped_lines
                    )?;
                }
                writeln!(out)?;
            }
            FileOutcome::AlreadyIngested { path, ledger_path } => writeln!(
                out,
                "{}: already ingested (same content as {ledger_path}), nothing added",
                path.display()
            )?,
            FileOutcome::Unrecognised { path } => writeln!(
                out,
                "{}: not read: cannot tell its log format from its first lines; ingest it \
                 with --format (cof, zeek-tsv, zeek-json, suricata, bind, dnsmasq, csv)",
                path.display()
            )?,
        }
    }
    writeln!(
        out,
        "total: {} read = {} events + {} quarantined",
        report.records_read(),
        report.events(),
        report.quarantined()
    )?;
    let unread = report
        .files
        .iter()
        .filter(|f| matches!(f, FileOutcome::Unrecognised { .. }))
        .count();
    if unread > 0 {
        writeln!(out, "{unread} files not read (above)")?;
    }
    if report.quarantined() > 0 {
        writeln!(
            out,
            "see why: dnshunt sql \"select file, line, reason from quarantine\""
        )?;
    }
    if report.quarantined() > 0 || unread > 0 {
        // Done, but some input was quarantined or left unread (ARCHITECTURE.md exit codes).
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
