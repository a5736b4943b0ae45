//! Proslikefan: letters from repeated Java-style string hashes of a magic word, the date and a TLD.
//!
//! # What it is
//! Proslikefan is a worm described in 2016. For every round `i` and each of ten TLDs it hashes the
//! string `"{magic}.{month}.{day}.{year}.{tld}"` with the 32-bit `h = 31 * h + c` string hash,
//! takes its absolute value plus `i`, and then grows the label letter by letter: each new value is
//! the absolute hash of the label so far followed by the previous value in decimal, and gives the
//! letter `value mod 26`. The label stops once its length reaches `6 + value mod 7` for the latest
//! value, so lengths vary between 6 and 12.
//!
//! # Why it matters
//! Short, letter-only names over ten TLDs (including `se`, `eu`, `name`) that change daily; the
//! hash of a human-readable seed string is typical of script-borne malware.
//!
//! # Example
//! On 2016-06-17 with the default magic `prospect` the first two names are `flarvcpk.eu` and
//! `stjneohiod.biz`.
//!
//! # Known limits
//! `seed` picks the magic word modulo 2: 0 is `prospect` (the default), 1 is `OK`; these are the two
//! known ones. The reference makes 10 rounds of 10 TLDs (100 names a day); asking for more continues
//! with further rounds.
//!
//! # References
//! Johannes Bader, "Proslikefan's DGA" (johannesbader.ch, 2016-06), with the reference
//! implementation `proslikefan/dga.py` and example list `proslikefan/example_domains.txt` (the
//! golden test matches it for 2016-06-17) in the public repository
//! `baderj/domain_generation_algorithms`.

use chrono::{Datelike, NaiveDate};

use crate::dga::{Family, Style};

/// TLDs in the order each round walks them.
const TLDS: [&str; 10] = [
    "eu", "biz", "se", "info", "com", "net", "org", "ru", "in", "name",
];

/// Known magic words, indexed by `seed mod 2`.
const MAGICS: [&str; 2] = ["prospect", "OK"];

/// The Proslikefan DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Proslikefan;

/// The 32-bit signed string hash `h = 31 * h + byte` (as Java's `String.hashCode` on ASCII).
fn string_hash(text: &str) -> i32 {
    text.bytes().fold(0i32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(i32::from(byte))
    })
}

fn label(mut value: i64) -> String {
    let mut label = String::with_capacity(12);
    let mut length = 0;
    while length < value % 7 + 6 {
        value = i64::from(string_hash(&format!("{label}{value}"))).abs();
        label.push(char::from(b'a' + (value % 26) as u8));
        length += 1;
    }
    label
}

impl Family for Proslikefan {
    fn name(&self) -> &'static str {
        "proslikefan"
    }

    fn style(&self) -> Style {
        Style::Hash
    }

    fn default_seed(&self) -> u64 {
        0
    }

    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String> {
        let magic = MAGICS[(seed % MAGICS.len() as u64) as usize];
        let bases: Vec<i64> = TLDS
            .iter()
            .map(|tld| {
                let text = format!(
                    "{magic}.{}.{}.{}.{tld}",
                    date.month(),
                    date.day(),
                    date.year()
                );
                i64::from(string_hash(&text)).abs()
            })
            .collect();
        (0..count)
            .map(|index| {
                let round = i64::try_from(index / TLDS.len()).unwrap_or(i64::MAX);
                let slot = index % TLDS.len();
                format!(
                    "{}.{}",
                    label(bases[slot].saturating_add(round)),
                    TLDS[slot]
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        // Java's "hello".hashCode() and a value that wraps negative, as the reference computes it.
        assert_eq!(string_hash("hello"), 99_162_322);
        assert_eq!(string_hash("prospect.6.17.2016.eu"), -1_315_069_011);
    }

    #[test]
    fn golden_matches_published_examples() {
        // `proslikefan/example_domains.txt` in baderj/domain_generation_algorithms (100 names,
        // magic "prospect", 2016-06-17).
        let date = NaiveDate::from_ymd_opt(2016, 6, 17).unwrap();
        let names = Proslikefan.generate(0, date, 100);
        assert_eq!(
            names[..10],
            [
                "flarvcpk.eu",
                "stjneohiod.biz",
                "vcevvkc.se",
                "qylptiin.info",
                "bsvisbttr.com",
                "hjiknr.net",
                "arpeiezki.org",
                "gobqca.ru",
                "tivqfahrmxdl.in",
                "smutloo.name",
            ]
        );
        assert_eq!(names[99], "opdzzfh.name");
    }

    #[test]
    fn golden_matches_reference_for_more_rounds_and_the_other_magic() {
        // From the reference implementation run in a scratch directory.
        let date = NaiveDate::from_ymd_opt(2016, 6, 17).unwrap();
        assert_eq!(
            Proslikefan.generate(0, date, 102)[100..],
            ["ksnjxprdzri.eu", "nqltkbh.biz"]
        );
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            Proslikefan.generate(1, date, 3),
            ["xfcgwru.eu", "wmtfwat.biz", "gpurfefo.se"]
        );
    }
}
