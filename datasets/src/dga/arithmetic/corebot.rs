//! Corebot: a 32-bit LCG seeded from a sample constant and the date, emitting `*.ddns.net` names.
//!
//! # What it is
//! Corebot is a modular credential stealer first described in 2015. Its DGA adds the year,
//! month and day to a 32-bit seed stored in the sample, then drives the Numerical Recipes LCG
//! (`r = 1664525 r + 1013904223 mod 2^32`): one step picks a length of 12 to 23, one step per
//! character picks from a 33-symbol alphabet of letters and digits. Every name is a subdomain
//! of the dynamic-DNS zone `ddns.net`. A new list is produced every day.
//!
//! # Why it matters
//! The registrable domain (`ddns.net`) is benign and popular; detection has to look at the
//! random left-most label, mixing letters and digits. Good test of subdomain-aware features.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::corebot::Corebot, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Corebot.generate(Corebot.default_seed(), date, 1);
//! assert_eq!(names, ["danulermpc4yjib1fe4e.ddns.net"]);
//! ```
//!
//! # Known limits
//! The alphabet is the one of the public reference implementation: `a`–`y` and `0`–`8` (its
//! ranges exclude `z` and `9`); the published example names, which this module reproduces, never
//! contain `z` or `9` either. The malware queries 40 names a day; asking for more keeps the LCG
//! running. Only the low 32 bits of `seed` are used. The default seed `0x1DBA8930` is the
//! reference implementation's default; the published example list was produced with
//! `0x1DB98930` (on 2015-09-08), which the golden test also checks.
//!
//! # References
//! Johannes Bader, "The DGA of Corebot" (johannesbader.ch, 2015) and the reference
//! implementation `corebot/dga.py` and the example names in the `README.md` of the public
//! repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// The Corebot DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Corebot;

const CHARSET: &[u8] = b"abcdefghijklmnopqrstuvwxy012345678";

fn lcg(r: u32) -> u32 {
    r.wrapping_mul(1_664_525).wrapping_add(1_013_904_223)
}

impl Family for Corebot {
    fn name(&self) -> &'static str {
        "corebot"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x1DBA_8930
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let year = date.year() as u32;
        let mixed = ((1_u32 << 16) + (date.month() << 8)) | date.day();
        let mut r = (seed as u32).wrapping_add(year).wrapping_add(mixed);
        let charset_len = CHARSET.len() as u32;
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            r = lcg(r);
            let length = 12 + r % 12;
            let mut name = String::with_capacity(length as usize + 9);
            for _ in 0..length {
                r = lcg(r);
                let index = (r % charset_len) as usize;
                name.push(char::from(CHARSET.get(index).copied().unwrap_or(b'a')));
            }
            name.push_str(".ddns.net");
            names.push(name);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_reference_implementation() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Corebot.generate(0x1DBA_8930, date, 8);
        assert_eq!(
            names,
            [
                "danulermpc4yjib1fe4e.ddns.net",
                "a2onw6sf3ba25xy.ddns.net",
                "yva6snw8k45lwdytk63.ddns.net",
                "sjwvgbul3lw2i8a.ddns.net",
                "uxy4wxmvulmdcf1.ddns.net",
                "7d16k8yfk6sx3vafc8s.ddns.net",
                "cvafixqb7tovor1.ddns.net",
                "7je4yn7rq4spq6u6af3xadq.ddns.net",
            ]
        );
    }

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2015, 9, 8).unwrap();
        let names = Corebot.generate(0x1DB9_8930, date, 10);
        assert_eq!(
            names,
            [
                "lkhylm0mhyfuhg.ddns.net",
                "s63234wluv5v365bwp5.ddns.net",
                "afe6mfy23xcxgfa.ddns.net",
                "7rsl1f34sfq0oj3jwvmfa6c.ddns.net",
                "ir7l3po0gjy8ypqjm8o.ddns.net",
                "3lgrupwdivsfm2w4kng2iha.ddns.net",
                "i8a0q2wdu8otulkfylo2gdq.ddns.net",
                "kh1her76avy0qnelivijwd1.ddns.net",
                "ubgp1f1han7lu410eh5.ddns.net",
                "uliry8knadmpmdm4wti6oro.ddns.net",
            ]
        );
    }
}
