//! Tinba (Tiny Banker): each 12-letter name is derived from the previous one and a seed string.
//!
//! # What it is
//! Tinba is a very small banking trojan (2012 on). Its DGA starts from a hard-coded domain and
//! a 16-character seed string. Each new 12-letter label is computed from the previous domain's
//! characters with byte-wide additions and an xor by the seed string's byte sum, rejecting bytes
//! outside `b`–`y` (and bumping the sum) until one fits; the label is then emitted under each of
//! the variant's TLDs in turn. The list does not depend on the date.
//!
//! # Why it matters
//! Fixed 12-letter labels repeated over several TLDs: a family where the same label appears
//! under 1–4 TLDs, so per-label and per-domain statistics differ.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::tinba::Tinba, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Tinba.generate(Tinba.default_seed(), date, 2);
//! assert_eq!(names, ["ssrgwnrmgrxe.com", "gllcsbqrbfch.com"]);
//! ```
//!
//! # Known limits
//! The four publicly documented variants are built in; `seed` selects one of them modulo 4
//! (0: `oGkS3w3sGGOGG7oc`/`ssrgwnrmgrxe.com`/`com`; 1: `jc74FlUna852Ji9o`/`blackfreeqazyio.cc`/
//! `com net in ru`; 2: `yqokqFC2TPBFfJcG`/`watchthisnow.xyz`/`pw us xyz club`; 3:
//! `j193HsnW72Yqns7u`/`j193hsne720uie8i.cc`/`com net biz org`). The hard-coded start domain is
//! the first name emitted, as the reference does. The date is ignored. The rejection loop is
//! capped (never reached for the built-in variants in practice) so generation always ends.
//!
//! # References
//! Johannes Bader's reference implementation `tinba/dga.py` in the public repository
//! `baderj/domain_generation_algorithms` (which cites garage4hackers, Sophos and
//! johannesbader.ch "New top level domains for Tinba's DGA", 2015, for the variants), and its
//! example list `tinba/example_domains.txt`, which the golden test for variant 1 matches.

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The Tinba DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tinba;

struct Variant {
    seed: &'static str,
    start: &'static str,
    tlds: &'static [&'static str],
}

const VARIANTS: [Variant; 4] = [
    Variant {
        seed: "oGkS3w3sGGOGG7oc",
        start: "ssrgwnrmgrxe.com",
        tlds: &["com"],
    },
    Variant {
        seed: "jc74FlUna852Ji9o",
        start: "blackfreeqazyio.cc",
        tlds: &["com", "net", "in", "ru"],
    },
    Variant {
        seed: "yqokqFC2TPBFfJcG",
        start: "watchthisnow.xyz",
        tlds: &["pw", "us", "xyz", "club"],
    },
    Variant {
        seed: "j193HsnW72Yqns7u",
        start: "j193hsne720uie8i.cc",
        tlds: &["com", "net", "biz", "org"],
    },
];

/// Tries per character before giving up on the rejection loop.
const MAX_TRIES: u32 = 1 << 16;

fn next_label(seed: &[u8], previous: &[u8]) -> String {
    let byte = |bytes: &[u8], i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut seed_sum: u32 = seed.iter().take(16).map(|&b| u32::from(b)).sum();
    let mut tmp = byte(seed, 15);
    let mut label = String::with_capacity(12);
    for i in 0..12 {
        let mut tries = 0;
        loop {
            tmp = tmp.wrapping_add(byte(previous, i));
            tmp ^= seed_sum as u8;
            tmp = tmp.wrapping_add(byte(previous, i + 1));
            tries += 1;
            if (0x62..=0x79).contains(&tmp) {
                break;
            }
            if tries >= MAX_TRIES {
                tmp = b'b' + tmp % 24;
                break;
            }
            seed_sum = seed_sum.wrapping_add(1);
        }
        label.push(char::from(tmp));
    }
    label
}

impl Family for Tinba {
    fn name(&self) -> &'static str {
        "tinba"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let variant = &VARIANTS[(seed % VARIANTS.len() as u64) as usize];
        let mut names = Vec::with_capacity(count);
        let mut previous = variant.start.to_owned();
        if count > 0 {
            names.push(previous.clone());
        }
        while names.len() < count {
            let label = next_label(variant.seed.as_bytes(), previous.as_bytes());
            for tld in variant.tlds {
                if names.len() == count {
                    break;
                }
                previous = format!("{label}.{tld}");
                names.push(previous.clone());
            }
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
        assert_eq!(
            Tinba.generate(0, date, 8),
            [
                "ssrgwnrmgrxe.com",
                "gllcsbqrbfch.com",
                "hkgjjokkwodt.com",
                "jjnehudfmclq.com",
                "hieffvbcjitc.com",
                "fckjmggtxchv.com",
                "gotmnoxdlmqy.com",
                "lsnuwgkjbubr.com",
            ]
        );
        assert_eq!(
            Tinba.generate(1, date, 7),
            [
                "blackfreeqazyio.cc",
                "nvfowikhevmy.com",
                "nvfowikhevmy.net",
                "nvfowikhevmy.in",
                "nvfowikhevmy.ru",
                "sjhuqlwrqhqx.com",
                "sjhuqlwrqhqx.net",
            ]
        );
        assert_eq!(
            Tinba.generate(3, date, 6)[4..],
            ["pyjeufkvmjkn.org", "jyxqfghympqu.com"]
        );
    }
}
