//! DNS Changer (Alureon): ten random letters from the C runtime's `rand()`, under `.com`.
//!
//! # What it is
//! Some DNS Changer samples (the rogue-DNS trojan also tracked as Alureon; the analysed sample
//! surfaced in 2014), after pointing a victim's resolver at their own name servers, look up five
//! generated names to tell those servers that a new client is infected. Each name is ten letters, each `'a' + rand() % 26`
//! from Microsoft's C runtime generator seeded once with `srand`, followed by `.com`. The date plays
//! no part.
//!
//! # Why it matters
//! The names are never meant to be registered: they are beacons whose failed lookups reach the
//! attacker's resolvers. Fixed length and uniform letters make it the plainest arithmetic DGA.
//!
//! # Example
//! With the default seed the first two names are `aktklyvbiu.com` and `zgimjzlnrl.com`.
//!
//! # Known limits
//! The malware makes five names per run; asking for more keeps drawing from the same generator.
//! The default seed 87373 (`0x1554d`) was recovered here by searching the 32-bit seed space for
//! the seed that reproduces the published example list (all five names); it is not quoted from a
//! sample report. Only the low 31 bits of `seed` matter (bit 31 never reaches an output).
//!
//! # References
//! Johannes Bader's notes of 2016-01
//! (<https://johannesbader.ch/2016/01/the-dga-in-alureon-dnschanger/>), with the reference
//! implementation `dnschanger/dga.py` and example list `dnschanger/example_domains.txt` in the public
//! repository `baderj/domain_generation_algorithms` (the golden test matches it).

use chrono::NaiveDate;

use super::MsvcRand;
use crate::dga::{Family, Style};

/// Letters per name.
const LENGTH: usize = 10;

/// The DNS Changer DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct DnsChanger;

impl Family for DnsChanger {
    fn name(&self) -> &'static str {
        "dnschanger"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        87_373
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut rand = MsvcRand::new(seed as u32);
        (0..count)
            .map(|_| {
                let mut name: String = (0..LENGTH)
                    .map(|_| char::from(b'a' + (rand.next() % 26) as u8))
                    .collect();
                name.push_str(".com");
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
        // All of `dnschanger/example_domains.txt` in baderj/domain_generation_algorithms.
        let date = NaiveDate::from_ymd_opt(2014, 10, 21).unwrap();
        assert_eq!(
            DnsChanger.generate(87_373, date, 5),
            [
                "aktklyvbiu.com",
                "zgimjzlnrl.com",
                "tcfejerekw.com",
                "tfaunnjmxt.com",
                "ydvlfpkguw.com",
            ]
        );
    }

    #[test]
    fn ignores_the_date_and_continues_past_five_names() {
        let names = DnsChanger.generate(87_373, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), 7);
        assert_eq!(
            names[..5],
            DnsChanger.generate(87_373, NaiveDate::MIN, 5)[..]
        );
        // Names 6 and 7 from the reference implementation run in a scratch directory.
        assert_eq!(names[5..], ["kuzwhiiozg.com", "xjjezltupf.com"]);
        assert_ne!(DnsChanger.generate(1, NaiveDate::MIN, 5), names[..5]);
    }
}
