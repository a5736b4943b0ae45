//! `dnshunt sql`: SQL over the lake tables with dnshunt's functions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use dnshunt_lake::Functions;
use dnshunt_lake::arrow::array::RecordBatch;
use dnshunt_typosquat::{LookalikeIndex, Watchlist};

use crate::input::read_text;
use crate::output::Format;

#[derive(clap::Args)]
pub struct Args {
    /// The query. Tables: events, quarantine, ingest ledger (`ingest_ledger`) and the loaded
    /// feeds (`indicators`). Functions: `registered_domain`, `public_suffix`, `dga_score`,
    /// `dga_label`, `typo_brand`, `intel_match`.
    query: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The model behind `dga_score` and `dga_label`.
    #[arg(long, default_value = "dga@champion")]
    model: String,
    /// Watchlist for `typo_brand` (default: <home>/watchlist.txt, when present).
    #[arg(long)]
    brands: Option<PathBuf>,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let (functions, _) = functions(home, &args.model, args.brands.as_deref())?;
    let batches = dnshunt_lake::sql(home, &args.query, &functions)?;
    let mut out = std::io::stdout().lock();
    write_batches(&mut out, &batches, args.format)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The SQL functions with the model, watchlist and feeds of `home`, and the model's version.
pub fn functions(home: &Path, model: &str, brands: Option<&Path>) -> Result<(Functions, String)> {
    let (model, version) = dnshunt_models::builtin::resolve(home, model)?;
    let mut functions = Functions::new()
        .with_model(model)
        .with_intel(dnshunt_intel::FeedStore::new(home).index()?);
    let default = home.join("watchlist.txt");
    let path = brands.or_else(|| default.is_file().then_some(default.as_path()));
    if let Some(path) = path {
        let watchlist = Watchlist::parse(&read_text(path)?, &path.display().to_string())?;
        functions = functions.with_watchlist(LookalikeIndex::build(watchlist)?);
    }
    Ok((functions, version))
}

fn write_batches(out: &mut dyn Write, batches: &[RecordBatch], format: Format) -> Result<()> {
    use dnshunt_lake::arrow;
    match format {
        Format::Table => {
            let text = arrow::util::pretty::pretty_format_batches(batches)?;
            writeln!(out, "{text}")?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(out);
            for batch in batches {
                writer.write(batch).context("writing CSV")?;
            }
        }
        Format::Json => {
            let mut writer = arrow::json::LineDelimitedWriter::new(out);
            for batch in batches {
                writer.write(batch).context("writing JSON")?;
            }
            writer.finish()?;
        }
    }
    Ok(())
}
