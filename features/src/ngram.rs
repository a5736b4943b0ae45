//! A character trigram language model of benign domain labels.
//!
//! Machine-made labels (`xjw3kq9v`) are improbable under a model of the labels people register
//! (`weather`, `my-bank`); the mean log-probability per character is one of the strongest single
//! DGA features. The model is stored as trigram counts (`features/data/benign_trigrams.tsv`, built
//! by `dnshunt-data ngram` from the benign list) and smoothed when loaded.

use std::fmt::Write as _;

use crate::FeaturesError;

/// Symbols: 26 letters, 10 digits, `-`, any other byte, and the label boundary.
pub(crate) const SYMBOLS: usize = 39;
const OTHER: usize = 37;
const BOUNDARY: usize = 38;
const TABLE: usize = SYMBOLS * SYMBOLS * SYMBOLS;
/// Interpolation weights of the trigram, bigram and unigram estimates.
const WEIGHTS: [f64; 3] = [0.6, 0.3, 0.1];

/// The symbol of every byte, looked up instead of matched in the hot loops.
pub(crate) const SYMBOL_OF: [u8; 256] = {
    let mut table = [OTHER as u8; 256];
    let mut at = 0;
    while at < 26 {
        table[b'a' as usize + at] = at as u8;
        at += 1;
    }
    let mut at = 0;
    while at < 10 {
        table[b'0' as usize + at] = 26 + at as u8;
        at += 1;
    }
    table[b'-' as usize] = 36;
    table
};

fn symbol(byte: u8) -> usize {
    usize::from(SYMBOL_OF[usize::from(byte)])
}

fn symbol_char(symbol: usize) -> char {
    match symbol {
        0..=25 => char::from(b'a' + symbol as u8),
        26..=35 => char::from(b'0' + (symbol - 26) as u8),
        36 => '-',
        OTHER => '_',
        _ => '.',
    }
}

fn char_symbol(c: char) -> Option<usize> {
    match c {
        '.' => Some(BOUNDARY),
        '_' => Some(OTHER),
        c if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' => Some(symbol(c as u8)),
        _ => None,
    }
}

fn index(a: usize, b: usize, c: usize) -> usize {
    (a * SYMBOLS + b) * SYMBOLS + c
}

/// Calls `visit(a, b, c)` for every trigram of a label padded with two boundaries in front and one
/// behind, so `ab` gives `..a`, `.ab`, `ab.`.
fn for_each_trigram(label: &[u8], mut visit: impl FnMut(usize, usize, usize)) {
    let (mut a, mut b) = (BOUNDARY, BOUNDARY);
    for &byte in label {
        let c = symbol(byte);
        visit(a, b, c);
        (a, b) = (b, c);
    }
    visit(a, b, BOUNDARY);
}

/// Raw trigram counts over a list of labels: what the data file stores.
#[derive(Debug, Clone)]
pub struct TrigramCounts {
    counts: Vec<u32>,
    labels: u64,
}

impl Default for TrigramCounts {
    fn default() -> Self {
        Self {
            counts: vec![0; TABLE],
            labels: 0,
        }
    }
}

impl TrigramCounts {
    /// Counts the trigrams of one label.
    pub fn add_label(&mut self, label: &str) {
        self.labels += 1;
        for_each_trigram(label.as_bytes(), |a, b, c| {
            let count = &mut self.counts[index(a, b, c)];
            *count = count.saturating_add(1);
        });
    }

    /// Number of labels counted.
    pub fn labels(&self) -> u64 {
        self.labels
    }

    /// Writes the counts as the data file: `# comment` lines, then `trigram<TAB>count`, with `.` for
    /// the label boundary and `_` for any byte other than a letter, digit or hyphen.
    pub fn to_tsv(&self, comment: &str) -> String {
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        let _ = writeln!(out, "# labels\t{}", self.labels);
        for (at, &count) in self.counts.iter().enumerate() {
            if count > 0 {
                let (a, b, c) = (
                    at / (SYMBOLS * SYMBOLS),
                    at / SYMBOLS % SYMBOLS,
                    at % SYMBOLS,
                );
                out.extend([symbol_char(a), symbol_char(b), symbol_char(c), '\t']);
                let _ = writeln!(out, "{count}");
            }
        }
        out
    }

    /// Reads the data file written by [`TrigramCounts::to_tsv`].
    pub fn from_tsv(text: &str) -> Result<Self, FeaturesError> {
        let mut counts = Self::default();
        for (number, line) in text.lines().enumerate() {
            let bad = |why: &str| FeaturesError::Data {
                file: "benign_trigrams.tsv",
                line: number + 1,
                reason: why.to_owned(),
            };
            if let Some(comment) = line.strip_prefix("# labels\t") {
                counts.labels = comment
                    .parse()
                    .map_err(|_| bad("label total is not a number"))?;
                continue;
            }
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let (gram, count) = line
                .split_once('\t')
                .ok_or_else(|| bad("expected trigram<TAB>count"))?;
            let symbols: Vec<usize> = gram.chars().filter_map(char_symbol).collect();
            let [a, b, c] = symbols[..] else {
                return Err(bad("a trigram has three symbols from a-z 0-9 - _ ."));
            };
            counts.counts[index(a, b, c)] =
                count.parse().map_err(|_| bad("count is not a number"))?;
        }
        Ok(counts)
    }
}

/// The smoothed model: a log-probability for every trigram.
#[derive(Debug, Clone)]
pub struct NgramModel {
    log_prob: Vec<f32>,
    /// One bit per trigram: seen in the benign list. A bit set is small enough to stay in cache.
    seen: Vec<u64>,
}

/// What the model says about one label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NgramScore {
    /// Mean natural-log probability per character (the end of the label counts as one).
    pub mean_log_prob: f64,
    /// Share of the label's trigrams never seen in the benign list.
    pub unseen_ratio: f64,
}

impl NgramModel {
    /// Smooths counts by interpolating trigram, bigram and add-one unigram estimates.
    pub fn from_counts(counts: &TrigramCounts) -> Self {
        let c = &counts.counts;
        let mut context2 = vec![0f64; SYMBOLS * SYMBOLS]; // count(a b *)
        let mut bigram = vec![0f64; SYMBOLS * SYMBOLS]; // count(* b c)
        let mut unigram = vec![0f64; SYMBOLS]; // count(* * c)
        for a in 0..SYMBOLS {
            for b in 0..SYMBOLS {
                for z in 0..SYMBOLS {
                    let n = f64::from(c[index(a, b, z)]);
                    context2[a * SYMBOLS + b] += n;
                    bigram[b * SYMBOLS + z] += n;
                    unigram[z] += n;
                }
            }
        }
        let context1: Vec<f64> = (0..SYMBOLS)
            .map(|b| bigram[b * SYMBOLS..(b + 1) * SYMBOLS].iter().sum())
            .collect();
        let total: f64 = unigram.iter().sum();
        let mut log_prob = vec![0f32; TABLE];
        let mut seen = vec![0u64; TABLE.div_ceil(64)];
        for a in 0..SYMBOLS {
            for b in 0..SYMBOLS {
                for z in 0..SYMBOLS {
                    let at = index(a, b, z);
                    let estimates = [
                        (context2[a * SYMBOLS + b] > 0.0)
                            .then(|| f64::from(c[at]) / context2[a * SYMBOLS + b]),
                        (context1[b] > 0.0).then(|| bigram[b * SYMBOLS + z] / context1[b]),
                        Some((unigram[z] + 1.0) / (total + SYMBOLS as f64)),
                    ];
                    let (mut p, mut weight) = (0.0, 0.0);
                    for (estimate, w) in estimates.iter().zip(WEIGHTS) {
                        if let Some(e) = estimate {
                            p += w * e;
                            weight += w;
                        }
                    }
                    log_prob[at] = (p / weight).ln() as f32;
                    seen[at / 64] |= u64::from(c[at] > 0) << (at % 64);
                }
            }
        }
        Self { log_prob, seen }
    }

    /// Scores one label (lower-case ASCII; other bytes count as one "other" symbol).
    pub fn score(&self, label: &[u8]) -> NgramScore {
        let (mut sum, mut unseen, mut steps) = (0f64, 0u32, 0u32);
        for_each_trigram(label, |a, b, c| {
            let at = index(a, b, c);
            sum += f64::from(self.log_prob[at]);
            unseen += u32::from(self.seen[at / 64] & (1 << (at % 64)) == 0);
            steps += 1;
        });
        NgramScore {
            mean_log_prob: sum / f64::from(steps),
            unseen_ratio: f64::from(unseen) / f64::from(steps),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(words: &[&str]) -> NgramModel {
        let mut counts = TrigramCounts::default();
        for word in words {
            counts.add_label(word);
        }
        NgramModel::from_counts(&counts)
    }

    #[test]
    fn familiar_labels_score_higher() {
        let m = model(&[
            "weather", "whether", "feather", "leather", "heather", "together",
        ]);
        let familiar = m.score(b"eather");
        let strange = m.score(b"xqzvkj");
        assert!(familiar.mean_log_prob > strange.mean_log_prob);
        assert!(familiar.unseen_ratio < strange.unseen_ratio);
        assert!((strange.unseen_ratio - 1.0).abs() < 1e-12);
    }

    #[test]
    fn probabilities_sum_to_one_per_context() {
        let m = model(&["abc", "abd", "x-1_"]);
        for (a, b) in [(BOUNDARY, BOUNDARY), (0, 1), (5, 7)] {
            let total: f64 = (0..SYMBOLS)
                .map(|z| f64::from(m.log_prob[index(a, b, z)]).exp())
                .sum();
            assert!((total - 1.0).abs() < 1e-4, "context {a},{b}: {total}");
        }
    }

    #[test]
    fn tsv_round_trips() {
        let mut counts = TrigramCounts::default();
        counts.add_label("my-bank_1");
        let text = counts.to_tsv("test");
        let back = TrigramCounts::from_tsv(&text).unwrap();
        assert_eq!(back.counts, counts.counts);
        assert_eq!(back.labels, 1);
    }

    #[test]
    fn bad_tsv_names_the_line() {
        let err = TrigramCounts::from_tsv("# x\nab\t3\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
