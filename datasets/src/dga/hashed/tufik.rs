//! Tufik: MD5 of a key-xored date record, each digest byte's nibble sum kept as a letter.
//!
//! # What it is
//! Tufik is a Windows trojan family (the published example list is for May 2022). For each index
//! its DGA builds eight bytes — the low byte of `year + 48`, the month, the day, a zero, and the
//! index rounded down to an even number (32-bit little-endian) — xors them with a 32-bit key, and
//! hashes them with MD5. Each digest byte becomes `'a' + high nibble + low nibble`, kept only if it
//! is a letter (sums above 25 are dropped), so labels have at most 16 letters (mostly 13–16).
//! Because the index is rounded to even, each label is used twice, under two TLDs chosen by
//! divisibility of the index (`biz` if divisible by 5, then `info` by 4, `org` by 3, `net` by 2,
//! else `com`).
//!
//! # Why it matters
//! Nibble sums favour the middle of the alphabet (`h`–`s`), so the letter distribution is
//! bell-shaped instead of uniform: a hash-based family that single-letter frequency features see
//! differently from Murofet's.
//!
//! # Example
//! On 2022-05-09 the first names are `iztwlupysutnqqn.biz` and `iztwlupysutnqqn.com`.
//!
//! # Known limits
//! `seed` is the xor key; its low 32 bits are used. The default `0x997722ED` is the one published
//! key. The malware makes 1020 names a day; asking for more continues the index.
//!
//! # References
//! Johannes Bader's reference implementation `tufik/dga.py` and example list
//! `tufik/example_domains.txt` (all 1020 names for 2022-05-09; the golden test matches its first
//! and last names) in the public repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use super::digest::md5;
use crate::dga::{Family, Style};

/// The Tufik DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tufik;

fn tld(index: usize) -> &'static str {
    match index {
        i if i % 5 == 0 => "biz",
        i if i % 4 == 0 => "info",
        i if i % 3 == 0 => "org",
        i if i % 2 == 0 => "net",
        _ => "com",
    }
}

fn domain(date: NaiveDate, key: u32, index: usize) -> String {
    let mut record = [0u8; 8];
    record[0] = (date.year() + 48) as u8;
    record[1] = date.month() as u8;
    record[2] = date.day() as u8;
    record[4..].copy_from_slice(&((index as u32) & !1).to_le_bytes());
    let key = key.to_le_bytes();
    for (byte, key_byte) in record.iter_mut().zip(key.iter().cycle()) {
        *byte ^= key_byte;
    }
    let mut name = String::with_capacity(22);
    for byte in md5(&record) {
        let sum = (byte >> 4) + (byte & 0x0f);
        if sum < 26 {
            name.push(char::from(b'a' + sum));
        }
    }
    name.push('.');
    name.push_str(tld(index));
    name
}

impl Family for Tufik {
    fn name(&self) -> &'static str {
        "tufik"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0x9977_22ED
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        (0..count)
            .map(|index| domain(date, seed as u32, index))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `tufik/example_domains.txt` in baderj/domain_generation_algorithms (2022-05-09).
        let date = NaiveDate::from_ymd_opt(2022, 5, 9).unwrap();
        let names = Tufik.generate(0x9977_22ED, date, 1020);
        assert_eq!(
            names[..6],
            [
                "iztwlupysutnqqn.biz",
                "iztwlupysutnqqn.com",
                "lxtzzrlnlgohmsh.net",
                "lxtzzrlnlgohmsh.org",
                "fwgcsvubskqtidmk.info",
                "fwgcsvubskqtidmk.biz",
            ]
        );
        assert_eq!(
            names[1017..],
            [
                "jopjjznpintrmrfq.org",
                "purfwlpgtxvyruqs.net",
                "purfwlpgtxvyruqs.com",
            ]
        );
    }

    #[test]
    fn golden_matches_reference_past_the_daily_quota_and_on_other_dates() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2022, 5, 9).unwrap();
        assert_eq!(
            Tufik.generate(0x9977_22ED, date, 1022)[1020..],
            ["shhmujlmpvfftcx.biz", "shhmujlmpvfftcx.com"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Tufik.generate(0x9977_22ED, date, 3),
            [
                "ojyxgclnwdrlpp.biz",
                "ojyxgclnwdrlpp.com",
                "jtepjduuquvyvnlo.net",
            ]
        );
    }
}
