//! `dict-triple`: three short English words glued into one label (`piggycupwit.xyz`).
//!
//! # What it is
//! A synthetic, generic dictionary DGA written for dnshunt, not a real malware family: each name
//! is three words of 3–5 letters from the built-in English word list, concatenated with no
//! separator (labels of 9–15 letters), under `.com`, `.net`, `.biz` or `.xyz`. splitmix64 seeded
//! from the seed, the date and the generator's name picks the words, so names change daily.
//!
//! # Why it matters
//! Short words chain into labels whose segmentation is ambiguous (`wonshoesroot` is
//! won-shoes-root or wons-hoes-root) and whose longest word is short, unlike the one or two long
//! words of most benign brand names. It gives detectors the many-short-words end of the word-DGA style, which the
//! reserved real families also cover, without training on them.
//!
//! # Example
//! ```
//! use dnshunt_datasets::dga::{Family, wordlist::dict_triple::DictTriple};
//! let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//! let names = DictTriple.generate(7, date, 2);
//! assert_eq!(names.len(), 2);
//! assert_ne!(names, DictTriple.generate(7, date.succ_opt().unwrap(), 2));
//! ```
//!
//! # Known limits
//! - The list's 3-letter words include abbreviations-turned-words and rare forms (`abs`, `ado`),
//!   so some labels read less naturally than a real family's curated list.
//! - Three-word labels are rarer in real DGAs than two-word ones; weight this generator
//!   accordingly when mixing training data.
//!
//! # References
//! - Plohmann et al., "A Comprehensive Measurement Study of Domain Generating Malware", USENIX
//!   Security 2016 (DGArchive): the wordlist-based DGA class.
//! - Yang et al., "Detecting Word-Based Algorithmically Generated Domains Using Semantic Analysis",
//!   Symmetry 11(2), 2019: word-concatenation DGAs and their segmentation features.
//! - Synthetic generator: no real family's word list or algorithm is reproduced.

use chrono::NaiveDate;

use super::{MIN_WORD_LEN, Rng, unique_names};
use crate::dga::{Family, Style};

/// The TLDs this generator uses.
pub const TLDS: [&str; 4] = ["com", "net", "biz", "xyz"];

/// Longest word of a triple.
const MAX_SHORT_WORD_LEN: usize = 5;

/// Three glued short English words (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DictTriple;

impl Family for DictTriple {
    fn name(&self) -> &'static str {
        "dict-triple"
    }

    fn style(&self) -> Style {
        Style::Wordlist
    }

    fn default_seed(&self) -> u64 {
        0x5EED_0002
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = Rng::new(self.name(), seed, date);
        unique_names(count, |words, _| {
            let mut label = String::with_capacity(3 * MAX_SHORT_WORD_LEN);
            for _ in 0..3 {
                label.push_str(words.between(&mut rng, MIN_WORD_LEN, MAX_SHORT_WORD_LEN));
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
        let names = DictTriple.generate(DictTriple.default_seed(), golden_date(), 5);
        assert_eq!(
            names,
            [
                "moossackduly.com",
                "piggycupwit.xyz",
                "wonshoesroot.biz",
                "hurttabucurd.xyz",
                "copelkdog.net"
            ]
        );
    }

    #[test]
    fn deterministic_daily_and_word_covered() {
        check_family(&DictTriple, &TLDS);
    }

    #[test]
    fn labels_are_nine_to_fifteen_letters() {
        for name in DictTriple.generate(1, golden_date(), 200) {
            let label = name.split('.').next().unwrap();
            assert!((9..=15).contains(&label.len()), "{name}");
        }
    }
}
