//! Lookalike search: does an observed name imitate a watched brand? Decided by membership in the
//! brands' permutation set, then by fuzzy matching on the label's UTS 39 skeleton (confusables,
//! Damerau-Levenshtein edits weighted by keyboard adjacency, the brand embedded among extra
//! tokens). See docs/typosquat.md for the method and the scores.

mod distance;
mod index;
mod watchlist;

pub use distance::{EditOp, edit_ops};
pub use index::LookalikeIndex;
pub use watchlist::{Brand, Watchlist};

use crate::fuzzers::Fuzzer;

/// How a name imitates a brand.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// The name (or a parent of it) is one of the brand's permutations.
    Permutation(Fuzzer),
    /// The label looks the same as the brand's (same UTS 39 skeleton) but is spelt otherwise.
    Confusable,
    /// The brand's own label under a suffix the brand does not own.
    OtherSuffix,
    /// The label is a few edits away from the brand's (on skeletons).
    Edit {
        /// The edits, brand → observed.
        operations: Vec<EditOp>,
    },
    /// The brand appears with extra tokens around it, in the label or as a subdomain label.
    Embedded {
        /// The extra tokens (or the subdomain).
        tokens: Vec<String>,
        /// Found in the subdomain rather than the registered label.
        in_subdomain: bool,
    },
}

impl Method {
    /// Short name: the fuzzer id for permutations, else `confusable`, `other-suffix`, `edit`,
    /// `embedded`.
    pub fn how(&self) -> &'static str {
        match self {
            Self::Permutation(fuzzer) => fuzzer.id(),
            Self::Confusable => "confusable",
            Self::OtherSuffix => "other-suffix",
            Self::Edit { .. } => "edit",
            Self::Embedded { .. } => "embedded",
        }
    }

    /// The particulars: edit distance and operations, or the extra tokens.
    pub fn detail(&self) -> String {
        match self {
            Self::Permutation(_) => "permutation".to_owned(),
            Self::Confusable => "skeleton distance 0".to_owned(),
            Self::OtherSuffix => "same label".to_owned(),
            Self::Edit { operations } => {
                let ops: Vec<String> = operations.iter().map(ToString::to_string).collect();
                format!("distance {}: {}", operations.len(), ops.join(" "))
            }
            Self::Embedded {
                tokens,
                in_subdomain,
            } => {
                let place = if *in_subdomain { "subdomain" } else { "tokens" };
                format!("{place}: {}", tokens.join(" "))
            }
        }
    }
}

/// One name that imitates a brand.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Row of the name in the batch.
    pub row: usize,
    /// Index of the brand in the watchlist.
    pub brand: usize,
    /// How it imitates it.
    pub method: Method,
    /// Confidence in 0..1 (table in docs/typosquat.md).
    pub score: f32,
}

/// The UTS 39 skeleton of a label, folded to lower case: what the label looks like, whatever
/// characters spell it (`paypa1` and `pаypal` with a Cyrillic `а` both give `paypal`).
pub fn skeleton(label: &str) -> Vec<char> {
    let once: String = unicode_security::skeleton(label).collect();
    let lower = once.to_lowercase();
    unicode_security::skeleton(&lower).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_fold_lookalikes() {
        let s = |label: &str| skeleton(label).into_iter().collect::<String>();
        assert_eq!(s("paypa1"), s("paypal"));
        assert_eq!(s("pаypal"), s("paypal"));
        assert_eq!(s("g00gle"), s("google"));
        assert_eq!(s("rnicrosoft"), s("microsoft"));
        assert_ne!(s("google"), s("goggle"));
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    fn index(watchlist: &str) -> LookalikeIndex {
        LookalikeIndex::build(Watchlist::parse(watchlist, "test").unwrap())
            .unwrap()
            .threads(1)
    }

    fn how(index: &LookalikeIndex, name: &str) -> Option<String> {
        index
            .match_names(&[name])
            .first()
            .map(|m| m.method.how().to_owned())
    }

    #[test]
    fn owned_domains_and_their_subdomains_are_never_flagged() {
        let index = index("google: google.com google.*\n");
        for name in [
            "google.com",
            "mail.google.com",
            "google.de",
            "www.google.co.uk",
        ] {
            assert_eq!(how(&index, name), None, "{name}");
        }
        assert_eq!(how(&index, "www.googlee.com").as_deref(), Some("addition"));
        // `google.*` covers registry suffixes; anyone can take the label under a private one.
        assert!(how(&index, "google.duckdns.org").is_some());
        assert!(how(&index, "google.github.io").is_some());
    }

    #[test]
    fn short_brands_ignore_character_edits() {
        let index = index("hp.com\n");
        assert_eq!(how(&index, "hpe.com"), None);
        assert_eq!(how(&index, "hq.com"), None);
        assert_eq!(how(&index, "hp-support.net").as_deref(), Some("embedded"));
    }

    #[test]
    fn fuzzy_matches_say_how() {
        let index = index("paypal.com\n");
        let found = index.match_names(&["paypql.shop", "xn--pypal-4ve.shop", "pineapple.com"]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].method.detail(), "distance 1: keyboard(a>q@4)");
        assert!(found[0].score > 0.8);
        assert_eq!(found[1].method, Method::Confusable);
        assert_eq!(found[1].row, 1);
    }
}
