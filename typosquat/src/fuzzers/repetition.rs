//! `repetition`: one character typed twice.
//!
//! Why it matters: a held key (`gooogle.com`) is a common slip.
//! Example: `google` → `ggoogle`, `gooogle`, `googlle`.
//! Known limits: one repeat per name.
//! References: dnstwist `Fuzzer._repetition`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len() + 1);
    for at in 0..chars.len() {
        buffer.clear();
        buffer.extend_from_slice(&chars[..=at]);
        buffer.extend_from_slice(&chars[at..]);
        out.label_chars(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn doubles_one_character() {
        assert_eq!(labels_of(Fuzzer::Repetition, "ab"), ["aab", "abb"]);
    }
}
