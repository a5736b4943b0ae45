//! `hyphenation`: a hyphen inserted between two characters of the label.
//!
//! Why it matters: `pay-pal.com` reads as a legitimate variant of the brand.
//! Example: `google` → `g-oogle`, `goo-gle`.
//! Known limits: one hyphen per name.
//! References: dnstwist `Fuzzer._hyphenation`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len() + 1);
    for at in 1..chars.len() {
        buffer.clear();
        buffer.extend_from_slice(&chars[..at]);
        buffer.push('-');
        buffer.extend_from_slice(&chars[at..]);
        out.label_chars(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn between_characters() {
        assert_eq!(labels_of(Fuzzer::Hyphenation, "abc"), ["a-bc", "ab-c"]);
    }
}
