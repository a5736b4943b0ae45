//! The stream's position in its source folder, and the plan of each micro-batch.
//!
//! A plan names the byte ranges a batch reads and where every file stands after it. It is
//! written (whole, then renamed into place) before any row of the batch is committed, so after a
//! crash the batch can be read again byte for byte.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LakeError;
use crate::format::Format;
use crate::stream::table_source::Span;

/// Most header lines kept per file: Zeek writes eight; a hostile file cannot grow the plan.
const MAX_HEADER_LINES: usize = 64;
/// Longest CSV header line kept, in bytes.
const MAX_CSV_HEADER: usize = 64 * 1024;
/// Lines looked at to tell a new file's format.
const SNIFF_LINES: usize = 50;

/// One micro-batch and the position after it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The source this stream reads (`dir:PATH`); a restart must name the same one.
    pub source: String,
    /// Batch number, from 1; 0 before the first batch. It is the version of the Delta
    /// application transaction that the batch's commits carry.
    pub batch: i64,
    /// What the batch reads, in order.
    pub ranges: Vec<Range>,
    /// Every file seen, by identity, with its position after this batch.
    pub files: BTreeMap<String, FileState>,
    /// For the `delta:events` source: the commits the batch reads and the position after it
    /// (batch 0 holds only the position a new stream starts from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Span>,
    /// Whether every commit of the batch was made: a restart then plans the next one instead
    /// of reading this one's files again (a log rotated since may no longer be where it was).
    #[serde(default)]
    pub done: bool,
}

/// Part of one file that a batch reads: whole lines from `start` up to `end`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Range {
    /// The file's path when planned.
    pub path: PathBuf,
    /// The format its lines are parsed as; `auto` when it could not be told.
    pub format: String,
    /// The year for syslog stamps (the file's modification year when first seen).
    pub year: i32,
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Lines of the file before `start`, so row line numbers are the file's own.
    pub lines_before: u64,
    /// Header lines seen before `start` (Zeek's `#fields`), given to the parser first.
    pub header: Vec<String>,
    /// A gzip file, read whole: compressed logs are complete when they land.
    pub gzip: bool,
    /// The file's identity (device and inode) when planned, to find it again if it was renamed
    /// (rotated) before a crashed batch is read again.
    #[serde(default)]
    pub identity: Option<String>,
}

impl Range {
    /// Where the planned file is now: its planned path, or, when another file has taken that
    /// path (log rotation), the file of the same identity beside it.
    pub fn located(&self) -> PathBuf {
        let Some(identity) = &self.identity else {
            return self.path.clone();
        };
        let same = |path: &Path| {
            std::fs::metadata(path).is_ok_and(|meta| identity_of(&meta, path) == *identity)
        };
        if same(&self.path) {
            return self.path.clone();
        }
        let beside = self
            .path
            .parent()
            .and_then(|dir| std::fs::read_dir(dir).ok())
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| same(path));
        beside.unwrap_or_else(|| self.path.clone())
    }
}

/// Where one file stands.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileState {
    /// Its last known path (a rotated file keeps its identity under a new name).
    pub path: PathBuf,
    /// Bytes consumed.
    pub offset: u64,
    /// Lines consumed.
    pub lines: u64,
    /// Its format, once told.
    pub format: Option<String>,
    /// Year for syslog stamps.
    pub year: i32,
    /// Its current header lines.
    pub header: Vec<String>,
}

impl Plan {
    fn path(state_dir: &Path) -> PathBuf {
        state_dir.join("plan.json")
    }

    /// The last plan written under `state_dir`, or an empty one for a new stream.
    pub fn load(state_dir: &Path, source: &str) -> Result<Self, LakeError> {
        let path = Self::path(state_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    source: source.to_owned(),
                    ..Self::default()
                });
            }
            Err(source) => {
                return Err(LakeError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let plan: Self = serde_json::from_str(&text).map_err(|e| {
            LakeError::Config(format!(
                "{}: unreadable stream state ({e}); move the folder away to start the stream afresh",
                path.display()
            ))
        })?;
        if plan.source != source {
            return Err(LakeError::Config(format!(
                "{}: this stream reads {}; give another --name to stream from {source}",
                path.display(),
                plan.source
            )));
        }
        Ok(plan)
    }

    /// Writes the plan durably: a crash leaves the old plan or this one, never a mix.
    pub fn save(&self, state_dir: &Path) -> Result<(), LakeError> {
        let path = Self::path(state_dir);
        let io = |source| LakeError::Io {
            path: path.display().to_string(),
            source,
        };
        let text = serde_json::to_vec(self).map_err(|e| LakeError::Table(e.to_string()))?;
        let partial = path.with_extension("json.partial");
        let mut file = std::fs::File::create(&partial).map_err(io)?;
        std::io::Write::write_all(&mut file, &text).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)
    }
}

/// A planned range with its bytes, as read while planning (a redo reads them again).
pub struct Planned {
    /// The range.
    pub range: Range,
    /// Its bytes; empty for gzip files, which are read whole from disk.
    pub bytes: Vec<u8>,
}

/// Plans the batch after `last` over the files under `dir`: new bytes of each file in name
/// order, whole lines only, at most about `budget` bytes. `None` when nothing is new.
///
/// A last line without its newline, and a gzip file without its trailer, are still being
/// written and wait, unless `unfinished` says to read them as they are (`--once`).
pub fn next(
    last: &Plan,
    dir: &Path,
    budget: usize,
    format: Format,
    unfinished: bool,
) -> Result<Option<(Plan, Vec<Planned>)>, LakeError> {
    let mut files = Vec::new();
    crate::read::collect_files(dir, &mut files)?;
    let mut plan = Plan {
        source: last.source.clone(),
        batch: last.batch + 1,
        ranges: Vec::new(),
        files: last.files.clone(),
        events: None,
        done: false,
    };
    let mut planned = Vec::new();
    let budget = budget.max(1);
    let mut left = budget as u64;
    for path in files {
        if left == 0 {
            break;
        }
        // A file may vanish between listing and reading (rotation); the next listing settles it.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let key = identity_of(&meta, &path);
        let size = meta.len();
        let mut state = plan.files.get(&key).cloned().unwrap_or_default();
        if state.format.is_none() || size < state.offset {
            // New, or truncated and rewritten: read it from the start.
            state = FileState {
                year: crate::read::modified_year(&path),
                ..FileState::default()
            };
        }
        state.path.clone_from(&path);
        if size == state.offset {
            continue;
        }
        let range = if is_gzip(&path)? {
            // Read whole, once: what is added to it later is not read (see docs/detection.md).
            if state.format.is_some() || !(unfinished || gzip_complete(&path)) {
                continue;
            }
            let range = Range {
                path: path.clone(),
                format: format.as_str().to_owned(),
                year: state.year,
                start: 0,
                end: size,
                lines_before: 0,
                header: Vec::new(),
                gzip: true,
                identity: Some(key.clone()),
            };
            state.offset = size;
            state.format = Some(format.as_str().to_owned());
            left = left.saturating_sub(size);
            Planned {
                range,
                bytes: Vec::new(),
            }
        } else {
            let bytes = read_span(&path, state.offset, left.min(size - state.offset))?;
            let reached_end = state.offset + bytes.len() as u64 >= size;
            let cut = match bytes.iter().rposition(|&b| b == b'\n') {
                Some(at) => at + 1,
                // One line longer than a whole batch: cut it; its pieces go to quarantine.
                None if !reached_end && bytes.len() >= budget => bytes.len(),
                // The batch is full: this file's next line goes in the next batch.
                None if !reached_end => break,
                // The last line is still being written.
                None if !unfinished => continue,
                None => bytes.len(),
            };
            let mut bytes = bytes;
            bytes.truncate(cut);
            let file_format = state
                .format
                .clone()
                .unwrap_or_else(|| tell_format(format, &bytes).as_str().to_owned());
            let range = Range {
                path: path.clone(),
                format: file_format.clone(),
                year: state.year,
                start: state.offset,
                end: state.offset + cut as u64,
                lines_before: state.lines,
                header: state.header.clone(),
                gzip: false,
                identity: Some(key.clone()),
            };
            state.offset = range.end;
            state.lines += count_lines(&bytes);
            if file_format == Format::ZeekTsv.as_str() {
                update_header(&mut state.header, &bytes);
            }
            if file_format == Format::Csv.as_str() && state.header.is_empty() {
                keep_csv_header(&mut state.header, &bytes);
            }
            state.format = Some(file_format);
            left = left.saturating_sub(cut as u64);
            Planned { range, bytes }
        };
        plan.ranges.push(range.range.clone());
        planned.push(range);
        plan.files.insert(key, state);
    }
    Ok((!planned.is_empty()).then_some((plan, planned)))
}

/// A file's identity: device and inode where there are such, so a renamed (rotated) file keeps
/// its position; its path elsewhere.
fn identity_of(meta: &std::fs::Metadata, path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        format!("{}:{}", meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        path.display().to_string()
    }
}

fn is_gzip(path: &Path) -> Result<bool, LakeError> {
    let mut magic = [0_u8; 2];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|source| LakeError::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Whether a gzip file decompresses to its end: one still being written does not.
fn gzip_complete(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(|file| {
        let mut members = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
        std::io::copy(&mut members, &mut std::io::sink()).is_ok()
    })
}

/// Up to `len` bytes of `path` from `start`.
pub fn read_span(path: &Path, start: u64, len: u64) -> Result<Vec<u8>, LakeError> {
    use std::io::Seek;
    let io = |source| LakeError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    file.seek(std::io::SeekFrom::Start(start)).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(len).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// The format of a new file: the one asked for, or told from its first lines (`auto` when
/// nothing matches: its lines are then quarantined, not dropped).
fn tell_format(asked: Format, bytes: &[u8]) -> Format {
    if asked != Format::Auto {
        return asked;
    }
    Format::sniff(bytes.split(|&b| b == b'\n').take(SNIFF_LINES)).unwrap_or(Format::Auto)
}

fn count_lines(bytes: &[u8]) -> u64 {
    // A trailing newline leaves an empty last piece, which is no line.
    let pieces = bytes.split(|&b| b == b'\n').count() as u64;
    pieces - u64::from(bytes.is_empty() || bytes.ends_with(b"\n"))
}

/// Keeps a CSV file's first line that is not blank: it names the columns of every later batch.
/// One longer than [`MAX_CSV_HEADER`] is not kept (the plan is rewritten every batch); the
/// rows of later batches then go to quarantine, not astray.
fn keep_csv_header(header: &mut Vec<String>, bytes: &[u8]) {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|line| !line.trim_ascii().is_empty());
    if let Some(line) = first.filter(|line| line.len() <= MAX_CSV_HEADER) {
        header.push(String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned());
    }
}

/// Keeps the header block Zeek wrote last: `#separator` starts a new one, `#close` is no header.
fn update_header(header: &mut Vec<String>, bytes: &[u8]) {
    for line in bytes.split(|&b| b == b'\n').filter(|l| l.starts_with(b"#")) {
        if line.starts_with(b"#separator") {
            header.clear();
        }
        if !line.starts_with(b"#close") && header.len() < MAX_HEADER_LINES {
            header.push(
                String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_whole_lines_and_resumes_where_the_last_plan_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.log");
        std::fs::write(&log, "{\"a\":1}\n{\"b\":2}\n{\"c\"").unwrap();
        let first = Plan {
            source: "dir:x".into(),
            ..Plan::default()
        };
        let (plan, planned) = next(&first, dir.path(), 1 << 20, Format::ZeekJson, false)
            .unwrap()
            .unwrap();
        assert_eq!(plan.batch, 1);
        assert_eq!(planned[0].bytes, b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!((plan.ranges[0].start, plan.ranges[0].end), (0, 16));
        assert!(
            next(&plan, dir.path(), 1 << 20, Format::ZeekJson, false)
                .unwrap()
                .is_none()
        );

        std::fs::write(&log, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n").unwrap();
        let (second, planned) = next(&plan, dir.path(), 1 << 20, Format::ZeekJson, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"{\"c\":3}\n");
        assert_eq!(second.ranges[0].lines_before, 2);

        // Truncated and rewritten: read again from the start.
        std::fs::write(&log, "{\"d\":4}\n").unwrap();
        let (third, planned) = next(&second, dir.path(), 1 << 20, Format::ZeekJson, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"{\"d\":4}\n");
        assert_eq!(third.ranges[0].start, 0);

        // An unfinished last line waits, unless asked for as it is.
        std::fs::write(&log, "{\"d\":4}\n{\"e\"").unwrap();
        assert!(
            next(&third, dir.path(), 1 << 20, Format::ZeekJson, false)
                .unwrap()
                .is_none()
        );
        let (_, planned) = next(&third, dir.path(), 1 << 20, Format::ZeekJson, true)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"{\"e\"");
    }

    #[test]
    fn a_gzip_file_is_read_once_when_it_is_complete() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(gz, "{{\"n\":{i}}}").unwrap();
        }
        let whole = gz.finish().unwrap();
        let path = dir.path().join("a.log.gz");
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        let start = Plan::default();
        assert!(
            next(&start, dir.path(), 1 << 20, Format::Cof, false)
                .unwrap()
                .is_none(),
            "half a gzip file waits"
        );
        std::fs::write(&path, &whole).unwrap();
        let (read, planned) = next(&start, dir.path(), 1 << 20, Format::Cof, false)
            .unwrap()
            .unwrap();
        assert!(planned[0].range.gzip);
        // What lands in it afterwards is not read again from its start.
        let mut longer = whole.clone();
        longer.extend_from_slice(&whole);
        std::fs::write(&path, &longer).unwrap();
        assert!(
            next(&read, dir.path(), 1 << 20, Format::Cof, false)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_csv_header_goes_with_every_later_batch() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.csv"),
            "\ntime,client,query\n1700000000,10.0.0.1,a.example\n1700000001,10.0.0.1,b.example\n",
        )
        .unwrap();
        let start = Plan::default();
        let (one, planned) = next(&start, dir.path(), 50, Format::Csv, false)
            .unwrap()
            .unwrap();
        assert!(planned[0].range.header.is_empty());
        let (_, planned) = next(&one, dir.path(), 50, Format::Csv, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"1700000001,10.0.0.1,b.example\n");
        assert_eq!(planned[0].range.header, ["time,client,query"]);
    }

    #[test]
    fn a_planned_file_is_found_again_after_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.log");
        std::fs::write(&log, "{\"a\":1}\n").unwrap();
        let (_, planned) = next(
            &Plan::default(),
            dir.path(),
            1 << 20,
            Format::ZeekJson,
            false,
        )
        .unwrap()
        .unwrap();
        let range = &planned[0].range;
        assert_eq!(range.located(), log);
        let rotated = dir.path().join("a.log.1");
        std::fs::rename(&log, &rotated).unwrap();
        std::fs::write(&log, "{\"b\":2}\n").unwrap();
        assert_eq!(range.located(), rotated);
        std::fs::remove_file(&rotated).unwrap();
        assert_eq!(
            range.located(),
            log,
            "gone: the planned path, whose reading then fails"
        );
    }

    #[test]
    fn zeek_headers_follow_the_file() {
        let mut header = vec!["#old".to_owned()];
        update_header(
            &mut header,
            b"#separator \\x09\n#fields\tts\tquery\nrow\n#close\t2026\n",
        );
        assert_eq!(header, ["#separator \\x09", "#fields\tts\tquery"]);
    }

    #[test]
    fn a_budget_splits_files_between_batches_at_line_ends() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), "1111\n2222\n3333\n").unwrap();
        std::fs::write(dir.path().join("b.log"), "4444\n").unwrap();
        let start = Plan::default();
        let (one, planned) = next(&start, dir.path(), 7, Format::Cof, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].bytes, b"1111\n");
        let (two, _) = next(&one, dir.path(), 7, Format::Cof, false)
            .unwrap()
            .unwrap();
        let (three, planned) = next(&two, dir.path(), 7, Format::Cof, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"3333\n");
        // b.log's line does not fit in what is left of this batch.
        assert_eq!(planned.len(), 1);
        let (_, planned) = next(&three, dir.path(), 7, Format::Cof, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"4444\n");
        // A line longer than a whole batch is cut; its pieces go to quarantine.
        let long = tempfile::tempdir().unwrap();
        std::fs::write(long.path().join("c.log"), "0123456789\n").unwrap();
        let (_, planned) = next(&start, long.path(), 4, Format::Cof, false)
            .unwrap()
            .unwrap();
        assert_eq!(planned[0].bytes, b"0123");
    }
}
