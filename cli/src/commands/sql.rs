//! `dnshunt sql`: SQL over the lake tables with dnshunt's functions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use dnshunt_lake::Functions;
use dnshunt_lake::arrow::array::RecordBatch;
use dnshunt_typosquat::{LookalikeIndex, Watchlist};

use crate::input::read_text;
use crate::output::Format;
use crate::visible::visible;

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
    if let Some(path) = Watchlist::chosen(home, brands) {
        let watchlist = Watchlist::parse(&read_text(&path)?, &path.display().to_string())?;
        functions = functions.with_watchlist(LookalikeIndex::build(watchlist)?);
    }
    Ok((functions, version))
}

fn write_batches(out: &mut dyn Write, batches: &[RecordBatch], format: Format) -> Result<()> {
    use dnshunt_lake::arrow;
    match format {
        Format::Table => {
            let printable: Vec<RecordBatch> =
                batches.iter().map(printable).collect::<Result<_>>()?;
            let text = arrow::util::pretty::pretty_format_batches(&printable)?;
            writeln!(out, "{text}")?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(out);
            for batch in batches {
                writer.write(&printable(batch)?).context("writing CSV")?;
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

/// `batch` for a terminal or a CSV file: text from logs with control and invisible characters
/// escaped ([`visible`]), and lists and structs (`answers`, `tags`), which CSV cannot hold, as
/// their JSON text, which a CSV reader can parse back.
fn printable(batch: &RecordBatch) -> Result<RecordBatch> {
    use dnshunt_lake::arrow::array::{ArrayRef, AsArray, StringArray};
    use dnshunt_lake::arrow::datatypes::{DataType, Field, Schema};
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let text_field = || Arc::new(Field::new(field.name(), DataType::Utf8, true));
        if matches!(
            field.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            let text = dnshunt_lake::arrow::compute::cast(column, &DataType::Utf8)?;
            let shown: StringArray = text
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(visible))
                .collect();
            fields.push(text_field());
            columns.push(Arc::new(shown) as ArrayRef);
            continue;
        }
        if !field.data_type().is_nested() {
            fields.push(Arc::clone(field));
            columns.push(Arc::clone(column));
            continue;
        }
        let alone = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Arc::clone(field)])),
            vec![Arc::clone(column)],
        )?;
        let mut lines = Vec::new();
        let mut writer = dnshunt_lake::arrow::json::LineDelimitedWriter::new(&mut lines);
        writer
            .write(&alone)
            .with_context(|| format!("writing column {} as JSON", field.name()))?;
        writer.finish()?;
        // One object per row; a null value leaves its row's object empty. JSON escapes control
        // characters, not invisible ones.
        let texts: StringArray = lines
            .split(|&b| b == b'\n')
            .take(batch.num_rows())
            .map(|line| {
                let row: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(line)?;
                Ok(row.get(field.name()).map(|v| visible(&v.to_string())))
            })
            .collect::<Result<_>>()?;
        fields.push(text_field());
        columns.push(Arc::new(texts) as ArrayRef);
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}
