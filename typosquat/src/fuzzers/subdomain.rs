//! `subdomain`: a dot inserted inside the label, so that its start becomes a subdomain of a
//! shorter registered domain (`goo.gle.com`); not next to a hyphen or another dot.
//!
//! Why it matters: the brand still reads left to right, but `gle.com` is what gets registered.
//! Example: `google` → `g.oogle`, `goo.gle`.
//! Known limits: one dot per name.
//! References: dnstwist `Fuzzer._subdomain`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let chars = &target.chars;
    let mut buffer = Vec::with_capacity(chars.len() + 1);
    for at in 1..chars.len().saturating_sub(1) {
        if matches!(chars[at], '-' | '.') || matches!(chars[at - 1], '-' | '.') {
            continue;
        }
        buffer.clear();
        buffer.extend_from_slice(&chars[..at]);
        buffer.push('.');
        buffer.extend_from_slice(&chars[at..]);
        out.label_chars(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn splits_inside_the_label() {
        assert_eq!(labels_of(Fuzzer::Subdomain, "abcd"), ["a.bcd", "ab.cd"]);
        assert_eq!(labels_of(Fuzzer::Subdomain, "a-bcd"), ["a-b.cd"]);
    }
}
