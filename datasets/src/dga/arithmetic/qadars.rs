//! Qadars: twelve characters from a 31-bit LCG seeded with the start of the week.
//!
//! # What it is
//! Qadars is a banking trojan active from 2013 to 2016. Its DGA seeds a 31-bit linear congruential
//! generator (`r = seed - 1043968403 * r mod 2^31`, with a 16-bit per-sample seed as the addend)
//! with the Unix timestamp of the Monday 00:00 starting the current week. Every name is twelve
//! characters from `a`–`z0`–`9` (`r mod 36`) and one more draw picks one of three TLDs; the
//! samples with seeds `E1F1`, `E1F2` and `E1F5` use `com org net`, the others `net org top`.
//!
//! # Why it matters
//! Alphanumeric names with digits anywhere (also first), of one fixed length, valid for a whole
//! week: the digit mix is a feature other families in the set lack.
//!
//! # Example
//! With the default seed in the week of 2016-03-28 the first two names are `jk9enwhansl2.org` and
//! `sdqfodmf81m7.top`.
//!
//! # Known limits
//! The week starts at midnight UTC (the malware uses local time). The default seed `0x89F5` is the
//! one of the published example list; the reference implementation's default is `0xE08A`, and the
//! other known seeds are `0x4449`, `0xE1F1`, `0xE1F2` and `0xE1F5`. Only the low 31 bits of `seed`
//! matter. The malware makes 200 names a week; asking for more keeps the generator running.
//!
//! # References
//! Johannes Bader, "The DGA of Qadars" (johannesbader.ch, 2016-04), with the reference
//! implementation `qadars/dga.py` and example list `qadars/example_domains.txt` in the public
//! repository `baderj/domain_generation_algorithms`. The example list predates the per-seed TLD
//! lists and shows every seed with `com org net`; its labels are matched by the golden test.

use chrono::{NaiveDate, NaiveTime};

use crate::dga::{Family, Style};

/// Characters indexed by `r mod 36`.
const CHARSET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Seeds whose samples use [`COM_TLDS`]; all others use [`TOP_TLDS`].
const COM_SEEDS: [u32; 3] = [0xE1F1, 0xE1F2, 0xE1F5];
const COM_TLDS: [&str; 3] = ["com", "org", "net"];
const TOP_TLDS: [&str; 3] = ["net", "org", "top"];

/// Seconds in a week, and the offset that moves week boundaries from Thursday (the epoch) to
/// Monday.
const WEEK: i64 = 7 * 24 * 3600;
const MONDAY_OFFSET: i64 = 4 * 24 * 3600;

/// Characters per name.
const LENGTH: usize = 12;

/// The Qadars DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Qadars;

fn step(state: u32, seed: u32) -> u32 {
    seed.wrapping_sub(1_043_968_403u32.wrapping_mul(state)) & 0x7fff_ffff
}

impl Family for Qadars {
    fn name(&self) -> &'static str {
        "qadars"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x89F5
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let seed = seed as u32;
        let tlds = if COM_SEEDS.contains(&seed) {
            COM_TLDS
        } else {
            TOP_TLDS
        };
        let midnight = date.and_time(NaiveTime::MIN).and_utc().timestamp();
        let week_start = midnight - (midnight - MONDAY_OFFSET).rem_euclid(WEEK);
        // Only the low 31 bits of the state matter modulo 2^31, so truncating is exact.
        let mut state = week_start as u32;
        (0..count)
            .map(|_| {
                let mut name = String::with_capacity(LENGTH + 4);
                for _ in 0..LENGTH {
                    state = step(state, seed);
                    name.push(char::from(CHARSET[(state % 36) as usize]));
                }
                state = step(state, seed);
                name.push('.');
                name.push_str(tlds[(state % 3) as usize]);
                name
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_labels_match_published_examples() {
        // Labels of `qadars/example_domains.txt` in baderj/domain_generation_algorithms (seed
        // 0x89F5, week of 2016-03-28); that list was made when every seed used `com org net`.
        let monday = NaiveDate::from_ymd_opt(2016, 3, 28).unwrap();
        let names = Qadars.generate(0x89F5, monday, 200);
        let labels: Vec<&str> = names.iter().map(|n| &n[..LENGTH]).collect();
        assert_eq!(
            labels[..6],
            [
                "jk9enwhansl2",
                "sdqfodmf81m7",
                "5uro1uzspejk",
                "ub4hinsduf0p",
                "zs9ijo1er81u",
                "0t67c5arw9yf",
            ]
        );
        assert_eq!(labels[199], "y7wlirs9ufsd");
        let sunday = NaiveDate::from_ymd_opt(2016, 4, 3).unwrap();
        assert_eq!(Qadars.generate(0x89F5, sunday, 200), names);
    }

    #[test]
    fn golden_matches_reference_tlds_and_continues_past_200() {
        // From the current reference implementation run in a scratch directory.
        let monday = NaiveDate::from_ymd_opt(2016, 3, 28).unwrap();
        let names = Qadars.generate(0x89F5, monday, 202);
        assert_eq!(
            names[..4],
            [
                "jk9enwhansl2.org",
                "sdqfodmf81m7.top",
                "5uro1uzspejk.top",
                "ub4hinsduf0p.top",
            ]
        );
        assert_eq!(
            names[199..],
            ["y7wlirs9ufsd.net", "vspuzg9m7s9y.org", "ktu3w5a341uz.top"]
        );
        let next_monday = NaiveDate::from_ymd_opt(2016, 4, 4).unwrap();
        assert_eq!(
            Qadars.generate(0x89F5, next_monday, 1),
            ["nctqrgta7o52.top"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Qadars.generate(0xE1F2, date, 3),
            ["oa8qseg6cywy.org", "e8ukycmkmw2o.org", "omwi0a0y0mwm.com"]
        );
    }
}
