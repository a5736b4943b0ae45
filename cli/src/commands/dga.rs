//! `dnshunt dga score`: DGA scores of names with the champion model, or the built-in one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use dnshunt_features::normalize_bytes;

use crate::input;
use crate::output::{Format, Table, Value};

/// DGA commands.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Score names: `domain,score,label`, label `dga` or `benign` at the FPR 1e-3 threshold.
    Score(ScoreArgs),
}

#[derive(clap::Args)]
struct ScoreArgs {
    /// Names to score (in addition to --file). Full names are fine: the registered domain's
    /// label is what is judged.
    domains: Vec<String>,
    /// A file of names, one a line; `-` reads standard input; JSON lines give `rrname`,
    /// `query`, `domain` or `name`.
    #[arg(long)]
    file: Option<PathBuf>,
    /// The model: `dga@champion` (the built-in model while none is registered), `dga/3`, `dga`
    /// for the latest, or `builtin`.
    #[arg(long, default_value = "dga@champion")]
    model: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let Command::Score(args) = &args.command;
    let (model, version) = dnshunt_models::builtin::resolve(home, &args.model)?;
    let mut names: Vec<Vec<u8>> = args
        .domains
        .iter()
        .map(|d| d.clone().into_bytes())
        .collect();
    if let Some(path) = &args.file {
        names.extend(input::read_names(path)?);
    }
    let batch = normalize_bytes(&names);
    let scores = model.score_batch(&batch);
    let mut table = Table::new(vec!["domain", "score", "label", "model"]);
    for (name, score) in batch.iter().zip(scores) {
        table.push(vec![
            Value::Text(name.query.to_owned()),
            Value::Number((f64::from(score) * 1e6).round() / 1e6),
            Value::Text(model.verdict(score).as_str().to_owned()),
            Value::Text(version.clone()),
        ]);
    }
    table.write(&mut std::io::stdout().lock(), args.format)?;
    Ok(ExitCode::SUCCESS)
}
