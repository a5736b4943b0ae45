//! `omission`: one character left out.
//!
//! Why it matters: dropped letters are a common typo (`gogle.com`).
//! Example: `google` → `oogle`, `gogle`, `googe`.
//! Known limits: one character per name.
//! References: dnstwist `Fuzzer._omission`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len());
    for at in 0..chars.len() {
        buffer.clear();
        buffer.extend_from_slice(&chars[..at]);
        buffer.extend_from_slice(&chars[at + 1..]);
        out.label_chars(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn drops_one_character() {
        assert_eq!(labels_of(Fuzzer::Omission, "abb"), ["ab", "bb"]);
    }
}
