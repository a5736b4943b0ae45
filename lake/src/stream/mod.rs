//! Continuous ingest and detection, in bounded micro-batches, from one of two sources:
//! - a folder where DNS logs arrive: new files (rotated Zeek logs) and new lines of growing ones
//!   (an appended `eve.json`), ingested to `events` and `quarantine`, then judged;
//! - the `events` table itself ([`table_source`]): the rows other writers commit, judged.
//!
//! Each batch is first planned ([`plan`]): what it reads (byte ranges of files, or files added
//! by `events` commits) and where the stream stands after it, written to
//! `<home>/stream/<name>/plan.json` before anything else. The batch's rows then go to `events`
//! and `quarantine` (folder source), and its findings and first sightings to their tables;
//! every one of those commits carries the Delta application transaction
//! `dnshunt-stream-<name>` with the batch number as its version, in the same commit as the data.
//! After a crash the last plan is carried out again: a table whose log already holds the
//! batch's transaction skips it, the others get the same rows again. So a crash at any point
//! neither loses nor duplicates a row.

pub mod plan;
pub mod table_source;

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use deltalake::DeltaTable;
use deltalake::kernel::Transaction;

use crate::LakeError;
use crate::batch::{events_schema, quarantine_schema};
use crate::detect::{DetectOptions, Finding, detect_batch};
use crate::event::Parsed;
use crate::format::Format;
use crate::functions::Functions;
use crate::lines::Lines;
use crate::read::{Chunk, FileReport, ReadOptions, read_file, read_records};
use crate::sources::{self, Source};
use crate::tables::{self, EVENTS_PARTITION, runtime};
use plan::{Plan, Planned};

/// Where a stream reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamSource {
    /// `dir:PATH`: log files landing in a folder.
    Dir(PathBuf),
    /// `delta:events`: rows committed to the `events` table by other writers. A new stream
    /// starts after the table's current version, or at its first with `from_start`.
    Events {
        /// Judge the whole history first.
        from_start: bool,
    },
}

impl StreamSource {
    /// Parses `dir:PATH` or `delta:events`.
    pub fn parse(text: &str, from_start: bool) -> Result<Self, LakeError> {
        if let Some(dir) = text.strip_prefix("dir:") {
            if from_start {
                return Err(LakeError::Config(
                    "--from-start applies to --source delta:events; a folder is always read whole"
                        .to_owned(),
                ));
            }
            return Ok(Self::Dir(PathBuf::from(dir)));
        }
        if text == "delta:events" {
            return Ok(Self::Events { from_start });
        }
        Err(LakeError::Config(format!(
            "--source {text:?}: give dir:PATH (a folder where log files arrive) or delta:events \
             (new rows of the events table)"
        )))
    }

    /// How the stream's state names its source; a restart must name the same one.
    fn label(&self) -> String {
        match self {
            Self::Dir(dir) => format!("dir:{}", dir.display()),
            Self::Events { .. } => "delta:events".to_owned(),
        }
    }
}

/// How a stream runs.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// The stream's name: its state folder and its Delta application id.
    pub name: String,
    /// Parsing: the format (`auto` tells each new file's), sensor, line cap.
    pub read: ReadOptions,
    /// About how many bytes one batch reads at most: of log (folder source) or of Parquet
    /// (`events` source).
    pub batch_bytes: usize,
    /// Read what is still being written as it is: a last line without its newline, a gzip
    /// file without its trailer (for a run that stops at the end, `--once`). Otherwise they
    /// wait to be finished.
    pub unfinished: bool,
}

/// What one batch did.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    /// Its number.
    pub batch: i64,
    /// Whether it was planned before a crash and carried out again now.
    pub redone: bool,
    /// Bytes of log it read (folder source).
    pub bytes: u64,
    /// Data files of `events` it read (`events` source).
    pub files: usize,
    /// Records read: `events + quarantined`.
    pub records_read: u64,
    /// Rows for `events`.
    pub events: u64,
    /// Rows for `quarantine`.
    pub quarantined: u64,
    /// Findings added.
    pub findings: Vec<Finding>,
}

/// A stream over one source, holding its lock.
pub struct Stream {
    home: PathBuf,
    source: StreamSource,
    state_dir: PathBuf,
    options: StreamOptions,
    last: Plan,
    /// Whether `last` may be unfinished (true on open: the previous process may have crashed).
    unfinished: bool,
    _lock: File,
}

impl Stream {
    /// Opens the stream `options.name` of `home` reading `source`. Only one process may run
    /// a stream at a time.
    pub fn open(
        home: &Path,
        source: StreamSource,
        options: StreamOptions,
    ) -> Result<Self, LakeError> {
        if let StreamSource::Dir(dir) = &source
            && !dir.is_dir()
        {
            return Err(LakeError::Config(format!(
                "{}: not a folder; give --source dir:PATH with the folder where logs arrive",
                dir.display()
            )));
        }
        check_name(&options.name)?;
        let state_dir = home.join("stream").join(&options.name);
        let io = |source| LakeError::Io {
            path: state_dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&state_dir).map_err(io)?;
        let lock = File::create(state_dir.join("lock")).map_err(io)?;
        lock.try_lock().map_err(|_| {
            LakeError::Config(format!(
                "stream {:?} is already running (lock {}); stop it first or pick another --name",
                options.name,
                state_dir.join("lock").display()
            ))
        })?;
        let mut last = Plan::load(&state_dir, &source.label())?;
        if let StreamSource::Events { from_start } = source
            && last.events.is_none()
        {
            // A new stream: fix where it starts now, so versions committed before its first
            // batch are not skipped after a restart.
            let next = runtime()?.block_on(table_source::start(home, from_start))?;
            last.events = Some(table_source::Span {
                next,
                ..table_source::Span::default()
            });
            last.save(&state_dir)?;
        }
        Ok(Self {
            home: home.to_path_buf(),
            source,
            state_dir,
            options,
            unfinished: last.batch > 0 && !last.done,
            last,
            _lock: lock,
        })
    }

    /// The Delta application id of this stream's commits.
    pub fn app_id(&self) -> String {
        format!("dnshunt-stream-{}", self.options.name)
    }

    /// Carries out one batch: the one a crash interrupted, else the next if anything is new.
    /// New findings go to `alert` before they are committed. `None` when nothing is new.
    pub fn step(
        &mut self,
        functions: &Functions,
        detect: &DetectOptions,
        alert: &mut dyn FnMut(&Finding) -> Result<(), LakeError>,
    ) -> Result<Option<BatchReport>, LakeError> {
        if self.unfinished {
            let planned = self
                .last
                .ranges
                .iter()
                .map(|range| Planned {
                    range: range.clone(),
                    bytes: Vec::new(),
                })
                .collect();
            let plan = self.last.clone();
            let mut report = self.carry_out(&plan, planned, functions, detect, alert)?;
            report.redone = true;
            self.finished()?;
            return Ok(Some(report));
        }
        let Some((plan, planned)) = self.plan_next()? else {
            return Ok(None);
        };
        plan.save(&self.state_dir)?;
        self.last = plan.clone();
        self.unfinished = true;
        let report = self.carry_out(&plan, planned, functions, detect, alert)?;
        self.finished()?;
        Ok(Some(report))
    }

    /// Records that the last batch is committed everywhere.
    fn finished(&mut self) -> Result<(), LakeError> {
        self.last.done = true;
        self.last.save(&self.state_dir)?;
        self.unfinished = false;
        Ok(())
    }

    /// The next batch's plan, with the bytes read while planning; `None` when nothing is new.
    fn plan_next(&self) -> Result<Option<(Plan, Vec<Planned>)>, LakeError> {
        let dir = match &self.source {
            StreamSource::Dir(dir) => dir,
            StreamSource::Events { .. } => {
                let from = self.last.events.as_ref().map(|span| span.next);
                let span = runtime()?.block_on(table_source::next(
                    &self.home,
                    from.unwrap_or_default(),
                    self.options.batch_bytes,
                ))?;
                return Ok(span.map(|span| {
                    let plan = Plan {
                        source: self.last.source.clone(),
                        batch: self.last.batch + 1,
                        events: Some(span),
                        ..Plan::default()
                    };
                    (plan, Vec::new())
                }));
            }
        };
        plan::next(
            &self.last,
            dir,
            self.options.batch_bytes,
            self.options.read.format,
            self.options.unfinished,
        )
    }

    fn carry_out(
        &self,
        plan: &Plan,
        planned: Vec<Planned>,
        functions: &Functions,
        detect: &DetectOptions,
        alert: &mut dyn FnMut(&Finding) -> Result<(), LakeError>,
    ) -> Result<BatchReport, LakeError> {
        let mut report = BatchReport {
            batch: plan.batch,
            ..BatchReport::default()
        };
        let txn = Transaction::new(self.app_id(), plan.batch);
        if let Some(span) = &plan.events {
            let events = runtime()?.block_on(table_source::read(&self.home, span))?;
            report.files = span.files.len();
            report.events = events.iter().map(|b| b.num_rows() as u64).sum();
            report.records_read = report.events;
            report.findings = detect_batch(&self.home, functions, detect, events, &txn, alert)?;
            return Ok(report);
        }
        let mut events = Vec::new();
        let mut quarantine = Vec::new();
        for part in planned {
            report.bytes += part.range.end - part.range.start;
            let counts = read_range(part, &self.options.read, &mut |chunk| {
                events.push(chunk.events);
                quarantine.push(chunk.quarantine);
                Ok(())
            })?;
            report.events += counts.events;
            report.quarantined += counts.quarantined;
        }
        report.records_read = report.events + report.quarantined;
        let rt = runtime()?;
        rt.block_on(async {
            let mut events_table = tables::open_or_create(
                &self.home,
                "events",
                events_schema(),
                Some(EVENTS_PARTITION),
            )
            .await?;
            append_once(
                &mut events_table,
                events.clone(),
                Some(EVENTS_PARTITION),
                &txn,
            )
            .await?;
            let mut quarantine_table =
                tables::open_or_create(&self.home, "quarantine", quarantine_schema(), None).await?;
            append_once(&mut quarantine_table, quarantine, None, &txn).await
        })?;
        drop(rt);
        report.findings = detect_batch(&self.home, functions, detect, events, &txn, alert)?;
        Ok(report)
    }
}

/// Appends `batches` with `txn` unless the table already holds that transaction.
async fn append_once(
    table: &mut DeltaTable,
    batches: Vec<RecordBatch>,
    partition: Option<&str>,
    txn: &Transaction,
) -> Result<(), LakeError> {
    if tables::holds(table, txn).await? {
        return Ok(());
    }
    tables::append(table, batches, partition, Some(txn.clone())).await
}

/// Stream names become a folder and part of a Delta application id: keep them plain.
fn check_name(name: &str) -> Result<(), LakeError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > 64 || !name.chars().all(plain) {
        return Err(LakeError::Config(format!(
            "stream name {name:?}: use 1 to 64 letters, digits, '-' or '_'"
        )));
    }
    Ok(())
}

/// Parses one planned range into chunks; a redo reads its bytes from disk again.
fn read_range(
    part: Planned,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Chunk) -> Result<(), LakeError>,
) -> Result<FileReport, LakeError> {
    let range = part.range;
    let format: Format = range.format.parse().unwrap_or(Format::Auto);
    if range.gzip {
        let options = ReadOptions {
            format,
            ..options.clone()
        };
        return read_file(&range.located(), &options, sink);
    }
    let bytes = if part.bytes.is_empty() {
        // A redo: the file may have been rotated since; its rows keep the planned path.
        let bytes = plan::read_span(&range.located(), range.start, range.end - range.start)?;
        if bytes.len() as u64 != range.end - range.start {
            return Err(LakeError::Config(format!(
                "{}: shorter than when batch was planned (bytes {}..{}); the file was truncated \
                 or replaced while the stream was down, and those rows cannot be read again",
                range.path.display(),
                range.start,
                range.end
            )));
        }
        bytes
    } else {
        part.bytes
    };
    let mut source: Box<dyn Source> = sources::for_format(format, range.year, &options.csv)
        .unwrap_or_else(|| Box::new(Unrecognised));
    for line in &range.header {
        // Header lines only set the parser up; they were counted when first read.
        let _ = source.parse(line);
    }
    let mut report = FileReport::nothing_yet(&range.path, format);
    let lines = Lines::new(&bytes[..], options.max_line_bytes);
    read_records(
        source.as_mut(),
        lines,
        range.lines_before,
        options,
        &mut report,
        sink,
    )?;
    Ok(report)
}

/// The parser of a file whose format could not be told: every record goes to quarantine.
struct Unrecognised;

impl Source for Unrecognised {
    fn parse(&mut self, _line: &str) -> Parsed {
        Parsed::reject(
            "cannot tell this file's log format from its first lines; restart the stream with --format",
        )
    }
}
