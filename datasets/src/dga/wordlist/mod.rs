//! DGA generators that glue words from a list together.
//!
//! Word-based DGAs are the hard case for lexical detectors: their labels are made of real words, so
//! character n-gram scores and entropy look benign. The real word-list families (see
//! [`RESERVED`](super::RESERVED)) are kept out of training for independent evaluation, so this
//! module holds *synthetic*, generic dictionary-style generators instead. They use the English word
//! list shipped with dnshunt ([`BUILTIN_WORD_LIST`]), not any family's word list, and a splitmix64
//! generator of their own, not any family's algorithm: models learn the *style* (whole-word labels,
//! daily rotation, digits and hyphens between words) without seeing a reserved family.
//!
//! Every generator here:
//! - takes words of [`MIN_WORD_LEN`]–[`MAX_WORD_LEN`] letters, choosing the word *length* uniformly
//!   first and then a word of that length, so short words are as common as long ones (the list
//!   itself is dominated by 7–9 letter words, which real names are not);
//! - keeps labels between [`MIN_LABEL_LEN`] and [`MAX_LABEL_LEN`] bytes by construction (word
//!   lengths are chosen against the remaining budget, no rejection loops);
//! - seeds its generator from the seed, the date (days since 1970-01-01) and its own name, so two
//!   generators with one seed do not share a word sequence;
//! - returns exactly `count` lower-case names with a TLD from its own fixed list, avoiding
//!   duplicates within one call (after [`MAX_TRIES`] collisions in a row it accepts a repeat, so
//!   `count` is honoured even past the generator's name space).

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use dnshunt_features::vector::BUILTIN_WORD_LIST;

use super::Family;

pub mod dict_date;
pub mod dict_digits;
pub mod dict_hyphen;
pub mod dict_pair;
pub mod dict_triple;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[
    &dict_pair::DictPair,
    &dict_triple::DictTriple,
    &dict_hyphen::DictHyphen,
    &dict_digits::DictDigits,
    &dict_date::DictDate,
];

/// Shortest word the generators use.
pub const MIN_WORD_LEN: usize = 3;
/// Longest word the generators use.
pub const MAX_WORD_LEN: usize = 8;
/// Shortest label (left of the TLD) the generators emit.
pub const MIN_LABEL_LEN: usize = 8;
/// Longest label (left of the TLD) the generators emit.
pub const MAX_LABEL_LEN: usize = 24;
/// Collisions in a row after which a generator accepts a repeated name.
pub const MAX_TRIES: usize = 64;

/// Day number of 1970-01-01 counted from 0001-01-01 (day 1), as [`Datelike::num_days_from_ce`]
/// counts.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Days from 1970-01-01 to `date` (negative before it).
pub fn days_since_epoch(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

/// The built-in word list's words of [`MIN_WORD_LEN`]–[`MAX_WORD_LEN`] lower-case ASCII letters,
/// grouped by length. Parsed once per process.
struct Words {
    /// `by_len[len - MIN_WORD_LEN]`: the words of `len` letters, in list order, deduplicated.
    by_len: Vec<Vec<&'static str>>,
}

impl Words {
    /// The parsed built-in list, or `None` if some length has no word (never with the shipped
    /// list: a test checks it), so callers never index an empty list.
    fn builtin() -> Option<&'static Self> {
        static WORDS: OnceLock<Option<Words>> = OnceLock::new();
        WORDS
            .get_or_init(|| Self::parse(BUILTIN_WORD_LIST))
            .as_ref()
    }

    fn parse(text: &'static str) -> Option<Self> {
        let mut by_len: Vec<Vec<&'static str>> = vec![Vec::new(); MAX_WORD_LEN - MIN_WORD_LEN + 1];
        let mut seen = HashSet::new();
        for word in text.lines().map(str::trim) {
            if word.starts_with('#')
                || !(MIN_WORD_LEN..=MAX_WORD_LEN).contains(&word.len())
                || !word.bytes().all(|b| b.is_ascii_lowercase())
                || !seen.insert(word)
            {
                continue;
            }
            by_len[word.len() - MIN_WORD_LEN].push(word);
        }
        by_len
            .iter()
            .all(|words| !words.is_empty())
            .then_some(Self { by_len })
    }

    /// A word of exactly `len` letters (clamped to [`MIN_WORD_LEN`]–[`MAX_WORD_LEN`]).
    fn of_len(&self, rng: &mut Rng, len: usize) -> &'static str {
        let words = &self.by_len[len.clamp(MIN_WORD_LEN, MAX_WORD_LEN) - MIN_WORD_LEN];
        // `parse` guarantees every length has a word, so `below` stays in bounds.
        words[rng.below(words.len())]
    }

    /// A word whose length is drawn uniformly from `min..=max` (clamped to the word lengths).
    fn between(&self, rng: &mut Rng, min: usize, max: usize) -> &'static str {
        let len = rng.between(min, max);
        self.of_len(rng, len)
    }
}

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, and every seed gives a full-period
/// sequence, which is all a synthetic generator needs.
#[derive(Debug, Clone)]
struct Rng {
    state: u64,
}

impl Rng {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator for `family` (its name, as salt), `seed` and `date`.
    fn new(family: &str, seed: u64, date: NaiveDate) -> Self {
        Self::from_parts(family, seed, days_since_epoch(date) as u64, 0)
    }

    /// A generator for `family`, `seed`, a day number and a stream number (one per name when a
    /// generator computes name `i` independently of the others).
    fn from_parts(family: &str, seed: u64, day: u64, stream: u64) -> Self {
        let mut rng = Self {
            state: fnv1a(family.as_bytes()),
        };
        for part in [seed, day, stream] {
            rng.state ^= part;
            rng.state = rng.next_u64();
        }
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift, bias below 2^-40 for the sizes used here);
    /// 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `min..=max`; `min` when `max < min`.
    fn between(&mut self, min: usize, max: usize) -> usize {
        min + self.below(max.saturating_sub(min) + 1)
    }

    /// True with probability `numerator / denominator`.
    fn chance(&mut self, numerator: usize, denominator: usize) -> bool {
        self.below(denominator) < numerator
    }

    /// One item of a non-empty list (the first item's default for an empty one never happens:
    /// callers pass constant lists).
    fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }

    /// `count` decimal digits.
    fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// 64-bit FNV-1a, to turn a generator's name into a salt.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Exactly `count` names from `make`, each new within the call unless [`MAX_TRIES`] candidates in a
/// row were all repeats (then the last is kept, so a small name space still yields `count` names).
/// Empty if the word list is unusable (never with the shipped list).
fn unique_names(count: usize, mut make: impl FnMut(&Words, usize) -> String) -> Vec<String> {
    let Some(words) = Words::builtin() else {
        return Vec::new();
    };
    let mut seen = HashSet::with_capacity(count);
    let mut names = Vec::with_capacity(count);
    let mut attempt = 0;
    while names.len() < count {
        for tries in 1..=MAX_TRIES {
            let name = make(words, attempt);
            attempt += 1;
            if seen.insert(name.clone()) || tries == MAX_TRIES {
                names.push(name);
                break;
            }
        }
    }
    names
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Checks every word-list generator's tests share.

    use chrono::NaiveDate;
    use dnshunt_features::FeatureExtractor;

    use super::{Family, MAX_LABEL_LEN, MIN_LABEL_LEN};

    /// The date of the golden tests.
    pub(crate) fn golden_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
    }

    /// The label left of the TLD, after checking the TLD is one of `tlds`.
    pub(crate) fn label<'a>(name: &'a str, tlds: &[&str]) -> &'a str {
        let (label, tld) = name.rsplit_once('.').unwrap();
        assert!(tlds.contains(&tld), "{name}: unexpected TLD");
        assert!(!label.contains('.'), "{name}: one label only");
        label
    }

    /// Every run of letters in `label` is fully covered by dictionary words, the rest is digits and
    /// hyphens, and the length is realistic.
    pub(crate) fn assert_word_covered(label: &str) {
        assert!(
            (MIN_LABEL_LEN..=MAX_LABEL_LEN).contains(&label.len()),
            "{label}: length {}",
            label.len()
        );
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{label}: unexpected character"
        );
        let dictionary = FeatureExtractor::builtin().dictionary();
        for run in label
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|run| !run.is_empty())
        {
            let coverage = dictionary.coverage(run.as_bytes());
            assert_eq!(
                coverage.covered_ratio, 1.0,
                "{label}: {run} is not all words"
            );
        }
    }

    /// The checks every generator shares: determinism for (seed, date), change across dates and
    /// seeds, exact counts, no duplicates, whole-word labels with a TLD from `tlds`.
    pub(crate) fn check_family(family: &dyn Family, tlds: &[&str]) {
        let date = golden_date();
        let seed = family.default_seed();
        let names = family.generate(seed, date, 500);
        assert_eq!(names, family.generate(seed, date, 500), "deterministic");
        assert_eq!(
            names[..20],
            family.generate(seed, date, 20)[..],
            "a shorter run is a prefix of a longer one"
        );
        let next_day = date.succ_opt().unwrap();
        let tomorrow = family.generate(seed, next_day, 500);
        let shared = names.iter().filter(|name| tomorrow.contains(name)).count();
        assert!(shared < 5, "{shared} names shared with the next day");
        assert_ne!(names, family.generate(seed ^ 1, date, 500), "seed matters");

        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "no duplicates");
        for name in &names {
            assert_eq!(name, &name.to_ascii_lowercase());
            assert_word_covered(label(name, tlds));
        }
        for count in [0, 1, 7, 3000] {
            assert_eq!(family.generate(seed, date, count).len(), count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_unix_epoch() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(days_since_epoch(epoch), 0);
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(days_since_epoch(date), 19_783);
        assert_eq!(days_since_epoch(epoch.pred_opt().unwrap()), -1);
    }

    #[test]
    fn the_builtin_list_has_words_of_every_length() {
        let words = Words::builtin().unwrap();
        for (offset, list) in words.by_len.iter().enumerate() {
            assert!(
                list.len() > 100,
                "{} letters: {}",
                offset + MIN_WORD_LEN,
                list.len()
            );
            assert!(list.iter().all(|w| w.len() == offset + MIN_WORD_LEN));
        }
    }

    #[test]
    fn rng_is_deterministic_and_salted_by_family() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let mut a = Rng::new("a", 7, date);
        let mut b = Rng::new("a", 7, date);
        let mut c = Rng::new("b", 7, date);
        let first = a.next_u64();
        assert_eq!(first, b.next_u64());
        assert_ne!(first, c.next_u64());
        for n in [1, 2, 10, 1000] {
            assert!((0..1000).all(|_| a.below(n) < n));
        }
        assert_eq!(a.below(0), 0);
        assert!((0..1000).all(|_| (3..=5).contains(&a.between(3, 5))));
    }

    #[test]
    fn generators_are_wordlist_style_and_not_reserved() {
        for family in FAMILIES {
            assert_eq!(family.style(), super::super::Style::Wordlist);
            assert!(family.name().starts_with("dict-"));
            assert!(!super::super::RESERVED.contains(&family.name()));
        }
    }

    #[test]
    fn a_tiny_name_space_still_yields_count_names() {
        let names = unique_names(10, |_, _| "same.com".to_owned());
        assert_eq!(names.len(), 10);
    }
}
