//! `ingest`: log files into the `events`, `quarantine` and `ingest_ledger` tables.
//!
//! A file is known by its content hash. Its rows are committed chunk by chunk, each commit tagged
//! with the application transaction `dnshunt-ingest-<hash>` and the chunk number, and the ledger
//! row comes last. A crash mid-file therefore leaves the ledger without the file; the next run
//! reads it again and skips the chunks each table already committed, so nothing is lost or
//! doubled. A file already in the ledger adds nothing.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use deltalake::DeltaTable;
use deltalake::kernel::Transaction;
use sha2::Digest;

use crate::LakeError;
use crate::batch::{events_schema, quarantine_schema};
use crate::read::{Chunk, FileReport, ReadOptions, collect_files, read_file};
use crate::tables::{self, EVENTS_PARTITION, runtime};

/// What happened to one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Read now: its counts.
    Ingested(FileReport),
    /// The ledger already holds this content (possibly under another path).
    AlreadyIngested {
        /// The file.
        path: PathBuf,
        /// The path the ledger recorded for the same content.
        ledger_path: String,
    },
    /// Not read: its format could not be told from its first lines. Nothing of it was written
    /// and the ledger does not hold it, so it can be ingested again with a format given.
    Unrecognised {
        /// The file.
        path: PathBuf,
    },
}

/// What an ingest did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// One entry per input file, in reading order.
    pub files: Vec<FileOutcome>,
}

impl IngestReport {
    fn ingested(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter_map(|f| match f {
            FileOutcome::Ingested(report) => Some(report),
            FileOutcome::AlreadyIngested { .. } | FileOutcome::Unrecognised { .. } => None,
        })
    }
    /// Records read now: always `events() + quarantined()`.
    pub fn records_read(&self) -> u64 {
        self.ingested().map(|f| f.records_read).sum()
    }
    /// Rows added to `events`.
    pub fn events(&self) -> u64 {
        self.ingested().map(|f| f.events).sum()
    }
    /// Rows added to `quarantine`.
    pub fn quarantined(&self) -> u64 {
        self.ingested().map(|f| f.quarantined).sum()
    }
}

/// Progress of an ingest, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// About to read a file of `bytes` bytes.
    File {
        /// The file.
        path: &'a Path,
        /// Its size on disk.
        bytes: u64,
    },
    /// Rows of the current file committed so far.
    Rows(u64),
}

/// The `ingest_ledger` table schema.
pub fn ledger_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("path", DataType::Utf8, false),
        Field::new("size", DataType::Int64, false),
        Field::new("content_hash", DataType::Utf8, false),
        Field::new("format", DataType::Utf8, false),
        Field::new("rows", DataType::Int64, false),
        Field::new("events", DataType::Int64, false),
        Field::new("quarantined", DataType::Int64, false),
        Field::new(
            "ingested_at",
            DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
    ]))
}

/// Reads every file under `paths` into the lake of `home`.
pub fn ingest(
    home: &Path,
    paths: &[PathBuf],
    options: &ReadOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<IngestReport, LakeError> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, &mut files)?;
    }
    let rt = runtime()?;
    let mut lake = rt.block_on(OpenLake::open(home))?;
    let mut report = IngestReport::default();
    for file in files {
        let (size, hash) = hash_file(&file)?;
        if let Some(ledger_path) = lake.ledger.get(&hash) {
            report.files.push(FileOutcome::AlreadyIngested {
                path: file,
                ledger_path: ledger_path.clone(),
            });
            continue;
        }
        progress(Progress::File {
            path: &file,
            bytes: size,
        });
        // Format guessing looks at the first lines before anything is written, so a file it
        // cannot place leaves nothing behind, and the files after it are still read.
        let read = match lake.ingest_file(&rt, &file, &hash, options, progress) {
            Err(LakeError::UnknownFormat { .. }) => {
                report.files.push(FileOutcome::Unrecognised { path: file });
                continue;
            }
            read => read?,
        };
        lake.record(&rt, &file, size, &hash, &read)?;
        report.files.push(FileOutcome::Ingested(read));
    }
    Ok(report)
}

/// The three tables, open for appending, and the ledger's hashes.
struct OpenLake {
    events: DeltaTable,
    quarantine: DeltaTable,
    ledger_table: DeltaTable,
    /// Content hash → the path first ingested with it.
    ledger: HashMap<String, String>,
}

impl OpenLake {
    async fn open(home: &Path) -> Result<Self, LakeError> {
        let ledger = crate::sql::ledger_paths(home).await?;
        let events =
            tables::open_or_create(home, "events", events_schema(), Some(EVENTS_PARTITION)).await?;
        let quarantine =
            tables::open_or_create(home, "quarantine", quarantine_schema(), None).await?;
        let ledger_table =
            tables::open_or_create(home, "ingest_ledger", ledger_schema(), None).await?;
        Ok(Self {
            events,
            quarantine,
            ledger_table,
            ledger,
        })
    }

    fn ingest_file(
        &mut self,
        rt: &tokio::runtime::Runtime,
        file: &Path,
        hash: &str,
        options: &ReadOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<FileReport, LakeError> {
        let app_id = format!("dnshunt-ingest-{hash}");
        let events_done = rt
            .block_on(tables::committed_version(&self.events, &app_id))?
            .unwrap_or(0);
        let quarantine_done = rt
            .block_on(tables::committed_version(&self.quarantine, &app_id))?
            .unwrap_or(0);
        // One thread parses the next chunk while this one writes and commits the last: on two
        // cores the two halves take about as long as each other.
        let (send, chunks) = std::sync::mpsc::sync_channel::<Chunk>(1);
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                read_file(file, options, &mut |chunk| {
                    send.send(chunk)
                        .map_err(|_| LakeError::Sink("the lake writer stopped".to_owned()))
                })
            });
            let written =
                self.write_chunks(rt, &app_id, chunks, events_done, quarantine_done, progress);
            let read = reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // A write error stops the reader too; it is the one to report.
            written.and(read)
        })
    }

    /// Appends each chunk as it arrives, skipping those each table committed before (the
    /// chunk number is the version of the file's application transaction). Returns when the
    /// reader is done, or at the first error, which drops `chunks` and so stops the reader.
    fn write_chunks(
        &mut self,
        rt: &tokio::runtime::Runtime,
        app_id: &str,
        chunks: std::sync::mpsc::Receiver<Chunk>,
        events_done: i64,
        quarantine_done: i64,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), LakeError> {
        let mut rows = 0_u64;
        for (chunk, chunk_number) in chunks.into_iter().zip(1_i64..) {
            rows += (chunk.events.num_rows() + chunk.quarantine.num_rows()) as u64;
            let txn = Transaction::new(app_id, chunk_number);
            if chunk_number > events_done {
                rt.block_on(tables::append(
                    &mut self.events,
                    vec![chunk.events],
                    Some(EVENTS_PARTITION),
                    Some(txn.clone()),
                ))?;
            }
            if chunk_number > quarantine_done {
                rt.block_on(tables::append(
                    &mut self.quarantine,
                    vec![chunk.quarantine],
                    None,
                    Some(txn),
                ))?;
            }
            progress(Progress::Rows(rows));
        }
        Ok(())
    }

    /// Adds the ledger row that marks `file` as done.
    fn record(
        &mut self,
        rt: &tokio::runtime::Runtime,
        file: &Path,
        size: u64,
        hash: &str,
        read: &FileReport,
    ) -> Result<(), LakeError> {
        let batch = ledger_batch(file, size, hash, read)?;
        rt.block_on(tables::append(
            &mut self.ledger_table,
            vec![batch],
            None,
            None,
        ))?;
        self.ledger
            .insert(hash.to_owned(), file.display().to_string());
        Ok(())
    }
}

fn ledger_batch(
    file: &Path,
    size: u64,
    hash: &str,
    read: &FileReport,
) -> Result<RecordBatch, LakeError> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let text = |value: &str| {
        let mut b = StringBuilder::new();
        b.append_value(value);
        Arc::new(b.finish()) as ArrayRef
    };
    let number = |value: i64| {
        let mut b = Int64Builder::new();
        b.append_value(value);
        Arc::new(b.finish()) as ArrayRef
    };
    let now =
        arrow_array::TimestampMicrosecondArray::from(vec![chrono::Utc::now().timestamp_micros()])
            .with_timezone("UTC");
    let columns = vec![
        text(&file.display().to_string()),
        number(count(size)),
        text(hash),
        text(read.format.as_str()),
        number(count(read.records_read)),
        number(count(read.events)),
        number(count(read.quarantined)),
        Arc::new(now) as ArrayRef,
    ];
    Ok(RecordBatch::try_new(ledger_schema(), columns)?)
}

/// The file's size and SHA-256 (of the bytes on disk, compressed or not), read in blocks.
fn hash_file(path: &Path) -> Result<(u64, String), LakeError> {
    let io = |source| LakeError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0_u8; 1 << 16];
    let mut size = 0_u64;
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
