//! `addition`: one character (`0`-`9`, `a`-`z`) appended to the label, and, in a hyphenated
//! label, appended to each hyphen-separated part but the last.
//!
//! Why it matters: a stray key at the end of a word is the most common slip (`googlee.com`).
//! Example: `google` → `googlea`, `google1`; `my-bank` → `myx-bank`.
//! Known limits: characters are added at the end of parts only; mid-word slips are `insertion`.
//! References: dnstwist `Fuzzer._addition`.

use super::{Candidates, Target};

const ADDED: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let label = &target.label;
    let parts: Vec<&str> = label.split('-').collect();
    let mut buffer = String::with_capacity(label.len() + 1);
    for &added in ADDED {
        for cut in 1..parts.len() {
            buffer.clear();
            buffer.push_str(&parts[..cut].join("-"));
            buffer.push(char::from(added));
            buffer.push('-');
            buffer.push_str(&parts[cut..].join("-"));
            out.label(&buffer);
        }
        buffer.clear();
        buffer.push_str(label);
        buffer.push(char::from(added));
        out.label(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn appends_to_the_label_and_to_parts() {
        let labels = labels_of(Fuzzer::Addition, "ab-c");
        assert_eq!(labels.len(), 72);
        assert!(labels.contains(&"ab-cz".to_owned()));
        assert!(labels.contains(&"ab0-c".to_owned()));
        assert!(labels_of(Fuzzer::Addition, "google").contains(&"googlee".to_owned()));
    }
}
