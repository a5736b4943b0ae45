//! The crate's one error type.

/// Errors of the typosquat crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TyposquatError {
    /// A data file (shipped or given by the user) is malformed.
    #[error("{file}, line {line}: {reason}")]
    Data {
        /// The file, as named by the caller (`glyphs.txt` for shipped data, a path otherwise).
        file: String,
        /// 1-based line; 0 when the problem is the whole file.
        line: usize,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A brand to permute is not a registrable domain name.
    #[error("brand {brand:?}: {reason}; give a registrable domain such as paypal.com or bbc.co.uk")]
    Brand {
        /// The brand as given.
        brand: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A fuzzer id that does not exist.
    #[error("unknown fuzzer {0:?}; the fuzzers are: {list}", list = crate::Fuzzer::ids().join(", "))]
    UnknownFuzzer(String),
}

/// Result with [`TyposquatError`].
pub type Result<T, E = TyposquatError> = std::result::Result<T, E>;

pub(crate) fn data_error(file: &str, line: usize, reason: impl Into<String>) -> TyposquatError {
    TyposquatError::Data {
        file: file.to_owned(),
        line,
        reason: reason.into(),
    }
}
