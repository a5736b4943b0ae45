//! dnshunt-train: build datasets, fit, evaluate, version, compare and promote DGA models.

mod compare;
mod dataset;
mod fit;
mod mlflow;
mod registry_cmd;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Build DGA training data, fit and compare models, and promote the one to trust.
#[derive(Parser)]
#[command(name = "dnshunt-train", version, about, max_term_width = 100)]
struct Cli {
    /// Where datasets, runs and the model registry live.
    #[arg(
        long,
        global = true,
        env = "DNSHUNT_HOME",
        default_value = "dnshunt-home"
    )]
    home: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build or describe a labelled dataset (benign list + DGA generators + your files).
    #[command(subcommand)]
    Dataset(dataset::Command),
    /// Fit a model: build the dataset, fit, calibrate, evaluate, record the run, register it.
    Fit(fit::FitArgs),
    /// Show a model's test metrics, or measure it on labelled files.
    Eval(compare::EvalArgs),
    /// Write an HTML report comparing runs or versions.
    Compare(compare::CompareArgs),
    /// Point an alias (champion, challenger) at a version.
    Promote(registry_cmd::PromoteArgs),
    /// List the training runs.
    Runs,
    /// List the registered versions and their aliases.
    Versions,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Dataset(command) => dataset::run(command, &cli.home),
        Command::Fit(args) => fit::run(args, &cli.home),
        Command::Eval(args) => compare::eval(args, &cli.home),
        Command::Compare(args) => compare::compare(args, &cli.home),
        Command::Promote(args) => registry_cmd::promote(args, &cli.home),
        Command::Runs => registry_cmd::runs(&cli.home),
        Command::Versions => registry_cmd::versions(&cli.home),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dnshunt-train: {err:#}");
            ExitCode::from(2)
        }
    }
}
