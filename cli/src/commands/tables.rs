//! `dnshunt tables`: the lake's tables, their row counts and Delta versions.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::output::{Format, Table, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    let mut table = Table::new(vec!["table", "rows", "version", "path"]);
    for info in dnshunt_lake::list_tables(home)? {
        table.push(vec![
            Value::Text(info.name),
            Value::Number(info.rows as f64),
            Value::Number(info.version as f64),
            Value::Text(info.path),
        ]);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    table.write(&mut out, args.format)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
