//! Bumblebee: eleven alphanumeric characters per name from a 64-bit LCG followed by 32 rounds of a
//! shift-xor scrambler, under `.life`.
//!
//! # What it is
//! Bumblebee is a loader first reported in 2022. Its DGA takes an eight-character magic string
//! from the sample, read as a little-endian 64-bit number, adds a constant (built from fields that
//! the static variant fixes: 32 seconds, month 13, year 1899), and for every character advances a
//! 64-bit LCG (Numerical Recipes constants) and then shifts the state right 32 times, xoring
//! `0xF5000000` in after each odd bit. The character is `state mod 36` over `a`–`z0`–`9`; eleven
//! characters and `.life` make a name. The date plays no part.
//!
//! # Why it matters
//! Alphanumeric labels under a new generic TLD (`.life`), from a 2022 loader tied to ransomware
//! intrusions: a recent family whose TLD alone is unusual in enterprise traffic.
//!
//! # Example
//! With the default magic `TEST_SEE` the list begins `cmid1s1zeiu.life`, `itszko2ot5u.life`.
//!
//! # Known limits
//! `seed` is the magic string packed little-endian into a `u64`; the default is `TEST_SEE`
//! (`0x4545_535F_5453_4554`), the magic of the published example list. Only the static DGA is
//! implemented: the reference's time-based variant zeroes the time fields, which is a different
//! constant only. The malware makes 100 names; asking for more keeps the generator running.
//!
//! # References
//! Johannes Bader's reference implementation `bumblebee/dga.py` and example list
//! `bumblebee/example_domains.txt` (the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// Characters indexed by `state mod 36`.
const CHARSET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Characters per name.
const LENGTH: usize = 11;

/// What the static variant adds to the magic: `32 | (13 + 256) << 8` plus 1899.
const STATIC_OFFSET: u64 = (32 | ((13 + 256) << 8)) + 1899;

/// The Bumblebee DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bumblebee;

fn advance(state: u64) -> u64 {
    let mut state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    for _ in 0..32 {
        let odd = state & 1 == 1;
        state >>= 1;
        if odd {
            state ^= 0xF500_0000;
        }
    }
    state
}

impl Family for Bumblebee {
    fn name(&self) -> &'static str {
        "bumblebee"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        u64::from_le_bytes(*b"TEST_SEE")
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let mut state = seed.wrapping_add(STATIC_OFFSET);
        (0..count)
            .map(|_| {
                let mut name = String::with_capacity(LENGTH + 5);
                for _ in 0..LENGTH {
                    state = advance(state);
                    name.push(char::from(CHARSET[(state % 36) as usize]));
                }
                name.push_str(".life");
                name
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
    }

    #[test]
    fn golden_matches_published_examples() {
        // `bumblebee/example_domains.txt` in baderj/domain_generation_algorithms (100 names).
        assert_eq!(Bumblebee.default_seed(), 0x4545_535F_5453_4554);
        let names = Bumblebee.generate(Bumblebee.default_seed(), any_date(), 100);
        assert_eq!(
            names[..5],
            [
                "cmid1s1zeiu.life",
                "itszko2ot5u.life",
                "3v1n35i5kwx.life",
                "newdnq1xnl9.life",
                "jkyj6awt1ao.life",
            ]
        );
        assert_eq!(names[99], "zcf8nrpzrqk.life");
    }

    #[test]
    fn golden_matches_reference_for_other_magics_and_longer_runs() {
        // From the reference implementation run in a scratch directory.
        assert_eq!(
            Bumblebee.generate(Bumblebee.default_seed(), NaiveDate::MIN, 102)[100..],
            ["dzfiilq5zjd.life", "ke2cpeg3t7b.life"]
        );
        assert_eq!(
            Bumblebee.generate(0x1234, any_date(), 2),
            ["stnrdssyhxe.life", "ab6auim2uac.life"]
        );
    }
}
