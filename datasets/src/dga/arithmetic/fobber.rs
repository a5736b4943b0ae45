//! Fobber (Tinba v3): a fixed list of names from a 32-bit multiply-add-rotate generator.
//!
//! # What it is
//! Fobber is a 2015 banking trojan, a successor of Tinba. Its DGA does not use the date: a
//! hard-coded 32-bit state is multiplied by 321167, a hard-coded constant is added, and the result
//! is rotated right by 16 bits; each letter is `(state & 0x17ff) % 26`. Two versions are known:
//! 17-letter `.net` names and 10-letter `.com` names, 300 of each.
//!
//! # Why it matters
//! Fixed-length random-letter names that never change: a family that a blocklist stops once it
//! is known, so it is in training data for the lexical shape only.
//!
//! # Example
//! Version 1 (seed 0) starts `vhkintjtksyxgjrzz.net`, `btpnxlsfdqbhzazyx.net`; version 2 (seed 1)
//! starts `drohppbkxj.com`, `gbjtyyhrhk.com`.
//!
//! # Known limits
//! `seed` selects the version modulo 2 (0: state `0xC87C8A78`, constant `0x9983F4AA`, 17 letters,
//! `.net`; 1: state `0x851A3E59`, constant `0x8DC47B21`, 10 letters, `.com`). The malware uses 300
//! names; asking for more keeps the generator running. The date is ignored.
//!
//! # References
//! Johannes Bader's reference implementation `fobber/dga.py` and the example lists
//! `fobber/domains_1.txt` and `fobber/domains_2.txt` (the golden tests match both) in the public
//! repository `baderj/domain_generation_algorithms`.

use chrono::NaiveDate;

use super::letter;
use crate::dga::{Family, Style};

/// The Fobber DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fobber;

struct Version {
    state: u32,
    addend: u32,
    length: usize,
    tld: &'static str,
}

const VERSIONS: [Version; 2] = [
    Version {
        state: 0xC87C_8A78,
        addend: 0x9983_F4AA,
        length: 17,
        tld: "net",
    },
    Version {
        state: 0x851A_3E59,
        addend: 0x8DC4_7B21,
        length: 10,
        tld: "com",
    },
];

impl Family for Fobber {
    fn name(&self) -> &'static str {
        "fobber"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let version = &VERSIONS[(seed % VERSIONS.len() as u64) as usize];
        let mut state = version.state;
        (0..count)
            .map(|_| {
                let mut name = String::with_capacity(version.length + 4);
                for _ in 0..version.length {
                    state = state
                        .wrapping_mul(321_167)
                        .wrapping_add(version.addend)
                        .rotate_right(16);
                    name.push(letter((state & 0x17ff) % 26));
                }
                name.push('.');
                name.push_str(version.tld);
                name
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
    }

    #[test]
    fn golden_matches_published_examples() {
        // First and last names of `fobber/domains_1.txt` and `fobber/domains_2.txt` in
        // baderj/domain_generation_algorithms (300 names each).
        let first = Fobber.generate(0, any_date(), 300);
        assert_eq!(
            first[..4],
            [
                "vhkintjtksyxgjrzz.net",
                "btpnxlsfdqbhzazyx.net",
                "ukfmknjdenthvktgc.net",
                "qupxsrhrmuoinqrit.net",
            ]
        );
        assert_eq!(first[299], "bawnzaqqtlflnzoze.net");
        let second = Fobber.generate(1, any_date(), 300);
        assert_eq!(
            second[..4],
            [
                "drohppbkxj.com",
                "gbjtyyhrhk.com",
                "suogzzicvq.com",
                "satcqmazby.com",
            ]
        );
        assert_eq!(second[299], "ylbphjjdjs.com");
    }

    #[test]
    fn continues_past_the_malware_list_and_ignores_the_date() {
        // Names 301 and 302 from the reference implementation run in a scratch directory.
        let names = Fobber.generate(1, NaiveDate::MIN, 302);
        assert_eq!(names[300..], ["xquyxkgqzn.com", "ildecgdmoo.com"]);
        assert_eq!(Fobber.generate(1, any_date(), 302), names);
    }
}
