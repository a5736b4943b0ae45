//! Ramnit: a Park–Miller generator whose state is re-mixed by a 64-bit product after every name.
//!
//! # What it is
//! Ramnit is a worm and banking trojan active since 2010. Its DGA uses the Park–Miller
//! generator from a 32-bit seed in the sample: one draw gives a length of 8 to 19, one draw per
//! character a letter `a`–`y`, and `.com` is appended. After each name the state is replaced
//! by the 64-bit product of the states before and after the length draw, folded to 32 bits
//! (low half plus high half). The list does not depend on the date.
//!
//! # Why it matters
//! One of the most prevalent DGA families in public feeds; a staple of every DGA benchmark.
//! Its alphabet never contains `z`.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::ramnit::Ramnit, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Ramnit.generate(Ramnit.default_seed(), date, 2);
//! assert_eq!(names, ["knpqxlxcwtlvgrdyhd.com", "nvlyffua.com"]);
//! ```
//!
//! # Known limits
//! The default seed `0x79159c10` was recovered here by searching the 32-bit seed space for the
//! seed that reproduces the published example list `ramnit/example_domains.txt` (it does, for
//! all 100 names); it is not quoted from a sample report. Real Ramnit samples carry different
//! seeds and query a fixed number of names; the date is ignored, as in the malware. Only the
//! low 32 bits of `seed` are used.
//!
//! # References
//! Johannes Bader's reference implementation `ramnit/dga.py` and example list
//! `ramnit/example_domains.txt` in the public repository `baderj/domain_generation_algorithms`,
//! and his blog post on the Ramnit DGA (johannesbader.ch, 2014).

use chrono::NaiveDate;

use super::{ParkMiller, letter};
use crate::dga::{Family, Style};

/// The Ramnit DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ramnit;

impl Family for Ramnit {
    fn name(&self) -> &'static str {
        "ramnit"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x7915_9C10
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = ParkMiller::new(seed as u32);
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            let before = u64::from(rng.state);
            let length = rng.next_below(12) + 8;
            let after = u64::from(rng.state);
            let mut name: String = (0..length).map(|_| letter(rng.next_below(25))).collect();
            name.push_str(".com");
            names.push(name);
            let product = before * after;
            rng.state = product.wrapping_add(product >> 32) as u32;
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
        let names = Ramnit.generate(0x7915_9C10, date, 8);
        assert_eq!(
            names,
            [
                "knpqxlxcwtlvgrdyhd.com",
                "nvlyffua.com",
                "hgyudheedieibxy.com",
                "anrylixwcbnjopdd.com",
                "vrndmdrdrjoff.com",
                "jhghrlufoh.com",
                "tqjhvylf.com",
                "hufqifjq.com",
            ]
        );
    }
}
