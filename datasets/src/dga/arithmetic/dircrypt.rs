//! Dircrypt: a Park–Miller generator, seeded by a sample constant, picking lengths and letters.
//!
//! # What it is
//! Dircrypt is ransomware from 2013–2014. Its DGA runs the Park–Miller "minimal standard"
//! generator (multiplier 16807) from a 32-bit seed in the sample: one draw gives a length of 8
//! to 20, one draw per character a letter `a`–`z`, and `.com` is appended. The list does not
//! depend on the date.
//!
//! # Why it matters
//! Uniformly random letters with long, variable lengths: the textbook "easy" DGA that every
//! lexical model should catch, and a baseline for comparing harder families.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::dircrypt::Dircrypt, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Dircrypt.generate(Dircrypt.default_seed(), date, 2);
//! assert_eq!(names, ["rauggyguyp.com", "llullzza.com"]);
//! ```
//!
//! # Known limits
//! The default seed `0x72113c2b` was recovered here by searching the 32-bit seed space for the
//! seed that reproduces the published example list `dircrypt/example_domains.txt` (it does, for
//! all 30 names); it is not quoted from a sample report. The date is ignored, as in the malware.
//! Only the low 32 bits of `seed` are used.
//!
//! # References
//! Johannes Bader's reference implementation `dircrypt/dga.py` and example list
//! `dircrypt/example_domains.txt` in the public repository `baderj/domain_generation_algorithms`,
//! and his blog post on the Dircrypt DGA (johannesbader.ch, 2015).

use chrono::NaiveDate;

use super::{ParkMiller, letter};
use crate::dga::{Family, Style};

/// The Dircrypt DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dircrypt;

impl Family for Dircrypt {
    fn name(&self) -> &'static str {
        "dircrypt"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x7211_3C2B
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = ParkMiller::new(seed as u32);
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            let length = rng.next_below(13) + 8;
            let mut name: String = (0..length).map(|_| letter(rng.next_below(26))).collect();
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
        let names = Dircrypt.generate(0x7211_3C2B, date, 8);
        assert_eq!(
            names,
            [
                "rauggyguyp.com",
                "llullzza.com",
                "mluztamhnngwgh.com",
                "mycojenxktsmozzthdv.com",
                "inbxvqkegoyapgv.com",
                "furiararji.com",
                "zrkdvzjhse.com",
                "wyuhdsdttczd.com",
            ]
        );
    }
}
