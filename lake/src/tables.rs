//! The Delta tables under `<home>/lake/`: where they live, how rows are appended, and which
//! application transactions a table has already committed.

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use deltalake::DeltaTable;
use deltalake::kernel::Transaction;
use deltalake::kernel::transaction::CommitProperties;
use deltalake::parquet::basic::Compression;
use deltalake::parquet::file::properties::WriterProperties;
use deltalake::parquet::schema::types::ColumnPath;
use deltalake::protocol::SaveMode;

use crate::LakeError;

/// The tables the lake keeps on disk, in the order `dnshunt tables` lists them.
pub const TABLES: [&str; 5] = [
    "events",
    "quarantine",
    "ingest_ledger",
    "findings",
    "domain_sightings",
];

/// The partition column of `events`.
pub const EVENTS_PARTITION: &str = "event_date";

pub(crate) fn table_error(context: &str, e: impl std::fmt::Display) -> LakeError {
    LakeError::Table(format!("{context}: {e}"))
}

/// A current-thread runtime: the lake's commands are sequential, and the Delta and `DataFusion`
/// APIs are async.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, LakeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| table_error("starting the async runtime", e))
}

/// The folder of one lake table.
pub fn table_dir(home: &Path, table: &str) -> PathBuf {
    home.join("lake").join(table)
}

/// Whether a Delta table exists at `dir` (it has a transaction log).
pub fn exists(dir: &Path) -> bool {
    dir.join("_delta_log").is_dir()
}

/// Opens the table at `dir`, or an uninitialised handle that the first write creates.
pub(crate) async fn open(dir: &Path) -> Result<DeltaTable, LakeError> {
    let context = dir.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| LakeError::Io {
        path: context.clone(),
        source: e,
    })?;
    let url =
        deltalake::ensure_table_uri(dir.to_string_lossy()).map_err(|e| table_error(&context, e))?;
    DeltaTable::try_from_url(url)
        .await
        .map_err(|e| table_error(&context, e))
}

/// Creates the table at `table`'s location with `schema` if it has no commit yet, so that
/// queries find every lake table from the first ingest on, even one with nothing to quarantine.
pub(crate) async fn create_if_missing(
    table: &mut DeltaTable,
    schema: SchemaRef,
    partition: Option<&str>,
) -> Result<(), LakeError> {
    if table.version().is_some() {
        return Ok(());
    }
    let context = table.table_url().to_string();
    let mut write = table
        .clone()
        .write(vec![RecordBatch::new_empty(schema)])
        .with_save_mode(SaveMode::Append);
    if let Some(column) = partition {
        write = write.with_partition_columns([column]);
    }
    *table = write.await.map_err(|e| table_error(&context, e))?;
    Ok(())
}

/// Opens table `name` of `home`, creating it with `schema` if it has no commit yet.
pub(crate) async fn open_or_create(
    home: &Path,
    name: &str,
    schema: SchemaRef,
    partition: Option<&str>,
) -> Result<DeltaTable, LakeError> {
    let mut table = open(&table_dir(home, name)).await?;
    create_if_missing(&mut table, schema, partition).await?;
    Ok(table)
}

/// Columns whose values are nearly all different: a dictionary saves nothing on them and its
/// hashing was two thirds of Parquet writing time (docs/performance.md, lake ingest).
const NEAR_UNIQUE_COLUMNS: [&str; 9] = [
    "event_time",
    "first_seen",
    "last_seen",
    "source_line",
    "query",
    "query_raw",
    "subdomain",
    "answers.list.element",
    "raw",
];

/// Parquet settings for every lake table: Snappy, and no dictionary for near-unique columns
/// (names not in a table are ignored).
fn writer_properties() -> WriterProperties {
    NEAR_UNIQUE_COLUMNS
        .iter()
        .fold(
            WriterProperties::builder()
                .set_created_by(format!("dnshunt {}", env!("CARGO_PKG_VERSION")))
                .set_compression(Compression::SNAPPY),
            |builder, column| {
                builder.set_column_dictionary_enabled(ColumnPath::from(*column), false)
            },
        )
        .build()
}

/// Whether `table` already holds the commit of `txn` (its application at that version or later).
pub(crate) async fn holds(table: &DeltaTable, txn: &Transaction) -> Result<bool, LakeError> {
    Ok(committed_version(table, &txn.app_id)
        .await?
        .is_some_and(|v| v >= txn.version))
}

/// The version of application `app_id`'s last commit to `table`, if any (Delta's `txn` action).
pub(crate) async fn committed_version(
    table: &DeltaTable,
    app_id: &str,
) -> Result<Option<i64>, LakeError> {
    if table.version().is_none() {
        return Ok(None);
    }
    let state = table
        .snapshot()
        .map_err(|e| table_error("reading the table state", e))?;
    state
        .transaction_version(table.log_store().as_ref(), app_id)
        .await
        .map_err(|e| table_error("reading application transactions", e))
}

/// Appends `batches` to `table` in one atomic commit that also records `txn`, so that a retry
/// after a crash can tell the rows are already there, and moves `table` to the new version.
/// Empty input commits nothing.
pub(crate) async fn append(
    table: &mut DeltaTable,
    batches: Vec<RecordBatch>,
    partition: Option<&str>,
    txn: Option<Transaction>,
) -> Result<(), LakeError> {
    if batches.iter().all(|b| b.num_rows() == 0) {
        return Ok(());
    }
    let context = table.table_url().to_string();
    let attempt = |base: DeltaTable, batches: Vec<RecordBatch>| {
        let mut properties = CommitProperties::default();
        if let Some(txn) = &txn {
            properties = properties.with_application_transaction(txn.clone());
        }
        let mut write = base
            .write(batches)
            .with_save_mode(SaveMode::Append)
            .with_commit_properties(properties)
            .with_writer_properties(writer_properties());
        if let Some(column) = partition {
            write = write.with_partition_columns([column]);
        }
        write
    };
    // A handle is cheap to clone: the snapshot's file list is shared.
    let first = match attempt(table.clone(), batches.clone()).await {
        Ok(appended) => {
            *table = appended;
            return Ok(());
        }
        Err(e) => e,
    };
    // Another writer committed in between in a way an append conflicts with: two processes
    // starting on a new lake both write its table's metadata. Once more, on the new state.
    let latest = DeltaTable::try_from_url(table.table_url().clone())
        .await
        .ok()
        .filter(|latest| latest.version() > table.version());
    let Some(latest) = latest else {
        return Err(table_error(&context, first));
    };
    if let Some(txn) = &txn
        && holds(&latest, txn).await?
    {
        *table = latest;
        return Ok(());
    }
    *table = attempt(latest, batches)
        .await
        .map_err(|e| table_error(&context, e))?;
    Ok(())
}
