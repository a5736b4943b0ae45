//! DNS log sources into Delta Lake tables, `DataFusion` SQL with dnshunt functions, and detection over the lake.
//!
//! - Sources: [`read_path`] reads a file, a folder or a `.gz` file in any supported [`Format`]
//!   (sniffed with [`Format::Auto`]), in bounded chunks, as Arrow batches shaped like the `events`
//!   and `quarantine` tables. Every record ends in exactly one of them:
//!   `records_read == events + quarantined`.
//! - Tables: [`ingest`] commits those chunks to Delta tables under `<home>/lake/` and records each
//!   file in `ingest_ledger`, so the same content is never ingested twice.
//! - SQL: [`sql`] runs `DataFusion` over the tables with dnshunt's [`Functions`].
//! - Detection: [`detect`] judges the events and records findings; [`stream`] ingests and
//!   detects continuously from a folder where logs arrive, crash-safe.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod batch;
pub mod detect;
pub mod event;
pub mod format;
pub mod functions;
pub mod indicators;
pub mod ingest;
pub mod lines;
pub mod read;
pub mod sources;
pub mod sql;
pub mod stream;
pub mod tables;

pub use batch::{events_schema, quarantine_schema};
/// The Arrow version the lake's batches use, for callers that render them.
pub use deltalake::arrow;
pub use detect::{DetectOptions, DetectReport, Finding, Severity, detect, read_findings};
pub use event::{Event, Parsed};
pub use format::Format;
pub use functions::Functions;
pub use ingest::{FileOutcome, IngestReport, Progress, ingest};
pub use read::{Chunk, FileReport, ReadOptions, ReadReport, read_path};
pub use sql::{TableInfo, list_tables, sql};
pub use stream::{BatchReport, Stream, StreamOptions, StreamSource};

/// Errors that stop reading a whole file or folder (a bad record never does: it is quarantined).
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// The file or folder could not be opened or listed.
    #[error("{path}: cannot read: {source}; check the path and its permissions")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `--format auto` found nothing it recognises in the first lines.
    #[error(
        "{path}: cannot tell the log format from its first lines; pass --format (cof, zeek-tsv, zeek-json, suricata, bind, dnsmasq, csv)"
    )]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// Building an Arrow batch failed (a bug, not bad input).
    #[error("building an Arrow batch: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The caller's chunk handler failed.
    #[error("{0}")]
    Sink(String),
    /// A Delta table could not be read or written.
    #[error("lake table {0}")]
    Table(String),
    /// A settings file is wrong, or a step needs another first.
    #[error("{0}")]
    Config(String),
    /// A SQL query failed to plan or run.
    #[error("SQL: {0}")]
    Sql(String),
}
