//! Symmi: pronounceable vowel–consonant names under `ddns.net`, seeded by the half-month.
//!
//! # What it is
//! Symmi (described in 2015) seeds Microsoft's C runtime `rand()` with
//! `10000 * (day / 16 * 100 + month) + year + 42`, so the seed changes on the 1st and the 16th of
//! each month. A name has 8–15 letters; at every even position one draw decides whether the pair
//! starts with a vowel or a consonant, and each letter is drawn from `aeiou` or
//! `bcdfghklmnpqrstvwx` (the reference's last entries, `y` and `z`, are never reached because the
//! draw is taken modulo the list length minus one). Names are third-level labels under the dynamic
//! DNS zone `ddns.net`.
//!
//! # Why it matters
//! Alternating vowels and consonants make the labels pronounceable, which defeats simple
//! consonant-run and entropy features; and the registered domain is a legitimate dynamic-DNS
//! service, so only the third label is malicious.
//!
//! # Example
//! On 2015-08-16 the first two names are `ogovugtuipawi.ddns.net` and `afowkaupbabe.ddns.net`.
//!
//! # Known limits
//! `seed` is the constant added to the seed (42 in the analysed sample, the default); only its low
//! 32 bits are used. The malware makes 64 names per half-month; asking for more keeps drawing from
//! the generator.
//!
//! # References
//! Johannes Bader, "The DGA of Symmi" (johannesbader.ch, 2015-01), with the reference implementation
//! `symmi/dga.py` and example list `symmi/example_domains.txt` (the golden test matches it for the
//! second half of August 2015) in the public repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use super::MsvcRand;
use crate::dga::{Family, Style};

/// The two letter classes; a letter is drawn modulo the class length minus one.
const CLASSES: [&[u8]; 2] = [b"aeiouy", b"bcdfghklmnpqrstvwxz"];

/// Parent zone of every name.
const ZONE: &str = "ddns.net";

const MIN_LENGTH: u32 = 8;
const MAX_LENGTH: u32 = 15;

/// The Symmi DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Symmi;

fn label(rand: &mut MsvcRand, length: u32) -> String {
    let mut label = String::with_capacity(length as usize);
    let mut start_class = 0;
    for position in 0..length {
        if position % 2 == 0 {
            start_class = u32::from(rand.next() & 0x100 != 0);
        }
        let draw = rand.next();
        let class = CLASSES[((start_class + position) % 2) as usize];
        let index = draw as usize % (class.len() - 1);
        label.push(char::from(class[index]));
    }
    label
}

impl Family for Symmi {
    fn name(&self) -> &'static str {
        "symmi"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        42
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let period = (date.day() / 16 * 100 + date.month()).wrapping_mul(10_000);
        let state = period
            .wrapping_add(date.year() as u32)
            .wrapping_add(seed as u32);
        let mut rand = MsvcRand::new(state);
        (0..count)
            .map(|_| {
                let length = MIN_LENGTH + rand.next() % (MAX_LENGTH - MIN_LENGTH + 1);
                format!("{}.{ZONE}", label(&mut rand, length))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `symmi/example_domains.txt` in baderj/domain_generation_algorithms (64 names); any day
        // from the 16th to the 31st of August 2015 reproduces it.
        let date = NaiveDate::from_ymd_opt(2015, 8, 16).unwrap();
        let names = Symmi.generate(42, date, 64);
        assert_eq!(
            names[..6],
            [
                "ogovugtuipawi.ddns.net",
                "afowkaupbabe.ddns.net",
                "ipkureleakm.ddns.net",
                "hegiruqo.ddns.net",
                "luimreim.ddns.net",
                "tiakqukoahuvu.ddns.net",
            ]
        );
        assert_eq!(names[63], "oftuconuu.ddns.net");
        let month_end = NaiveDate::from_ymd_opt(2015, 8, 31).unwrap();
        assert_eq!(Symmi.generate(42, month_end, 64), names);
    }

    #[test]
    fn golden_matches_reference_for_other_periods_and_seeds() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2015, 8, 16).unwrap();
        assert_eq!(
            Symmi.generate(42, date, 66)[64..],
            ["wourulxibikivul.ddns.net", "onaginepli.ddns.net"]
        );
        let first_half = NaiveDate::from_ymd_opt(2015, 8, 15).unwrap();
        assert_eq!(
            Symmi.generate(42, first_half, 2),
            ["edehgogoep.ddns.net", "uciluswaaqnieb.ddns.net"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Symmi.generate(7, date, 3),
            [
                "axliotaxrucaco.ddns.net",
                "kuxekutalu.ddns.net",
                "qeumwoseersu.ddns.net",
            ]
        );
    }
}
