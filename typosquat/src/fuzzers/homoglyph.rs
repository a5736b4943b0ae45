//! `homoglyph`: one character, a doubled character, or a two-character window (`rn`, `cl`)
//! replaced by a look-alike; then the same again on every result (two rounds, as dnstwist).
//! Which Unicode look-alikes are used depends on the suffix: registries allow only some
//! scripts (`.de` allows `ä`, `.uk` no IDN at all), per the `[idn ...]` tables in `glyphs.txt`.
//!
//! Why it matters: `rnicrosoft.com` and `gооgle.com` (Cyrillic `о`) read as the real thing.
//! Example: `google` → `goog1e`, `gooqle`, `gööɡle`.
//! Known limits: at most two replacements (four characters for doubled letters); the matcher's
//! UTS 39 skeleton catches deeper mixes.
//! References: dnstwist `Fuzzer._homoglyph`; Unicode confusables (UTS 39).

use rustc_hash::FxHashSet;

use super::{Candidates, Target};
use crate::data::{Data, GlyphTable};

/// Every one-step look-alike of `label`.
fn mix(label: &[char], glyphs: &GlyphTable, found: &mut FxHashSet<String>) {
    let mut buffer = String::with_capacity(label.len() * 4);
    let mut emit = |prefix: &[char], middle: &mut dyn FnMut(&mut String), suffix: &[char]| {
        buffer.clear();
        buffer.extend(prefix);
        middle(&mut buffer);
        buffer.extend(suffix);
        if !found.contains(buffer.as_str()) {
            found.insert(buffer.clone());
        }
    };
    for (at, c) in label.iter().enumerate() {
        for glyph in glyphs.single.get(c).into_iter().flatten() {
            emit(&label[..at], &mut |b| b.push_str(glyph), &label[at + 1..]);
        }
    }
    for at in 0..label.len().saturating_sub(1) {
        let window = [label[at], label[at + 1]];
        let (prefix, suffix) = (&label[..at], &label[at + 2..]);
        // Each window character replaced wherever it occurs in the window (both, when doubled).
        let mut keys = vec![window[0]];
        if window[1] != window[0] {
            keys.push(window[1]);
        }
        for key in keys {
            for glyph in glyphs.single.get(&key).into_iter().flatten() {
                emit(
                    prefix,
                    &mut |b| {
                        for c in window {
                            if c == key {
                                b.push_str(glyph);
                            } else {
                                b.push(c);
                            }
                        }
                    },
                    suffix,
                );
            }
        }
        for glyph in glyphs.pair.get(&window).into_iter().flatten() {
            emit(prefix, &mut |b| b.push_str(glyph), suffix);
        }
    }
}

pub(super) fn generate(target: &Target, data: &Data, rounds: u8, out: &mut Candidates) {
    let glyphs = data.glyphs_for(&target.tld);
    let mut first = FxHashSet::default();
    mix(&target.chars, glyphs, &mut first);
    let mut second = FxHashSet::default();
    if rounds >= 2 {
        let mut chars = Vec::new();
        for label in &first {
            chars.clear();
            chars.extend(label.chars());
            mix(&chars, glyphs, &mut second);
        }
    }
    for label in first.iter().chain(&second) {
        out.label(label);
    }
}

#[cfg(test)]
mod tests {
    use crate::Fuzzer;
    use crate::fuzzers::labels_of;

    #[test]
    fn one_and_two_replacements() {
        let labels = labels_of(Fuzzer::Homoglyph, "modern");
        for expected in ["rnodern", "modem", "m0dern", "m0dem", "moderm", "ṁodern"] {
            assert!(labels.contains(&expected.to_owned()), "{expected}");
        }
        // Doubled letters are replaced together.
        assert!(labels_of(Fuzzer::Homoglyph, "google").contains(&"g00gle".to_owned()));
    }
}
