//! Opening inputs (plain or gzip, by magic bytes) and reading lines with a length cap, so one
//! enormous line costs bounded memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

/// Opens a file for reading, decompressing it when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let mut file = File::open(path)?;
    let mut magic = [0_u8; 2];
    let got = read_up_to(&mut file, &mut magic)?;
    let file = File::open(path)?;
    if got == 2 && magic == [0x1f, 0x8b] {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(BufReader::new(file)),
        )))
    } else {
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// One line, without its line ending.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The whole line.
    Full(Vec<u8>),
    /// A line longer than the cap: its first `cap` bytes and its real length.
    TooLong {
        /// The first bytes.
        head: Vec<u8>,
        /// The full length in bytes.
        len: usize,
    },
}

/// Reads lines of at most `cap` bytes; longer lines are consumed without being stored.
pub struct Lines<R> {
    reader: R,
    cap: usize,
}

impl<R: BufRead> Lines<R> {
    /// Wraps a reader.
    pub fn new(reader: R, cap: usize) -> Self {
        Self { reader, cap }
    }

    /// The next line, `Ok(None)` at the end, or the read error (a truncated gzip stream, say).
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut kept = Vec::new();
        let mut len = 0_usize;
        let mut seen_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            seen_any = true;
            let (piece, used, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(at) => (&buf[..at], at + 1, true),
                None => (buf, buf.len(), false),
            };
            let room = self.cap.saturating_sub(kept.len());
            kept.extend_from_slice(&piece[..piece.len().min(room)]);
            len += piece.len();
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if !seen_any {
            return Ok(None);
        }
        if len > self.cap {
            return Ok(Some(Line::TooLong { head: kept, len }));
        }
        if kept.last() == Some(&b'\r') {
            kept.pop();
        }
        Ok(Some(Line::Full(kept)))
    }
}

/// Writes bytes as text for the quarantine: valid UTF-8 passes, other bytes and control
/// characters become `\xNN`, and the result stops after `max` bytes of input.
pub fn escape_raw(raw: &[u8], max: usize) -> String {
    let cut = &raw[..raw.len().min(max)];
    let mut out = String::with_capacity(cut.len());
    for chunk in cut.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() && c != '\t' {
                push_hex(&mut out, u32::from(c));
            } else {
                out.push(c);
            }
        }
        for &b in chunk.invalid() {
            push_hex(&mut out, u32::from(b));
        }
    }
    if raw.len() > max {
        out.push('…');
    }
    out
}

fn push_hex(out: &mut String, value: u32) {
    use std::fmt::Write;
    let _ = write!(out, "\\x{value:02x}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_capped_and_the_next_line_survives() {
        let data = b"abc\r\n0123456789\nlast".to_vec();
        let mut lines = Lines::new(&data[..], 5);
        assert_eq!(
            lines.next_line().unwrap(),
            Some(Line::Full(b"abc".to_vec()))
        );
        assert_eq!(
            lines.next_line().unwrap(),
            Some(Line::TooLong {
                head: b"01234".to_vec(),
                len: 10
            })
        );
        assert_eq!(
            lines.next_line().unwrap(),
            Some(Line::Full(b"last".to_vec()))
        );
        assert_eq!(lines.next_line().unwrap(), None);
    }

    #[test]
    fn escape_keeps_utf8_and_escapes_the_rest() {
        assert_eq!(escape_raw("é\0\u{1b}".as_bytes(), 100), "é\\x00\\x1b");
        assert_eq!(escape_raw(&[0x61, 0xff, 0x62], 100), "a\\xffb");
        assert_eq!(escape_raw(b"abcdef", 3), "abc…");
    }
}
