//! Sharkbot: the first 16 hex digits of an MD5 of a TLD and the week number, one name per TLD.
//!
//! # What it is
//! Sharkbot is an Android banking trojan first reported in 2021. Its DGA makes one name per TLD
//! and week: for each of seven TLDs it hashes the string `"{tld}{week}{year}"` (the TLD with its
//! dot, the ISO week number without padding and the calendar year) with MD5 and keeps the first
//! 16 hexadecimal digits as the label. Version 2.1 of the malware leaves the year out of the hash.
//!
//! # Why it matters
//! Hex labels of fixed length, under newer generic TLDs (`live`, `store`, `xyz`), from a mobile
//! family: only seven names a week, so in DNS logs it appears as a trickle, not a burst.
//!
//! # Example
//! On 2022-05-09 (week 19) the first two names are `64f30398ecda3bbf.xyz` and
//! `f008fc473fddedc4.live`.
//!
//! # Known limits
//! `seed` selects the version modulo 2: 0 is version 2.8 (the default, with the year), 1 is
//! version 2.1 (without it). The older base64-based versions 0.0 and 1.63 are not implemented.
//! The malware makes 7 names a week; asking for more continues with the following weeks (the
//! dates 7, 14, ... days later). As in the reference, the week is the ISO week while the year is
//! the calendar year, so the first days of January can carry week 52 or 53 with the new year.
//!
//! # References
//! Johannes Bader's reference implementation `sharkbot/dga.py` and example list
//! `sharkbot/example_domains.txt` (version 2.8, 2022-05-09; the golden test matches it) in the
//! public repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, Days, NaiveDate};

use super::digest::{hex, md5};
use crate::dga::{Family, Style};

/// TLDs, one name each per week, with the leading dot the hash input includes.
const TLDS: [&str; 7] = [".xyz", ".live", ".com", ".store", ".info", ".top", ".net"];

/// Hex digits per label.
const LENGTH: usize = 16;

/// The Sharkbot DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct SharkBot;

fn week_names(date: NaiveDate, with_year: bool, names: &mut Vec<String>, count: usize) {
    let week = date.iso_week().week();
    for tld in TLDS {
        if names.len() == count {
            return;
        }
        let input = if with_year {
            format!("{tld}{week}{}", date.year())
        } else {
            format!("{tld}{week}")
        };
        let mut name = hex(&md5(input.as_bytes()));
        name.truncate(LENGTH);
        name.push_str(tld);
        names.push(name);
    }
}

impl Family for SharkBot {
    fn name(&self) -> &'static str {
        "sharkbot"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let with_year = seed.is_multiple_of(2);
        let mut names = Vec::with_capacity(count);
        let mut day = date;
        while names.len() < count {
            week_names(day, with_year, &mut names, count);
            // Past the last representable date, repeat it rather than stop short of `count`.
            day = day.checked_add_days(Days::new(7)).unwrap_or(day);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `sharkbot/example_domains.txt` in baderj/domain_generation_algorithms (version 2.8).
        let date = NaiveDate::from_ymd_opt(2022, 5, 9).unwrap();
        let expected = [
            "64f30398ecda3bbf.xyz",
            "f008fc473fddedc4.live",
            "cfbadaf0cd7b0ac3.com",
            "b8d28386413029fe.store",
            "99c485497c079a09.info",
            "6d54b683fc2cc58f.top",
            "abb7547058fef9fb.net",
        ];
        assert_eq!(SharkBot.generate(0, date, 7), expected);
        let sunday = NaiveDate::from_ymd_opt(2022, 5, 15).unwrap();
        assert_eq!(SharkBot.generate(0, sunday, 7), expected);
    }

    #[test]
    fn golden_matches_reference_for_later_weeks_and_year_starts() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2022, 5, 9).unwrap();
        assert_eq!(
            SharkBot.generate(0, date, 9)[7..],
            ["11358f75eef6ac5c.xyz", "efd891f0563d5eca.live"]
        );
        // Version 2.1: md5 of the TLD and week only.
        assert_eq!(
            SharkBot.generate(1, date, 2),
            ["66300d872f8568f0.xyz", "f3eac8de096e59ca.live"]
        );
        let new_year = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        assert_eq!(SharkBot.generate(0, new_year, 1), ["2e846be1161f2cbd.xyz"]);
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            SharkBot.generate(0, date, 2),
            ["ee4227d72075e894.xyz", "688a17a43bafc584.live"]
        );
    }
}
