//! newGOZ: the DGA of the Gameover Zeus peer-to-peer botnet after its 2014 takedown.
//!
//! # What it is
//!
//! After Operation Tovar disrupted Gameover Zeus in June 2014, a rebuilt variant ("newGOZ")
//! appeared that fell back to a domain generation algorithm. For each sequence number it takes
//! the MD5 of the little-endian 32-bit sequence number, the year, the month and the day (16-bit
//! little-endian each), each date field followed by a four-byte key. The first four 32-bit
//! little-endian words of the digest are each written in base 36 (digits then letters, at most
//! seven characters) and concatenated; the TLD is `.com`, `.org`, `.biz` or `.net` depending on
//! the sequence number modulo 4, 3 and 2.
//!
//! # Why it matters
//!
//! Names mix digits and letters over 20–28 characters, a different character distribution from
//! letter-only hash DGAs such as Murofet, and new names appear every day.
//!
//! # Example
//!
//! With the default seed on 2024-03-15 the first two names are
//! `1atsk7pywvepk1mf9pg21ei6mgu.com` and `unmgk0kczmy51hiyq6xmynxs.net`.
//!
//! # Known limits
//!
//! The seed is the four key bytes read as a little-endian integer: the known sample's key
//! `01 05 19 35` is [`Family::default_seed`] `0x3519_0501`; only the low 32 bits of `seed` are
//! used. The malware generates 1000 names a day; larger counts continue the sequence.
//!
//! # References
//!
//! - Johannes Bader, `newgoz/dga.py` in the public repository
//!   `baderj/domain_generation_algorithms`; the tests also reproduce the first names of its
//!   `example_domains.txt` (the names for 2015-08-31).
//! - Arbor Networks / Malcovery write-ups on the post-Tovar Gameover Zeus DGA (2014).

use chrono::{Datelike, NaiveDate};

use super::digest::md5;
use crate::dga::{Family, Style};

/// The newGOZ DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewGoz;

/// Base-36 spelling of `value`, most significant first, keeping at most the seven lowest digits.
fn base36(mut value: u32, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::with_capacity(7);
    for _ in 0..7 {
        digits.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.extend(digits.iter().rev().map(|&d| char::from(d)));
}

impl NewGoz {
    fn domain(key: [u8; 4], date: NaiveDate, sequence: u32) -> String {
        let mut input = Vec::with_capacity(22);
        input.extend_from_slice(&sequence.to_le_bytes());
        for field in [date.year() as u16, date.month() as u16, date.day() as u16] {
            input.extend_from_slice(&field.to_le_bytes());
            input.extend_from_slice(&key);
        }
        let digest = md5(&input);
        let mut name = String::with_capacity(32);
        for word in digest.chunks_exact(4) {
            base36(
                u32::from_le_bytes([word[0], word[1], word[2], word[3]]),
                &mut name,
            );
        }
        name.push_str(if sequence.is_multiple_of(4) {
            ".com"
        } else if sequence.is_multiple_of(3) {
            ".org"
        } else if sequence.is_multiple_of(2) {
            ".biz"
        } else {
            ".net"
        });
        name
    }
}

impl Family for NewGoz {
    fn name(&self) -> &'static str {
        "newgoz"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0x3519_0501
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let key = (seed as u32).to_le_bytes();
        (0..count)
            .map(|sequence| Self::domain(key, date, sequence as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = NewGoz.generate(NewGoz.default_seed(), date, 8);
        assert_eq!(
            names,
            [
                "1atsk7pywvepk1mf9pg21ei6mgu.com",
                "unmgk0kczmy51hiyq6xmynxs.net",
                "7v4ouv6blal21u5p8mo1nluhh8.biz",
                "408nlj1klwx241bdv9sn8p1uhv.org",
                "dqkyg5hvo0uj1wronue1csq4r2.com",
                "13p4iodg7gshlf7odb21d1cd28.net",
                "83soy513dsopt1tu18xrq37qh.org",
                "138czmv1hvr2bz1lmfk7ckj9sk7.net",
            ]
        );
    }

    #[test]
    fn seed_changes_names_and_count_is_honoured() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_ne!(
            NewGoz.generate(1, date, 3),
            NewGoz.generate(0x3519_0501, date, 3)
        );
        assert_eq!(NewGoz.generate(1, date, 1200).len(), 1200);
    }

    #[test]
    fn matches_published_example_domains_for_2015_08_31() {
        // First names of `newgoz/example_domains.txt` in baderj/domain_generation_algorithms.
        let date = NaiveDate::from_ymd_opt(2015, 8, 31).unwrap();
        assert_eq!(
            NewGoz.generate(NewGoz.default_seed(), date, 4),
            [
                "xzz3ug32bale1uo60y7xj6rge.com",
                "1hyzmw3l2phycet88hzr2do34.net",
                "2ppq821cfem5m1mdua46pxg7bj.biz",
                "unlm9w9l8upy1kdde0kba7ktf.org",
            ]
        );
    }
}
