//! `dyndns` (ours): the brand as a host name under a dynamic-DNS or free-subdomain suffix
//! (`paypal.duckdns.org`, `paypal-com.ddns.net`).
//!
//! Why it matters: anyone can create such a host in a minute, for free, with no registrar
//! checks; malware and phishing kits use them heavily.
//! Example: `paypal.com` → `paypal.duckdns.org`, `paypal-com.no-ip.org`.
//! Known limits: suffixes from `data/dyndns.txt`.
//! References: the dynamic-DNS providers' own suffix lists.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let with_tld = format!("{}-{}", target.label, target.tld.replace('.', "-"));
    for suffix in &data.dyndns {
        out.parts(&[&target.label, suffix]);
        out.parts(&[&with_tld, suffix]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_as_a_host() {
        let data = Data::builtin().unwrap();
        let target = Target::new("", "paypal", "com");
        let mut out = Candidates::for_target(&target);
        generate(&target, data, &mut out);
        let names: Vec<String> = out.drain().collect();
        assert!(names.contains(&"paypal.duckdns.org".to_owned()));
        assert!(names.contains(&"paypal-com.ddns.net".to_owned()));
    }
}
