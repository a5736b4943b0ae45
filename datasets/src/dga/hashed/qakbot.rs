//! Qakbot (Qbot, Pinkslipbot), a banking trojan and loader whose DGA is seeded by a CRC-32 of the
//! date.
//!
//! # What it is
//!
//! Qakbot builds the string `"{d}.{mon}.{year}.{seed:08x}"`, where `d` is the ten-day period of
//! the month (0, 1 or 2; days 31 fall into period 2), `mon` the lower-case English month
//! abbreviation and `seed` a small per-sample value, and takes its CRC-32. That checksum seeds a
//! Mersenne Twister (MT19937). For each name it draws a TLD index, a length between 8 and 25 and
//! then that many letters, each draw mapping the low 28 bits of an MT output onto the range.
//! The TLD list is `com`, `net`, `org`, `info`, `biz`, `org` (`org` twice, so it is drawn most).
//!
//! # Why it matters
//!
//! Qakbot was one of the most widespread loaders until the 2023 takedown. Its names are letter-only
//! with a broad length spread (8–25), and the name set changes only every ten days, so the same
//! names recur in traffic for a long stretch.
//!
//! # Example
//!
//! With seed 0 on 2024-03-15 the first two names are `zpnlvtnnqwxjtyemrgtvv.org` and
//! `kcsxysobuxezmkfcco.biz`.
//!
//! # Known limits
//!
//! The hash here only seeds the generator: the letters come from MT19937, so the names look like
//! an arithmetic DGA's; the family is listed under [`Style::Hash`] because the date enters only
//! through the CRC-32. Known samples use seed 0 or 1 ([`Family::default_seed`] is 0). The sandbox
//! variant (CRC-32 plus one, used when the malware believes it is being analysed) is not
//! modelled. Samples generate 5000 names per period; larger counts continue the stream.
//!
//! # References
//!
//! - Johannes Bader, `qakbot/dga.py` in the public repository
//!   `baderj/domain_generation_algorithms`, and his write-up "The DGA of Qakbot"; the tests
//!   also reproduce the first names of its `example_domains.txt` (seed 0, 21-29 February 2016).
//! - Matsumoto and Nishimura, "Mersenne Twister: a 623-dimensionally equidistributed uniform
//!   pseudo-random number generator" (1998), for MT19937.

use chrono::{Datelike, NaiveDate};

use super::digest::crc32;
use crate::dga::{Family, Style};

/// Top-level domains, indexed by the first draw of each name.
const TLDS: [&str; 6] = ["com", "net", "org", "info", "biz", "org"];

/// English month abbreviations in lower case, as C's `%b` spells them.
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// State size of MT19937.
const MT_N: usize = 624;

/// The 32-bit Mersenne Twister MT19937.
struct Mt19937 {
    state: [u32; MT_N],
    index: usize,
}

impl Mt19937 {
    fn new(seed: u32) -> Self {
        let mut state = [0u32; MT_N];
        state[0] = seed;
        for i in 1..MT_N {
            let previous = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        Self { state, index: MT_N }
    }

    fn twist(&mut self) {
        for i in 0..MT_N {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % MT_N] & 0x7fff_ffff);
            let mut next = self.state[(i + 397) % MT_N] ^ (y >> 1);
            if y & 1 != 0 {
                next ^= 0x9908_b0df;
            }
            self.state[i] = next;
        }
        self.index = 0;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= MT_N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A value in `lower..=upper`: the low 28 bits of the next output scaled onto the range.
    fn range(&mut self, lower: u32, upper: u32) -> u32 {
        let r = u64::from(self.next_u32() & 0x0fff_ffff);
        let span = u64::from(upper - lower + 1);
        lower + ((r * span) >> 28) as u32
    }
}

/// The Qakbot DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Qakbot;

impl Qakbot {
    fn period_seed(seed: u64, date: NaiveDate) -> u32 {
        let period = ((date.day() - 1) / 10).min(2);
        let month = MONTHS[date.month0() as usize % MONTHS.len()];
        let text = format!("{period}.{month}.{}.{seed:08x}", date.year());
        crc32(text.as_bytes())
    }
}

impl Family for Qakbot {
    fn name(&self) -> &'static str {
        "qakbot"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let mut mt = Mt19937::new(Self::period_seed(seed, date));
        (0..count)
            .map(|_| {
                let tld = TLDS[mt.range(0, TLDS.len() as u32 - 1) as usize];
                let length = mt.range(8, 25);
                let mut name: String = (0..length)
                    .map(|_| char::from(b'a' + mt.range(0, 25) as u8))
                    .collect();
                name.push('.');
                name.push_str(tld);
                name
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_for_2024_03_15_seed_0() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = Qakbot.generate(0, date, 8);
        assert_eq!(
            names,
            [
                "zpnlvtnnqwxjtyemrgtvv.org",
                "kcsxysobuxezmkfcco.biz",
                "ontlthwuhysapq.org",
                "rrpqsutvofqyyiii.org",
                "gnumxvwvhtomucrvoo.info",
                "burppnzitvyhmdsbufmbsdd.net",
                "ukpgxrygo.org",
                "onezqghmnncdlwlejw.org",
            ]
        );
    }

    #[test]
    fn matches_reference_for_2024_03_25_seed_1() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 25).unwrap();
        let names = Qakbot.generate(1, date, 3);
        assert_eq!(
            names,
            [
                "pkhcmthvcl.com",
                "eoiwqznukiggpqyypg.com",
                "hmlgphnjivgks.biz",
            ]
        );
    }

    #[test]
    fn matches_reference_after_the_twister_regenerates() {
        // 700 names draw well past the first 624 outputs, exercising the twist.
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let names = Qakbot.generate(0, date, 700);
        assert_eq!(names.len(), 700);
        assert_eq!(names[698], "phqfhqcdlsrisatlz.org");
        assert_eq!(names[699], "ombniiiyprjjw.org");
    }

    #[test]
    fn names_are_stable_within_a_ten_day_period() {
        let first = NaiveDate::from_ymd_opt(2024, 3, 11).unwrap();
        let last = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap();
        assert_eq!(Qakbot.generate(0, first, 5), Qakbot.generate(0, last, 5));
    }

    #[test]
    fn matches_published_example_domains_for_late_february_2016() {
        // First names of `qakbot/example_domains.txt` in baderj/domain_generation_algorithms
        // (seed 0, period 21-29 February 2016).
        let date = NaiveDate::from_ymd_opt(2016, 2, 25).unwrap();
        assert_eq!(
            Qakbot.generate(0, date, 4),
            [
                "bqkrtxgkmriwsiwcngtivpx.info",
                "jdtmfupdyueqeldvhsjzdvzob.net",
                "guhmpoxzivhba.com",
                "nqqxqhuacaqhzurde.org",
            ]
        );
    }
}
