//! Padcrypt, a 2016 ransomware whose command-and-control names are mapped SHA-256 digests.
//!
//! # What it is
//!
//! Padcrypt (noted in 2016 as the first ransomware with a live-support chat) hashes the string
//! `"{day}-{month}-{year}{separator}{index}"` (no zero padding) with SHA-256. Hex characters 3 to
//! 18 of the digest become the 16-character label, with each decimal digit replaced through the
//! table `abcdnfolmk`; the last hex digit picks the TLD from `com`, `co.uk`, `de`, `org`, `net`,
//! `eu`, `info`, `online`, `co`, `cc`, `website` (falling back to `com` when out of range).
//!
//! # Why it matters
//!
//! The labels use only the letters `a`–`f`, `k`, `l`, `m`, `n`, `o`: a tiny alphabet that a model
//! keyed on bigram rarity sees very differently from full-alphabet hash DGAs, and the TLD mix
//! includes a second-level public suffix (`co.uk`).
//!
//! # Example
//!
//! With the default seed on 2024-03-15 the first two names are `dkmcacmdclfdbbfl.org` and
//! `dflbeaodllkckfdb.cc`.
//!
//! # Known limits
//!
//! Two versions are known, differing only in the separator: `:` in 2.2.86.1 (24 names a day)
//! and `|` in 2.2.97.0 (72 a day). The seed is the separator's ASCII code (low byte of `seed`):
//! [`Family::default_seed`] is `0x3a` (`:`), and `0x7c` (`|`) gives the later version. Counts
//! beyond the daily quota continue the index.
//!
//! # References
//!
//! - Johannes Bader, "The DGA of Padcrypt" (johannesbader.ch, March 2016) and `padcrypt/dga.py`
//!   in the public repository `baderj/domain_generation_algorithms`; the tests also reproduce
//!   the published 6 March 2016 list in its `example_domains.txt`.
//! - Bleeping Computer, "Padcrypt: the first ransomware with live support chat" (2016).

use chrono::{Datelike, NaiveDate};

use super::digest::{hex, sha256};
use crate::dga::{Family, Style};

/// Top-level domains indexed by the digest's last hex digit.
const TLDS: [&str; 11] = [
    "com", "co.uk", "de", "org", "net", "eu", "info", "online", "co", "cc", "website",
];

/// Replacement letter for each decimal digit of the digest.
const DIGIT_MAP: &[u8; 10] = b"abcdnfolmk";

/// The Padcrypt DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct PadCrypt;

impl PadCrypt {
    fn domain(separator: char, date: NaiveDate, index: usize) -> String {
        let input = format!(
            "{}-{}-{}{separator}{index}",
            date.day(),
            date.month(),
            date.year()
        );
        let digest = hex(&sha256(input.as_bytes()));
        let mut name: String = digest
            .bytes()
            .skip(3)
            .take(16)
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from(DIGIT_MAP[usize::from(c - b'0')])
                } else {
                    char::from(c)
                }
            })
            .collect();
        let tld_index = digest
            .chars()
            .last()
            .and_then(|c| c.to_digit(16))
            .map_or(0, |d| d as usize);
        name.push('.');
        name.push_str(TLDS.get(tld_index).copied().unwrap_or(TLDS[0]));
        name
    }
}

impl Family for PadCrypt {
    fn name(&self) -> &'static str {
        "padcrypt"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        u64::from(b':')
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let separator = char::from(seed as u8);
        (0..count)
            .map(|index| Self::domain(separator, date, index))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_v2_2_86_1_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = PadCrypt.generate(PadCrypt.default_seed(), date, 8);
        assert_eq!(
            names,
            [
                "dkmcacmdclfdbbfl.org",
                "dflbeaodllkckfdb.cc",
                "ndakclndkkddcacb.com",
                "mcmfadndakckclne.de",
                "cflcccmcldcccbdd.eu",
                "caacdkldccbbfnmb.com",
                "blfkaockdcbdoloc.website",
                "ffcaebcellalabdm.co.uk",
            ]
        );
    }

    #[test]
    fn matches_reference_v2_2_97_0_for_2024_03_15() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = PadCrypt.generate(u64::from(b'|'), date, 8);
        assert_eq!(
            names,
            [
                "bckbeemkkdbdaecf.co",
                "bmcnlnckmcmffebl.com",
                "cdlnmccobdmeenba.online",
                "cadflmdfadonddla.eu",
                "dmacnaodmlfmanlm.info",
                "fncdfcbbbbfaocfc.online",
                "fbbdbmbbcocbkdae.com",
                "bcakbdfoecmbcdck.info",
            ]
        );
    }

    #[test]
    fn matches_published_example_domains_for_2016_03_06() {
        // First names of `padcrypt/example_domains.txt` in baderj/domain_generation_algorithms,
        // the 2.2.86.1 list for 6 March 2016 from the write-up.
        let date = NaiveDate::from_ymd_opt(2016, 3, 6).unwrap();
        assert_eq!(
            PadCrypt.generate(PadCrypt.default_seed(), date, 5),
            [
                "elkfcfnacacmofdf.com",
                "mkmeeefncfnfdmbm.de",
                "ffcdcnbmmnaeddcd.com",
                "ddkfodnaadmbmofo.co.uk",
                "efneboaodnmbecoa.co",
            ]
        );
    }
}
