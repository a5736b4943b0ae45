//! `various`: suffix tricks. A two-label suffix shortened to its last label (`google.uk`) or
//! folded into the label (`googleco.uk`); a one-label suffix repeated in the label
//! (`googlecom.com`); a country suffix moved under `.com` (`google-de.com`, `googlede.com`); a
//! subdomain folded into the label (`wwwgoogle.com`, `www-google.com`).
//!
//! Why it matters: these pass a quick glance at the end of a URL.
//! Example: `google.co.uk` → `google.uk`, `googleco.uk`.
//! Known limits: exactly dnstwist's list.
//! References: dnstwist `Fuzzer.generate` (the `various` block).

use super::{Candidates, Target};

pub(super) fn generate(target: &Target, out: &mut Candidates) {
    let (sub, label, tld) = (
        target.subdomain.as_str(),
        target.label.as_str(),
        target.tld.as_str(),
    );
    let folded = format!("{label}{tld}");
    if let Some((_, last)) = tld.rsplit_once('.') {
        out.parts(&[sub, label, last]);
        out.parts(&[sub, &folded]);
    } else {
        out.parts(&[sub, &folded, tld]);
        if tld != "com" {
            out.parts(&[sub, &format!("{label}-{tld}"), "com"]);
            out.parts(&[sub, &folded, "com"]);
        }
    }
    if !sub.is_empty() {
        out.parts(&[&format!("{sub}{label}"), tld]);
        out.parts(&[&format!("{}{label}", sub.replace('.', "")), tld]);
        out.parts(&[&format!("{sub}-{label}"), tld]);
        out.parts(&[&format!("{}-{label}", sub.replace('.', "-")), tld]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sub: &str, label: &str, tld: &str) -> Vec<String> {
        let target = Target::new(sub, label, tld);
        let mut out = Candidates::for_target(&target);
        generate(&target, &mut out);
        let mut names: Vec<String> = out.drain().collect();
        names.sort();
        names
    }

    #[test]
    fn suffix_tricks() {
        assert_eq!(run("", "google", "co.uk"), ["google.uk", "googleco.uk"]);
        assert_eq!(
            run("", "google", "de"),
            ["google-de.com", "googlede.com", "googlede.de"]
        );
        assert_eq!(
            run("www", "google", "com"),
            ["www-google.com", "www.googlecom.com", "wwwgoogle.com"]
        );
    }
}
