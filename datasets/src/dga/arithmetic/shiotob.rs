//! Shiotob (Urlzone, Bebloh): each name is scrambled out of the previous one.
//!
//! # What it is
//! Shiotob is a banking trojan family (Urlzone/Bebloh) whose DGA was described in 2015. Starting
//! from a hard-coded domain, it mixes the bytes of the current domain in a double loop of
//! multiply-and-xor steps (multiplier: the current label length; xor key: the sum of the domain's
//! characters without its TLD letters), derives a new label length of 10–15 from the result (or
//! keeps the old one), and maps each mixed byte through the table `qwertyuiopasdfghjklzxcvbnm123945678`
//! (of which only the first 32 entries are reachable). The TLD alternates between `.com` and `.net`.
//! The date plays no part.
//!
//! # Why it matters
//! Alphanumeric labels where digits come from a keyboard-order table, in a chain: one known name
//! gives all the following ones.
//!
//! # Example
//! From the default start domain the list begins `wtipubctwiekhir.net`, `rwmu35avqo12tqc.com`.
//!
//! # Known limits
//! `seed` selects a start domain modulo 2: 0 is `wtipubctwiekhir.net` (the published example
//! list), 1 is `4ypv1eehphg3a.com` (the example in the reference implementation's help). The start
//! domain is the first name emitted, as in the reference. The reference lists 2001 names; asking
//! for more continues the chain.
//!
//! # References
//! Johannes Bader, "The DGA of Shiotob" (johannesbader.ch, 2015-01), with the reference
//! implementation `shiotob/dga.py` and example list `shiotob/example_domains.txt` (the golden test
//! matches it) in the public repository `baderj/domain_generation_algorithms`.

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// Output characters, indexed by a mixed byte divided by 8.
const TABLE: &[u8; 35] = b"qwertyuiopasdfghjklzxcvbnm123945678";

/// Start domains selectable by `seed`.
const START_DOMAINS: [&str; 2] = ["wtipubctwiekhir.net", "4ypv1eehphg3a.com"];

/// Bytes the mixing loop touches (indices 0..65), with room for any start domain.
const BUFFER: usize = 128;

/// The Shiotob DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shiotob;

/// The name after `domain` (a label followed by `.com` or `.net`).
fn next_domain(domain: &str) -> String {
    let bytes = domain.as_bytes();
    let old_length = bytes.len().saturating_sub(4) as u32;
    let key = bytes[..bytes.len().saturating_sub(3)]
        .iter()
        .map(|&b| u32::from(b))
        .sum::<u32>();
    let mut codes = [0u8; BUFFER];
    for (code, &byte) in codes.iter_mut().zip(bytes) {
        *code = byte;
    }
    for i in 0..65 {
        for j in 0..65 - i {
            let mixed =
                old_length.wrapping_mul(u32::from(codes[j])) ^ u32::from(codes[i + j]) ^ key;
            codes[i + j] = mixed as u8;
        }
    }
    let derived = ((u32::from(codes[2]) * old_length) ^ u32::from(codes[0])) & 0xff;
    let length = match derived / 16 {
        short if short < 10 => old_length,
        long => long,
    } as usize;
    let mut name: String = codes[..length.min(BUFFER)]
        .iter()
        .map(|&code| char::from(TABLE[usize::from(code / 8)]))
        .collect();
    name.push_str(if domain.as_bytes().ends_with(b".net") {
        ".com"
    } else {
        ".net"
    });
    name
}

impl Family for Shiotob {
    fn name(&self) -> &'static str {
        "shiotob"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let start = START_DOMAINS[(seed % START_DOMAINS.len() as u64) as usize];
        let mut names = Vec::with_capacity(count);
        let mut current = start.to_owned();
        for _ in 0..count {
            let next = next_domain(&current);
            names.push(std::mem::replace(&mut current, next));
        }
        names
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
        // `shiotob/example_domains.txt` in baderj/domain_generation_algorithms (2001 names).
        let names = Shiotob.generate(0, any_date(), 2001);
        assert_eq!(
            names[..8],
            [
                "wtipubctwiekhir.net",
                "rwmu35avqo12tqc.com",
                "rskb5bsfhm2fk5h.net",
                "rbp9pprrxgflut9.com",
                "zzxeyzgy45yy2a.net",
                "e3oa4wglvd21xa.com",
                "mqmq1hvmtxzjv.net",
                "pd4o4wu24vimn.com",
            ]
        );
        assert_eq!(names[2000], "o1l9iejqriuy9.net");
    }

    #[test]
    fn golden_matches_reference_for_the_other_start_and_longer_runs() {
        // From the reference implementation run in a scratch directory.
        assert_eq!(
            Shiotob.generate(0, NaiveDate::MIN, 2003)[2001..],
            ["13whlu1rgqtny.com", "dvv2tfvmnwvpl.net"]
        );
        assert_eq!(
            Shiotob.generate(1, any_date(), 4),
            [
                "4ypv1eehphg3a.com",
                "dduub92cik.net",
                "fzwrzifvtl.com",
                "wnjjsiya5x.net",
            ]
        );
    }
}
