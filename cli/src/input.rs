//! Reading names from files: plain lists and JSON-lines logs.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// JSON fields that hold the queried name, in the order they are tried.
const NAME_FIELDS: [&str; 4] = ["rrname", "query", "domain", "name"];

/// The whole of a file, or of standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        return Ok(bytes);
    }
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read {} (give a readable file, or - for standard input)",
            path.display()
        )
    })
}

/// The whole of a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {} (give a readable UTF-8 file)",
            path.display()
        )
    })
}

/// The names of a file (`-` for standard input), as bytes so that invalid UTF-8 is flagged by
/// normalization instead of failing the read. Blank lines and `#` comments are skipped.
pub fn read_names(path: &Path) -> Result<Vec<Vec<u8>>> {
    Ok(read_numbered_names(path)?.0)
}

/// [`read_names`], with the line each name is on (1-based), for messages about one of them.
pub fn read_numbered_names(path: &Path) -> Result<(Vec<Vec<u8>>, Vec<usize>)> {
    let bytes = read_bytes(path)?;
    let (mut names, mut lines) = (Vec::new(), Vec::new());
    for (number, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        if line.starts_with(b"{") {
            names.push(
                name_from_json(line)
                    .with_context(|| format!("{}:{}", path.display(), number + 1))?,
            );
        } else {
            names.push(line.to_vec());
        }
        lines.push(number + 1);
    }
    Ok((names, lines))
}

fn name_from_json(line: &[u8]) -> Result<Vec<u8>> {
    let value: serde_json::Value =
        serde_json::from_slice(line).context("the line starts with '{' but is not valid JSON")?;
    for field in NAME_FIELDS {
        if let Some(name) = value.get(field).and_then(serde_json::Value::as_str) {
            return Ok(name.as_bytes().to_vec());
        }
    }
    bail!("a JSON line needs a string field named one of {NAME_FIELDS:?}")
}
