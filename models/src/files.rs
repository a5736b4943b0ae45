//! Writing files without ever replacing one: write to a temporary name, then link it into place
//! (which fails if the name is taken) so readers never see half a file and nothing is overwritten.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{ModelsError, Result};

/// Writes `bytes` to `path`, which must not exist yet. The bytes reach the disk before the name
/// does, so a power cut leaves no empty alias or run record behind.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temp_name(path);
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()
    });
    written.map_err(ModelsError::io(&temp))?;
    let linked = std::fs::hard_link(&temp, path);
    // The temporary name goes either way; a failure to remove it leaves litter, not damage.
    let _ = std::fs::remove_file(&temp);
    linked.map_err(ModelsError::io(path))?;
    // The new name itself is durable once its folder is (best effort: not every system can).
    if let Some(dir) = path.parent()
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A name next to `path` that no other writer in this or another process uses.
pub fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let unique = format!(
        ".tmp-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(unique);
    path.with_file_name(name)
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(ModelsError::io(path))
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(ModelsError::io(path))
}

/// Reads and parses a JSON file, naming it in the error.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes)
        .map_err(|err| ModelsError::corrupt(path, format!("not the JSON expected here: {err}")))
}

/// Writes pretty JSON with a final newline to a new file.
pub fn write_new_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|err| ModelsError::corrupt(path, format!("cannot serialize: {err}")))?;
    text.push('\n');
    write_new(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_new(&path, b"one").unwrap();
        let err = write_new(&path, b"two").unwrap_err();
        assert!(matches!(err, ModelsError::AlreadyExists { .. }), "{err}");
        assert!(err.to_string().contains("never overwrites"));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
