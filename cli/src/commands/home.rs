//! `dnshunt home`: where models, runs and the lake live.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

/// The folders a home holds, as in ARCHITECTURE.md.
const PARTS: [(&str, &str); 5] = [
    ("registry", "model versions and aliases"),
    ("runs", "training runs: parameters, metrics, artefacts"),
    ("datasets", "built datasets and their manifests"),
    ("intel", "loaded threat-intel feeds"),
    (
        "lake",
        "Delta tables: events, quarantine, findings, indicators",
    ),
];

pub fn run(home: &Path) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let shown = std::path::absolute(home).unwrap_or_else(|_| home.to_path_buf());
    writeln!(out, "home {} (--home or $DNSHUNT_HOME)", shown.display())?;
    for (part, what) in PARTS {
        let state = if home.join(part).is_dir() {
            "present"
        } else {
            "not created yet"
        };
        writeln!(out, "  {part:<9} {state:<16} {what}")?;
    }
    Ok(ExitCode::SUCCESS)
}
