//! The `delta:events` source: the rows that other writers (`dnshunt ingest`, another stream)
//! commit to the `events` table, read commit by commit from its Delta log.
//!
//! The position is a table version and how many of that version's added files are already
//! read, so a batch can stop inside a large commit. A batch reads its files from the table as of
//! the last version it touches; the log is append-only, so a redo after a crash reads the very
//! same rows.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use deltalake::DeltaTable;
use deltalake::arrow::compute::cast;
use deltalake::datafusion::prelude::SessionContext;
use deltalake::kernel::Action;
use serde::{Deserialize, Serialize};

use crate::LakeError;
use crate::batch::events_schema;
use crate::tables::{self, table_error};

/// Where a `delta:events` stream stands: the next version to read, and how many of its added
/// files are already read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The version to read next.
    pub version: u64,
    /// Added files of `version` already read.
    pub skip: usize,
}

/// What one batch reads from `events`, and the position after it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Span {
    /// The table version the files are read at (the last version the batch touches).
    pub read_at: u64,
    /// The data files added by the commits read, as the log names them.
    pub files: Vec<String>,
    /// The position after the batch.
    pub next: Position,
}

/// The position of a new stream: the table's first version, or the one after its current one.
pub async fn start(home: &std::path::Path, from_start: bool) -> Result<Position, LakeError> {
    let dir = tables::table_dir(home, "events");
    if from_start || !tables::exists(&dir) {
        return Ok(Position::default());
    }
    let table = tables::open(&dir).await?;
    Ok(Position {
        version: table.version().map_or(0, |v| v + 1),
        skip: 0,
    })
}

/// Plans the files after `from`: whole commits until about `budget` bytes of Parquet, at least
/// one file. `None` when no new rows were committed.
pub async fn next(
    home: &std::path::Path,
    from: Position,
    budget: usize,
) -> Result<Option<Span>, LakeError> {
    let dir = tables::table_dir(home, "events");
    if !tables::exists(&dir) {
        return Ok(None);
    }
    let table = tables::open(&dir).await?;
    let Some(latest) = table.version() else {
        return Ok(None);
    };
    let mut span = Span {
        read_at: from.version,
        files: Vec::new(),
        next: from,
    };
    let mut left = budget.max(1) as u64;
    for version in from.version..=latest {
        let added = added_files(&table, version).await?;
        let skip = if version == from.version {
            from.skip
        } else {
            0
        };
        for (index, (path, size)) in added.iter().enumerate().skip(skip) {
            if left == 0 && !span.files.is_empty() {
                span.next = Position {
                    version,
                    skip: index,
                };
                return Ok(Some(span));
            }
            span.files.push(path.clone());
            span.read_at = version;
            left = left.saturating_sub(*size);
        }
        span.next = Position {
            version: version + 1,
            skip: 0,
        };
    }
    Ok((!span.files.is_empty()).then_some(span))
}

/// The data files `version` added with new rows, with their sizes. Rewrites (compaction marks
/// them `dataChange: false`) hold no new rows.
async fn added_files(table: &DeltaTable, version: u64) -> Result<Vec<(String, u64)>, LakeError> {
    let context = format!("events table, commit {version}");
    let bytes = table
        .log_store()
        .read_commit_entry(version)
        .await
        .map_err(|e| table_error(&context, e))?
        .ok_or_else(|| {
            LakeError::Config(format!(
                "{context}: no longer in the Delta log (log retention removed it); the rows \
                 committed since this stream last ran cannot be read one commit at a time: start \
                 a new stream with another --name, and run `dnshunt detect` for what it missed"
            ))
        })?;
    let actions =
        deltalake::logstore::get_actions(version, &bytes).map_err(|e| table_error(&context, e))?;
    Ok(actions
        .into_iter()
        .filter_map(|action| match action {
            Action::Add(add) if add.data_change => {
                Some((add.path, u64::try_from(add.size).unwrap_or(0)))
            }
            _ => None,
        })
        .collect())
}

/// The rows of the files of `span`, shaped like [`events_schema`].
pub async fn read(home: &std::path::Path, span: &Span) -> Result<Vec<RecordBatch>, LakeError> {
    let dir = tables::table_dir(home, "events");
    let context = format!("events table at version {}", span.read_at);
    let mut table: DeltaTable = tables::open(&dir).await?;
    table
        .load_version(span.read_at)
        .await
        .map_err(|e| table_error(&context, e))?;
    let ctx = SessionContext::new();
    table
        .update_datafusion_session(&ctx.state())
        .map_err(|e| table_error(&context, e))?;
    let provider = table
        .table_provider()
        .with_file_paths(span.files.clone())
        .build()
        .await
        .map_err(|e| table_error(&context, e))?;
    let batches = ctx
        .read_table(Arc::new(provider))
        .map_err(|e| table_error(&context, e))?
        .collect()
        .await
        .map_err(|e| table_error(&context, e))?;
    let schema = events_schema();
    batches
        .iter()
        .map(|batch| conform(batch, &schema).map_err(|e| table_error(&context, e)))
        .collect()
}

/// `batch` with the columns of `schema`, in its order and types (the scan puts the partition
/// column last and may widen types).
fn conform(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, String> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let column = batch
                .column_by_name(field.name())
                .ok_or_else(|| format!("no column {}", field.name()))?;
            cast(column, field.data_type()).map_err(|e| format!("column {}: {e}", field.name()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(Arc::clone(schema), columns).map_err(|e| e.to_string())
}
