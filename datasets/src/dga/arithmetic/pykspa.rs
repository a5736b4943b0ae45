//! Pykspa (precursor variant): squaring generator seeded by the two-day period since the epoch.
//!
//! # What it is
//! Pykspa is a worm spreading over Skype (2013 on). Its precursor DGA seeds a 32-bit value with
//! the number of whole two-day periods since 1970-01-01, then for each name squares it and adds
//! the name's index (mod 2^32). Length (6 to 15) and one of six TLDs come from that value, and
//! each letter from a mix of remainders (`r mod 4567`, `mod 19`, `mod 123456`, `mod 5`) with the
//! value shifted right by an amount that grows with the position — so later letters often repeat
//! a fixed tail (`…nansnan`, `…dsholapet`).
//!
//! # Why it matters
//! Many names share recurring pseudo-syllable tails, unlike uniform generators; a family that
//! rewards n-gram features and punishes single-character statistics.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::pykspa::Pykspa, Family};
//! let date = NaiveDate::from_ymd_opt(2015, 8, 31).unwrap_or_default();
//! let names = Pykspa.generate(Pykspa.default_seed(), date, 2);
//! assert_eq!(names, ["llfwhgn.com", "guqqkaiq.biz"]);
//! ```
//!
//! # Known limits
//! The seed comes from the date alone (midnight UTC of `date`; the malware uses local time), so
//! `seed` is ignored and the default is 0. Only the precursor DGA is implemented, not the
//! "improved" Pykspa DGA with its seed tables and noise domains. The reference lists 5000 names
//! per period; asking for more keeps counting.
//!
//! # References
//! Johannes Bader's reference implementation `pykspa/precursor/dga.py` and example list
//! `pykspa/precursor/example_domains.txt` (period starting 2015-08-31; the golden test matches
//! it) in the public repository `baderj/domain_generation_algorithms`, and his blog post on
//! Pykspa's DGAs (johannesbader.ch, 2015).

use chrono::{NaiveDate, NaiveTime};

use crate::dga::{Family, Style};

/// The Pykspa precursor DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pykspa;

const TLDS: [&str; 6] = ["biz", "com", "net", "org", "info", "cc"];

fn second_level(length: u32, mut state: u32) -> String {
    let mut offset = length * length;
    let mut label = String::with_capacity(length as usize);
    for i in 0..length {
        let spread = i.wrapping_mul(state % 4567 + state % 19);
        let mixed = (state % 5)
            .wrapping_add(state % 123_456)
            .wrapping_add(spread);
        let index = offset.wrapping_add(state.wrapping_mul(mixed));
        label.push(char::from(b'a' + (index % 26) as u8));
        state = state.wrapping_add(i);
        state >>= (i * i) & 0xFF & 31;
        offset = offset.wrapping_add(length);
    }
    label
}

impl Family for Pykspa {
    fn name(&self) -> &'static str {
        "pykspa"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let timestamp = date.and_time(NaiveTime::MIN).and_utc().timestamp();
        let mut r = timestamp.div_euclid(2 * 24 * 3600) as u32;
        let mut names = Vec::with_capacity(count);
        for index in 0..count {
            r = r.wrapping_mul(r).wrapping_add(index as u32);
            let length = r % 10 + 6;
            let tld = TLDS[(r % 6) as usize];
            names.push(format!("{}.{tld}", second_level(length, r)));
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2015, 8, 31).unwrap();
        let names = Pykspa.generate(0, date, 8);
        assert_eq!(
            names,
            [
                "llfwhgn.com",
                "guqqkaiq.biz",
                "wctymo.net",
                "lovfjsfox.com",
                "oruhbanansnan.cc",
                "mkncjk.biz",
                "yunonsuiwcymao.net",
                "yxpojufqbex.com",
            ]
        );
        let next_day = NaiveDate::from_ymd_opt(2015, 9, 1).unwrap();
        assert_eq!(Pykspa.generate(0, next_day, 8), names);
    }
}
