//! Banjori (also called Multibanker 2 or Bankpatch): rewrites the first four letters of a seed domain.
//!
//! # What it is
//! Banjori is a banking trojan seen from 2013 on. Its DGA keeps a hard-coded seed domain and
//! derives each next domain from the previous one by recomputing only the first four letters
//! with small additions folded back into `a`–`z`; the rest of the name and the TLD never change.
//! The sequence does not depend on the date.
//!
//! # Why it matters
//! Most of each name is a long, pronounceable, fixed suffix (`…estnessbiophysicalohax.com`), so
//! whole-name character statistics look benign; only the four-letter prefix is random. It is a
//! useful check that a model does not simply learn "long dictionary-like name means benign".
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::banjori::Banjori, Family};
//! let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
//! let names = Banjori.generate(Banjori.default_seed(), date, 2);
//! assert_eq!(names, ["earnestnessbiophysicalohax.com", "kwtoestnessbiophysicalohax.com"]);
//! ```
//!
//! # Known limits
//! Only the widely published seed domain `earnestnessbiophysicalohax.com` is built in; the
//! `seed` argument is ignored (other samples used other seed domains). The date is ignored, as
//! in the malware. The seed domain itself is the first name emitted.
//!
//! # References
//! Johannes Bader's public reference implementation, repository
//! `baderj/domain_generation_algorithms`, file `banjori/dga.py`, and his blog post on the
//! Banjori DGA (johannesbader.ch, 2015).

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The seed domain of the samples described publicly.
const SEED_DOMAIN: &str = "earnestnessbiophysicalohax.com";

/// The Banjori DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Banjori;

/// Folds a sum of character codes back into `a`–`z`.
fn fold(value: u32) -> u8 {
    b'a' + ((value - u32::from(b'a')) % 26) as u8
}

fn next_domain(domain: &mut [u8]) {
    if let [c0, c1, c2, c3, ..] = domain {
        let (a, b, c, d) = (
            u32::from(*c0),
            u32::from(*c1),
            u32::from(*c2),
            u32::from(*c3),
        );
        let a = fold(a + d);
        let b = fold(u32::from(a) + 2 * b);
        let c = fold(u32::from(a) + c - 1);
        let d = fold(u32::from(b) + u32::from(c) + d);
        *c0 = a;
        *c1 = b;
        *c2 = c;
        *c3 = d;
    }
}

impl Family for Banjori {
    fn name(&self) -> &'static str {
        "banjori"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut domain = SEED_DOMAIN.as_bytes().to_vec();
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            names.push(String::from_utf8_lossy(&domain).into_owned());
            next_domain(&mut domain);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_reference_implementation() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Banjori.generate(0, date, 8);
        assert_eq!(
            names,
            [
                "earnestnessbiophysicalohax.com",
                "kwtoestnessbiophysicalohax.com",
                "rvcxestnessbiophysicalohax.com",
                "hjbtestnessbiophysicalohax.com",
                "txmoestnessbiophysicalohax.com",
                "agekestnessbiophysicalohax.com",
                "dbzwestnessbiophysicalohax.com",
                "sgjxestnessbiophysicalohax.com",
            ]
        );
    }
}
