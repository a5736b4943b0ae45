//! Which words a label is made of, read as a likelihood ratio between two word sources.
//!
//! Dictionary-style DGAs glue words drawn from a whole word list, with every length equally
//! likely; people naming sites reach for the common words of their language. So the same label
//! segmentation is scored twice: under a unigram model of the words benign names use (counts in
//! `features/data/benign_word_counts.tsv`, add-0.1 smoothed over the whole list) and under the
//! generator-style model (a length of 3 to 8 letters uniformly, then a word of that length
//! uniformly). Characters no word covers cost the same under both. Each score is the best
//! segmentation under its own model (a Viterbi pass over the words the dictionary finds).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::dictionary::Dictionary;
use crate::schema::stable_hash;
use crate::{FeaturesError, MAX_LABEL_LEN};

/// Log-probability of a character no word covers: a little below a uniform draw from 40
/// symbols, so that words win over letters spelled one by one.
const CHARACTER_LOG_PROB: f64 = -6.688_879_454_113_936; // ln(1/40) - 3
/// Add-this smoothing of the benign word counts.
const SMOOTHING: f64 = 0.1;
/// Word lengths the generator-style model draws from, uniformly.
const UNIFORM_LENGTHS: std::ops::RangeInclusive<usize> = 3..=8;
/// Log-probability of a word the generator-style model would never draw.
const OUT_OF_RANGE_LOG_PROB: f64 = -20.723_265_836_946_41; // ln(1e-9)

/// The two word models; see the module documentation.
#[derive(Debug, Clone)]
pub struct WordModel {
    /// Per word benign names use, keyed by [`stable_hash`] of the word: its smoothed
    /// log-probability and whether it is in the benign word list.
    benign: HashMap<u64, BenignWord, BuildHasherDefault<KeyIsHash>>,
    /// Log-probability of a dictionary word benign names never used.
    benign_unseen: f64,
    /// Generator-style log-probability by word length.
    uniform: [f64; MAX_LABEL_LEN + 1],
}

/// The keys are already FNV-1a hashes: a full `SipHash` over them would only cost time, but their
/// low bits follow the parity of the word's bytes, so they get one multiply-xorshift of mixing.
#[derive(Debug, Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        let mixed = (self.0 ^ (self.0 >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        mixed ^ (mixed >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// What benign names say about one word.
#[derive(Debug, Clone, Copy)]
struct BenignWord {
    log_prob: f32,
    listed: bool,
}

/// One word found in a label.
#[derive(Debug, Clone, Copy)]
pub struct FoundWord {
    start: u8,
    end: u8,
    log_prob: f32,
    listed: bool,
}

/// Everything the word features need from one label, from one walk of the dictionary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelWords {
    /// Most characters words can cover without overlapping.
    pub covered: usize,
    /// Length of the longest word anywhere in the label.
    pub longest: usize,
    /// Most characters words of the benign word list can cover without overlapping.
    pub benign_covered: usize,
    /// Best-segmentation log-likelihoods.
    pub scores: WordScores,
}

/// Best-segmentation log-likelihoods of one label under the two models.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordScores {
    /// Under the benign word model.
    pub benign: f64,
    /// Under the generator-style model.
    pub uniform: f64,
}

impl WordModel {
    /// Builds the models from `word<TAB>count` lines (`#` lines are comments), the benign word
    /// list (one a line, every word in the dictionary) and the word list the dictionary was
    /// built from.
    pub fn from_data(
        counts: &str,
        benign_words: &str,
        word_list: &str,
        dictionary: &Dictionary,
    ) -> Result<Self, FeaturesError> {
        let mut raw: Vec<(u64, f64)> = Vec::new();
        let mut total = 0.0;
        for (at, line) in counts.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |reason: &str| FeaturesError::Data {
                file: "benign_word_counts.tsv",
                line: at + 1,
                reason: reason.to_owned(),
            };
            let (word, count) = line
                .split_once('\t')
                .ok_or_else(|| bad("expected `word<TAB>count`"))?;
            let count: u32 = count
                .parse()
                .map_err(|_| bad("the count is not a whole number"))?;
            if !dictionary.contains(word) {
                return Err(bad("the word is not in english_words.txt"));
            }
            raw.push((stable_hash(word.bytes()), f64::from(count)));
            total += f64::from(count);
        }
        let denominator = total + SMOOTHING * dictionary.len() as f64;
        let unseen = (SMOOTHING / denominator).ln();
        let mut benign: HashMap<u64, BenignWord, BuildHasherDefault<KeyIsHash>> = raw
            .into_iter()
            .map(|(key, count)| {
                let log_prob = ((count + SMOOTHING) / denominator).ln() as f32;
                let listed = false;
                (key, BenignWord { log_prob, listed })
            })
            .collect();
        for (at, word) in benign_words.lines().map(str::trim).enumerate() {
            // The filter of `Dictionary::from_word_list`, which the list was once loaded with.
            if word.starts_with('#')
                || word.len() < crate::dictionary::MIN_WORD_LEN
                || !word.bytes().all(|b| b.is_ascii_lowercase())
            {
                continue;
            }
            if !dictionary.contains(word) {
                return Err(FeaturesError::Data {
                    file: "benign_words.txt",
                    line: at + 1,
                    reason: format!("`{word}` is not in english_words.txt"),
                });
            }
            benign
                .entry(stable_hash(word.bytes()))
                .or_insert(BenignWord {
                    log_prob: unseen as f32,
                    listed: true,
                })
                .listed = true;
        }
        let mut per_length = [0usize; MAX_LABEL_LEN + 1];
        for word in word_list.lines().map(str::trim) {
            if dictionary.contains(word) && word.len() <= MAX_LABEL_LEN {
                per_length[word.len()] += 1;
            }
        }
        let lengths = (UNIFORM_LENGTHS.end() - UNIFORM_LENGTHS.start() + 1) as f64;
        let uniform = std::array::from_fn(|len| {
            if UNIFORM_LENGTHS.contains(&len) && per_length[len] > 0 {
                -(lengths * per_length[len] as f64).ln()
            } else {
                OUT_OF_RANGE_LOG_PROB
            }
        });
        Ok(Self {
            benign,
            benign_unseen: unseen,
            uniform,
        })
    }

    /// Walks the dictionary over a label once (at most [`MAX_LABEL_LEN`] bytes are read) and
    /// derives coverage and both likelihoods; `found` is scratch space reused across labels.
    pub fn analyse(
        &self,
        dictionary: &Dictionary,
        label: &[u8],
        found: &mut Vec<FoundWord>,
    ) -> LabelWords {
        let label = &label[..label.len().min(MAX_LABEL_LEN)];
        found.clear();
        let mut longest = 0;
        dictionary.for_each_word(label, |start, end| {
            let key = stable_hash(label[start..end].iter().copied());
            let (log_prob, listed) = self
                .benign
                .get(&key)
                .map_or((self.benign_unseen as f32, false), |w| {
                    (w.log_prob, w.listed)
                });
            longest = longest.max(end - start);
            found.push(FoundWord {
                start: start as u8,
                end: end as u8,
                log_prob,
                listed,
            });
        });
        // Dynamic programming from the right: each array holds the best of label[i..]; walking
        // the words backwards visits their starts in descending order, as the pass needs.
        let len = label.len();
        let mut covered = [0u8; MAX_LABEL_LEN + 1];
        let mut benign_covered = [0u8; MAX_LABEL_LEN + 1];
        let mut benign = [0.0f64; MAX_LABEL_LEN + 1];
        let mut uniform = [0.0f64; MAX_LABEL_LEN + 1];
        let mut next = found.len();
        for start in (0..len).rev() {
            let mut c = covered[start + 1];
            let mut bc = benign_covered[start + 1];
            let mut b = benign[start + 1] + CHARACTER_LOG_PROB;
            let mut u = uniform[start + 1] + CHARACTER_LOG_PROB;
            while next > 0 && usize::from(found[next - 1].start) == start {
                next -= 1;
                let word = found[next];
                let end = usize::from(word.end);
                let width = word.end - word.start;
                c = c.max(covered[end] + width);
                if word.listed {
                    bc = bc.max(benign_covered[end] + width);
                }
                b = b.max(benign[end] + f64::from(word.log_prob));
                u = u.max(uniform[end] + self.uniform[end - start]);
            }
            (covered[start], benign_covered[start]) = (c, bc);
            (benign[start], uniform[start]) = (b, u);
        }
        LabelWords {
            covered: usize::from(covered[0]),
            longest,
            benign_covered: usize::from(benign_covered[0]),
            scores: WordScores {
                benign: benign[0],
                uniform: uniform[0],
            },
        }
    }
}

/// The words of one best segmentation of `label` when every word is equally likely (most
/// characters covered, then fewest words): how the counts file is made.
pub fn segment_words<'a>(dictionary: &Dictionary, label: &'a str) -> Vec<&'a str> {
    let bytes = &label.as_bytes()[..label.len().min(MAX_LABEL_LEN)];
    let word_log_prob = -(dictionary.len().max(1) as f64).ln();
    let mut best = [f64::NEG_INFINITY; MAX_LABEL_LEN + 1];
    let mut back = [0usize; MAX_LABEL_LEN + 1];
    best[0] = 0.0;
    let mut by_end: Vec<(usize, usize)> = Vec::new();
    dictionary.for_each_word(bytes, |start, end| by_end.push((end, start)));
    by_end.sort_unstable();
    let mut next = 0;
    for end in 1..=bytes.len() {
        (best[end], back[end]) = (best[end - 1] + CHARACTER_LOG_PROB, end - 1);
        while let Some(&(_, start)) = by_end.get(next).filter(|w| w.0 == end) {
            let value = best[start] + word_log_prob;
            if value > best[end] {
                (best[end], back[end]) = (value, start);
            }
            next += 1;
        }
    }
    let mut words = Vec::new();
    let mut at = bytes.len();
    while at > 0 {
        let start = back[at];
        if at - start > 1 {
            words.push(&label[start..at]);
        }
        at = start;
    }
    words.reverse();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "weather\nforecast\neat\nher\ncast\nzymurgy\nquark\nfore\n";

    fn model() -> (Dictionary, WordModel) {
        let dictionary = Dictionary::from_word_list(LIST).unwrap();
        let counts = "# test\nweather\t50\nforecast\t20\n";
        let model = WordModel::from_data(counts, "weather\ncast\n", LIST, &dictionary).unwrap();
        (dictionary, model)
    }

    #[test]
    fn common_words_read_benign_rare_ones_generated() {
        let (dictionary, model) = model();
        let mut scratch = Vec::new();
        let mut scores = |label: &[u8]| model.analyse(&dictionary, label, &mut scratch);
        let common = scores(b"weatherforecast");
        assert_eq!((common.covered, common.longest), (15, 8));
        assert_eq!(common.benign_covered, 11); // weather + cast
        let common = common.scores;
        assert!(common.benign > common.uniform, "{common:?}");
        let rare = scores(b"zymurgyquark").scores;
        assert!(rare.benign < rare.uniform, "{rare:?}");
        let none = scores(b"x7");
        assert_eq!((none.covered, none.longest, none.benign_covered), (0, 0, 0));
        assert!((none.scores.benign - 2.0 * CHARACTER_LOG_PROB).abs() < 1e-12);
        assert_eq!(none.scores.benign, none.scores.uniform);
    }

    #[test]
    fn segmentation_prefers_few_whole_words() {
        let (dictionary, _) = model();
        assert_eq!(
            segment_words(&dictionary, "weatherforecast-x"),
            ["weather", "forecast"]
        );
        assert!(segment_words(&dictionary, "").is_empty());
    }

    #[test]
    fn bad_counts_name_the_line() {
        let dictionary = Dictionary::from_word_list(LIST).unwrap();
        let err = WordModel::from_data("weather\t1\nnotaword\t3\n", "", LIST, &dictionary)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(WordModel::from_data("weather 1\n", "", LIST, &dictionary).is_err());
        let err = WordModel::from_data("", "cast\nboston\n", LIST, &dictionary)
            .unwrap_err()
            .to_string();
        assert!(err.contains("benign_words.txt, line 2"), "{err}");
    }
}
