//! `dict-hyphen`: two or three English words joined by hyphens (`gene-carols-turgid.com`).
//!
//! # What it is
//! A synthetic, generic dictionary DGA written for dnshunt, not a real malware family: each name
//! is two words (two times in three) or three words (one time in three) of 3–8 letters from the
//! built-in English word list, joined by single hyphens, under `.com`, `.info`, `.top` or
//! `.online`. Word lengths are chosen against the remaining budget so labels have 8–24 bytes.
//! splitmix64 seeded from the seed, the date and the generator's name picks the words, so names
//! change daily.
//!
//! # Why it matters
//! Hyphenated word labels look like ordinary marketing and phishing domains (`secure-login-help`)
//! and make word segmentation trivial, so a detector cannot lean on "no separators" as a DGA sign.
//! Hyphen count is also a feature that benign and word-DGA names share; this generator keeps a
//! model from treating hyphens as benign by default.
//!
//! # Example
//! ```
//! use dnshunt_datasets::dga::{Family, wordlist::dict_hyphen::DictHyphen};
//! let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//! for name in DictHyphen.generate(DictHyphen.default_seed(), date, 10) {
//!     let label = name.split('.').next().unwrap();
//!     assert!(matches!(label.matches('-').count(), 1 | 2));
//! }
//! ```
//!
//! # Known limits
//! - Always single hyphens between whole words; no leading digits, no doubled hyphens, no words
//!   split across hyphens.
//! - Random word pairs rarely make sense together, whereas phishing domains are chosen to read
//!   well; semantic models can tell them apart more easily than they could real campaigns.
//!
//! # References
//! - Plohmann et al., "A Comprehensive Measurement Study of Domain Generating Malware", USENIX
//!   Security 2016 (DGArchive): the wordlist-based DGA class, including hyphenated variants.
//! - Synthetic generator: no real family's word list or algorithm is reproduced.

use chrono::NaiveDate;

use super::{MAX_LABEL_LEN, MAX_WORD_LEN, MIN_LABEL_LEN, MIN_WORD_LEN, Rng, unique_names};
use crate::dga::{Family, Style};

/// The TLDs this generator uses.
pub const TLDS: [&str; 4] = ["com", "info", "top", "online"];

/// Words joined by hyphens (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DictHyphen;

impl Family for DictHyphen {
    fn name(&self) -> &'static str {
        "dict-hyphen"
    }

    fn style(&self) -> Style {
        Style::Wordlist
    }

    fn default_seed(&self) -> u64 {
        0x5EED_0003
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = Rng::new(self.name(), seed, date);
        unique_names(count, |words, _| {
            let parts = if rng.chance(1, 3) { 3 } else { 2 };
            let mut label = String::with_capacity(MAX_LABEL_LEN);
            for part in 0..parts {
                if part > 0 {
                    label.push('-');
                }
                // Room left for this word, keeping a hyphen and a shortest word for each later one.
                let later = parts - 1 - part;
                let room = MAX_LABEL_LEN.saturating_sub(label.len() + later * (MIN_WORD_LEN + 1));
                // The last word also tops the label up to the shortest length.
                let least = if later == 0 {
                    MIN_LABEL_LEN.saturating_sub(label.len()).max(MIN_WORD_LEN)
                } else {
                    MIN_WORD_LEN
                };
                label.push_str(words.between(&mut rng, least, room.min(MAX_WORD_LEN)));
            }
            let tld = rng.pick(&TLDS);
            format!("{label}.{tld}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dga::wordlist::test_support::{check_family, golden_date};

    #[test]
    fn golden_first_five() {
        let names = DictHyphen.generate(DictHyphen.default_seed(), golden_date(), 5);
        assert_eq!(
            names,
            [
                "stratums-oakum-lix.online",
                "gene-carols-turgid.com",
                "bushel-acting-pianos.com",
                "sage-woken.com",
                "apt-sizing.online"
            ]
        );
    }

    #[test]
    fn deterministic_daily_and_word_covered() {
        check_family(&DictHyphen, &TLDS);
    }

    #[test]
    fn two_or_three_hyphen_joined_words() {
        let names = DictHyphen.generate(1, golden_date(), 300);
        let mut three = 0;
        for name in &names {
            let label = name.split('.').next().unwrap();
            let words: Vec<&str> = label.split('-').collect();
            assert!(matches!(words.len(), 2 | 3), "{name}");
            assert!(words.iter().all(|w| (3..=8).contains(&w.len())), "{name}");
            three += usize::from(words.len() == 3);
        }
        assert!(
            (50..150).contains(&three),
            "{three} of 300 have three words"
        );
    }
}
