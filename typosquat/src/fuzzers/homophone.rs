//! `homophone` (ours): a spelling replaced by one that sounds alike (`ph` ↔ `f`, `mail` ↔
//! `male`, `c` ↔ `k`), one occurrence at a time.
//!
//! Why it matters: names heard on the phone or in ads are spelt by ear (`fonepay.com`).
//! Example: `phonepay` → `fonepay`; `secure` → `sekure`.
//! Known limits: English spellings only, from `data/homophones.txt`.
//! References: urlcrazy's homophone fuzzer (the idea; the list is ours).

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let label = target.label.as_str();
    for group in &data.homophones {
        for spelling in group {
            for (at, _) in label.match_indices(spelling.as_str()) {
                for other in group.iter().filter(|other| *other != spelling) {
                    let mut changed = String::with_capacity(label.len() + other.len());
                    changed.push_str(&label[..at]);
                    changed.push_str(other);
                    changed.push_str(&label[at + spelling.len()..]);
                    out.label(&changed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn sounds_alike() {
        let labels = labels_of(Fuzzer::Homophone, "phonemail");
        for expected in ["fonemail", "phonemale", "phonemayl"] {
            assert!(
                labels.contains(&expected.to_owned()),
                "{expected}: {labels:?}"
            );
        }
    }
}
