//! Fixed partitions of the benign list by registered domain.
//!
//! The benign trigram model in `features/data/` is built from one quarter of the benign list, and
//! that quarter is never used to train or test a classifier: a model scored on names its own
//! language model was fitted to would look better than it is. The partition hashes the registered
//! domain, so it does not depend on the order of the list or on any seed.

use dnshunt_features::schema::stable_hash;

/// Whether a registered domain belongs to the language-model quarter of the benign list.
pub fn is_language_model_domain(registered_domain: &str) -> bool {
    stable_hash(registered_domain.bytes()).is_multiple_of(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_a_quarter_and_stable() {
        let names: Vec<String> = (0..10_000).map(|i| format!("site{i}.com")).collect();
        let chosen = names.iter().filter(|n| is_language_model_domain(n)).count();
        assert!((2_300..2_700).contains(&chosen), "{chosen}");
    }
}
