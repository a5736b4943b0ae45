//! The error type of the models crate.

use std::path::PathBuf;

/// Errors of the models crate.
#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    /// Training data or parameters cannot be used.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A learner failed to fit.
    #[error("{algorithm} failed to fit: {reason}")]
    Fit {
        /// The algorithm id.
        algorithm: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The model was trained on other features than this build computes.
    #[error(transparent)]
    Schema(#[from] dnshunt_features::FeaturesError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file exists where a new one was to be written: nothing is ever overwritten.
    #[error("{}: already exists; dnshunt never overwrites runs, versions or artefacts", path.display())]
    AlreadyExists {
        /// The file or folder.
        path: PathBuf,
    },
    /// A file is not what it should be (bad JSON, truncated weights, inconsistent trees).
    #[error("{}: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// A model spec, run id or version does not exist.
    #[error("{0}")]
    NotFound(String),
}

impl ModelsError {
    /// The same error with `advice` added when it is a damaged file.
    #[must_use]
    pub fn advise(self, advice: &str) -> Self {
        match self {
            Self::Corrupt { path, reason } => Self::Corrupt {
                path,
                reason: format!("{reason}; {advice}"),
            },
            other => other,
        }
    }
}

/// The result type of the models crate.
pub type Result<T, E = ModelsError> = std::result::Result<T, E>;

impl ModelsError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                Self::AlreadyExists { path }
            } else {
                Self::Io { path, source }
            }
        }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
