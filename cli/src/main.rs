//! dnshunt: the command line for scoring, ingesting, querying and detecting over DNS data.

mod commands;
mod input;
mod output;
mod report;
mod visible;

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
    /// DGA scores: `dnshunt dga score [DOMAIN]... [--file F]`.
    Dga(commands::dga::Args),
    /// Normalize names and print their public suffix split and feature vector.
    Features(commands::features::Args),
    /// Print where the home folder is and what it holds.
    Home,
    /// Typosquatting: permutations of brands, lookalikes among observed names.
    Typo(commands::typo::Args),
    /// Threat intel: load feeds, list them, match names and addresses.
    Intel(commands::intel::Args),
    /// Read DNS logs (passive DNS, Zeek, Suricata, BIND, dnsmasq) into the lake's Delta tables.
    Ingest(commands::ingest::Args),
    /// Run SQL over the lake, with dnshunt's functions (`dga_score`, `registered_domain`, ...).
    Sql(commands::sql::Args),
    /// List the lake's tables with their row counts and versions.
    Tables(commands::tables::Args),
    /// Run the detectors over the lake's events and record new findings.
    Detect(commands::detect::Args),
    /// Ingest and detect continuously as logs land in a folder; crash-safe, alerts as JSON lines.
    Stream(commands::stream::Args),
    /// Write an HTML report of the findings: by severity, timeline, clients, DGA scores.
    Report(commands::report::Args),
    /// The whole job on generated data: a company's day of DNS with planted threats, ingested,
    /// detected and reported.
    Demo(commands::demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dga(args) => commands::dga::run(&args, &cli.home),
        Command::Features(args) => commands::features::run(&args),
        Command::Home => commands::home::run(&cli.home),
        Command::Typo(args) => commands::typo::run(&args, &cli.home),
        Command::Intel(args) => commands::intel::run(&args, &cli.home),
        Command::Ingest(args) => commands::ingest::run(&args, &cli.home),
        Command::Sql(args) => commands::sql::run(&args, &cli.home),
        Command::Tables(args) => commands::tables::run(&args, &cli.home),
        Command::Detect(args) => commands::detect::run(&args, &cli.home),
        Command::Stream(args) => commands::stream::run(&args, &cli.home),
        Command::Report(args) => commands::report::run(&args, &cli.home),
        Command::Demo(args) => commands::demo::run(&args, &cli.home),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`dnshunt typo permute ... | head`): nothing is wrong, stop quietly.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dnshunt: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
