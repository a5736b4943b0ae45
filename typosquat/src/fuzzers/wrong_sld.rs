//! `wrong-sld` (ours): a second-level label that does not belong: inserted before the suffix
//! (`paypal.co.com`, `paypal.com.com`) or, for a two-label suffix, swapped for another
//! (`google.com.uk` for `google.co.uk`).
//!
//! Why it matters: `paypal.co.com` reads as the brand's own; the registered domain is `co.com`.
//! Example: `paypal.com` → `paypal.co.com`, `paypal.net.com`.
//! Known limits: labels from `data/second_level.txt`.
//! References: analyst practice; the suffix shapes of the public suffix list.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let (sub, label, tld) = (
        target.subdomain.as_str(),
        target.label.as_str(),
        target.tld.as_str(),
    );
    let (first, rest) = tld.split_once('.').unwrap_or((tld, ""));
    for sld in &data.second_level {
        out.parts(&[sub, label, sld, tld]);
        if !rest.is_empty() && sld != first {
            out.parts(&[sub, label, sld, rest]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_second_levels() {
        let data = Data::builtin().unwrap();
        let target = Target::new("", "google", "co.uk");
        let mut out = Candidates::for_target(&target);
        generate(&target, data, &mut out);
        let names: Vec<String> = out.drain().collect();
        assert!(names.contains(&"google.com.uk".to_owned()));
        assert!(names.contains(&"google.com.co.uk".to_owned()));
        assert!(!names.contains(&"google.co.uk".to_owned()));
    }
}
