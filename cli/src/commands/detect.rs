//! `dnshunt detect`: every detector over the lake's events, new findings into `findings`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use dnshunt_lake::detect::DetectConfig;
use dnshunt_lake::{DetectOptions, DetectReport, Finding, Severity};

use crate::output::{Format, Table, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Only events from this time on: RFC 3339 (`2026-11-02T08:00:00Z`), a date (`2026-11-02`)
    /// or an age (`90m`, `24h`, `7d`). Default: every event. New feeds are still matched against
    /// the whole history (retro-hunt).
    #[arg(long)]
    since: Option<String>,
    /// Watchlist of brands for `typosquat_domain` (default: <home>/watchlist.txt, when present).
    #[arg(long)]
    brands: Option<PathBuf>,
    /// The DGA model.
    #[arg(long, default_value = "dga@champion")]
    model: String,
    /// How many of the most severe findings to print.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Output format of the findings printed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let report = run_detectors(home, since, &args.model, args.brands.as_deref())?;
    let mut out = std::io::stdout().lock();
    print_report(&mut out, home, &report, args.top, args.format)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs every detector over the lake of `home` with the model and watchlist given.
pub fn run_detectors(
    home: &Path,
    since: Option<i64>,
    model: &str,
    brands: Option<&Path>,
) -> Result<DetectReport> {
    let (functions, model_version) = super::sql::functions(home, model, brands)?;
    let options = DetectOptions {
        since,
        config: DetectConfig::load(home)?,
        model_version: Some(model_version),
    };
    Ok(dnshunt_lake::detect(home, &functions, &options)?)
}

/// One summary line for `report`, then the `top` most severe findings of the whole table.
pub fn print_report(
    out: &mut impl Write,
    home: &Path,
    report: &DetectReport,
    top: usize,
    format: Format,
) -> Result<()> {
    let severities: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            report
                .by_severity
                .get(s)
                .map(|n| format!("{n} {}", s.as_str()))
        })
        .collect();
    writeln!(
        out,
        "detect: {} names in {} client/name/day groups; {} findings, {} new{}{}{}",
        report.names,
        report.groups,
        report.findings,
        report.added,
        if severities.is_empty() {
            String::new()
        } else {
            format!(" ({})", severities.join(", "))
        },
        if report.popular_dga > 0 {
            format!(
                "; {} scored as DGA but not reported, their domains being popular (dga.max_clients)",
                plural(report.popular_dga, "name")
            )
        } else {
            String::new()
        },
        if report.retro_hunt {
            "; feeds changed: intel matched over the whole history"
        } else {
            ""
        }
    )?;
    let findings = dnshunt_lake::read_findings(home)?;
    findings_table(&findings, top).write(out, format)?;
    Ok(())
}

/// The top `top` findings as a table; every text from the logs made safe for a terminal.
pub fn findings_table(findings: &[Finding], top: usize) -> Table {
    let mut table = Table::new(vec![
        "severity", "detector", "score", "time", "client", "query", "reason",
    ]);
    for f in findings.iter().take(top) {
        table.push(vec![
            Value::Text(f.severity.as_str().to_owned()),
            Value::Text(f.detector.clone()),
            Value::Number(f.score),
            Value::Text(dnshunt_lake::detect::combine::iso_time(f.event_time)),
            Value::Text(f.client_ip.clone().unwrap_or_else(|| "-".to_owned())),
            Value::Text(f.query.clone()),
            Value::Text(f.reason.clone()),
        ]);
    }
    table
}

/// `1 name`, `2 names`.
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `--since` as microseconds since the epoch.
fn parse_since(text: &str) -> Result<i64> {
    let text = text.trim();
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp_micros());
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_micros());
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let seconds = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => 0,
    };
    if let (Ok(n), true) = (number.parse::<i64>(), seconds > 0) {
        let age = chrono::Duration::seconds(n.saturating_mul(seconds));
        return Ok((chrono::Utc::now() - age).timestamp_micros());
    }
    bail!(
        "--since {text:?}: give RFC 3339 (2026-11-02T08:00:00Z), a date (2026-11-02) or an age (90m, 24h, 7d)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_times_dates_and_ages() {
        assert_eq!(parse_since("1970-01-02").unwrap(), 86_400_000_000);
        assert_eq!(parse_since("1970-01-01T00:01:00Z").unwrap(), 60_000_000);
        let day_ago = parse_since("1d").unwrap();
        let now = chrono::Utc::now().timestamp_micros();
        assert!((now - day_ago - 86_400_000_000).abs() < 60_000_000);
        assert!(
            parse_since("yesterday")
                .unwrap_err()
                .to_string()
                .contains("RFC 3339")
        );
    }
}
