//! Locky (first DGA): multiply-and-rotate hashing of the date and a sample seed, 8 names per
//! two-day period.
//!
//! # What it is
//! Locky is ransomware first seen in February 2016. Its first DGA mixes the year, a seed from
//! the sample's configuration, half the day of the month and the month through repeated
//! `ror32(0xB11924E1 · x, 7)` steps (adding `0x27100001`), then for each of eight name indices
//! draws a length of 5 to 15, letters `a`–`y` and one of fourteen European and overseas ccTLDs
//! the same way. A day and the next (same `day / 2`) share the list.
//!
//! # Why it matters
//! Few names a day, ccTLD-only, widely seen in 2016 spam waves; a family whose names are
//! indistinguishable from uniform random letters but whose TLD mix is unusual.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use dnshunt_datasets::dga::{arithmetic::locky::Locky, Family};
//! let date = NaiveDate::from_ymd_opt(2016, 2, 28).unwrap_or_default();
//! let names = Locky.generate(Locky.default_seed(), date, 2);
//! assert_eq!(names, ["gegjiimqmlgtdmk.tf", "pccibcjncnhjn.yt"]);
//! ```
//!
//! # Known limits
//! The malware only has eight names (six for the seed-0 sample) per period; asking for more
//! continues with the following periods (the next dates whose `day / 2`, month or year differ),
//! so the output stays distinct. Seeds from the reference: 62 (default), 75, 9, 7, 660, 555, and
//! 0, for which the known sample rotates by 5 and has six names per period; that pairing is
//! applied whenever `seed` is 0. Only the low 32 bits of `seed` are used. The later Locky DGA
//! (with its seven-round year loop and other TLDs) is not implemented.
//!
//! # References
//! Johannes Bader's reference implementation `locky/dga.py` (configurations and TLD list) and
//! example list `locky/example_domains.txt` (seed 62, 2016-02-28; the golden test matches it)
//! in the public repository `baderj/domain_generation_algorithms`; public reimplementations
//! credit Forcepoint's 2016 reverse engineering of the algorithm.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// The Locky DGA (first version).
#[derive(Debug, Clone, Copy, Default)]
pub struct Locky;

const TLDS: [&str; 14] = [
    "ru", "pw", "eu", "in", "yt", "pm", "us", "fr", "de", "it", "be", "uk", "nl", "tf",
];
const MULTIPLIER: u32 = 0xB119_24E1;
const ADDEND: u32 = 0x2710_0001;

struct Config {
    seed: u32,
    shift: u32,
    per_period: u32,
}

impl Config {
    fn new(seed: u32) -> Self {
        if seed == 0 {
            Self {
                seed,
                shift: 5,
                per_period: 6,
            }
        } else {
            Self {
                seed,
                shift: 7,
                per_period: 8,
            }
        }
    }

    fn scramble(&self, value: u32) -> u32 {
        MULTIPLIER.wrapping_mul(value).rotate_right(self.shift)
    }

    fn domain(&self, date: NaiveDate, index: u32) -> String {
        let mut t = self.scramble((date.year() as u32).wrapping_add(0x1BF5));
        if self.seed != 0 {
            t = self.scramble(t.wrapping_add(self.seed).wrapping_add(ADDEND));
        }
        t = self.scramble(t.wrapping_add(date.day() / 2).wrapping_add(ADDEND));
        t = self.scramble(t.wrapping_add(date.month()).wrapping_add(0x2709_A354));
        let number = (index % self.per_period).rotate_left(21);
        let seed = self.seed.rotate_left(17);
        let mut r = self
            .scramble(
                number
                    .wrapping_add(t)
                    .wrapping_add(seed)
                    .wrapping_add(ADDEND),
            )
            .wrapping_add(ADDEND);
        let length = r % 11 + 5;
        let mut name = String::with_capacity(length as usize + 3);
        for i in 0..length {
            r = self.scramble(r.rotate_left(i)).wrapping_add(ADDEND);
            name.push(char::from(b'a' + (r % 25) as u8));
        }
        r = self.scramble(r).wrapping_add(ADDEND);
        name.push('.');
        name.push_str(TLDS[(r % TLDS.len() as u32) as usize]);
        name
    }
}

/// The first date after `date` that falls in another two-day period.
fn next_period(date: NaiveDate) -> NaiveDate {
    let key = |d: NaiveDate| (d.year(), d.month(), d.day() / 2);
    let mut next = date;
    loop {
        next = next.succ_opt().unwrap_or(NaiveDate::MIN);
        if key(next) != key(date) {
            return next;
        }
    }
}

impl Family for Locky {
    fn name(&self) -> &'static str {
        "locky"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        62
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let config = Config::new(seed as u32);
        let mut names = Vec::with_capacity(count);
        let mut day = date;
        while names.len() < count {
            for index in 0..config.per_period {
                if names.len() == count {
                    break;
                }
                names.push(config.domain(day, index));
            }
            day = next_period(day);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        let date = NaiveDate::from_ymd_opt(2016, 2, 28).unwrap();
        let expected = [
            "gegjiimqmlgtdmk.tf",
            "pccibcjncnhjn.yt",
            "rddipikmrap.us",
            "mmhmkqfc.be",
            "vkcims.pm",
            "qtysmobytagnrv.it",
            "suhpqiumpjsv.ru",
            "cscffbwbhs.uk",
        ];
        assert_eq!(Locky.generate(62, date, 8), expected);
        let leap_day = NaiveDate::from_ymd_opt(2016, 2, 29).unwrap();
        assert_eq!(Locky.generate(62, leap_day, 8), expected);
    }

    #[test]
    fn continues_with_the_next_period_and_the_seed_zero_sample() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Locky.generate(62, date, 10);
        assert_eq!(names[..2], ["pdreujbauitheb.pw", "dpjywqxcyia.pm"]);
        assert_eq!(names[7], "pyqhsdoo.be");
        assert_eq!(names[8..], ["bkblffg.in", "oprckuvyvgilgvo.pm"]);
        assert_eq!(
            Locky.generate(0, date, 3),
            ["lxfbmijhn.de", "dnxfsfjw.de", "qduocnlwglg.pw"]
        );
    }
}
