//! Benign domain lists shipped with dnshunt (see `datasets/data/README.md`).

use std::io::Read;

use flate2::read::GzDecoder;

use crate::DatasetsError;

/// Registered domains of the Chromium HSTS preload list, gzip-compressed, one a line.
pub const HSTS_PRELOAD_GZ: &[u8] = include_bytes!("../data/hsts_preload_domains.txt.gz");

/// The registered domains of the built-in HSTS preload list.
pub fn hsts_preload_domains() -> Result<Vec<String>, DatasetsError> {
    read_gzip_lines(HSTS_PRELOAD_GZ, "hsts_preload_domains.txt.gz")
}

/// Lines of a gzip-compressed text, without `#` comments and blank lines.
pub fn read_gzip_lines(gz: &[u8], file: &str) -> Result<Vec<String>, DatasetsError> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|err| DatasetsError::Data {
            file: file.to_owned(),
            reason: format!("cannot decompress: {err}; regenerate it with `make data`"),
        })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}
