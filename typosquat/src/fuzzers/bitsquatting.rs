//! `bitsquatting`: one bit of one character flipped, kept when the result is a letter, digit or
//! hyphen.
//!
//! Why it matters: memory and transmission errors flip bits; a squatter on `foogle.com` receives
//! the traffic of machines whose RAM corrupted `google.com`.
//! Example: `google` → `foogle`, `eoogle`, `gnogle`.
//! Known limits: one flip per name.
//! References: Dinaburg, "Bitsquatting: DNS hijacking without exploitation" (2011); dnstwist
//! `Fuzzer._bitsquatting`.

use super::{Candidates, Target};

fn allowed(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let mut chars = target.chars.clone();
    for at in 0..chars.len() {
        let original = chars[at];
        for bit in 0..8 {
            let Some(flipped) = char::from_u32(u32::from(original) ^ (1 << bit)) else {
                continue;
            };
            if allowed(flipped) {
                chars[at] = flipped;
                out.label_chars(&chars);
            }
        }
        chars[at] = original;
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn flips_one_bit() {
        let labels = labels_of(Fuzzer::Bitsquatting, "go");
        // g (0x67) flips to f, e, c, o, w; o (0x6f) to n, m, k, g, '/', O (the last two dropped).
        for expected in ["fo", "eo", "co", "oo", "wo", "gn", "gm", "gk", "gg"] {
            assert!(labels.contains(&expected.to_owned()), "{expected}");
        }
        assert!(
            labels
                .iter()
                .all(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        );
    }
}
