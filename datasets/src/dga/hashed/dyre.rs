//! Dyre (Dyreza), a 2014–2016 banking trojan whose fallback names are SHA-256 hex digests.
//!
//! # What it is
//!
//! For each index `i` Dyre hashes the ASCII string `"{YYYY-MM-DD}{i}"` (the date zero-padded,
//! the index in decimal) with SHA-256 and keeps hex characters 3 to 35 (33 characters). The label
//! is a letter cycling through the alphabet with the index (`'a' + i mod 26`) followed by those
//! 33 hex characters, and the TLD cycles through `cc`, `ws`, `to`, `in`, `hk`, `cn`, `tk`, `so`
//! (`i mod 8`).
//!
//! # Why it matters
//!
//! The 34-character labels are pure hex after the first letter: long, high-entropy and easy for a
//! lexical model — but they sit on country-code TLDs that benign hex-looking names (CDN and
//! cloud hostnames) rarely use, so the TLD feature carries real signal here.
//!
//! # Example
//!
//! On 2024-03-15 the first two names are `aacb070612f2e8e7be9532827749443e39.cc` and
//! `b2749ab44a484930c65737a36835516f50.ws`.
//!
//! # Known limits
//!
//! Dyre has no configurable seed: `seed` is ignored and [`Family::default_seed`] is 0. The
//! number of names the malware tries per day is not modelled; larger counts simply continue the
//! index. Dates are formatted with four-digit years (years outside 0–9999 are not meaningful).
//!
//! # References
//!
//! - A public Python reimplementation ("dyre dga domain generate function", author "Yhk") found
//!   through the code search; no canonical repository name was recoverable for it.
//! - Hongliang Liu and Yuriy Yuzifovich, "A Death Match of Domain Generation Algorithms"
//!   (Akamai blog, December 2017): six Dyre names observed in live DNS traffic, which this
//!   implementation reproduces exactly as indices 305–310 of 2017-10-24 (see the tests).
//! - Johannes Bader's Padcrypt write-up lists Dyre among the SHA-256 hash DGAs.

use chrono::NaiveDate;

use super::digest::{hex, sha256};
use crate::dga::{Family, Style};

/// Top-level domains, cycled by index.
const TLDS: [&str; 8] = ["cc", "ws", "to", "in", "hk", "cn", "tk", "so"];

/// The Dyre DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dyre;

impl Dyre {
    fn domain(day: &str, index: usize) -> String {
        let digest = hex(&sha256(format!("{day}{index}").as_bytes()));
        let mut name = String::with_capacity(40);
        name.push(char::from(b'a' + (index % 26) as u8));
        name.push_str(digest.get(3..36).unwrap_or_default());
        name.push('.');
        name.push_str(TLDS[index % TLDS.len()]);
        name
    }
}

impl Family for Dyre {
    fn name(&self) -> &'static str {
        "dyre"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let day = date.format("%Y-%m-%d").to_string();
        (0..count).map(|index| Self::domain(&day, index)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_eq!(
            Dyre.generate(0, date, 8),
            [
                "aacb070612f2e8e7be9532827749443e39.cc",
                "b2749ab44a484930c65737a36835516f50.ws",
                "c85045898678e631d05b1e39009730bda0.to",
                "dda4d1f3610376cf086df2b4f184ff8254.in",
                "e319de4b662da502c2a410275d60908274.hk",
                "fe7e27d95fde6fddaecebe00da053fdfbe.cn",
                "g2d9ca80ed74102926b5763e7e85aa68a6.tk",
                "h2493fb101d968914bfedd5decd100856f.so",
            ]
        );
    }

    #[test]
    fn reproduces_names_akamai_observed_in_live_traffic() {
        // The six Dyre names quoted in Akamai's "A Death Match of Domain Generation Algorithms"
        // are indices 305-310 of 24 October 2017.
        let date = NaiveDate::from_ymd_opt(2017, 10, 24).unwrap();
        let names = Dyre.generate(0, date, 311);
        assert_eq!(names.len(), 311);
        assert_eq!(
            &names[305..],
            [
                "t3622c4773260c097e2e9b26705212ab85.ws",
                "u83ccf36d9f02e9ea79a9d16c0336677e4.to",
                "v02bec0c090508bc76b3ea81dfc2198a71.in",
                "wa9e4628c334324e181e40f33f878c153f.hk",
                "xdcc5481252db5f38d5fc18c9ad3b2f7fd.cn",
                "yf32d9ac7f0a9f463e8da4736b12d7044a.tk",
            ]
        );
    }
}
