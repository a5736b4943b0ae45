//! `dictionary`: a word from the dictionary joined before or after the label, with or without a
//! hyphen; in a hyphenated label, also swapped for the first or the last part.
//!
//! Why it matters: `google-support.com`, `mygoogle.com` look official.
//! Example: `google` → `google-login`, `googlelogin`, `login-google`, `logingoogle`.
//! Known limits: one word per name; the word list is `data/dictionary.txt` unless the caller
//! gives another (dnstwist's `--dictionary`).
//! References: dnstwist `Fuzzer._dictionary`.

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, words: &[String], out: &mut Candidates) {
    let label = target.label.as_str();
    for word in words {
        if label.starts_with(word.as_str()) && label.ends_with(word.as_str()) {
            continue;
        }
        out.label(&format!("{label}-{word}"));
        out.label(&format!("{label}{word}"));
        out.label(&format!("{word}-{label}"));
        out.label(&format!("{word}{label}"));
    }
    if let (Some((head, _)), Some((_, tail))) = (label.rsplit_once('-'), label.split_once('-')) {
        for word in words {
            out.label(&format!("{head}-{word}"));
            out.label(&format!("{word}-{tail}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Data;
    use crate::fuzzers::Target;

    #[test]
    fn joins_words() {
        let target = Target::new("", "my-bank", "com");
        let mut out = Candidates::for_target(&target);
        generate(&target, &["web".to_owned()], &mut out);
        let mut names: Vec<String> = out.drain().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "my-bank-web.com",
                "my-bankweb.com",
                "my-web.com",
                "web-bank.com",
                "web-my-bank.com",
                "webmy-bank.com"
            ]
        );
        assert!(!Data::builtin().unwrap().dictionary.is_empty());
    }
}
