//! `transposition`: two adjacent characters swapped.
//!
//! Why it matters: typing two keys in the wrong order (`goolge.com`) is a common slip.
//! Example: `google` → `ogogle`, `goolge`.
//! Known limits: adjacent pairs only.
//! References: dnstwist `Fuzzer._transposition`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let mut chars = target.chars.clone();
    for at in 0..chars.len().saturating_sub(1) {
        chars.swap(at, at + 1);
        out.label_chars(&chars);
        chars.swap(at, at + 1);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn swaps_neighbours() {
        assert_eq!(labels_of(Fuzzer::Transposition, "abc"), ["acb", "bac"]);
    }
}
