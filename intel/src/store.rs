//! Loaded feeds kept under `<home>/intel/`, so `dnshunt intel list` and `match` read them back
//! without the original files.
//!
//! Each feed is two files named after it: `<name>.summary.json` (counts and origin: what `list`
//! reads, a few hundred bytes) and `<name>.feed.json` (the indicators and the rejected records).
//! Both are written to a temporary file and renamed, so a reader never sees half a feed and a
//! newer copy of a feed replaces the older one whole.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::IntelError;
use crate::feed::{Feed, FeedSummary};
use crate::index::IntelIndex;

const SUMMARY: &str = ".summary.json";
const FEED: &str = ".feed.json";

/// The feeds kept in one home folder.
#[derive(Debug, Clone)]
pub struct FeedStore {
    dir: PathBuf,
}

impl FeedStore {
    /// The store of a home folder (`<home>/intel`); nothing is created until a feed is saved.
    pub fn new(home: &Path) -> Self {
        Self {
            dir: home.join("intel"),
        }
    }

    /// The folder the feeds are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves a feed, replacing a stored feed of the same name.
    pub fn save(&self, feed: &Feed) -> Result<(), IntelError> {
        check_name(&feed.name)?;
        fs::create_dir_all(&self.dir).map_err(|err| IntelError::io(&self.dir, err))?;
        self.write_json(&format!("{}{FEED}", feed.name), feed)?;
        self.write_json(&format!("{}{SUMMARY}", feed.name), &feed.summary())
    }

    /// Summaries of the stored feeds, by name.
    pub fn summaries(&self) -> Result<Vec<FeedSummary>, IntelError> {
        let mut summaries = Vec::new();
        for path in self.files(SUMMARY)? {
            let bytes = fs::read(&path).map_err(|err| IntelError::io(&path, err))?;
            summaries.push(
                serde_json::from_slice(&bytes).map_err(|err| IntelError::Store {
                    path: path.clone(),
                    reason: err.to_string(),
                })?,
            );
        }
        Ok(summaries)
    }

    /// What the stored feeds are now, as bytes that change whenever a feed is loaded (again):
    /// their summaries, load times included. Cheap: the feeds themselves are not read.
    pub fn state(&self) -> Result<Vec<u8>, IntelError> {
        serde_json::to_vec(&self.summaries()?).map_err(|err| IntelError::Store {
            path: self.dir.clone(),
            reason: err.to_string(),
        })
    }

    /// The stored feeds, by name.
    pub fn feeds(&self) -> Result<Vec<Feed>, IntelError> {
        let mut feeds = Vec::new();
        for path in self.files(FEED)? {
            let bytes = fs::read(&path).map_err(|err| IntelError::io(&path, err))?;
            feeds.push(
                serde_json::from_slice(&bytes).map_err(|err| IntelError::Store {
                    path: path.clone(),
                    reason: err.to_string(),
                })?,
            );
        }
        Ok(feeds)
    }

    /// An index over every stored feed.
    pub fn index(&self) -> Result<IntelIndex, IntelError> {
        Ok(IntelIndex::build(self.feeds()?))
    }

    /// Files ending in `suffix`, sorted by name; none when the folder does not exist yet.
    fn files(&self, suffix: &str) -> Result<Vec<PathBuf>, IntelError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(IntelError::io(&self.dir, err)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|err| IntelError::io(&self.dir, err))?.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
            {
                paths.push(path);
            }
        }
        paths.sort();
        Ok(paths)
    }

    fn write_json(&self, file: &str, value: &impl Serialize) -> Result<(), IntelError> {
        let path = self.dir.join(file);
        let temporary = self.dir.join(format!(".{file}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut out = BufWriter::new(fs::File::create(&temporary)?);
            serde_json::to_writer(&mut out, value)?;
            out.flush()?;
            drop(out);
            fs::rename(&temporary, &path)
        };
        write().map_err(|err| IntelError::io(&path, err))
    }
}

/// Feed names become file names: letters, digits, `.`, `_` and `-`, not starting with a dot.
pub fn check_name(name: &str) -> Result<(), IntelError> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(IntelError::FeedName(name.to_owned()))
    }
}

/// A feed name made from a file name: its stem, lower-cased, other characters turned into `-`.
pub fn name_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("feed")
        .to_ascii_lowercase();
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches('.');
    if name.is_empty() {
        "feed".to_owned()
    } else {
        name.to_owned()
    }
}
