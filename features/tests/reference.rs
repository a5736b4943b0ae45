//! A plain, slow reference implementation of the lexical features that need no data files, and
//! of dictionary coverage by brute force, compared with [`FeatureExtractor`] on fixed and random
//! labels. The definitions are those of `src/schema.rs`; the extractor looks at bytes and at most
//! the first 63 of them (`MAX_LABEL_LEN`), and so does the reference.

use std::collections::{HashMap, HashSet};

use dnshunt_features::dictionary::MIN_WORD_LEN;
use dnshunt_features::{FEATURE_COUNT, FEATURES, FeatureExtractor, MAX_LABEL_LEN};
use proptest::prelude::*;

const TOLERANCE: f64 = 1e-9;

fn column(name: &str) -> usize {
    FEATURES
        .iter()
        .position(|feature| feature.name == name)
        .unwrap_or_else(|| panic!("no feature {name}"))
}

fn is_vowel(byte: u8) -> bool {
    b"aeiou".contains(&byte)
}

fn is_consonant(byte: u8) -> bool {
    byte.is_ascii_lowercase() && !is_vowel(byte)
}

fn is_digit(byte: u8) -> bool {
    byte.is_ascii_digit()
}

fn is_letter(byte: u8) -> bool {
    byte.is_ascii_lowercase()
}

fn is_hex_digit(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

fn is_base32(byte: u8) -> bool {
    byte.is_ascii_lowercase() || (b'2'..=b'7').contains(&byte)
}

fn share(label: &[u8], what: impl Fn(u8) -> bool) -> f64 {
    label.iter().filter(|&&b| what(b)).count() as f64 / label.len() as f64
}

fn longest_run(label: &[u8], what: impl Fn(u8) -> bool) -> f64 {
    let mut longest = 0;
    let mut current = 0;
    for &byte in label {
        if what(byte) {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    f64::from(longest)
}

/// Share of adjacent pairs for which `what` holds; a one-character label has one (empty) pair.
fn pair_share(label: &[u8], what: impl Fn(u8, u8) -> bool) -> f64 {
    let pairs = label.len().saturating_sub(1).max(1);
    label
        .windows(2)
        .filter(|pair| what(pair[0], pair[1]))
        .count() as f64
        / pairs as f64
}

/// The character as the features see it: letters, digits and `-` themselves, any other byte one
/// "other" character (labels reach the extractor normalized).
fn character(byte: u8) -> u8 {
    if byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' {
        byte
    } else {
        b'_'
    }
}

fn entropy(label: &[u8]) -> f64 {
    let mut counts: HashMap<u8, usize> = HashMap::new();
    for &byte in label {
        *counts.entry(character(byte)).or_default() += 1;
    }
    let n = label.len() as f64;
    -counts
        .values()
        .map(|&count| {
            let p = count as f64 / n;
            p * p.log2()
        })
        .sum::<f64>()
}

/// The reference values of the features that need no data, by column name.
fn reference(label: &str) -> Vec<(&'static str, f64)> {
    let bytes = label.as_bytes();
    let label = &bytes[..bytes.len().min(MAX_LABEL_LEN)];
    let names = [
        "length",
        "entropy",
        "vowel_ratio",
        "consonant_ratio",
        "digit_ratio",
        "hyphen_ratio",
        "longest_consonant_run",
        "longest_digit_run",
        "distinct_char_ratio",
        "class_switch_ratio",
        "repeat_ratio",
        "hex_ratio",
        "is_hex",
        "is_base32",
    ];
    if label.is_empty() {
        return names.iter().map(|&name| (name, 0.0)).collect();
    }
    let distinct: HashSet<u8> = label.iter().map(|&byte| character(byte)).collect();
    let all = |what: fn(u8) -> bool| label.iter().all(|&b| what(b));
    let any = |what: fn(u8) -> bool| label.iter().any(|&b| what(b));
    let flag = |yes: bool| if yes { 1.0 } else { 0.0 };
    let values = [
        label.len() as f64,
        entropy(label),
        share(label, is_vowel),
        share(label, is_consonant),
        share(label, is_digit),
        share(label, |b| b == b'-'),
        longest_run(label, is_consonant),
        longest_run(label, is_digit),
        distinct.len() as f64 / label.len() as f64,
        pair_share(label, |a, b| {
            (is_digit(a) && is_letter(b)) || (is_letter(a) && is_digit(b))
        }),
        pair_share(label, |a, b| a == b),
        share(label, is_hex_digit),
        flag(label.len() >= 8 && all(is_hex_digit) && any(is_digit) && any(is_letter)),
        flag(label.len() >= 8 && all(is_base32) && any(|b| (b'2'..=b'7').contains(&b))),
    ];
    names.into_iter().zip(values).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// Every feature that differs from the reference, as messages.
fn compare(label: &str) -> Vec<String> {
    let got = FeatureExtractor::builtin().label_features(label);
    assert_eq!(got.len(), FEATURE_COUNT);
    reference(label)
        .into_iter()
        .filter(|&(name, want)| !close(got[column(name)], want))
        .map(|(name, want)| {
            format!(
                "{label:?}: {name}: extractor {}, reference {want}",
                got[column(name)]
            )
        })
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Dictionary coverage by brute force

/// Most characters of `label[from..]` that non-overlapping words of 3+ letters can cover: try
/// every choice (skip this character, or take any word starting here) and keep the best.
fn best_cover(label: &str, from: usize, is_word: &dyn Fn(&str) -> bool) -> usize {
    if from >= label.len() {
        return 0;
    }
    let mut best = best_cover(label, from + 1, is_word);
    for end in from + MIN_WORD_LEN..=label.len() {
        if is_word(&label[from..end]) {
            best = best.max(end - from + best_cover(label, end, is_word));
        }
    }
    best
}

/// (`covered_ratio`, `longest_word_ratio`) by brute force over all substrings.
fn reference_coverage(label: &str) -> (f64, f64) {
    if label.is_empty() {
        return (0.0, 0.0);
    }
    let dictionary = FeatureExtractor::builtin().dictionary();
    let is_word = |word: &str| word.len() >= MIN_WORD_LEN && dictionary.contains(word);
    let mut longest = 0;
    for start in 0..label.len() {
        for end in start + 1..=label.len() {
            if is_word(&label[start..end]) {
                longest = longest.max(end - start);
            }
        }
    }
    let n = label.len() as f64;
    (
        best_cover(label, 0, &is_word) as f64 / n,
        longest as f64 / n,
    )
}

fn compare_coverage(label: &str) -> Vec<String> {
    let got = FeatureExtractor::builtin().label_features(label);
    let (covered, longest) = reference_coverage(label);
    let mut failures = Vec::new();
    for (name, want) in [
        ("dictionary_coverage", covered),
        ("dictionary_longest_word_ratio", longest),
    ] {
        if !close(got[column(name)], want) {
            failures.push(format!(
                "{label:?}: {name}: extractor {}, reference {want}",
                got[column(name)]
            ));
        }
    }
    failures
}

// ------------------------------------------------------------------------------------------------
// Fixed labels

const FIXED: &[&str] = &[
    "",
    "a",
    "z",
    "7",
    "-",
    "_",
    "aa",
    "ab",
    "a1",
    "aabb",
    "google",
    "asdklgb",
    "googlee",
    "weatherforecast",
    "my-bank",
    "xn--bcher-kva",
    "_dmarc",
    "--",
    "0123456789",
    "bcdfghjklmnpqrstvwxyz",
    "aeiouaeiou",
    "04055051be412eea5a61b7da8438be3d",
    "1cb8a5f36f",
    "deadbeef",
    "deadbee",
    "12345678",
    "abcdefab",
    "abcdef12",
    "mfrggzdfmztwq2lk",
    "22222222",
    "abcdefg8",
    "abcdefgh",
    "b18dto41jugvitb68mqc69ltkwe51l58j66k37p22",
    "a-1-b-2-c-3",
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
];

#[test]
fn fixed_labels_match_the_reference() {
    let failures: Vec<String> = FIXED.iter().flat_map(|label| compare(label)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reference_agrees_with_hand_computed_values() {
    // Guards the reference itself: values worked out on paper.
    let value = |label: &str, name: &str| {
        reference(label)
            .into_iter()
            .find(|&(n, _)| n == name)
            .map(|(_, v)| v)
            .unwrap()
    };
    assert!(close(value("aabb", "entropy"), 1.0));
    assert!(close(value("abcd", "entropy"), 2.0));
    assert!(close(value("aaaa", "entropy"), 0.0));
    assert!(close(value("aabb", "repeat_ratio"), 2.0 / 3.0));
    assert!(close(value("aabb", "distinct_char_ratio"), 0.5));
    assert!(close(value("a1b2", "class_switch_ratio"), 1.0));
    assert!(close(value("a", "class_switch_ratio"), 0.0));
    assert!(close(value("strength", "longest_consonant_run"), 4.0));
    assert!(close(value("ab123c45", "longest_digit_run"), 3.0));
    assert!(close(value("my-bank", "hyphen_ratio"), 1.0 / 7.0));
    assert!(close(value("deadbeef", "is_hex"), 0.0)); // no digit: a word, not a hash
    assert!(close(value("deadbee5", "is_hex"), 1.0));
    assert!(close(value("22222222", "is_base32"), 1.0));
    assert!(close(value("abcdefgh", "is_base32"), 0.0)); // no digit 2-7
    assert_eq!(
        best_cover("catdog", 0, &|w: &str| w == "cat" || w == "dog"),
        6
    );
    assert_eq!(
        best_cover("catdog", 0, &|w: &str| w == "atd" || w == "cat"),
        3
    );
    assert_eq!(
        best_cover("abcde", 0, &|w: &str| w == "abc" || w == "bcde"),
        4
    );
}

#[test]
fn fixed_labels_dictionary_coverage_matches_brute_force() {
    let labels = [
        "",
        "cat",
        "catdog",
        "weather",
        "weatherfore",
        "mybank",
        "my-bank",
        "securelogin",
        "onlineshop",
        "xqzvkjw",
        "freegames",
        "thecatsat",
        "asdklgb",
        "googlee",
        "mailnews",
        "a1b2c3d4",
    ];
    let failures: Vec<String> = labels
        .iter()
        .flat_map(|label| compare_coverage(label))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The brute force must see words at all, or the comparison proves nothing.
    assert!(reference_coverage("catdog").0 > 0.99);
    assert!(reference_coverage("xqzvkjw").0 < 0.01);
}

#[test]
fn long_labels_are_cut_at_63_bytes() {
    let label = format!("{}{}", "ab1-".repeat(16), "zzzz");
    assert!(label.len() > MAX_LABEL_LEN);
    let extractor = FeatureExtractor::builtin();
    assert_eq!(
        extractor.label_features(&label),
        extractor.label_features(&label[..MAX_LABEL_LEN])
    );
    assert!(compare(&label).is_empty(), "{:?}", compare(&label));
}

// ------------------------------------------------------------------------------------------------
// Random labels

/// Pieces that make labels look like real ones: words, digits, hyphens.
fn wordish_label() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "the", "cat", "dog", "bank", "my", "online", "shop", "secure", "login", "mail", "news", "free",
            "game", "weather", "fore", "cast", "at", "her", "pay", "pal", "app", "cloud", "data", "net",
        ])
        .prop_map(str::to_owned),
        2 => "[a-z]{1,3}",
        1 => "[0-9]{1,2}",
        1 => Just("-".to_owned()),
    ];
    prop::collection::vec(piece, 1..5).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_labels_match_the_reference(label in prop_oneof![
        "[a-z0-9_-]{0,63}",
        "[a-f0-9]{6,40}",
        "[a-z2-7]{6,30}",
        "[aeiou0-9-]{1,20}",
        "[a-z0-9]{60,90}",
        // Printable ASCII but upper case: labels reach the extractor lower-cased.
        "[ -@\\[-~]{0,40}",
        wordish_label(),
    ]) {
        let failures = compare(&label);
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn random_short_labels_dictionary_coverage_matches_brute_force(label in prop_oneof![
        "[a-z]{0,12}",
        "[a-z0-9-]{0,12}",
        wordish_label().prop_map(|label| label.chars().take(12).collect::<String>()),
    ]) {
        let failures = compare_coverage(&label);
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
