//! Feature vectors for batches of names: the one computation training, serving and analytics share.

use std::sync::OnceLock;

use crate::dictionary::Dictionary;
use crate::ngram::{NgramModel, SYMBOL_OF, SYMBOLS, TrigramCounts};
use crate::normalize::NormalizedBatch;
use crate::schema::{FEATURE_COUNT, FeatureSchema, fingerprint};
use crate::words::{FoundWord, WordModel};
use crate::{FeaturesError, MAX_LABEL_LEN};

/// The word list shipped with dnshunt (see `features/data/README.md`).
pub const BUILTIN_WORD_LIST: &str = include_str!("../data/english_words.txt");
/// The benign trigram counts shipped with dnshunt (see `features/data/README.md`).
pub const BUILTIN_TRIGRAMS: &str = include_str!("../data/benign_trigrams.tsv");
/// English words seen in benign names (see `features/data/README.md`).
pub const BUILTIN_BENIGN_WORDS: &str = include_str!("../data/benign_words.txt");
/// How often benign names use each English word (see `features/data/README.md`).
pub const BUILTIN_BENIGN_WORD_COUNTS: &str = include_str!("../data/benign_word_counts.tsv");
/// The DGA trigram counts shipped with dnshunt (see `features/data/README.md`).
pub const BUILTIN_DGA_TRIGRAMS: &str = include_str!("../data/dga_trigrams.tsv");

/// Feature vectors, one row per name, row-major (ready for `ndarray::Array2::from_shape_vec`).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    rows: usize,
    values: Vec<f64>,
}

impl FeatureMatrix {
    /// Number of rows (names).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns: [`FEATURE_COUNT`].
    pub fn cols(&self) -> usize {
        FEATURE_COUNT
    }

    /// The vector of row `index`.
    pub fn row(&self, index: usize) -> Option<&[f64]> {
        self.values
            .get(index * FEATURE_COUNT..(index + 1) * FEATURE_COUNT)
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// All values, row-major, without copying.
    pub fn into_vec(self) -> Vec<f64> {
        self.values
    }
}

/// The data files features are computed with, as text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinData<'a> {
    /// English words, one a line.
    pub word_list: &'a str,
    /// The words of `word_list` seen in benign names, one a line.
    pub benign_words: &'a str,
    /// Benign trigram counts.
    pub trigrams: &'a str,
    /// DGA trigram counts.
    pub dga_trigrams: &'a str,
    /// Benign word counts, `word<TAB>count` a line.
    pub benign_word_counts: &'a str,
}

/// Computes feature vectors with word lists and n-gram models.
#[derive(Debug, Clone)]
pub struct FeatureExtractor {
    ngram: NgramModel,
    dga_ngram: NgramModel,
    dictionary: Dictionary,
    word_model: WordModel,
    schema: FeatureSchema,
    /// `x log2 x` for the character counts a label can have.
    x_log2_x: [f64; MAX_LABEL_LEN + 1],
}

impl FeatureExtractor {
    /// The extractor over the data built into the binary, made once per process.
    ///
    /// # Panics
    /// Never in a released build: the built-in data is checked by this crate's tests.
    pub fn builtin() -> &'static Self {
        static BUILTIN: OnceLock<FeatureExtractor> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The built-in data is checked by this crate's tests, so this cannot fail at run time.
            #[allow(clippy::expect_used)]
            Self::from_data(&BuiltinData {
                word_list: BUILTIN_WORD_LIST,
                benign_words: BUILTIN_BENIGN_WORDS,
                trigrams: BUILTIN_TRIGRAMS,
                dga_trigrams: BUILTIN_DGA_TRIGRAMS,
                benign_word_counts: BUILTIN_BENIGN_WORD_COUNTS,
            })
            .expect("built-in feature data is valid")
        })
    }

    /// An extractor over data in the formats of `features/data/`.
    pub fn from_data(data: &BuiltinData<'_>) -> Result<Self, FeaturesError> {
        let counts = TrigramCounts::from_tsv(data.trigrams)?;
        let dga_counts = TrigramCounts::from_tsv(data.dga_trigrams)?;
        let dictionary = Dictionary::from_word_list(data.word_list)?;
        Ok(Self {
            ngram: NgramModel::from_counts(&counts),
            dga_ngram: NgramModel::from_counts(&dga_counts),
            word_model: WordModel::from_data(
                data.benign_word_counts,
                data.benign_words,
                data.word_list,
                &dictionary,
            )?,
            dictionary,
            schema: FeatureSchema::current(fingerprint(&[
                data.word_list,
                data.benign_words,
                data.trigrams,
                data.dga_trigrams,
                data.benign_word_counts,
            ])),
            x_log2_x: std::array::from_fn(|x| {
                if x == 0 {
                    0.0
                } else {
                    x as f64 * (x as f64).log2()
                }
            }),
        })
    }

    /// The schema of the vectors this extractor makes.
    pub fn schema(&self) -> &FeatureSchema {
        &self.schema
    }

    /// The word list in use.
    pub fn dictionary(&self) -> &Dictionary {
        &self.dictionary
    }

    /// One row per name of the batch, in order, computed on each name's scoring label (see
    /// [`NormalizedBatch::scoring_labels`]). Names with nothing to judge (invalid names, the
    /// root, multi-label public suffixes) get a vector of zeros; the batch says which those are.
    pub fn extract(&self, batch: &NormalizedBatch) -> FeatureMatrix {
        self.extract_from(batch.len(), batch.scoring_labels().map(str::as_bytes))
    }

    /// One row per domain label (already normalized and split off its suffix), in order. Bytes
    /// other than `a-z 0-9 -` all count as one "other" character.
    pub fn extract_labels<S: AsRef<str>>(&self, labels: &[S]) -> FeatureMatrix {
        self.extract_from(
            labels.len(),
            labels.iter().map(|label| label.as_ref().as_bytes()),
        )
    }

    fn extract_from<'a>(
        &self,
        rows: usize,
        labels: impl Iterator<Item = &'a [u8]>,
    ) -> FeatureMatrix {
        let mut values = vec![0.0; rows * FEATURE_COUNT];
        let mut scratch = Vec::with_capacity(64);
        for (row, label) in values.chunks_exact_mut(FEATURE_COUNT).zip(labels) {
            self.write_label_features(label, row, &mut scratch);
        }
        FeatureMatrix { rows, values }
    }

    /// The vector of one label: a thin wrapper over the batch code.
    pub fn label_features(&self, label: &str) -> [f64; FEATURE_COUNT] {
        let mut row = [0.0; FEATURE_COUNT];
        self.write_label_features(label.as_bytes(), &mut row, &mut Vec::new());
        row
    }

    fn write_label_features(&self, label: &[u8], out: &mut [f64], scratch: &mut Vec<FoundWord>) {
        let label = &label[..label.len().min(MAX_LABEL_LEN)];
        if label.is_empty() {
            out.fill(0.0);
            return;
        }
        let stats = LabelStats::of(label);
        let n = label.len() as f64;
        let pairs = (label.len() - 1).max(1) as f64;
        let counts_x_log2_x = stats.counts_x_log2_x(&self.x_log2_x);
        let ngram = self.ngram.score(label);
        let dga_log_prob = self.dga_ngram.score(label).mean_log_prob;
        let found = self.word_model.analyse(&self.dictionary, label, scratch);
        let covered_ratio = found.covered as f64 / n;
        let benign_coverage = found.benign_covered as f64 / n;
        let words = found.scores;
        let is_hex = label.len() >= 8
            && stats.hex == label.len()
            && stats.digits > 0
            && stats.digits < label.len();
        let is_base32 = label.len() >= 8 && stats.base32 == label.len() && stats.base32_digits > 0;
        let vector: [f64; FEATURE_COUNT] = [
            n,
            (self.x_log2_x[label.len()] - counts_x_log2_x) / n,
            stats.vowels as f64 / n,
            stats.consonants as f64 / n,
            stats.digits as f64 / n,
            stats.hyphens as f64 / n,
            stats.longest_consonant_run as f64,
            stats.longest_digit_run as f64,
            stats.distinct as f64 / n,
            stats.class_switches as f64 / pairs,
            stats.repeats as f64 / pairs,
            ngram.mean_log_prob,
            ngram.unseen_ratio,
            covered_ratio,
            found.longest as f64 / n,
            stats.hex as f64 / n,
            f64::from(u8::from(is_hex)),
            f64::from(u8::from(is_base32)),
            dga_log_prob,
            dga_log_prob - ngram.mean_log_prob,
            benign_coverage,
            covered_ratio - benign_coverage,
            words.benign - words.uniform,
            words.benign / n,
            words.uniform / n,
        ];
        out.copy_from_slice(&vector);
    }
}

/// Character classes, as bit flags in [`CLASSES`].
const VOWEL: u8 = 1;
const CONSONANT: u8 = 2;
const DIGIT: u8 = 4;
const HYPHEN: u8 = 8;
const HEX: u8 = 16;
const BASE32: u8 = 32;
const BASE32_DIGIT: u8 = 64;

/// The classes of every byte, so the hot loop looks each byte up once instead of branching.
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if b.is_ascii_lowercase() {
            class |= BASE32;
            class |= if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u') {
                VOWEL
            } else {
                CONSONANT
            };
        }
        if b.is_ascii_digit() {
            class |= DIGIT;
        }
        if b.is_ascii_hexdigit() {
            class |= HEX;
        }
        if b >= b'2' && b <= b'7' {
            class |= BASE32 | BASE32_DIGIT;
        }
        if b == b'-' {
            class |= HYPHEN;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

/// Character counts of one label, gathered in a single pass.
struct LabelStats {
    /// How often each symbol occurs (letters, digits and `-` apart, every other byte one symbol,
    /// as in the n-gram model: labels reach here normalized).
    counts: [u8; SYMBOLS],
    /// The distinct symbols, in order of first appearance.
    seen: [u8; SYMBOLS],
    distinct: usize,
    vowels: usize,
    consonants: usize,
    digits: usize,
    hyphens: usize,
    hex: usize,
    base32: usize,
    base32_digits: usize,
    longest_consonant_run: usize,
    longest_digit_run: usize,
    class_switches: usize,
    repeats: usize,
}

impl LabelStats {
    /// Counts a label of at most [`MAX_LABEL_LEN`] bytes.
    fn of(label: &[u8]) -> Self {
        let mut stats = Self {
            counts: [0; SYMBOLS],
            seen: [0; SYMBOLS],
            distinct: 0,
            vowels: 0,
            consonants: 0,
            digits: 0,
            hyphens: 0,
            hex: 0,
            base32: 0,
            base32_digits: 0,
            longest_consonant_run: 0,
            longest_digit_run: 0,
            class_switches: 0,
            repeats: 0,
        };
        let (mut consonant_run, mut digit_run) = (0, 0);
        let (mut previous_byte, mut previous_class) = (None, 0u8);
        for &byte in label {
            let symbol = SYMBOL_OF[usize::from(byte)];
            let count = &mut stats.counts[usize::from(symbol)];
            if *count == 0 {
                stats.seen[stats.distinct] = symbol;
                stats.distinct += 1;
            }
            *count += 1;
            let class = CLASSES[usize::from(byte)];
            let has = |flag: u8| usize::from(class & flag != 0);
            stats.vowels += has(VOWEL);
            stats.consonants += has(CONSONANT);
            stats.digits += has(DIGIT);
            stats.hyphens += has(HYPHEN);
            stats.hex += has(HEX);
            stats.base32 += has(BASE32);
            stats.base32_digits += has(BASE32_DIGIT);
            consonant_run = if class & CONSONANT != 0 {
                consonant_run + 1
            } else {
                0
            };
            digit_run = if class & DIGIT != 0 { digit_run + 1 } else { 0 };
            stats.longest_consonant_run = stats.longest_consonant_run.max(consonant_run);
            stats.longest_digit_run = stats.longest_digit_run.max(digit_run);
            if previous_byte.is_some() {
                const LETTER: u8 = VOWEL | CONSONANT;
                stats.repeats += usize::from(previous_byte == Some(byte));
                stats.class_switches += usize::from(
                    (previous_class & DIGIT != 0 && class & LETTER != 0)
                        || (previous_class & LETTER != 0 && class & DIGIT != 0),
                );
            }
            (previous_byte, previous_class) = (Some(byte), class);
        }
        stats
    }

    /// The sum of `c log2 c` over the character counts `c`.
    fn counts_x_log2_x(&self, x_log2_x: &[f64; MAX_LABEL_LEN + 1]) -> f64 {
        self.seen[..self.distinct]
            .iter()
            .map(|&symbol| x_log2_x[usize::from(self.counts[usize::from(symbol)])])
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FEATURES, normalize};

    #[test]
    fn builtin_data_loads() {
        let extractor = FeatureExtractor::builtin();
        assert!(extractor.dictionary().len() > 1000);
        assert_eq!(extractor.schema().names.len(), FEATURE_COUNT);
        assert!(extractor.schema().id().starts_with("v3-"));
    }

    #[test]
    fn one_row_per_name_zeros_without_label() {
        let batch = normalize(&["google.com", "", "co.uk", "ns1.asdklgb.cf"]);
        let matrix = FeatureExtractor::builtin().extract(&batch);
        assert_eq!(matrix.rows(), 4);
        assert_eq!(matrix.row(0).unwrap()[0], 6.0);
        assert!(matrix.row(1).unwrap().iter().all(|&v| v == 0.0));
        assert!(matrix.row(2).unwrap().iter().all(|&v| v == 0.0));
        assert_eq!(matrix.row(3).unwrap()[0], 7.0);
        assert!(matrix.row(4).is_none());
    }

    #[test]
    fn hex_and_base32_shapes() {
        let e = FeatureExtractor::builtin();
        let column = |name: &str| FEATURES.iter().position(|f| f.name == name).unwrap();
        let hash = e.label_features("04055051be412eea5a61b7da8438be3d");
        assert_eq!(hash[column("is_hex")], 1.0);
        assert_eq!(hash[column("hex_ratio")], 1.0);
        let b32 = e.label_features("mfrggzdfmztwq2lk");
        assert_eq!(b32[column("is_base32")], 1.0);
        let word = e.label_features("weatherforecast");
        assert_eq!(word[column("is_hex")], 0.0);
        assert_eq!(word[column("is_base32")], 0.0);
        assert!(word[column("dictionary_coverage")] > 0.9);
    }
}
