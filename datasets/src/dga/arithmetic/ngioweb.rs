//! Ngioweb: English-looking names from affix tables and alternating letters, driven by an LCG.
//!
//! # What it is
//! Ngioweb is proxy-botnet malware for Linux servers and Internet-of-Things devices, analysed in
//! 2019 and 2020. Its DGA runs the ANSI C example LCG (`r = 1103515245 * r + 12345 mod 2^32`,
//! draws `r mod n`) from a per-sample seed. A name has one to three hyphen-joined parts; each part is a prefix (`un`,
//! `over`, `micro`, ...), four to six letters alternating between vowels and consonants (starting
//! with whichever class the prefix does not end in), and a suffix chosen from a vowel-initial table
//! (`able`, `ism`, ...) after a consonant or a consonant-initial table (`hood`, `less`, ...) after
//! a vowel. One of six TLDs follows. The date plays no part.
//!
//! # Why it matters
//! Real prefixes and suffixes around pronounceable filler (`minihileth-subatudofy.org`) look like
//! English morphology, and the hyphenated multi-part labels are long: character statistics sit much
//! closer to benign names than those of random-letter families.
//!
//! # Example
//! With the default seed the list begins `minihileth-subatudofy.org`, `revodihudom.info`.
//!
//! # Known limits
//! `seed` is the generator seed (low 32 bits); known sample seeds are `0x56EDC15` (the default),
//! `0x5397FB1`, `0x01275C63`, `0x04BC65BC` and `0x00375D5A`. The reference lists 1024 names;
//! asking for more keeps the generator running. The affix tables are shipped as data in
//! `datasets/data/dga/ngioweb_affixes.txt` with their source; if that file failed to parse (a test
//! checks it does not) the generator would return no names.
//!
//! # References
//! Johannes Bader's reference implementation `ngioweb/dga.py` and example list
//! `ngioweb/example_domains.txt` (seed `0x56EDC15`; the golden test matches it) in the public
//! repository `baderj/domain_generation_algorithms`, which credits 360 Netlab's analyses "An
//! Analysis of Linux.Ngioweb Botnet" (2019) and "Linux.Ngioweb v2 going after `IoT` devices" (2020).

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::dga::{Family, Style};

/// The affix tables, shipped as data (see the file's header for their source).
const AFFIX_FILE: &str = include_str!("../../../data/dga/ngioweb_affixes.txt");

const VOWELS: &[u8] = b"aeiou";
const CONSONANTS: &[u8] = b"bcdfghklmnprstvxz";
const TLDS: [&str; 6] = ["net", "info", "com", "biz", "org", "name"];

/// The three affix tables, in the malware's order.
#[derive(Debug, PartialEq)]
struct Affixes {
    prefixes: Vec<&'static str>,
    vowel_suffixes: Vec<&'static str>,
    consonant_suffixes: Vec<&'static str>,
}

impl Affixes {
    /// The parsed shipped tables, or `None` if the file is malformed (never with the shipped file:
    /// a test checks it).
    fn shipped() -> Option<&'static Self> {
        static AFFIXES: OnceLock<Option<Affixes>> = OnceLock::new();
        AFFIXES.get_or_init(|| Self::parse(AFFIX_FILE)).as_ref()
    }

    /// Parses `[section]` headers followed by one lower-case affix a line; `#` starts a comment
    /// line. Every table must be present and non-empty.
    fn parse(text: &'static str) -> Option<Self> {
        let mut tables: [Vec<&'static str>; 3] = Default::default();
        let mut current = None;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            current = match line {
                "[prefixes]" => Some(0),
                "[vowel-suffixes]" => Some(1),
                "[consonant-suffixes]" => Some(2),
                affix if affix.bytes().all(|b| b.is_ascii_lowercase()) => {
                    tables[current?].push(affix);
                    current
                }
                _ => return None,
            };
        }
        let [prefixes, vowel_suffixes, consonant_suffixes] = tables;
        let affixes = Self {
            prefixes,
            vowel_suffixes,
            consonant_suffixes,
        };
        (!affixes.prefixes.is_empty()
            && !affixes.vowel_suffixes.is_empty()
            && !affixes.consonant_suffixes.is_empty())
        .then_some(affixes)
    }
}

/// The ANSI C example generator as Ngioweb uses it.
struct Lcg {
    state: u32,
}

impl Lcg {
    fn below(&mut self, modulus: usize) -> usize {
        self.state = self.state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        self.state as usize % modulus.max(1)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn ends_in_consonant(label: &str) -> bool {
    label.bytes().last().is_some_and(|b| !VOWELS.contains(&b))
}

fn domain(affixes: &Affixes, lcg: &mut Lcg) -> String {
    let parts = lcg.below(3) + 1;
    let mut name = String::with_capacity(64);
    for part in 0..parts {
        name.push_str(lcg.pick(&affixes.prefixes));
        let mut vowel_next = ends_in_consonant(&name);
        for _ in 0..lcg.below(3) + 4 {
            let class = if vowel_next { VOWELS } else { CONSONANTS };
            name.push(char::from(lcg.pick(class)));
            vowel_next = !vowel_next;
        }
        let suffixes = if ends_in_consonant(&name) {
            &affixes.vowel_suffixes
        } else {
            &affixes.consonant_suffixes
        };
        name.push_str(lcg.pick(suffixes));
        if part + 1 < parts {
            name.push('-');
        }
    }
    name.push('.');
    name.push_str(lcg.pick(&TLDS));
    name
}

/// The Ngioweb DGA.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ngioweb;

impl Family for Ngioweb {
    fn name(&self) -> &'static str {
        "ngioweb"
    }

    fn style(&self) -> Style {
        Style::Arithmetic
    }

    fn default_seed(&self) -> u64 {
        0x56E_DC15
    }

    fn generate(&self, seed: u64, _date: NaiveDate, count: usize) -> Vec<String> {
        let Some(affixes) = Affixes::shipped() else {
            return Vec::new();
        };
        let mut lcg = Lcg { state: seed as u32 };
        (0..count).map(|_| domain(affixes, &mut lcg)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
    }

    #[test]
    fn shipped_tables_parse_with_the_published_sizes() {
        let affixes = Affixes::shipped().unwrap();
        assert_eq!(affixes.prefixes.len(), 30);
        assert_eq!(affixes.vowel_suffixes.len(), 35);
        assert_eq!(affixes.consonant_suffixes.len(), 16);
        assert_eq!(affixes.prefixes[..3], ["un", "under", "re"]);
        assert_eq!(affixes.vowel_suffixes[34], "ure");
        assert_eq!(affixes.consonant_suffixes[15], "ward");
    }

    #[test]
    fn malformed_tables_are_rejected() {
        assert_eq!(Affixes::parse("un\n"), None, "affix before any section");
        assert_eq!(Affixes::parse("[prefixes]\nUn\n"), None, "upper case");
        assert_eq!(Affixes::parse("[prefixes]\nun\n"), None, "missing tables");
    }

    #[test]
    fn golden_matches_published_examples() {
        // `ngioweb/example_domains.txt` in baderj/domain_generation_algorithms (seed 0x56EDC15).
        let names = Ngioweb.generate(0x56E_DC15, any_date(), 1024);
        assert_eq!(
            names[..5],
            [
                "minihileth-subatudofy.org",
                "revodihudom.info",
                "enisobure-antidimadom-minikevuship.org",
                "semiridinution-postepudency.com",
                "prolefexity-disorisance.org",
            ]
        );
        assert_eq!(names[1023], "ultraxupoship.org");
    }

    #[test]
    fn golden_matches_reference_for_other_seeds_and_longer_runs() {
        // From the reference implementation run in a scratch directory.
        assert_eq!(
            Ngioweb.generate(0x56E_DC15, NaiveDate::MIN, 1026)[1024..],
            [
                "monokaradom-iluxinirous.com",
                "imupuraward-imogeveness-irexumaward.org",
            ]
        );
        assert_eq!(
            Ngioweb.generate(0x0127_5C63, any_date(), 2),
            [
                "overobozikish-semipezavution-interigupant.com",
                "protivapical-semiletuful.info",
            ]
        );
    }
}
