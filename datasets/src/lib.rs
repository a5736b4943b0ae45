//! Benign domain lists, DGA family generators, labelled-file loaders and reproducible dataset splits.
//!
//! Also a deterministic day of company DNS traffic with planted threats, as a Zeek `dns.log`
//! ([`traffic`]), for `dnshunt demo` and benchmarks.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod benign;
pub mod builder;
pub mod dga;
pub mod hsts;
pub mod labelled;
pub mod partition;
pub mod traffic;

/// Errors of the datasets crate.
#[derive(Debug, thiserror::Error)]
pub enum DatasetsError {
    /// A data file could not be read or is malformed.
    #[error("{file}: {reason}")]
    Data {
        /// The file (or built-in data set) at fault.
        file: String,
        /// What is wrong, and what to do.
        reason: String,
    },
}
