//! Reads the Chromium HSTS preload list as shipped in the `PyPI` package `hstspreload`.
//!
//! # What it is
//! The package stores the list in `hstspreload.bin`: a run of entries, each a flag byte (0x80 leaf,
//! 0x40 include-subdomains), a length byte and that many bytes of label. Leaf entries hold whole
//! host names; the others are interior nodes of its lookup layers.
//!
//! # Why it matters
//! Sites on the preload list asked browsers to force HTTPS for them: real, maintained, mostly
//! human-named domains, under a BSD licence, about 160,000 of them. That is the benign side of the
//! DGA training data.
//!
//! # Known limits
//! Only the format of `hstspreload` 2020 to 2025 releases is understood; a truncated entry is an
//! error naming its byte offset.

use crate::DatasetsError;

const LEAF: u8 = 0x80;

/// The host names of the leaf entries, in file order.
pub fn preload_hosts(bin: &[u8]) -> Result<Vec<String>, DatasetsError> {
    let mut hosts = Vec::new();
    let mut at = 0;
    while at < bin.len() {
        let bad = |reason: &str| DatasetsError::Data {
            file: "hstspreload.bin".to_owned(),
            reason: format!(
                "byte {at}: {reason}; is this the bin file of the hstspreload package?"
            ),
        };
        let [flags, len] = *bin
            .get(at..at + 2)
            .ok_or_else(|| bad("truncated entry header"))?
        else {
            return Err(bad("truncated entry header"));
        };
        let label = bin
            .get(at + 2..at + 2 + usize::from(len))
            .ok_or_else(|| bad("truncated label"))?;
        if flags & LEAF != 0 {
            let host = std::str::from_utf8(label).map_err(|_| bad("label is not UTF-8"))?;
            hosts.push(host.to_owned());
        }
        at += 2 + usize::from(len);
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leaves_and_skips_layers() {
        let mut bin = vec![0x00, 2, b'u', b'k', 0xc0, 11];
        bin.extend_from_slice(b"example.com");
        bin.extend_from_slice(&[0x80, 5]);
        bin.extend_from_slice(b"a.org");
        assert_eq!(preload_hosts(&bin).unwrap(), ["example.com", "a.org"]);
        assert!(preload_hosts(&bin[..bin.len() - 1]).is_err());
    }
}
