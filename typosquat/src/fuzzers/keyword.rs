//! `keyword` (ours): the brand joined to a word phishing pages use (`login`, `secure`,
//! `verify`), before or after, with or without a hyphen.
//!
//! Why it matters: `paypal-login.com` and `secure-paypal.com` are the commonest phishing names.
//! Example: `paypal` → `paypal-login`, `securepaypal`.
//! Known limits: keywords from `data/keywords.txt`; one keyword per name.
//! References: phishing feeds' recurring tokens (the `OpenPhish` and `PhishTank` feeds).

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, keywords: &[String], out: &mut Candidates) {
    let label = target.label.as_str();
    for keyword in keywords {
        out.label(&format!("{label}-{keyword}"));
        out.label(&format!("{label}{keyword}"));
        out.label(&format!("{keyword}-{label}"));
        out.label(&format!("{keyword}{label}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn brand_and_keyword() {
        let labels = labels_of(Fuzzer::Keyword, "paypal");
        for expected in [
            "paypal-login",
            "securepaypal",
            "secure-paypal",
            "paypalverify",
        ] {
            assert!(labels.contains(&expected.to_owned()), "{expected}");
        }
    }
}
