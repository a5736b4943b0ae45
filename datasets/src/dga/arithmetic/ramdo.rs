//! Ramdo: sixteen letters from a multiply–xor recurrence over the seed and the name's index.
//!
//! # What it is
//! Ramdo is a click-fraud trojan (2013 on). For the `n`-th name it sets `s = 2·seed·(n+1)` and
//! `r = s xor 26·seed·n`, then for each of 16 characters emits `r mod 26` as a letter and
//! updates `r += r xor 26·s·i²` (32-bit). Every name is 16 letters under `.org`; the list does
//! not depend on the date.
//!
//! # Why it matters
//! Fixed length and a single TLD: easy to catch on length alone, which makes it a check that
//! a model does not overfit length. Because `s` is even, `r` stays even, so only the 13 letters
//! at even offsets (`a`, `c`, `e`, …, `y`) ever occur, unlike uniform LCG families.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::ramdo::Ramdo, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Ramdo.generate(Ramdo.default_seed(), date, 2);
//! assert_eq!(names, ["kusumyekqaaskcqw.org", "skkikukwuauawigs.org"]);
//! ```
//!
//! # Known limits
//! Only the low 32 bits of `seed` influence the output (the malware works in 32 bits). The
//! default seed `0xD5FFF` is the one of the reference implementation. The date is ignored.
//!
//! # References
//! Johannes Bader's reference implementation `ramdo/dga.py` in the public repository
//! `baderj/domain_generation_algorithms`, and his blog post on the Ramdo DGA (johannesbader.ch).

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The Ramdo DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ramdo;

fn domain(seed: u32, index: u32) -> String {
    let s = seed.wrapping_mul(2).wrapping_mul(index.wrapping_add(1));
    let mut r = s ^ seed.wrapping_mul(26).wrapping_mul(index);
    let mut name = String::with_capacity(20);
    for i in 0..16_u32 {
        name.push(char::from(b'a' + (r % 26) as u8));
        let step = s.wrapping_mul(i * i).wrapping_mul(26);
        r = r.wrapping_add(r ^ step);
    }
    name.push_str(".org");
    name
}

impl Family for Ramdo {
    fn name(&self) -> &'static str {
        "ramdo"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0xD5FFF
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        (0..count)
            .map(|index| domain(seed as u32, index as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_reference_implementation() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Ramdo.generate(0xD5FFF, date, 8);
        assert_eq!(
            names,
            [
                "kusumyekqaaskcqw.org",
                "skkikukwuauawigs.org",
                "myuickmykcuoqekg.org",
                "ywaiukgcmmmcwqmk.org",
                "skaaaymcieiewcwk.org",
                "gmqqsmgoeamkmmuq.org",
                "wsucmwkccgaiwkuq.org",
                "aaiiyceccigqwgua.org",
            ]
        );
    }
}
