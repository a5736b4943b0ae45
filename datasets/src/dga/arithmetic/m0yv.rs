//! m0yv: five to nine letters from the C runtime's `rand()`, reseeded with `seed xor index` per
//! name, under `.biz`.
//!
//! # What it is
//! m0yv is a Windows malware family listed in Malpedia (`win.m0yv`). Its time-independent DGA
//! seeds Microsoft's C runtime generator with the sample seed xored with the name's index, draws a
//! length of 5–9 (`5 + rand() mod 5`), then that many letters (`rand() mod 26`), and appends `.biz`.
//!
//! # Why it matters
//! Very short random-letter labels (five letters is rare among DGAs) under a single TLD: the short
//! end of the length spectrum, where lexical features carry little signal.
//!
//! # Example
//! With the default seed the list begins `pywolwnvd.biz`, `ssbzmoy.biz`, `cvgrf.biz`.
//!
//! # Known limits
//! `seed` is the sample seed (low 32 bits); known ones are `0x02484A18` (the default),
//! `0x00128A0E` and `0x7178AF3F`. Only the time-independent DGA is implemented, not the variant
//! that also folds in the week of the year; the date is ignored. The malware makes 128 names;
//! asking for more continues the index.
//!
//! # References
//! Johannes Bader's reference implementation `m0yv/dga.py` and example list
//! `m0yv/example_domains.txt` (the golden test matches it) in the public repository
//! `baderj/domain_generation_algorithms`, and his video "Sinkholing the Domain Generation Algorithm
//! of m0yv".

use chrono::NaiveDate;

use super::{MsvcRand, letter};
use crate::dga::{Family, Style};

/// The m0yv DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct M0yv;

fn domain(seed: u32, index: u32) -> String {
    let mut rand = MsvcRand::new(seed ^ index);
    let length = 5 + rand.next() % 5;
    let mut name: String = (0..length).map(|_| letter(rand.next() % 26)).collect();
    name.push_str(".biz");
    name
}

impl Family for M0yv {
    fn name(&self) -> &'static str {
        "m0yv"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x0248_4A18
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        (0..count)
            .map(|index| domain(seed as u32, index as u32))
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
        // `m0yv/example_domains.txt` in baderj/domain_generation_algorithms (128 names).
        let names = M0yv.generate(0x0248_4A18, any_date(), 128);
        assert_eq!(
            names[..6],
            [
                "pywolwnvd.biz",
                "ssbzmoy.biz",
                "cvgrf.biz",
                "npukfztj.biz",
                "przvgke.biz",
                "zlenh.biz",
            ]
        );
        assert_eq!(names[127], "giliplg.biz");
    }

    #[test]
    fn golden_matches_reference_for_other_seeds_and_longer_runs() {
        // From the reference implementation run in a scratch directory.
        assert_eq!(
            M0yv.generate(0x0248_4A18, NaiveDate::MIN, 130)[128..],
            ["xcmkdzs.biz", "awrcd.biz"]
        );
        assert_eq!(
            M0yv.generate(0x0012_8A0E, any_date(), 2),
            ["govqya.biz", "qqaaztlly.biz"]
        );
        assert_eq!(
            M0yv.generate(0x7178_AF3F, any_date(), 2),
            ["xkfvhokx.biz", "mizcg.biz"]
        );
    }
}
