//! Ranbyus (revisited DGA): 17 letters from a 64-bit PCG-style generator seeded by the date.
//!
//! # What it is
//! Ranbyus is a banking trojan seen from 2013; this is the DGA of its September 2015 samples. The
//! state starts as `(day * month * year) xor seed` and advances by the 64-bit LCG of PCG
//! (multiplier `0x5851F42D4C957F2D`, increment `0x14057B7EF767814F`). Each call makes three LCG
//! steps and mixes them into 16 bytes; two calls per name give the bytes, of which the first 17
//! become letters `a`–`y` (`byte mod 25`). The TLD cycles through eight of a sample's nine TLDs,
//! starting at the day of the month.
//!
//! # Why it matters
//! Long (17-letter) uniform names with a TLD that rotates with the index: a daily, date-seeded
//! family with many TLDs, unlike the single-TLD families.
//!
//! # Example
//! With the default seed on 2015-09-25 the first two names are `jxbdxeyxttdmcjagi.me` and
//! `iqmadgybfhnrssadm.cc`.
//!
//! # Known limits
//! Known seeds are `0x0F0D5BFA` (the default), `0xF2C72B14`, `0xAE8714BE` and `0xCE7F8514`; the
//! last uses its own TLD order. As in the malware the ninth TLD is never chosen (the index is taken
//! modulo eight). The malware makes 40 names a day; asking for more keeps the generator running.
//! The earlier (May 2015) Ranbyus DGA is not implemented.
//!
//! # References
//! Johannes Bader, "Ranbyus's DGA, Revisited" (johannesbader.ch, 2015-09), with the reference
//! implementation `ranbyus/september/ranbyus_reloaded.py` and example list
//! `ranbyus/september/example_domains.txt` (the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

const MULTIPLIER: u64 = 0x5851_F42D_4C95_7F2D;
const INCREMENT: u64 = 0x1405_7B7E_F767_814F;

/// The seed whose samples use [`ALTERNATE_TLDS`].
const ALTERNATE_SEED: u64 = 0xCE7F_8514;
const TLDS: [&str; 9] = ["in", "me", "cc", "su", "tw", "net", "com", "pw", "org"];
const ALTERNATE_TLDS: [&str; 9] = ["in", "net", "org", "com", "me", "su", "tw", "cc", "pw"];

/// Letters per name.
const LENGTH: usize = 17;

/// The Ranbyus (September 2015) DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ranbyus;

/// Three LCG steps from `state`, mixed into 16 bytes; returns the new state and the bytes.
fn draw(state: u64) -> (u64, [u8; 16]) {
    let step = |x: u64| x.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT);
    let first = step(state);
    let second = step(first);
    let third = step(second);
    let spread = ((third >> 24) & 0xFFFF_FF00) | ((third & 0xFFFF_FFFF) >> 24);
    let words = [
        (((spread ^ second) & 0x000F_FFFF) ^ second) as u32,
        (second >> 32) as u32,
        ((first & 0xFFF0_0000) | ((third >> 32) >> 12)) as u32,
        (first >> 32) as u32,
    ];
    let mut bytes = [0u8; 16];
    for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    (third, bytes)
}

impl Family for Ranbyus {
    fn name(&self) -> &'static str {
        "ranbyus"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x0F0D_5BFA
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let tlds = if seed == ALTERNATE_SEED {
            ALTERNATE_TLDS
        } else {
            TLDS
        };
        let product = i64::from(date.day()) * i64::from(date.month()) * i64::from(date.year());
        let mut state = (product as u64) ^ seed;
        let first_tld = date.day() as usize;
        (0..count)
            .map(|index| {
                let (next, head) = draw(state);
                let (next, tail) = draw(next);
                state = next;
                let mut name = String::with_capacity(LENGTH + 4);
                for byte in head.iter().chain(&tail[..1]) {
                    name.push(char::from(b'a' + byte % 25));
                }
                name.push('.');
                name.push_str(tlds[(first_tld + index) % (tlds.len() - 1)]);
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
        // `ranbyus/september/example_domains.txt` in baderj/domain_generation_algorithms (40
        // names, seed 0x0F0D5BFA, 2015-09-25).
        let date = NaiveDate::from_ymd_opt(2015, 9, 25).unwrap();
        let names = Ranbyus.generate(0x0F0D_5BFA, date, 40);
        assert_eq!(
            names[..8],
            [
                "jxbdxeyxttdmcjagi.me",
                "iqmadgybfhnrssadm.cc",
                "gdoldaognceaedkke.su",
                "jnbnyrmxmpblfgstk.tw",
                "ucjetnyaitygjidva.net",
                "jejocqwtcbtuymvao.com",
                "stuctjsqfxghcesyw.pw",
                "gfidctymbxiaqyuyk.in",
            ]
        );
        assert_eq!(names[39], "bcfuvigfodpidtlmq.in");
    }

    #[test]
    fn golden_matches_reference_for_other_seeds_and_counts() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2015, 9, 25).unwrap();
        assert_eq!(
            Ranbyus.generate(0x0F0D_5BFA, date, 42)[40..],
            ["elwxaaepvljdijrfw.me", "hmdmegmbfjcspmjjx.cc"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Ranbyus.generate(0xCE7F_8514, date, 3),
            [
                "lnbvhspmsnjbcumpq.net",
                "cbbfsejruwktswtal.org",
                "ncwgjvcafdlceoycr.com",
            ]
        );
        assert_eq!(
            Ranbyus.generate(0x0F0D_5BFA, date, 3),
            [
                "tyypbxemfyqwtkjjr.me",
                "ybsmehbgxpyfkwvry.cc",
                "bemjdqhemwtbmeybs.su",
            ]
        );
    }
}
