//! dnshunt-train: build datasets, fit, evaluate, version, compare and promote DGA models.

mod dataset;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Dataset(command) => dataset::run(command, &cli.home),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dnshunt-train: {err:#}");
            ExitCode::from(2)
        }
    }
}
