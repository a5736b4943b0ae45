//! Domain name normalization (IDNA, public suffix split) and the lexical feature vectors that
//! training, serving and analytics share.
//!
//! Batches are the API: [`normalize`] takes a slice of names and returns a [`NormalizedBatch`];
//! [`FeatureExtractor::extract`] turns a batch into a [`FeatureMatrix`]; [`arrow`] does both over
//! Arrow arrays. One-name calls are thin wrappers.
//!
//! ```
//! use dnshunt_features::{FeatureExtractor, normalize};
//!
//! let names = normalize(&["NS1.AsdKlgb.CF.", "www.google.co.uk"]);
//! let first = names.get(0).unwrap();
//! assert_eq!(first.registered_domain, Some("asdklgb.cf"));
//! assert_eq!(first.domain_label, Some("asdklgb"));
//! let vectors = FeatureExtractor::builtin().extract(&names);
//! assert_eq!(vectors.rows(), 2);
//! ```
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod arrow;
pub mod dictionary;
pub mod ngram;
pub mod normalize;
pub mod schema;
pub mod vector;
pub mod words;

pub use normalize::{
    InvalidReason, MAX_LABEL_LEN, MAX_NAME_LEN, Name, NormalizedBatch, SuffixKind, normalize,
    normalize_bytes, normalize_one,
};
pub use schema::{FEATURE_COUNT, FEATURE_SCHEMA_VERSION, FEATURES, FeatureInfo, FeatureSchema};
pub use vector::{BuiltinData, FeatureExtractor, FeatureMatrix};

/// Errors of the features crate.
#[derive(Debug, thiserror::Error)]
pub enum FeaturesError {
    /// A data file (word list, trigram counts) is malformed.
    #[error(
        "{file}, line {line}: {reason}; rebuild it with `dnshunt-data` (see features/data/README.md)"
    )]
    Data {
        /// The data file.
        file: &'static str,
        /// 1-based line, 0 when the problem is the whole file.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A model was trained on other features than the running code computes.
    #[error(
        "feature schema mismatch: this build computes {running}, the model was trained on {model}; \
         retrain the model with this build (`dnshunt-train fit`) or use the build it came from"
    )]
    SchemaMismatch {
        /// Schema id of the running code.
        running: String,
        /// Schema id stored with the model.
        model: String,
    },
    /// Building an Arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}
