//! Pushdo (Cutwail's loader): MD5 bytes mapped to consonant–vowel syllables, over a 45-day window.
//!
//! # What it is
//! Pushdo is a loader and spam-bot dropper whose DGA was reported in 2013. For a day number `d`
//! it hashes `d` (four little-endian bytes) with MD5, takes the digest's first four bytes as the
//! next value and a length of 9–12 from their low two bits, and turns the digest bytes one by one
//! into syllables: a consonant, a vowel, and sometimes a third letter (a second vowel after `e`,
//! or a consonant from a second table), until the length is reached. Thirty names are made per
//! day number; one run covers the current day, the 30 days before it and the 14 after it, so a
//! name stays in use for 45 days.
//!
//! # Why it matters
//! Syllable-built names (`weafokuggeir`, `cirpicficj`) look pronounceable, so entropy and
//! consonant-run features miss them, yet a hash sits underneath: the pronounceable hash-based
//! case. The 45-day window also means each name recurs for weeks.
//!
//! # Example
//! On 2019-12-06 the first two names are `weafokuggeir.kz` and `sictemuborug.kz`.
//!
//! # Known limits
//! `seed` selects a variant modulo 3: 0 is `kz_v1` (the default and the published example list),
//! 1 is `kz_v2` (other letter tables and masks), 2 is `kz_v1`'s tables under `.com` (the reference
//! lists this variant but always appends `.kz`; here it gets its own TLD). The day number
//! reproduces the malware's count, including its quirk of adding the *current* month's length
//! instead of the previous one's. One run has 1350 names (45 days × 30); asking for more continues
//! with the days after the window (day +15, +16, ...).
//!
//! # References
//! Johannes Bader's reference implementation `pushdo/dga.py` and example list
//! `pushdo/example_domains.txt` (all 1350 names for 2019-12-06; the golden test matches its first,
//! 30th–31st and last names) in the public repository `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use super::digest::md5;
use crate::dga::{Family, Style};

/// One Pushdo variant's letter tables, masks and TLD.
struct Variant {
    /// First letter of every syllable, indexed by `byte mod 19`.
    leading: &'static [u8; 19],
    /// Optional third letter, indexed by `(byte + 3) mod 15`.
    trailing: &'static [u8; 15],
    /// Mask on `byte + 2` that allows a second vowel after `e`.
    vowel_mask: u32,
    /// Mask on `byte + 2` that allows a trailing consonant.
    trailing_mask: u32,
    tld: &'static str,
}

const VOWELS: &[u8; 5] = b"aeiou";
const SECOND_VOWELS: &[u8; 3] = b"aio";

const VARIANTS: [Variant; 3] = [
    Variant {
        leading: b"bcdfghjklmnpqrstvwx",
        trailing: b"zxtsrqpnmlkgfdc",
        vowel_mask: 7,
        trailing_mask: 1,
        tld: "kz",
    },
    Variant {
        leading: b"kqbhcndjfwglpmzxrsv",
        trailing: b"qzlbtgrnkxsfdcm",
        vowel_mask: 8,
        trailing_mask: 2,
        tld: "kz",
    },
    Variant {
        leading: b"bcdfghjklmnpqrstvwx",
        trailing: b"zxtsrqpnmlkgfdc",
        vowel_mask: 7,
        trailing_mask: 1,
        tld: "com",
    },
];

/// Names per day number.
const NAMES_PER_DAY: usize = 30;

/// Day offsets of one run, in the malware's order.
fn window() -> impl Iterator<Item = i64> {
    (0..=30).map(|back| -back).chain(1..=14)
}

/// The malware's day count for `date`, quirks included.
fn day_number(date: NaiveDate) -> i64 {
    let year = i64::from(date.year());
    let february = if year % 4 == 0 { 29 } else { 28 };
    let month_lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // Sums the lengths of months 2..=current instead of 1..current, as the malware does.
    let months: i64 = month_lengths[1..=date.month0() as usize].iter().sum();
    let leap_years = year.div_euclid(4);
    i64::from(date.day()) + months + 365 * (year - leap_years) + 366 * leap_years
}

impl Variant {
    /// Appends the syllable for one digest byte.
    fn syllable(&self, byte: u8, out: &mut String) {
        out.push(char::from(self.leading[usize::from(byte) % 19]));
        let vowel = VOWELS[usize::from(byte.wrapping_add(1)) % 5];
        out.push(char::from(vowel));
        let plus_two = u32::from(byte) + 2;
        if vowel == b'e' && plus_two & self.vowel_mask != 0 {
            out.push(char::from(SECOND_VOWELS[(plus_two % 3) as usize]));
        } else if plus_two & self.trailing_mask != 0 {
            out.push(char::from(self.trailing[(usize::from(byte) + 3) % 15]));
        }
    }

    /// The 30 names of one day number.
    fn names_for_day(&self, day: i64, out: &mut Vec<String>, count: usize) {
        let mut value = day as u32;
        for _ in 0..NAMES_PER_DAY {
            if out.len() == count {
                return;
            }
            let digest = md5(&value.to_le_bytes());
            value = u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]);
            let length = (value & 3) as usize + 9;
            let mut label = String::with_capacity(length + 3);
            // Every syllable has at least two letters, so 16 bytes always reach 12 letters.
            for &byte in &digest {
                self.syllable(byte, &mut label);
                if label.len() >= length {
                    break;
                }
            }
            label.truncate(length);
            out.push(format!("{label}.{}", self.tld));
            value = value.wrapping_add(1);
        }
    }
}

/// The Pushdo DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pushdo;

impl Family for Pushdo {
    fn name(&self) -> &'static str {
        "pushdo"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let variant = &VARIANTS[(seed % VARIANTS.len() as u64) as usize];
        let today = day_number(date);
        let mut names = Vec::with_capacity(count);
        for offset in window().chain(15..) {
            if names.len() == count {
                break;
            }
            variant.names_for_day(today + offset, &mut names, count);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_matches_published_examples() {
        // `pushdo/example_domains.txt` in baderj/domain_generation_algorithms: 1350 names for
        // 2019-12-06 with variant kz_v1.
        let date = NaiveDate::from_ymd_opt(2019, 12, 6).unwrap();
        let names = Pushdo.generate(0, date, 1350);
        assert_eq!(
            names[..6],
            [
                "weafokuggeir.kz",
                "sictemuborug.kz",
                "cirpicficj.kz",
                "geijanmap.kz",
                "fuxhuxsabi.kz",
                "siclisozdokq.kz",
            ]
        );
        assert_eq!(names[29..31], ["lakughugn.kz", "veasozwixoq.kz"]);
        assert_eq!(names[1349], "woqadudil.kz");
    }

    #[test]
    fn golden_matches_reference_for_other_variants_and_the_extension() {
        // From the reference implementation run in a scratch directory; names past 1350 are the
        // reference's 30 names for day +15.
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Pushdo.generate(0, date, 3),
            ["qocannirfei.kz", "bugupdeak.kz", "cabeibusicn.kz"]
        );
        assert_eq!(
            Pushdo.generate(1, date, 3),
            ["poqangithei.kz", "kurcurbea.kz", "qakekurzigu.kz"]
        );
        assert_eq!(
            Pushdo.generate(2, date, 2),
            ["qocannirfei.com", "bugupdeak.com"]
        );
        let date = NaiveDate::from_ymd_opt(2019, 12, 6).unwrap();
        assert_eq!(day_number(date), 737_779);
        assert_eq!(
            Pushdo.generate(0, date, 1352)[1350..],
            ["geisicrir.kz", "ramigicja.kz"]
        );
    }

    #[test]
    fn a_name_recurs_across_the_window() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let today = Pushdo.generate(0, date, 30);
        let tomorrow = Pushdo.generate(0, date.succ_opt().unwrap(), 60);
        // Tomorrow's run lists yesterday (its day -1) as names 30..60.
        assert_eq!(tomorrow[30..], today[..]);
    }
}
