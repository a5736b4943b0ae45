//! Kraken (Bobax, second DGA variant): a glibc-style LCG whose start depends on the week.
//!
//! # What it is
//! Kraken is a spam botnet from 2008. The variant implemented here starts, for the `n`-th
//! name, from `3n + seed` (one seed for the "existing temp file" branch, `seed + 1` for the
//! other), throws away a number of LCG outputs equal to two plus the number of whole weeks
//! since Unix time 1207000000 (31 March 2008), one fewer for some indices (so the list changes
//! weekly), then draws three numbers for the length (7 to 12)
//! and one per letter. The LCG is `r = 1103515245 r + 12435 mod 2^32`, outputs cropped to
//! bits 8–22. TLDs cycle through `com`, `net`, `tv`, `cc`.
//!
//! # Why it matters
//! Short, uniformly random names over common TLDs, changing only weekly; every ninth name per
//! branch ignores the date entirely, so some names repeat for ever.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::kraken::Kraken, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Kraken.generate(Kraken.default_seed(), date, 2);
//! assert_eq!(names, ["hwrwlqhidsdv.com", "yrhrrgo.com"]);
//! ```
//!
//! # Known limits
//! Names come in pairs (the `seed + 1` branch first, then `seed`), as the reference
//! implementation lists them; the two branches can produce the same name, which is kept. The
//! week count uses midnight UTC of `date` (the malware uses local time). Only the first TLD set
//! (`com`, `net`, `tv`, `cc`) is built in, not the dynamic-DNS set. The default seed is
//! 24938314 (seed set "a"); 1600000 is the other published seed.
//!
//! # References
//! Johannes Bader, "The DGA(s) of Kraken" (johannesbader.ch) and the reference implementation
//! `kraken/v2/dga_v2.py` and example list `kraken/v2/example_domains.txt` (seed 24938314, the
//! week of 2015-12-22; the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::{NaiveDate, NaiveTime};

use crate::dga::{Family, Style};

/// The Kraken DGA (variant 2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Kraken;

const TLDS: [&str; 4] = ["com", "net", "tv", "cc"];

fn rand(r: u32) -> u32 {
    r.wrapping_mul(1_103_515_245).wrapping_add(12_435)
}

fn crop(r: u32) -> u32 {
    (r >> 8) % 32_768
}

fn domain(index: u64, base_seed: u64, weeks: u64) -> String {
    let mut r = index.wrapping_mul(3).wrapping_add(base_seed) as u32;
    if index % 9 < 8 {
        let discards = if index % 9 >= 6 {
            weeks.saturating_sub(1)
        } else {
            weeks
        };
        for _ in 0..discards {
            r = crop(rand(r));
        }
    }
    let mut rands = [0_u64; 3];
    for slot in &mut rands {
        r = rand(r);
        *slot = u64::from(crop(r));
    }
    let length = (rands[0] * rands[1] + rands[2]) % 6 + 7;
    let mut name = String::with_capacity(length as usize + 4);
    for _ in 0..length {
        r = rand(r);
        name.push(char::from(b'a' + (crop(r) % 26) as u8));
    }
    name.push('.');
    name.push_str(TLDS[(index % 4) as usize]);
    name
}

impl Family for Kraken {
    fn name(&self) -> &'static str {
        "kraken"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        24_938_314
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let timestamp = date.and_time(NaiveTime::MIN).and_utc().timestamp();
        let weeks = (timestamp - 1_207_000_000).div_euclid(604_800) + 2;
        let weeks = u64::try_from(weeks).unwrap_or(0);
        let mut names = Vec::with_capacity(count);
        let mut index = 0_u64;
        while names.len() < count {
            names.push(domain(index, seed.wrapping_add(1), weeks));
            if names.len() < count {
                names.push(domain(index, seed, weeks));
            }
            index += 1;
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
        let names = Kraken.generate(24_938_314, date, 12);
        assert_eq!(
            names,
            [
                "hwrwlqhidsdv.com",
                "yrhrrgo.com",
                "lvctmusxcyz.net",
                "revoefemk.net",
                "egbmbdey.tv",
                "egbmbdey.tv",
                "hvdopphedf.cc",
                "iuhqhbmq.cc",
                "jyicvbfkg.com",
                "fzmtfxzq.com",
                "egbmbdey.net",
                "pgmryukdb.net",
            ]
        );
    }

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2015, 12, 22).unwrap();
        let names = Kraken.generate(24_938_314, date, 8);
        assert_eq!(
            names,
            [
                "xpdbwuimwag.com",
                "nwpegpjtx.com",
                "smmyuhxlt.net",
                "xjvyvnzivvt.net",
                "lvctmusxcyz.tv",
                "lvctmusxcyz.tv",
                "cjuszcfwo.cc",
                "egbmbdey.cc",
            ]
        );
    }
}
