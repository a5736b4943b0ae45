//! The feature schema: which features a vector holds, in which order, computed with which data.
//!
//! A model is only valid for the features it was trained on. Models store the schema they were
//! trained with, and loading one checks it against the running code with
//! [`FeatureSchema::check_compatible`]. The version changes whenever a feature is added, removed,
//! reordered or computed differently; the data fingerprint changes whenever the word list or the
//! n-gram counts change.

use serde::{Deserialize, Serialize};

use crate::FeaturesError;

/// Bumped whenever the meaning or order of the features changes.
pub const FEATURE_SCHEMA_VERSION: u32 = 3;

/// Number of features in a vector.
pub const FEATURE_COUNT: usize = FEATURES.len();

/// One feature: its column name and what it measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureInfo {
    /// Column name, snake case.
    pub name: &'static str,
    /// What it measures, in one sentence.
    pub description: &'static str,
}

const fn feature(name: &'static str, description: &'static str) -> FeatureInfo {
    FeatureInfo { name, description }
}

/// The features of schema version 3 (version 2 without the last three), all computed on the domain label (the label left of the
/// public suffix), so a model cannot learn shortcuts from the TLD.
pub const FEATURES: [FeatureInfo; 25] = [
    feature("length", "Label length in bytes."),
    feature(
        "entropy",
        "Shannon entropy of the label's characters, in bits per character.",
    ),
    feature(
        "vowel_ratio",
        "Share of characters that are a, e, i, o or u.",
    ),
    feature(
        "consonant_ratio",
        "Share of characters that are other letters.",
    ),
    feature("digit_ratio", "Share of characters that are digits."),
    feature("hyphen_ratio", "Share of characters that are hyphens."),
    feature(
        "longest_consonant_run",
        "Longest run of consecutive consonants.",
    ),
    feature("longest_digit_run", "Longest run of consecutive digits."),
    feature(
        "distinct_char_ratio",
        "Distinct characters over label length.",
    ),
    feature(
        "class_switch_ratio",
        "Letter-to-digit and digit-to-letter changes per character pair.",
    ),
    feature(
        "repeat_ratio",
        "Adjacent equal characters per character pair.",
    ),
    feature(
        "ngram_log_prob",
        "Mean log-probability per character under the benign trigram model.",
    ),
    feature(
        "ngram_unseen_ratio",
        "Share of trigrams never seen in the benign list.",
    ),
    feature(
        "dictionary_coverage",
        "Share of characters covered by English words (3+ letters).",
    ),
    feature(
        "dictionary_longest_word_ratio",
        "Longest English word in the label over label length.",
    ),
    feature(
        "hex_ratio",
        "Share of characters that are hexadecimal digits.",
    ),
    feature(
        "is_hex",
        "1 when the label is 8+ hex digits mixing letters and digits, like a hash.",
    ),
    feature(
        "is_base32",
        "1 when the label is 8+ base32 characters including a digit 2-7.",
    ),
    feature(
        "dga_ngram_log_prob",
        "Mean log-probability per character under the DGA trigram model.",
    ),
    feature(
        "ngram_log_ratio",
        "DGA minus benign mean log-probability per character: above 0 reads machine-made.",
    ),
    feature(
        "benign_word_coverage",
        "Share of characters covered by English words that occur in benign names.",
    ),
    feature(
        "rare_word_coverage",
        "Dictionary coverage minus benign-word coverage: words a person naming a site rarely uses.",
    ),
    feature(
        "word_log_ratio",
        "Log-likelihood of the label's words under benign word frequencies minus under a word-list generator (uniform lengths 3-8, uniform words): below 0 reads generated.",
    ),
    feature(
        "benign_word_log_prob",
        "Best segmentation log-likelihood per character under benign word frequencies.",
    ),
    feature(
        "uniform_word_log_prob",
        "Best segmentation log-likelihood per character under the word-list generator model.",
    ),
];

/// The schema a feature vector (and a model trained on it) was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSchema {
    /// [`FEATURE_SCHEMA_VERSION`] at the time.
    pub version: u32,
    /// Feature names in vector order.
    pub names: Vec<String>,
    /// Hash of the data files the features were computed with (word list, n-gram counts).
    pub data_fingerprint: String,
}

impl FeatureSchema {
    /// The schema of this build, given the fingerprint of its data.
    pub fn current(data_fingerprint: String) -> Self {
        Self {
            version: FEATURE_SCHEMA_VERSION,
            names: FEATURES.iter().map(|f| f.name.to_owned()).collect(),
            data_fingerprint,
        }
    }

    /// A short id such as `v1-3f2a9c0d1e4b5a67`.
    pub fn id(&self) -> String {
        format!("v{}-{}", self.version, self.data_fingerprint)
    }

    /// Fails, saying what differs, unless vectors of `self` can be fed to a model trained on `other`.
    pub fn check_compatible(&self, other: &Self) -> Result<(), FeaturesError> {
        if self == other {
            Ok(())
        } else {
            Err(FeaturesError::SchemaMismatch {
                running: self.id(),
                model: other.id(),
            })
        }
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every platform, build and run (not a defence
/// against tampering). Fingerprints data files here and partitions domains in the datasets crate.
pub fn stable_hash(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The fingerprint of data files: [`stable_hash`] over each part followed by a separator byte.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let hash = stable_hash(parts.iter().flat_map(|part| part.bytes().chain([0xff])));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_fnv1a() {
        // Published FNV-1a 64-bit test vectors.
        assert_eq!(stable_hash(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            stable_hash("example.com".bytes()),
            stable_hash("example.com".bytes())
        );
        assert_ne!(
            stable_hash("example.com".bytes()),
            stable_hash("example.org".bytes())
        );
    }
}
