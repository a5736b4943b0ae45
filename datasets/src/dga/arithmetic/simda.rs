//! Simda: pronounceable seven-letter names alternating consonants and vowels, from a counter.
//!
//! # What it is
//! Simda is a backdoor botnet (2012 on). Its DGA keeps a 32-bit base value from the sample and
//! adds a fixed step (the byte sum of a key string in the sample) before each name. The `i`-th
//! character is `base / (3 + 2i)` reduced into a 20-consonant alphabet (even positions) or a
//! 6-vowel alphabet (odd positions), giving seven-letter `.com` names such as `gatyfus.com`.
//! The list does not depend on the date.
//!
//! # Why it matters
//! Names are short and pronounceable (consonant–vowel alternation, every second letter a vowel),
//! so character-entropy and consonant-run features see them as benign: a hard arithmetic case.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::simda::Simda, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Simda.generate(Simda.default_seed(), date, 2);
//! assert_eq!(names, ["gatyfus.com", "lyvyxor.com"]);
//! ```
//!
//! # Known limits
//! `seed` is the base value (default `0x45AE94B2`); the key string, hence the step 2052, the
//! length 7 and the TLD `.com` are those of the reference implementation and fixed here. Other
//! samples vary them. The base is kept in 64 bits (wrapping), as the reference never truncates
//! it. The date is ignored.
//!
//! # References
//! Johannes Bader's reference implementation `simda/dga.py` and example list
//! `simda/example_domains.txt` (the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The Simda DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Simda;

/// The key string of the described sample; only its byte sum is used.
const KEY: &[u8] = b"1676d5775e05c50b46baa5579d4fc7";
/// The consonant alphabet; only the first 20 are reachable (the sample's table has 21).
const CONSONANTS: &[u8] = b"qwrtpsdfghjklzxcvbnm";
const VOWELS: &[u8] = b"eyuioa";
const LENGTH: u64 = 7;

impl Family for Simda {
    fn name(&self) -> &'static str {
        "simda"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x45AE_94B2
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let step: u64 = KEY.iter().map(|&b| u64::from(b)).sum();
        let mut base = seed;
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            base = base.wrapping_add(step);
            let mut name = String::with_capacity(11);
            for i in 0..LENGTH {
                let index = base / (3 + 2 * i);
                let table = if i % 2 == 0 { CONSONANTS } else { VOWELS };
                let pick = (index % table.len() as u64) as usize;
                name.push(char::from(table.get(pick).copied().unwrap_or(b'a')));
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
        let names = Simda.generate(0x45AE_94B2, date, 8);
        assert_eq!(
            names,
            [
                "gatyfus.com",
                "lyvyxor.com",
                "vojyqem.com",
                "qetyfuv.com",
                "puvyxil.com",
                "gahyqah.com",
                "lyryfyd.com",
                "vocyzit.com",
            ]
        );
    }
}
