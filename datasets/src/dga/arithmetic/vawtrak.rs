//! Vawtrak (Neverquest), second DGA: a 31-bit LCG choosing between consonant and vowel tables.
//!
//! # What it is
//! Vawtrak is a banking trojan (2013 on). Its second DGA runs the classic
//! `r = 1103515245 r + 12345 mod 2^31` generator from a 32-bit seed in the sample. One output
//! gives the length (7 to 11), one a starting parity; each character then comes from the
//! consonant table `cdfghlmnrstw` (one or two in a row) or the vowel table `aeiou`, so the
//! names are pronounceable (`usahwutle.com`). The list does not depend on the date.
//!
//! # Why it matters
//! Pronounceable, `.com`, moderate length: names that character-distribution features rate as
//! plausible words. A hard case among arithmetic families.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::vawtrak::Vawtrak, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Vawtrak.generate(Vawtrak.default_seed(), date, 2);
//! assert_eq!(names, ["usahwutle.com", "folocnam.com"]);
//! ```
//!
//! # Known limits
//! Only this (second) Vawtrak DGA is implemented, not the earlier random-letter `.top` one or
//! the third. The default seed `0x5884c3c4` is one of the two published sample seeds (the other
//! is `0x5542b2`); only the low 32 bits of `seed` are used. The date is ignored.
//!
//! # References
//! Johannes Bader's reference implementation `vawtrak/dga2.py` and example list
//! `vawtrak/example_domains2.txt` (the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`, and his blog post on Vawtrak's DGAs
//! (johannesbader.ch).

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The Vawtrak DGA (version 2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Vawtrak;

const CONSONANTS: &[u8] = b"cdfghlmnrstw";
const VOWELS: &[u8] = b"aeiou";

/// One step of the 31-bit LCG; the low 31 bits of the wrapped 32-bit result equal the
/// reference's reduction modulo 2^31 of the signed value.
fn prng(r: u32) -> u32 {
    r.wrapping_mul(1_103_515_245).wrapping_add(12_345) & 0x7FFF_FFFF
}

fn pick(table: &[u8], value: u32) -> char {
    let index = (value % table.len() as u32) as usize;
    char::from(table.get(index).copied().unwrap_or(b'a'))
}

impl Family for Vawtrak {
    fn name(&self) -> &'static str {
        "vawtrak"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x5884_C3C4
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut r = seed as u32;
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            r = prng(r);
            let length = r % 5 + 7;
            r = prng(r);
            let mut consonants_left = r % 2;
            let mut name = String::with_capacity(length as usize + 4);
            for _ in 0..length {
                r = prng(r.wrapping_add(2));
                let value = r;
                if consonants_left > 0 {
                    name.push(pick(CONSONANTS, value));
                    consonants_left -= 1;
                } else {
                    name.push(pick(VOWELS, value));
                    r = prng(r);
                    consonants_left = r % 2 + 1;
                }
            }
            name.push_str(".com");
            names.push(name);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Vawtrak.generate(0x5884_C3C4, date, 8);
        assert_eq!(
            names,
            [
                "usahwutle.com",
                "folocnam.com",
                "awumsah.com",
                "edorwufli.com",
                "misocgutlah.com",
                "edarwotda.com",
                "melarwetdic.com",
                "usucnitdohg.com",
            ]
        );
        assert_eq!(
            Vawtrak.generate(0x0055_42B2, date, 3),
            ["awufsur.com", "isernemd.com", "misucwofs.com"]
        );
    }
}
