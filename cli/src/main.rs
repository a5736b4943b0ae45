//! dnshunt: the command line for scoring, ingesting, querying and detecting over DNS data.

mod commands;
mod input;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Find threats in DNS data: DGA scores, lookalike domains, threat intel, over your own logs.
#[derive(Parser)]
#[command(name = "dnshunt", version, about, max_term_width = 100)]
struct Cli {
    /// Where models, runs and the lake live.
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
    /// Normalize names and print their public suffix split and feature vector.
    Features(commands::features::Args),
    /// Print where the home folder is and what it holds.
    Home,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Features(args) => commands::features::run(&args),
        Command::Home => commands::home::run(&cli.home),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dnshunt: {err:#}");
            ExitCode::from(2)
        }
    }
}
