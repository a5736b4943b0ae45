//! `tld-swap`: the suffix replaced by each other suffix of the TLD list.
//!
//! Why it matters: `paypal.co`, `google.xyz`; cheap new TLDs are a favourite of phishers.
//! Example: `google.com` → `google.net`, `google.co.uk`.
//! Known limits: only the suffixes in `data/tlds.txt` (or the caller's list, as dnstwist's
//! `--tld`).
//! References: dnstwist `Fuzzer._tld`.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    for tld in data.tlds.iter().filter(|tld| **tld != target.tld) {
        out.parts(&[&target.subdomain, &target.label, tld]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_suffix() {
        let target = Target::new("", "google", "com");
        let mut out = Candidates::for_target(&target);
        let data = Data::builtin().unwrap();
        generate(&target, data, &mut out);
        let names: Vec<String> = out.drain().collect();
        assert_eq!(names.len(), data.tlds.len() - 1);
        assert!(names.contains(&"google.co.uk".to_owned()));
        assert!(!names.contains(&"google.com".to_owned()));
    }
}
