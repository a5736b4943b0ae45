//! `insertion`: a key adjacent (on a qwerty, qwertz or azerty keyboard) to a character typed
//! just before or after it; every character but the last.
//!
//! Why it matters: fat-finger typos (`googhle.com`) are registered for their traffic.
//! Example: `google` → `gfoogle`, `goiogle`.
//! Known limits: the last character is left alone (dnstwist's choice; `addition` covers it).
//! References: dnstwist `Fuzzer._insertion`; keyboards in `data/keyboards.txt`.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len() + 1);
    for at in 0..chars.len().saturating_sub(1) {
        for near in data.keys_around(chars[at]) {
            for before in [true, false] {
                buffer.clear();
                buffer.extend_from_slice(&chars[..at]);
                if before {
                    buffer.extend([near, chars[at]]);
                } else {
                    buffer.extend([chars[at], near]);
                }
                buffer.extend_from_slice(&chars[at + 1..]);
                out.label_chars(&buffer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn beside_each_character_but_the_last() {
        let labels = labels_of(Fuzzer::Insertion, "pa");
        // p's neighbours l, o, 0 on every layout, plus m on azerty; before and after.
        assert_eq!(
            labels,
            ["0pa", "lpa", "mpa", "opa", "p0a", "pla", "pma", "poa"]
        );
    }
}
