//! Typosquatting: a permutation engine with dnstwist's fuzzer ids and lookalike search against a brand watchlist.
//!
//! - [`Permuter`] turns brands into lookalike domains, each tagged with the [`Fuzzer`] that made
//!   it (dnstwist's sixteen ids plus `numeral-swap`, `homophone`, `wrong-sld`, `dyndns`,
//!   `keyword`), IDNA-encoded and validated.
//! - [`LookalikeIndex`] is built once per [`Watchlist`] and tells, for batches of observed
//!   names, which imitate a brand, how, and with what score.
//!
//! ```
//! use dnshunt_typosquat::{Data, Fuzzer, LookalikeIndex, Permuter, Watchlist};
//!
//! let rows = Permuter::new(Data::builtin()?).permute(&["google.com"], &[Fuzzer::Addition])?;
//! assert!(rows.iter().any(|r| r.domain == "googlee.com"));
//!
//! let index = LookalikeIndex::build(Watchlist::parse("google.com", "watchlist")?)?;
//! let matches = index.match_names(&["www.googlee.com", "google.com"]);
//! assert_eq!(matches.len(), 1);
//! assert_eq!(matches[0].method.how(), "addition");
//! # Ok::<(), dnshunt_typosquat::TyposquatError>(())
//! ```
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod data;
mod error;
pub mod fuzzers;
pub mod lookalike;
pub mod permute;

pub use data::Data;
pub use error::{Result, TyposquatError};
pub use fuzzers::{Fuzzer, Target};
pub use lookalike::{Brand, EditOp, LookalikeIndex, Match, Method, Watchlist, skeleton};
pub use permute::{Permutation, Permuter, encode};
