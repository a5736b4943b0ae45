//! `dict-digits`: English words with digits, after one word or between two (`flossing87.top`,
//! `parasite113wampum.club`).
//!
//! # What it is
//! A synthetic, generic dictionary DGA written for dnshunt, not a real malware family. Half the
//! names are one word of 3–8 letters followed by 2–4 digits (the word at least long enough for an
//! 8-byte label); the other half are two words with 2–4 digits between them (labels up to 20
//! bytes). Words come from the built-in English word list; TLDs are `.com`, `.ru`, `.top`, `.xyz`
//! and `.club`. splitmix64 seeded from the seed, the date and the generator's name picks words and
//! digits, so names change daily.
//!
//! # Why it matters
//! Digits are a strong DGA signal for random-character families, and benign names carry digits
//! mostly as years and counters (`shop24`, `club2024`). Word-plus-digit labels sit between the
//! two: mostly dictionary-covered, with a short digit run. Training on them keeps a detector from
//! either trusting every word-covered label or flagging every label with digits.
//!
//! # Example
//! ```
//! use dnshunt_datasets::dga::{Family, wordlist::dict_digits::DictDigits};
//! let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//! for name in DictDigits.generate(DictDigits.default_seed(), date, 10) {
//!     assert!(name.bytes().any(|b| b.is_ascii_digit()));
//! }
//! ```
//!
//! # Known limits
//! - Digits are uniform, so they rarely look like years or phone-style numbers the way benign
//!   digit names often do; a detector could learn "uniform digits" rather than the style.
//! - Always exactly one digit run, never a leading digit and never a hyphen.
//!
//! # References
//! - Plohmann et al., "A Comprehensive Measurement Study of Domain Generating Malware", USENIX
//!   Security 2016 (DGArchive): the wordlist-based DGA class.
//! - Woodbridge et al., "Predicting Domain Generation Algorithms with Long Short-Term Memory
//!   Networks", 2016 (arXiv:1611.00791): character models and their weakness on dictionary DGAs.
//! - Synthetic generator: no real family's word list or algorithm is reproduced.

use chrono::NaiveDate;

use super::{MAX_WORD_LEN, MIN_LABEL_LEN, MIN_WORD_LEN, Rng, unique_names};
use crate::dga::{Family, Style};

/// The TLDs this generator uses.
pub const TLDS: [&str; 5] = ["com", "ru", "top", "xyz", "club"];

/// Fewest digits in a name.
const MIN_DIGITS: usize = 2;
/// Most digits in a name.
const MAX_DIGITS: usize = 4;

/// Words with a run of digits (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DictDigits;

impl Family for DictDigits {
    fn name(&self) -> &'static str {
        "dict-digits"
    }

    fn style(&self) -> Style {
        Style::Wordlist
    }

    fn default_seed(&self) -> u64 {
        0x5EED_0004
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = Rng::new(self.name(), seed, date);
        unique_names(count, |words, _| {
            let digit_count = rng.between(MIN_DIGITS, MAX_DIGITS);
            let label = if rng.chance(1, 2) {
                let least = MIN_LABEL_LEN.saturating_sub(digit_count).max(MIN_WORD_LEN);
                let word = words.between(&mut rng, least, MAX_WORD_LEN);
                format!("{word}{}", rng.digits(digit_count))
            } else {
                let first = words.between(&mut rng, MIN_WORD_LEN, MAX_WORD_LEN);
                let digits = rng.digits(digit_count);
                let second = words.between(&mut rng, MIN_WORD_LEN, MAX_WORD_LEN);
                format!("{first}{digits}{second}")
            };
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
        let names = DictDigits.generate(DictDigits.default_seed(), golden_date(), 5);
        assert_eq!(
            names,
            [
                "flossing87.top",
                "parasite113wampum.club",
                "seized5052aldermen.top",
                "scats923.club",
                "pronged9491.xyz"
            ]
        );
    }

    #[test]
    fn deterministic_daily_and_word_covered() {
        check_family(&DictDigits, &TLDS);
    }

    #[test]
    fn one_digit_run_of_two_to_four_after_or_between_words() {
        let names = DictDigits.generate(1, golden_date(), 300);
        let mut between = 0;
        for name in &names {
            let label = name.split('.').next().unwrap();
            let runs: Vec<&str> = label
                .split(|c: char| !c.is_ascii_digit())
                .filter(|run| !run.is_empty())
                .collect();
            assert_eq!(runs.len(), 1, "{name}");
            assert!((2..=4).contains(&runs[0].len()), "{name}");
            assert!(!label.starts_with(|c: char| c.is_ascii_digit()), "{name}");
            between += usize::from(!label.ends_with(|c: char| c.is_ascii_digit()));
        }
        assert!(
            (100..200).contains(&between),
            "{between} of 300 have digits between words"
        );
    }
}
