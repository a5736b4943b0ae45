//! `numeral-swap` (ours): letters replaced by the digits they resemble (`o` → `0`, `l` → `1`,
//! `e` → `3`), one occurrence at a time, every occurrence of one letter, and all at once.
//!
//! Why it matters: `paypa1.com` and `g00gle.com` are the look-alikes people name first.
//! Example: `google` → `g0ogle`, `g00gle`, `goog1e`, `g00g13`.
//! Known limits: the table in `data/glyphs.txt` (`[numeral]`); one digit per letter.
//! References: "leet" spelling; urlcrazy's and dnstwist's homoglyph tables share some pairs.

use super::{Candidates, Target};
use crate::data::Data;

pub(super) fn generate(target: &Target, data: &Data, out: &mut Candidates) {
    let digit_of = |c: char| {
        data.numerals
            .iter()
            .find(|(letter, _)| *letter == c)
            .map(|(_, digit)| *digit)
    };
    let mut chars = target.chars.clone();
    for at in 0..chars.len() {
        if let Some(digit) = digit_of(chars[at]) {
            let original = chars[at];
            chars[at] = digit;
            out.label_chars(&chars);
            chars[at] = original;
        }
    }
    for (letter, digit) in &data.numerals {
        if target.chars.contains(letter) {
            let swapped: Vec<char> = target
                .chars
                .iter()
                .map(|c| if c == letter { *digit } else { *c })
                .collect();
            out.label_chars(&swapped);
        }
    }
    let all: Vec<char> = target
        .chars
        .iter()
        .map(|&c| digit_of(c).unwrap_or(c))
        .collect();
    if all != target.chars {
        out.label_chars(&all);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn letters_to_digits() {
        let labels = labels_of(Fuzzer::NumeralSwap, "google");
        for expected in [
            "g0ogle", "go0gle", "g00gle", "goog1e", "googl3", "9oogle", "900913",
        ] {
            assert!(labels.contains(&expected.to_owned()), "{expected}");
        }
    }
}
