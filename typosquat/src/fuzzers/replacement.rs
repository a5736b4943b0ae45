//! `replacement`: one character replaced by a key adjacent to it on a qwerty, qwertz or azerty
//! keyboard.
//!
//! Why it matters: hitting the key next door (`goigle.com`) is the classic typo.
//! Example: `google` → `foogle`, `giogle`, `googke`.
//! Known limits: one replacement per name; characters not on the layouts are kept.
//! References: dnstwist `Fuzzer._replacement`; keyboards in `data/keyboards.txt`.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let mut chars = target.chars.clone();
    for at in 0..chars.len() {
        let original = chars[at];
        for near in data.keys_around(original) {
            chars[at] = near;
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
    fn replaces_with_a_neighbour() {
        let labels = labels_of(Fuzzer::Replacement, "p");
        assert_eq!(labels, ["0", "l", "m", "o"]);
    }
}
