//! Sisron, a 2013-era trojan whose names are the Base64 spelling of recent dates.
//!
//! # What it is
//!
//! Sisron writes a date as `DDMMYYYY`, Base64-encodes those eight ASCII digits, lower-cases the
//! result and replaces the `=` padding with `a`, giving a twelve-character label such as
//! `mtuwmziwmjqa` for 15 March 2024. It tries the current day and the nine days before it, first
//! all ten under `.com`, then under `.org`, `.net` and `.info`: 40 names a day.
//!
//! # Why it matters
//!
//! There is no secret at all: the labels are an encoding rather than a keyed hash, use a narrow
//! alphabet (Base64 of digits only ever yields about twenty distinct characters) and share long
//! suffixes such as `wmjqa` across a whole month. That regularity is easy to spot by eye but can
//! look benign to a model trained only on per-name randomness.
//!
//! # Example
//!
//! On 2024-03-15 the first two names are `mtuwmziwmjqa.com` (today) and `mtqwmziwmjqa.com`
//! (yesterday).
//!
//! # Known limits
//!
//! Sisron has no seed: `seed` is ignored and [`Family::default_seed`] is 0. Beyond the malware's
//! 40 names, larger counts repeat the scheme for the next ten days further back (names 40–79
//! cover the 10th to 19th day before `date`, and so on), an extension of ours. Dates outside
//! years 0–9999 are not meaningful for this encoding.
//!
//! # References
//!
//! - Johannes Bader, `sisron/dga.py` in the public repository
//!   `baderj/domain_generation_algorithms`.
//! - RFC 4648, section 4, for the Base64 alphabet.

use chrono::{Datelike, Days, NaiveDate};

use crate::dga::{Family, Style};

/// Top-level domains, tried in this order, each for ten consecutive days.
const TLDS: [&str; 4] = ["com", "org", "net", "info"];

/// Days tried per top-level domain.
const DAYS_PER_TLD: usize = 10;

/// Standard Base64 (RFC 4648, section 4) with `=` padding.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let group = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (group >> (18 - 6 * position)) & 0x3f;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Sisron DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sisron;

impl Sisron {
    fn domain(date: NaiveDate, index: usize) -> String {
        let block = index / (DAYS_PER_TLD * TLDS.len());
        let within = index % (DAYS_PER_TLD * TLDS.len());
        let back = block * DAYS_PER_TLD + within % DAYS_PER_TLD;
        let day = date
            .checked_sub_days(Days::new(back as u64))
            .unwrap_or(NaiveDate::MIN);
        let digits = format!("{:02}{:02}{:04}", day.day(), day.month(), day.year());
        let mut name: String = base64(digits.as_bytes())
            .chars()
            .map(|c| {
                if c == '=' {
                    'a'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        name.push('.');
        name.push_str(TLDS[within / DAYS_PER_TLD]);
        name
    }
}

impl Family for Sisron {
    fn name(&self) -> &'static str {
        "sisron"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        (0..count).map(|index| Self::domain(date, index)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn matches_reference_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = Sisron.generate(0, date, 40);
        assert_eq!(
            &names[..3],
            ["mtuwmziwmjqa.com", "mtqwmziwmjqa.com", "mtmwmziwmjqa.com"]
        );
        assert_eq!(
            &names[8..13],
            [
                "mdcwmziwmjqa.com",
                "mdywmziwmjqa.com",
                "mtuwmziwmjqa.org",
                "mtqwmziwmjqa.org",
                "mtmwmziwmjqa.org",
            ]
        );
        assert_eq!(&names[38..], ["mdcwmziwmjqa.info", "mdywmziwmjqa.info"]);
    }

    #[test]
    fn counts_beyond_forty_go_further_back() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = Sisron.generate(0, date, 95);
        assert_eq!(names.len(), 95);
        // Name 40 is ten days back (5 March 2024) under .com.
        assert_eq!(names[40], Sisron.generate(0, date - Days::new(10), 1)[0]);
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn covers_the_sophos_listed_domains_for_february_2012() {
        // The .com names of the Sophos list quoted in "The DGA of Sisron" are the ten days
        // 15-24 February 2012.
        let date = NaiveDate::from_ymd_opt(2012, 2, 24).unwrap();
        let mut names = Sisron.generate(0, date, 10);
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "mjawmjiwmtia.com",
                "mjewmjiwmtia.com",
                "mjiwmjiwmtia.com",
                "mjmwmjiwmtia.com",
                "mjqwmjiwmtia.com",
                "mtcwmjiwmtia.com",
                "mtgwmjiwmtia.com",
                "mtkwmjiwmtia.com",
                "mtuwmjiwmtia.com",
                "mtywmjiwmtia.com",
            ]
        );
    }
}
