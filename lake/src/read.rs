//! Reading files and folders through the sources into chunks of `events` and `quarantine` rows.

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;

use crate::LakeError;
use crate::batch::{EventRows, QuarantineRows};
use crate::event::Parsed;
use crate::format::Format;
use crate::lines::{self, Line, Lines};
use crate::sources;
use crate::sources::csv::CsvColumns;

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The format, or [`Format::Auto`] to sniff each file.
    pub format: Format,
    /// Records per chunk: memory stays bounded by this, whatever the file size.
    pub chunk_rows: usize,
    /// Longest line kept; longer lines are quarantined with their first bytes.
    pub max_line_bytes: usize,
    /// Which CSV columns hold which fields ([`Format::Csv`]).
    pub csv: CsvColumns,
    /// The sensor or resolver that wrote the logs, stored in every row's `sensor` column.
    pub sensor: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: Format::Auto,
            chunk_rows: 65_536,
            max_line_bytes: 1 << 20,
            csv: CsvColumns::default(),
            sensor: None,
        }
    }
}

/// One chunk of rows from one file, shaped like the `events` and `quarantine` tables.
#[derive(Debug)]
pub struct Chunk {
    /// Rows for `events`.
    pub events: RecordBatch,
    /// Rows for `quarantine`.
    pub quarantine: RecordBatch,
}

/// Counts for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// The format it was read as.
    pub format: Format,
    /// Records read: `events + quarantined`.
    pub records_read: u64,
    /// Records that became events.
    pub events: u64,
    /// Records that went to quarantine.
    pub quarantined: u64,
    /// Lines that are not records (headers, blank lines, stream framing, non-DNS events).
    pub skipped_lines: u64,
}

impl FileReport {
    /// The report of `path` read as `format` before any line is.
    pub(crate) fn nothing_yet(path: &Path, format: Format) -> Self {
        Self {
            path: path.to_path_buf(),
            format,
            records_read: 0,
            events: 0,
            quarantined: 0,
            skipped_lines: 0,
        }
    }
}

/// Counts for everything read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// One entry per file, in reading order.
    pub files: Vec<FileReport>,
}

impl ReadReport {
    /// Records read in all files.
    pub fn records_read(&self) -> u64 {
        self.files.iter().map(|f| f.records_read).sum()
    }
    /// Events in all files.
    pub fn events(&self) -> u64 {
        self.files.iter().map(|f| f.events).sum()
    }
    /// Quarantined records in all files.
    pub fn quarantined(&self) -> u64 {
        self.files.iter().map(|f| f.quarantined).sum()
    }
}

/// Reads a file or a folder (recursively, in name order), passing chunks to `sink`.
pub fn read_path(
    path: &Path,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Chunk) -> Result<(), LakeError>,
) -> Result<ReadReport, LakeError> {
    let mut files = Vec::new();
    collect_files(path, &mut files)?;
    let mut report = ReadReport::default();
    for file in files {
        report.files.push(read_file(&file, options, sink)?);
    }
    Ok(report)
}

fn io_error(path: &Path, source: std::io::Error) -> LakeError {
    LakeError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LakeError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| io_error(path, e))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| io_error(path, e))?;
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden {
            collect_files(&entry, out)?;
        }
    }
    Ok(())
}

/// Lines looked at by `--format auto`.
const SNIFF_LINES: usize = 50;

/// The format of `path` from its first lines; `None` when it holds no line but blank ones.
fn sniff(path: &Path, max_line_bytes: usize) -> Result<Option<Format>, LakeError> {
    let mut lines = Lines::new(
        lines::open(path).map_err(|e| io_error(path, e))?,
        max_line_bytes,
    );
    let mut head = Vec::new();
    // Only a file of blank lines is empty: an overlong line or a read error is something.
    let mut empty = true;
    while head.len() < SNIFF_LINES {
        match lines.next_line() {
            Ok(Some(Line::Full(line))) => {
                empty &= line.trim_ascii().is_empty();
                head.push(line);
            }
            Ok(Some(Line::TooLong { .. })) => empty = false,
            Ok(None) => break,
            // A read error (truncated gzip) is reported by the real pass, with its line number.
            Err(_) => {
                empty = false;
                break;
            }
        }
    }
    if empty {
        return Ok(None);
    }
    match Format::sniff(head.iter().map(Vec::as_slice)) {
        Some(format) => Ok(Some(format)),
        None => Err(LakeError::UnknownFormat {
            path: path.display().to_string(),
        }),
    }
}

/// The year the file was last written: syslog stamps (dnsmasq) have no year of their own.
pub(crate) fn modified_year(path: &Path) -> i32 {
    use chrono::Datelike;
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(chrono::DateTime::<chrono::Utc>::from)
        .map_or(1970, |t| t.year())
}

pub(crate) fn read_file(
    path: &Path,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Chunk) -> Result<(), LakeError>,
) -> Result<FileReport, LakeError> {
    let format = match options.format {
        Format::Auto => match sniff(path, options.max_line_bytes)? {
            Some(format) => format,
            // An empty log (just rotated, say) has no records to read.
            None => return Ok(FileReport::nothing_yet(path, Format::Auto)),
        },
        format => format,
    };
    let Some(mut source) = sources::for_format(format, modified_year(path), &options.csv) else {
        return Err(LakeError::UnknownFormat {
            path: path.display().to_string(),
        });
    };
    let lines = Lines::new(
        lines::open(path).map_err(|e| io_error(path, e))?,
        options.max_line_bytes,
    );
    let mut report = FileReport::nothing_yet(path, format);
    read_records(source.as_mut(), lines, 0, options, &mut report, sink)?;
    Ok(report)
}

/// Parses `lines` with `source` into chunks for `sink`, counting into `report` (whose path and
/// format name the rows). `lines_before` lines of the file come before the first one, so
/// quarantined records keep their true line numbers when reading starts mid-file.
pub(crate) fn read_records<R: std::io::BufRead>(
    source: &mut dyn sources::Source,
    mut lines: Lines<R>,
    lines_before: u64,
    options: &ReadOptions,
    report: &mut FileReport,
    sink: &mut dyn FnMut(Chunk) -> Result<(), LakeError>,
) -> Result<(), LakeError> {
    let name = report.path.display().to_string();
    let format = report.format;
    let mut events = EventRows::default();
    let mut quarantine = QuarantineRows::default();
    let mut number = lines_before;
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                // The rest of the file is unreadable (truncated gzip, I/O error): say where.
                quarantine.push(
                    &name,
                    number + 1,
                    b"",
                    &format!("cannot read past this line: {e}"),
                );
                report.quarantined += 1;
                break;
            }
        };
        number += 1;
        let parsed = match &line {
            Line::TooLong { len, .. } => Parsed::Reject(format!(
                "line of {len} bytes is longer than the {} byte limit",
                options.max_line_bytes
            )),
            Line::Full(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) if text.contains('\0') => Parsed::reject("NUL byte in the record"),
                Ok(text) => source.parse(text),
                Err(e) => Parsed::Reject(format!("invalid UTF-8 at byte {}", e.valid_up_to())),
            },
        };
        match parsed {
            Parsed::Event(event) => {
                events.push(number, *event);
                report.events += 1;
            }
            Parsed::Skip => report.skipped_lines += 1,
            Parsed::Reject(reason) => {
                let raw = match &line {
                    Line::Full(bytes) => bytes,
                    Line::TooLong { head, .. } => head,
                };
                quarantine.push(&name, number, raw, &reason);
                report.quarantined += 1;
            }
        }
        if events.len() + quarantine.len() >= options.chunk_rows.max(1) {
            sink(Chunk {
                events: events.finish(format.as_str(), &name, options.sensor.as_deref())?,
                quarantine: quarantine.finish()?,
            })?;
        }
    }
    if !events.is_empty() || !quarantine.is_empty() {
        sink(Chunk {
            events: events.finish(format.as_str(), &name, options.sensor.as_deref())?,
            quarantine: quarantine.finish()?,
        })?;
    }
    report.records_read = report.events + report.quarantined;
    Ok(())
}
