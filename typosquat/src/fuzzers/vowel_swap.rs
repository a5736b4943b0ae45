//! `vowel-swap`: one vowel (`a e i o u`) replaced by another.
//!
//! Why it matters: vowels are what people misremember (`gaagle.com`, `paypel.com`).
//! Example: `google` → `gaogle`, `googla`.
//! Known limits: `y` is not a vowel here.
//! References: dnstwist `Fuzzer._vowel_swap`.

use super::{Candidates, Target};

const VOWELS: [char; 5] = ['a', 'e', 'i', 'o', 'u'];

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let mut chars = target.chars.clone();
    for at in 0..chars.len() {
        let original = chars[at];
        if !VOWELS.contains(&original) {
            continue;
        }
        for vowel in VOWELS {
            chars[at] = vowel;
            out.label_chars(&chars);
        }
        chars[at] = original;
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn swaps_vowels() {
        // The label itself comes out too; the permuter drops it.
        assert_eq!(
            labels_of(Fuzzer::VowelSwap, "ab"),
            ["ab", "eb", "ib", "ob", "ub"]
        );
    }
}
