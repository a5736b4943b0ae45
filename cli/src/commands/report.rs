//! `dnshunt report --out F`: the lake's findings as one self-contained HTML file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use dnshunt_lake::Functions;
use dnshunt_lake::tables::{exists, table_dir};

use crate::report::{self, Report, data};

#[derive(clap::Args)]
pub struct Args {
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
    /// The DGA model behind the score distribution of the observed names.
    #[arg(long, default_value = "dga@champion")]
    model: String,
    /// Show only the N most severe findings in the findings table (default: all). Counts,
    /// timeline and clients still cover every finding.
    #[arg(long)]
    top: Option<usize>,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let findings = write_report(home, &args.out, &args.model, args.top)?;
    println!(
        "report: {findings} findings written to {}",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the report of `home`'s findings to `out`; returns how many findings it holds.
pub fn write_report(home: &Path, out: &Path, model: &str, top: Option<usize>) -> Result<usize> {
    let events = table_dir(home, "events");
    if !exists(&events) {
        bail!(
            "{}: no events table yet; run dnshunt ingest first, then dnshunt detect",
            events.display()
        );
    }
    let (model, model_version) = dnshunt_models::builtin::resolve(home, model)?;
    let threshold = f64::from(model.default_threshold());
    let functions = Functions::new().with_model(model);
    let findings = dnshunt_lake::read_findings(home)?;
    let page = report::render(&Report {
        findings: &findings,
        top,
        events: data::event_summary(home)?,
        scores: data::score_histogram(home, &functions, threshold)?,
        lake: home.join("lake").display().to_string(),
        model_version,
        generated: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })?;
    std::fs::write(out, page)
        .with_context(|| format!("{}: cannot write the report", out.display()))?;
    Ok(findings.len())
}
