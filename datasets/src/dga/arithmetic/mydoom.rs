//! Mydoom (Novarg, Mimail.R, Shimgapi): decimal digits of an LCG output mapped onto ten letters.
//!
//! # What it is
//! Mydoom is the 2004 mass-mailing worm; later variants carry a DGA. A 32-bit linear congruential
//! generator (Numerical Recipes constants 1664525 and 1013904223) is seeded with
//! `year + month + day + magic`. Each output is written as ten decimal digits, least significant
//! first, and each digit picks a letter of `asnhreqwpm`; the lowest digit also picks the TLD
//! (`com biz us net org ws info` for 0–6, `in` for 7–9). After 50 names the generator is reseeded
//! with the magic number alone, so the rest of the list is the same every day.
//!
//! # Why it matters
//! A ten-letter alphabet gives labels with unusual letter statistics (no `i`, `o`, `t`, ...) and
//! fixed length; half of each day's names never change, so they recur in traffic for years.
//!
//! # Example
//! On 2024-03-01 with the default magic the first two names are `shenraswrn.biz` and
//! `ahnrqanmnh.com`.
//!
//! # Known limits
//! `seed` is the magic number (default `0xFA8`, the only published one); only its low 32 bits are
//! used. The reference lists 99 names a day (50 date-seeded, 49 from the magic); asking for more
//! keeps drawing from the magic-seeded generator. The date enters only through the sum of year,
//! month and day, so many dates share a list (2016-03-22 and 2016-04-21 give the same names).
//!
//! # References
//! Johannes Bader's reference implementation `mydoom/dga.py` and example list
//! `mydoom/example_domains.txt` (99 names; the golden test matches it for a date whose
//! year + month + day is 2041) in the public repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// Letters indexed by a decimal digit.
const LETTERS: &[u8; 10] = b"asnhreqwpm";

/// TLDs indexed by the lowest digit; digits 7–9 fall back to [`FALLBACK_TLD`].
const TLDS: [&str; 7] = ["com", "biz", "us", "net", "org", "ws", "info"];

/// The TLD for lowest digits outside [`TLDS`].
const FALLBACK_TLD: &str = "in";

/// Names drawn from the date-seeded generator before it is reseeded with the magic number.
const DATED_NAMES: usize = 50;

/// The Mydoom DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mydoom;

fn lcg(state: &mut u32) -> u32 {
    *state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    *state
}

fn domain(mut value: u32) -> String {
    let lowest = (value % 10) as usize;
    let mut name = String::with_capacity(16);
    for _ in 0..10 {
        name.push(char::from(LETTERS[(value % 10) as usize]));
        value /= 10;
    }
    name.push('.');
    name.push_str(TLDS.get(lowest).copied().unwrap_or(FALLBACK_TLD));
    name
}

impl Family for Mydoom {
    fn name(&self) -> &'static str {
        "mydoom"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0xFA8
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let magic = seed as u32;
        let mut state = (date.year() as u32)
            .wrapping_add(date.month())
            .wrapping_add(date.day())
            .wrapping_add(magic);
        (0..count)
            .map(|index| {
                if index == DATED_NAMES {
                    state = magic;
                }
                domain(lcg(&mut state))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `mydoom/example_domains.txt` in baderj/domain_generation_algorithms; every date whose
        // year + month + day is 2041 gives this list.
        let date = NaiveDate::from_ymd_opt(2016, 3, 22).unwrap();
        let names = Mydoom.generate(0xFA8, date, 99);
        assert_eq!(
            names[..6],
            [
                "qehspqnmrn.info",
                "mmahaesqar.in",
                "pwprhhnqqn.in",
                "mrspmramrn.in",
                "arphansaqh.com",
                "hrhspsrenn.net",
            ]
        );
        assert_eq!(
            names[49..52],
            ["mmqpshhpqs.in", "wnshehamhh.in", "remrpqpseh.org"]
        );
        assert_eq!(names[98], "empewsqsqa.ws");
        let same_sum = NaiveDate::from_ymd_opt(2016, 4, 21).unwrap();
        assert_eq!(Mydoom.generate(0xFA8, same_sum, 99), names);
    }

    #[test]
    fn the_magic_seeded_half_is_shared_across_days() {
        // From the reference implementation run in a scratch directory, 2024-03-01.
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let names = Mydoom.generate(0xFA8, date, 102);
        assert_eq!(
            names[..3],
            ["shenraswrn.biz", "ahnrqanmnh.com", "sqnerqqpah.biz"]
        );
        assert_eq!(names[49], "nrharpwphh.us");
        let published = Mydoom.generate(0xFA8, NaiveDate::from_ymd_opt(2016, 3, 22).unwrap(), 99);
        assert_eq!(names[50..99], published[50..]);
        assert_eq!(
            names[99..],
            ["pmnrrneaah.in", "mnwsnarssr.in", "rrpnmeawrs.org"]
        );
        assert_eq!(
            Mydoom.generate(0x1234, date, 3),
            ["shpnshqeeh.biz", "qnrsrrppph.info", "hwnwnqwhqa.net"]
        );
    }
}
