//! `dict-date`: names built from a small word pool drawn afresh each day (`smoothwelt.ru`).
//!
//! # What it is
//! A synthetic, generic dictionary DGA written for dnshunt, not a real malware family. Each day
//! (days since 1970-01-01) a splitmix64 generator seeded from the seed and the day draws a pool of
//! [`POOL_SIZE`] distinct words of 4–7 letters from the built-in English word list. Name `i` of the
//! day is then computed on its own from (seed, day, `i`), as real DGAs compute their `i`-th domain:
//! two pool words (three, one time in four) glued together, labels of 8–21 letters. All names of a
//! day share one TLD, cycling through `.com`, `.net`, `.org`, `.ru` and `.biz` day by day.
//!
//! # Why it matters
//! Real word-list DGAs rotate daily and, within a day, reuse a limited vocabulary, so the names a
//! resolver sees in one day share words and a TLD. That batch structure is what clustering and
//! per-client aggregation detectors exploit and what per-name lexical models cannot see; this
//! generator gives both kinds of model realistic day-shaped batches without the reserved families.
//!
//! # Example
//! ```
//! use dnshunt_datasets::dga::{Family, wordlist::dict_date::DictDate};
//! let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//! let today = DictDate.generate(DictDate.default_seed(), day, 5);
//! let tomorrow = DictDate.generate(DictDate.default_seed(), day.succ_opt().unwrap(), 5);
//! assert_ne!(today, tomorrow);
//! ```
//!
//! # Known limits
//! - The pool is uniform over the dictionary, not themed or curated, and its size is fixed.
//! - Past about 1 500 names a day the two-word space of the pool is exhausted and the rest are
//!   mostly three-word names; past about 60 000 (the pool's whole space), repeats appear (the
//!   call still returns `count` names).
//! - The date is only a day number: no hour-level rotation, no time-zone or clock-skew effects.
//!
//! # References
//! - Plohmann et al., "A Comprehensive Measurement Study of Domain Generating Malware", USENIX
//!   Security 2016 (DGArchive): time-dependent seeding and wordlist-based DGAs.
//! - Antonakakis et al., "From Throw-Away Traffic to Bots: Detecting the Rise of DGA-Based
//!   Malware", USENIX Security 2012: detecting DGAs from batches of failed lookups.
//! - Synthetic generator: no real family's word list or algorithm is reproduced.

use chrono::NaiveDate;

use super::{Rng, Words, days_since_epoch, unique_names};
use crate::dga::{Family, Style};

/// The TLDs this generator cycles through, one per day.
pub const TLDS: [&str; 5] = ["com", "net", "org", "ru", "biz"];

/// Words in a day's pool.
pub const POOL_SIZE: usize = 40;
/// Shortest pool word.
const MIN_POOL_WORD_LEN: usize = 4;
/// Longest pool word.
const MAX_POOL_WORD_LEN: usize = 7;
/// Stream number of the pool's generator (names use streams from 0 up).
const POOL_STREAM: u64 = u64::MAX;

/// Names from a daily word pool (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DictDate;

impl DictDate {
    /// The day's word pool: [`POOL_SIZE`] distinct words (fewer only if the list were tiny).
    fn pool(self, words: &Words, seed: u64, day: u64) -> Vec<&'static str> {
        let mut rng = Rng::from_parts(self.name(), seed, day, POOL_STREAM);
        let mut pool: Vec<&'static str> = Vec::with_capacity(POOL_SIZE);
        for _ in 0..POOL_SIZE * 8 {
            if pool.len() == POOL_SIZE {
                break;
            }
            let word = words.between(&mut rng, MIN_POOL_WORD_LEN, MAX_POOL_WORD_LEN);
            if !pool.contains(&word) {
                pool.push(word);
            }
        }
        pool
    }
}

impl Family for DictDate {
    fn name(&self) -> &'static str {
        "dict-date"
    }

    fn style(&self) -> Style {
        Style::Wordlist
    }

    fn default_seed(&self) -> u64 {
        0x5EED_0005
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        // Days before 1970 wrap around; they still give one deterministic stream per day.
        let day = days_since_epoch(date) as u64;
        let tld = TLDS[(day % TLDS.len() as u64) as usize];
        let mut pool = None;
        unique_names(count, |words, index| {
            let pool = pool.get_or_insert_with(|| self.pool(words, seed, day));
            let mut rng = Rng::from_parts(self.name(), seed, day, index as u64);
            let parts = if rng.chance(1, 4) { 3 } else { 2 };
            let mut label = String::with_capacity(parts * MAX_POOL_WORD_LEN);
            let mut previous = None;
            for _ in 0..parts {
                // No word twice in a row (`opalopal`): draw from the pool minus the previous one.
                let mut at = rng.below(pool.len().saturating_sub(1));
                if previous.is_some_and(|previous| at >= previous) {
                    at += 1;
                }
                label.push_str(pool.get(at).copied().unwrap_or_default());
                previous = Some(at);
            }
            format!("{label}.{tld}")
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::dga::wordlist::test_support::{check_family, golden_date};

    #[test]
    fn golden_first_five() {
        let names = DictDate.generate(DictDate.default_seed(), golden_date(), 5);
        assert_eq!(
            names,
            [
                "fenduntied.ru",
                "sitcomsuterus.ru",
                "bansseekfining.ru",
                "smoothwelt.ru",
                "barnfining.ru"
            ]
        );
    }

    #[test]
    fn deterministic_daily_and_word_covered() {
        check_family(&DictDate, &TLDS);
    }

    #[test]
    fn a_day_shares_a_small_pool_and_one_tld() {
        // Backtracking split against the pool: every label is pool words only.
        fn splits(rest: &str, pool: &[&str]) -> bool {
            rest.is_empty()
                || pool
                    .iter()
                    .any(|w| rest.strip_prefix(w).is_some_and(|tail| splits(tail, pool)))
        }
        let words = Words::builtin().unwrap();
        let date = golden_date();
        let day = days_since_epoch(date) as u64;
        let pool = DictDate.pool(words, 9, day);
        assert_eq!(pool.len(), POOL_SIZE);
        assert_eq!(pool.iter().collect::<HashSet<_>>().len(), POOL_SIZE);
        let names = DictDate.generate(9, date, 300);
        let tlds: HashSet<&str> = names.iter().filter_map(|n| n.rsplit('.').next()).collect();
        assert_eq!(tlds.len(), 1);
        for name in &names {
            let label = name.split('.').next().unwrap();
            assert!(splits(label, &pool), "{name} is not made of pool words");
        }
        let next_pool = DictDate.pool(words, 9, day + 1);
        let shared = pool.iter().filter(|w| next_pool.contains(w)).count();
        assert!(shared < 3, "{shared} pool words shared with the next day");
    }
}
