//! Murofet (Licat), the first-generation Zeus-derived DGA.
//!
//! # What it is
//!
//! Murofet is a Zeus offshoot first seen in 2010. Every day it hashes seven bytes — the year, the
//! month, the day rounded down to a multiple of seven and a little-endian 32-bit index — with MD5
//! and turns each digest byte into up to two letters (`(b & 0x1f) + 'a'` and `(b >> 3) + 'a'`,
//! each kept only if it is a letter and the two differ). The top-level domain rotates through
//! `.ru`, `.biz`, `.info`, `.org`, `.net`, `.com` by divisibility of the index.
//!
//! # Why it matters
//!
//! Its names are long (up to 32 letters), purely alphabetic and uniformly random-looking: the
//! textbook hash-style DGA that lexical features should catch. Because the day is rounded to a
//! week boundary, the same set repeats for up to seven days.
//!
//! # Example
//!
//! On 2024-03-15 the first two names are `xwrsaynfeigppheqnvaqxgxs.ru` and
//! `qsgqokzhqorwoinyxtwdutskfeob.com`.
//!
//! # Known limits
//!
//! This is the first Murofet variant ("v1"); later variants change the seed bytes. The sample
//! has no configurable seed, so `seed` is ignored and [`Family::default_seed`] is 0. The malware
//! tries 1020 names a day; larger `count` values simply continue the index.
//!
//! # References
//!
//! - Johannes Bader, `murofet/v1/dga.py` in the public repository
//!   `baderj/domain_generation_algorithms` (the version that adds `0x30` to the low byte of the
//!   year). The tests also reproduce the first names of that directory's `example_domains.txt`
//!   (they are the names for 2015-09-01).

use chrono::{Datelike, NaiveDate};

use super::digest::md5;
use crate::dga::{Family, Style};

/// Top-level domains in the order the index is tested against them.
const TLDS: [&str; 6] = ["ru", "biz", "info", "org", "net", "com"];

/// The Murofet v1 DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Murofet;

impl Murofet {
    fn domain(date: NaiveDate, index: u32) -> String {
        let year_byte = ((date.year() & 0xff) + 0x30) as u8;
        let mut input = [0u8; 7];
        input[0] = year_byte;
        input[1] = date.month() as u8;
        input[2] = (date.day() / 7 * 7) as u8;
        input[3..].copy_from_slice(&index.to_le_bytes());
        let mut name = String::with_capacity(40);
        for byte in md5(&input) {
            let low = (byte & 0x1f) + b'a';
            let high = (byte >> 3) + b'a';
            if low != high {
                if low <= b'z' {
                    name.push(char::from(low));
                }
                if high <= b'z' {
                    name.push(char::from(high));
                }
            }
        }
        let tld = TLDS
            .iter()
            .enumerate()
            .find(|(i, _)| index.is_multiple_of((TLDS.len() - i) as u32))
            .map_or("com", |(_, tld)| tld);
        name.push('.');
        name.push_str(tld);
        name
    }
}

impl Family for Murofet {
    fn name(&self) -> &'static str {
        "murofet"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        (0..count)
            .map(|index| Self::domain(date, index as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = Murofet.generate(0, date, 8);
        assert_eq!(
            names,
            [
                "xwrsaynfeigppheqnvaqxgxs.ru",
                "qsgqokzhqorwoinyxtwdutskfeob.com",
                "ofyppbdtwcahmhexkvxzlsgh.net",
                "ddxaucqxrolzvzllzaifex.org",
                "fpzxtskfyaiydcywopfi.info",
                "zdrgzxwcqsqoamrcdirqkzplzvs.biz",
                "ylbbatnreyemoszpyaisgqoir.ru",
                "datvsuwgmifhetortvgztnrdeqs.com",
            ]
        );
    }

    #[test]
    fn honours_count_and_repeats_within_a_week() {
        let week_start = NaiveDate::from_ymd_opt(2024, 3, 14).unwrap();
        let week_end = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap();
        assert_eq!(Murofet.generate(0, week_start, 0).len(), 0);
        assert_eq!(Murofet.generate(0, week_start, 1500).len(), 1500);
        assert_eq!(
            Murofet.generate(0, week_start, 5),
            Murofet.generate(0, week_end, 5)
        );
    }

    #[test]
    fn matches_published_example_domains_for_2015_09_01() {
        // First names of `murofet/v1/example_domains.txt` in baderj/domain_generation_algorithms.
        let date = NaiveDate::from_ymd_opt(2015, 9, 1).unwrap();
        assert_eq!(
            Murofet.generate(0, date, 6),
            [
                "giywswshrgxcvoqgvrkthmfa.ru",
                "xaiqpbprgymbvrwmzgiyprgdsk.com",
                "amgqgularpzxeapztxenbx.net",
                "pfscijbmthyfiyjgergugtkbqyh.org",
                "xglfcmsgorvwfilhmzlcxxvkfege.info",
                "rcteqwkequojntibvfyfaluwh.biz",
            ]
        );
    }
}
