//! Nymaim (first DGA): an xorshift-style generator seeded by the date, letters only.
//!
//! # What it is
//! Nymaim is a dropper and ransomware family first seen in 2013. Its first DGA packs the year,
//! month, day and day of the week into one number `s`, and starts a four-word state from `s` plus
//! four ASCII constants (`"REVA"`, `"IHOL"`, `"YUH "`, `"MAV "`). Each draw shifts and xors the
//! words, and the value used is `(c + t) / 100 mod m` for the old third word `c` and the new fourth
//! word `t`. A name has 6–11 letters; its TLD (`com`, `org`, `biz`, `net`, `info`) follows from its
//! second-to-last letter.
//!
//! # Why it matters
//! Short letter-only names whose TLD is a function of the label: a detail that features mixing
//! label and TLD can pick up. This is the original Nymaim DGA, not the word-list one of 2018.
//!
//! # Example
//! On 2024-03-01 the first two names are `lrjabraf.com` and `sgxbcmybhth.net`.
//!
//! # Known limits
//! The sample has no seed: `seed` is ignored and [`Family::default_seed`] is 0. The date number
//! adds the month and day in the same bit position, so some dates share a list (2018-02-24 and
//! 2018-08-18, for instance). The reference lists 128 names a day; asking for more keeps drawing.
//! The reference zeroes the second state word when `s + "IHOL"` exceeds 32 bits, which no real
//! date reaches; it is kept for fidelity.
//!
//! # References
//! Johannes Bader's reference implementation `nymaim/dga.py` and example list
//! `nymaim/example_domains.txt` (the golden test matches it for 2018-02-24) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// The Nymaim (first) DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nymaim;

/// The four-word generator.
struct Generator {
    words: [u32; 4],
}

impl Generator {
    fn new(date: NaiveDate) -> Self {
        let s = u64::from(date.year().rem_euclid(1 << 16) as u32)
            + (u64::from(date.month()) << 16)
            + u64::from(date.weekday().num_days_from_sunday())
            + (u64::from(date.day()) << 16);
        let second = s + 0x4948_4F4C;
        Self {
            words: [
                (s + 0x5245_5641) as u32,
                u32::try_from(second).unwrap_or(0),
                (s + 0x5955_4820) as u32,
                (s + 0x4D41_5620) as u32,
            ],
        }
    }

    /// The next value below `modulus` (which is never 0 here).
    fn below(&mut self, modulus: u32) -> u32 {
        let [w0, w1, w2, w3] = self.words;
        let mixed = (w0 << 11) ^ w0;
        let t = (w3 >> 19) ^ w3 ^ mixed ^ (mixed >> 8);
        self.words = [
            w0.wrapping_add(w1),
            w1.wrapping_add(w2),
            w2.wrapping_add(w3),
            t,
        ];
        (w2.wrapping_add(t) / 100) % modulus
    }
}

fn tld(second_to_last: u8) -> &'static str {
    match second_to_last.saturating_sub(b'a') {
        0..=8 => "com",
        9..=12 => "org",
        13..=16 => "biz",
        17..=20 => "net",
        _ => "info",
    }
}

impl Family for Nymaim {
    fn name(&self) -> &'static str {
        "nymaim"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, _seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut generator = Generator::new(date);
        (0..count)
            .map(|_| {
                let length = generator.below(6) + 6;
                let label: Vec<u8> = (0..length)
                    .map(|_| b'a' + generator.below(26) as u8)
                    .collect();
                let second_to_last = label[label.len() - 2];
                let mut name = String::from_utf8_lossy(&label).into_owned();
                name.push('.');
                name.push_str(tld(second_to_last));
                name
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `nymaim/example_domains.txt` in baderj/domain_generation_algorithms (128 names); the
        // file does not name its date, 2018-02-24 is one that reproduces it.
        let date = NaiveDate::from_ymd_opt(2018, 2, 24).unwrap();
        let names = Nymaim.generate(0, date, 128);
        assert_eq!(
            names[..10],
            [
                "oftbpec.com",
                "lotmpwyk.info",
                "seikpwq.info",
                "bcfatyltdvp.info",
                "rfwstgy.com",
                "hokybhnf.biz",
                "evlovrxuw.net",
                "mtzpbzbfvy.info",
                "hacckgiakhl.com",
                "mosmeuw.net",
            ]
        );
        assert_eq!(names[127], "sbxuvrkjt.org");
        let same_number = NaiveDate::from_ymd_opt(2018, 8, 18).unwrap();
        assert_eq!(Nymaim.generate(0, same_number, 128), names);
    }

    #[test]
    fn continues_past_the_daily_list() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2018, 2, 24).unwrap();
        assert_eq!(
            Nymaim.generate(0, date, 131)[128..],
            ["qpkjopfo.com", "sgpqpmwhljx.org", "elmtyvrolt.org"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Nymaim.generate(0, date, 4),
            [
                "lrjabraf.com",
                "sgxbcmybhth.net",
                "wdnwnama.org",
                "nzehge.com"
            ]
        );
    }
}
