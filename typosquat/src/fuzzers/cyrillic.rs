//! `cyrillic`: every Latin letter replaced by its Cyrillic look-alike, produced only when every
//! character of the label has one (a whole-script confusable, which browsers display in Unicode).
//!
//! Why it matters: `аррӏе.com` in Cyrillic looks exactly like `apple.com`.
//! Example: `google` → `ԍооԍӏе` (`xn--...`).
//! Known limits: labels with digits, hyphens or letters without a Cyrillic twin (`f`, `n`, `r`,
//! `u`, `z`) give nothing; mixed-script variants are the `homoglyph` fuzzer's job.
//! References: UTS 39 whole-script confusables; dnstwist `Fuzzer._cyrillic`.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let converted: Option<String> = target
        .chars
        .iter()
        .map(|c| {
            data.cyrillic
                .iter()
                .find(|(latin, _)| latin == c)
                .map(|(_, cyrillic)| *cyrillic)
        })
        .collect();
    if let Some(label) = converted {
        out.label(&label);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn whole_label_or_nothing() {
        assert_eq!(labels_of(Fuzzer::Cyrillic, "google"), ["ԍооԍӏе"]);
        assert!(labels_of(Fuzzer::Cyrillic, "amazon").is_empty());
    }
}
