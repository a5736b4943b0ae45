//! Necurs: a 64-bit shift-and-xor mixer over the date, a sequence number and a sample constant.
//!
//! # What it is
//! Necurs is a rootkit and spam botnet (2012 on). For each sequence number (2048 a period) it
//! mixes the year, month (plus 43690), day divided by four, the sequence number and a magic
//! number from the sample through a 64-bit routine that repeats
//! `v += ((7v) xor (v << 15)) + 8i - (v >> 5)` 21 to 148 times. Length 7 to 21, letters `a`–`y`
//! and one of 43 TLDs all come from that mixer. The list changes every four days.
//!
//! # Why it matters
//! Among the most prolific DGAs in real traffic (2048 names per period) and with an unusually
//! wide, ccTLD-heavy TLD list, so TLD-based features matter.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::necurs::Necurs, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Necurs.generate(Necurs.default_seed(), date, 2);
//! assert_eq!(names, ["sddbnxurqisnt.org", "ugsyocsugq.ac"]);
//! ```
//!
//! # Known limits
//! `count` beyond 2048 keeps counting sequence numbers, which the malware does not. The default
//! magic number 9 is the one of the reference implementation; other samples use other values.
//!
//! # References
//! Johannes Bader's reference implementation `necurs/dga.py` and example list
//! `necurs/example_domains.txt` (magic number 9, period of 2015-08-28; the golden test matches
//! it) in the public repository `baderj/domain_generation_algorithms`, and his blog post on the
//! Necurs DGA (johannesbader.ch, 2015).

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// The Necurs DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Necurs;

const TLDS: [&str; 43] = [
    "tj", "in", "jp", "tw", "ac", "cm", "la", "mn", "so", "sh", "sc", "nu", "nf", "mu", "ms", "mx",
    "ki", "im", "cx", "cc", "tv", "bz", "me", "eu", "de", "ru", "co", "su", "pw", "kz", "sx", "us",
    "ug", "ir", "to", "ga", "com", "net", "org", "biz", "xxx", "pro", "bit",
];

/// The mixer. The input may exceed 64 bits by a small addend, which the reference (arbitrary
/// precision) keeps for the first round, so the arithmetic is done in 128 bits and truncated to
/// 64 after each round.
fn mix(value: u128) -> u64 {
    let mask = u128::from(u64::MAX);
    let loops = (value & 0x7F) + 21;
    let mut v = value;
    for index in 0..loops {
        let spread = (v * 7) ^ (v << 15);
        v = (v + spread + 8 * index - (v >> 5)) & mask;
    }
    v as u64
}

fn domain(sequence: u64, magic: u64, date: NaiveDate) -> String {
    let mut n = mix(u128::from(date.year().unsigned_abs()));
    n = mix(u128::from(n) + u128::from(date.month()) + 43_690);
    n = mix(u128::from(n) + u128::from(date.day() >> 2));
    n = mix(u128::from(n) + u128::from(sequence));
    n = mix(u128::from(n) + u128::from(magic));
    let length = n % 15 + 7;
    let mut name = String::with_capacity(length as usize + 5);
    for i in 0..length {
        n = mix(u128::from(n) + u128::from(i));
        name.push(char::from(b'a' + (n % 25) as u8));
        n = mix(u128::from(n) + 0x00AB_BEDF);
    }
    name.push('.');
    name.push_str(TLDS[(n % 43) as usize]);
    name
}

impl Family for Necurs {
    fn name(&self) -> &'static str {
        "necurs"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        9
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        (0..count as u64)
            .map(|sequence| domain(sequence, seed, date))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_reference_implementation() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Necurs.generate(9, date, 8);
        assert_eq!(
            names,
            [
                "sddbnxurqisnt.org",
                "ugsyocsugq.ac",
                "ydbckxwdwotdbk.mx",
                "krgpcnbqq.co",
                "oiwbuqgltflljtsqhexxe.bit",
                "jesbrhrohlwxh.ug",
                "eefvweonrck.mx",
                "isyxffccvkicdaleb.cm",
            ]
        );
    }

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2015, 8, 28).unwrap();
        let names = Necurs.generate(9, date, 8);
        assert_eq!(
            names,
            [
                "nccojqvabqvkiwhj.mx",
                "hoedwwwywnmmbi.ac",
                "aeaeneaoinf.mu",
                "ccecggc.us",
                "mfffpmgtplxbyagbtegh.com",
                "thlxuwnadtdtsm.biz",
                "edkomqpeufjyafccj.in",
                "mxomklaqau.pw",
            ]
        );
    }
}
