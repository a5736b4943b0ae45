//! SQL over the lake with `DataFusion`: every lake table registered under its name, plus the
//! dnshunt functions of [`crate::functions`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use deltalake::datafusion::datasource::MemTable;
use deltalake::datafusion::prelude::SessionContext;

use crate::LakeError;
use crate::functions::Functions;
use crate::tables::{self, TABLES, runtime, table_dir, table_error};

/// Runs `query` over the lake tables of `home`, with `functions` callable from SQL and their
/// feeds as the `indicators` table.
pub fn sql(home: &Path, query: &str, functions: &Functions) -> Result<Vec<RecordBatch>, LakeError> {
    runtime()?.block_on(async {
        let ctx = context(home).await?;
        functions.register(&ctx);
        let indicators = crate::indicators::indicators_batch(functions.indicators())?;
        let table = MemTable::try_new(indicators.schema(), vec![vec![indicators]])
            .map_err(|e| table_error("indicators", e))?;
        ctx.register_table("indicators", Arc::new(table))
            .map_err(|e| table_error("indicators", e))?;
        run(&ctx, query).await
    })
}

/// One line of `dnshunt tables`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's name in SQL.
    pub name: String,
    /// Its folder.
    pub path: String,
    /// Rows in its current version.
    pub rows: u64,
    /// Its current Delta version.
    pub version: u64,
}

/// The lake tables of `home` that exist, with their row counts and versions.
pub fn list_tables(home: &Path) -> Result<Vec<TableInfo>, LakeError> {
    runtime()?.block_on(async {
        let ctx = context(home).await?;
        let mut infos = Vec::new();
        for name in TABLES {
            let dir = table_dir(home, name);
            if !tables::exists(&dir) {
                continue;
            }
            let table = tables::open(&dir).await?;
            let rows = count(&ctx, &format!("SELECT count(*) FROM {name}")).await?;
            infos.push(TableInfo {
                name: name.to_owned(),
                path: dir.display().to_string(),
                rows,
                version: table.version().unwrap_or(0),
            });
        }
        Ok(infos)
    })
}

/// A `DataFusion` session with every existing lake table registered.
pub(crate) async fn context(home: &Path) -> Result<SessionContext, LakeError> {
    let ctx = SessionContext::new();
    for name in TABLES {
        let dir = table_dir(home, name);
        if !tables::exists(&dir) {
            continue;
        }
        let table = tables::open(&dir).await?;
        let context = dir.display().to_string();
        table
            .update_datafusion_session(&ctx.state())
            .map_err(|e| table_error(&context, e))?;
        let provider = table
            .table_provider()
            .await
            .map_err(|e| table_error(&context, e))?;
        ctx.register_table(name, provider)
            .map_err(|e| table_error(&context, e))?;
    }
    Ok(ctx)
}

pub(crate) async fn run(ctx: &SessionContext, query: &str) -> Result<Vec<RecordBatch>, LakeError> {
    let frame = ctx
        .sql(query)
        .await
        .map_err(|e| LakeError::Sql(e.to_string()))?;
    frame
        .collect()
        .await
        .map_err(|e| LakeError::Sql(e.to_string()))
}

async fn count(ctx: &SessionContext, query: &str) -> Result<u64, LakeError> {
    let batches = run(ctx, query).await?;
    let value = batches
        .first()
        .and_then(|b| {
            b.column(0)
                .as_primitive_opt::<arrow_array::types::Int64Type>()
        })
        .map_or(0, |column| column.value(0));
    Ok(u64::try_from(value).unwrap_or(0))
}

/// Content hash → path of every file in the ledger of `home`.
pub(crate) async fn ledger_paths(home: &Path) -> Result<HashMap<String, String>, LakeError> {
    if !tables::exists(&table_dir(home, "ingest_ledger")) {
        return Ok(HashMap::new());
    }
    let ctx = context(home).await?;
    let batches = run(&ctx, "SELECT content_hash, path FROM ingest_ledger").await?;
    let mut ledger = HashMap::new();
    for batch in batches {
        let hashes = utf8(batch.column(0))?;
        let paths = utf8(batch.column(1))?;
        for (hash, path) in hashes
            .as_string::<i32>()
            .iter()
            .zip(paths.as_string::<i32>())
        {
            if let (Some(hash), Some(path)) = (hash, path) {
                ledger
                    .entry(hash.to_owned())
                    .or_insert_with(|| path.to_owned());
            }
        }
    }
    Ok(ledger)
}

/// A string column as plain UTF-8 (`DataFusion` may hand back string views).
pub(crate) fn utf8(column: &arrow_array::ArrayRef) -> Result<arrow_array::ArrayRef, LakeError> {
    Ok(deltalake::arrow::compute::cast(column, &DataType::Utf8)?)
}
