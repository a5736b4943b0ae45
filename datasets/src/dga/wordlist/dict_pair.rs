//! `dict-pair`: two English words glued into one label (`yelpcome.info`).
//!
//! # What it is
//! A synthetic, generic dictionary DGA written for dnshunt, not a real malware family: each name
//! is two words of 3–8 letters from the built-in English word list, concatenated with no
//! separator, under `.com`, `.net`, `.org` or `.info`. Word lengths are drawn uniformly and the
//! second is chosen so the label has 8–16 letters. The generator is splitmix64 seeded from the
//! seed, the date and the generator's name, so the names change every day.
//!
//! # Why it matters
//! Two-word labels are the most common shape of word-based DGAs and the hardest for character
//! statistics: every trigram is an English trigram and the entropy is that of prose. A detector
//! that only learned random-looking labels misses them; training on this generator teaches the
//! style without training on the real word-list families, which stay reserved for evaluation.
//!
//! # Example
//! ```
//! use dnshunt_datasets::dga::{Family, wordlist::dict_pair::DictPair};
//! let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//! let names = DictPair.generate(DictPair.default_seed(), date, 3);
//! assert_eq!(names.len(), 3);
//! assert!(names.iter().all(|name| name.bytes().all(|b| b.is_ascii_lowercase() || b == b'.')));
//! ```
//!
//! # Known limits
//! - Words come uniformly from a large dictionary (about 35 000 words of 3–8 letters), so many are
//!   rare (`abaft`); real families draw from short lists of common words, which read more
//!   naturally. Detectors may pick up word rarity; the reserved families measure that.
//! - Some names may be registered benign domains; dataset builders should drop names that appear
//!   in benign lists.
//!
//! # References
//! - Plohmann et al., "A Comprehensive Measurement Study of Domain Generating Malware", USENIX
//!   Security 2016 (DGArchive): the wordlist-based DGA class.
//! - Koh and Rhodes, "Inline Detection of Domain Generation Algorithms with Context-Sensitive Word
//!   Embeddings", IEEE Big Data 2018: why dictionary DGAs defeat character-level models.
//! - Synthetic generator: no real family's word list or algorithm is reproduced.

use chrono::NaiveDate;

use super::{MAX_WORD_LEN, MIN_LABEL_LEN, MIN_WORD_LEN, Rng, unique_names};
use crate::dga::{Family, Style};

/// The TLDs this generator uses.
pub const TLDS: [&str; 4] = ["com", "net", "org", "info"];

/// Two glued English words (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DictPair;

impl Family for DictPair {
    fn name(&self) -> &'static str {
        "dict-pair"
    }

    fn style(&self) -> Style {
        Style::Wordlist
    }

    fn default_seed(&self) -> u64 {
        0x5EED_0001
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut rng = Rng::new(self.name(), seed, date);
        unique_names(count, |words, _| {
            let first = words.between(&mut rng, MIN_WORD_LEN, MAX_WORD_LEN);
            let second = words.between(
                &mut rng,
                MIN_LABEL_LEN.saturating_sub(first.len()).max(MIN_WORD_LEN),
                MAX_WORD_LEN,
            );
            let tld = rng.pick(&TLDS);
            format!("{first}{second}.{tld}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dga::wordlist::test_support::{check_family, golden_date};

    #[test]
    fn golden_first_five() {
        let names = DictPair.generate(DictPair.default_seed(), golden_date(), 5);
        assert_eq!(
            names,
            [
                "yelpcome.info",
                "thankcerebral.com",
                "icyresold.com",
                "tadslayers.org",
                "fraudjabs.net"
            ]
        );
    }

    #[test]
    fn deterministic_daily_and_word_covered() {
        check_family(&DictPair, &TLDS);
    }

    #[test]
    fn labels_are_two_words() {
        for name in DictPair.generate(1, golden_date(), 200) {
            let label = name.split('.').next().unwrap();
            assert!((8..=16).contains(&label.len()), "{name}");
        }
    }
}
