//! Fixed, seed-keyed partitions of domains: the language-model quarter of the benign list and
//! the train / validation / test split.
//!
//! The benign trigram model in `features/data/` is built from one quarter of the benign list, and
//! that quarter is never used to train or test a classifier: a model scored on names its own
//! language model was fitted to would look better than it is. Partitions hash the registered
//! domain, so they do not depend on the order of the list.

use dnshunt_features::schema::stable_hash;

/// A well-mixed 64-bit hash of `key` under `seed`. FNV-1a alone is not enough for bucketing: its
/// low bits follow the parity of the input bytes, so `hash % 10` would sort names by their
/// letters instead of at random. The `SplitMix64` finalizer spreads every input bit over all
/// output bits.
pub fn mixed_hash(seed: u64, key: &str) -> u64 {
    let mut z = stable_hash(seed.to_le_bytes().into_iter().chain(key.bytes()));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether a registered domain belongs to the language-model quarter of the benign list. It reads
/// the high half of the hash, so that it is independent of the split, which reads the low bits.
pub fn is_language_model_domain(registered_domain: &str) -> bool {
    (mixed_hash(0, registered_domain) >> 32).is_multiple_of(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_a_quarter_and_stable() {
        let names: Vec<String> = (0..10_000).map(|i| format!("site{i}.com")).collect();
        let chosen = names.iter().filter(|n| is_language_model_domain(n)).count();
        assert!((2_300..2_700).contains(&chosen), "{chosen}");
        assert_eq!(mixed_hash(0, "example.com"), mixed_hash(0, "example.com"));
        assert_ne!(mixed_hash(0, "example.com"), mixed_hash(1, "example.com"));
    }

    #[test]
    fn buckets_do_not_follow_letter_parity() {
        // Names that differ only in letters of the same parity landed in the same FNV-1a bucket.
        let names: Vec<String> = (0..2_000)
            .map(|i| {
                format!(
                    "{}ab.com",
                    ["ac", "ce", "eg", "gi"][i % 4].repeat(1 + i % 7) + &i.to_string()
                )
            })
            .collect();
        let mut buckets = [0usize; 10];
        for name in &names {
            buckets[(mixed_hash(3, name) % 10) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&n| (140..260).contains(&n)),
            "{buckets:?}"
        );
    }
}
