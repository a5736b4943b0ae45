//! `plural`: `s` (or `es` after `s`, `x`, `z`) inserted after a character, for the characters
//! from the third to the third-last.
//!
//! Why it matters: plural-looking names pass a quick read (`googles.com`-style forms).
//! Example: `facebook` → `facsebook`, `facesbook`, `facebsook`.
//! Known limits: dnstwist's positions kept as they are, including the odd mid-word ones.
//! References: dnstwist `Fuzzer._plural`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len() + 2);
    for at in 2..chars.len().saturating_sub(2) {
        buffer.clear();
        buffer.extend_from_slice(&chars[..=at]);
        if matches!(chars[at], 's' | 'x' | 'z') {
            buffer.extend(['e', 's']);
        } else {
            buffer.push('s');
        }
        buffer.extend_from_slice(&chars[at + 1..]);
        out.label_chars(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn inserts_s_or_es() {
        assert_eq!(labels_of(Fuzzer::Plural, "boxtop"), ["boxestop", "boxtsop"]);
    }
}
