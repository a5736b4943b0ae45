//! The fuzzers: one module each, with dnstwist's ids for the sixteen dnstwist has and five of
//! ours. A fuzzer writes candidate names (Unicode, not yet validated) into a [`Candidates`] sink;
//! [`crate::Permuter`] IDNA-encodes and validates them.

mod addition;
mod bitsquatting;
mod cyrillic;
mod dictionary;
mod dyndns;
mod homoglyph;
mod homophone;
mod hyphenation;
mod insertion;
mod keyword;
mod numeral_swap;
mod omission;
mod plural;
mod repetition;
mod replacement;
mod subdomain;
mod tld_swap;
mod transposition;
mod various;
mod vowel_swap;
mod wrong_sld;

use rustc_hash::FxHashSet;

use crate::data::Data;
use crate::error::TyposquatError;

/// A way of deriving lookalikes from a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fuzzer {
    /// A character appended to the label (`googlea`); also before each hyphen.
    Addition,
    /// One bit flipped in one character (`foogle`).
    Bitsquatting,
    /// Every letter replaced by its Cyrillic look-alike, when all of them have one.
    Cyrillic,
    /// One or two characters replaced by look-alikes (`rn` → `m`, `o` → `ö`).
    Homoglyph,
    /// A hyphen inserted between two characters.
    Hyphenation,
    /// A keyboard-adjacent key inserted beside a character.
    Insertion,
    /// One character left out.
    Omission,
    /// An `s` (or `es`) inserted after a character.
    Plural,
    /// One character typed twice.
    Repetition,
    /// One character replaced by a keyboard-adjacent key.
    Replacement,
    /// A dot inserted, making part of the label a subdomain (`goo.gle.com`).
    Subdomain,
    /// Two adjacent characters swapped.
    Transposition,
    /// One vowel replaced by another.
    VowelSwap,
    /// A dictionary word joined before or after the label.
    Dictionary,
    /// The suffix swapped for another from the TLD list.
    TldSwap,
    /// Suffix tricks: the suffix folded into the label, dropped, or moved under `.com`.
    Various,
    /// Letters swapped for the digits they resemble (`g00gle`, `paypa1`). Ours.
    NumeralSwap,
    /// A spelling swapped for one that sounds alike (`fone`, `mael`). Ours.
    Homophone,
    /// A fake second-level label (`paypal.co.com`, `google.com.uk`). Ours.
    WrongSld,
    /// The brand as a host under a dynamic-DNS suffix (`paypal.duckdns.org`). Ours.
    Dyndns,
    /// The brand joined to a phishing keyword (`paypal-login`, `securepaypal`). Ours.
    Keyword,
}

impl Fuzzer {
    /// Every fuzzer, dnstwist's first in dnstwist's order. When several fuzzers make the same
    /// name, the first in this order names it.
    pub const ALL: [Self; 21] = [
        Self::Addition,
        Self::Bitsquatting,
        Self::Cyrillic,
        Self::Homoglyph,
        Self::Hyphenation,
        Self::Insertion,
        Self::Omission,
        Self::Plural,
        Self::Repetition,
        Self::Replacement,
        Self::Subdomain,
        Self::Transposition,
        Self::VowelSwap,
        Self::Dictionary,
        Self::TldSwap,
        Self::Various,
        Self::NumeralSwap,
        Self::Homophone,
        Self::WrongSld,
        Self::Dyndns,
        Self::Keyword,
    ];

    /// The sixteen fuzzers dnstwist has.
    pub const DNSTWIST: [Self; 16] = [
        Self::Addition,
        Self::Bitsquatting,
        Self::Cyrillic,
        Self::Homoglyph,
        Self::Hyphenation,
        Self::Insertion,
        Self::Omission,
        Self::Plural,
        Self::Repetition,
        Self::Replacement,
        Self::Subdomain,
        Self::Transposition,
        Self::VowelSwap,
        Self::Dictionary,
        Self::TldSwap,
        Self::Various,
    ];

    /// The id printed in results (dnstwist's for dnstwist's fuzzers).
    pub fn id(self) -> &'static str {
        match self {
            Self::Addition => "addition",
            Self::Bitsquatting => "bitsquatting",
            Self::Cyrillic => "cyrillic",
            Self::Homoglyph => "homoglyph",
            Self::Hyphenation => "hyphenation",
            Self::Insertion => "insertion",
            Self::Omission => "omission",
            Self::Plural => "plural",
            Self::Repetition => "repetition",
            Self::Replacement => "replacement",
            Self::Subdomain => "subdomain",
            Self::Transposition => "transposition",
            Self::VowelSwap => "vowel-swap",
            Self::Dictionary => "dictionary",
            Self::TldSwap => "tld-swap",
            Self::Various => "various",
            Self::NumeralSwap => "numeral-swap",
            Self::Homophone => "homophone",
            Self::WrongSld => "wrong-sld",
            Self::Dyndns => "dyndns",
            Self::Keyword => "keyword",
        }
    }

    /// All ids, in [`Fuzzer::ALL`] order.
    pub fn ids() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.id()).collect()
    }

    /// Whether the fuzzer changes a character or two of the label: on a short label such changes
    /// mostly land on other, legitimate names, so matching treats them with care.
    pub fn is_character_edit(self) -> bool {
        matches!(
            self,
            Self::Addition
                | Self::Bitsquatting
                | Self::Insertion
                | Self::Omission
                | Self::Plural
                | Self::Repetition
                | Self::Replacement
                | Self::Transposition
                | Self::VowelSwap
                | Self::Homophone
        )
    }

    pub(crate) fn generate(self, target: &Target, data: &Data, rounds: u8, out: &mut Candidates) {
        match self {
            Self::Addition => addition::generate(target, out),
            Self::Bitsquatting => bitsquatting::generate(target, out),
            Self::Cyrillic => cyrillic::generate(target, data, out),
            Self::Homoglyph => homoglyph::generate(target, data, rounds, out),
            Self::Hyphenation => hyphenation::generate(target, out),
            Self::Insertion => insertion::generate(target, data, out),
            Self::Omission => omission::generate(target, out),
            Self::Plural => plural::generate(target, out),
            Self::Repetition => repetition::generate(target, out),
            Self::Replacement => replacement::generate(target, data, out),
            Self::Subdomain => subdomain::generate(target, out),
            Self::Transposition => transposition::generate(target, out),
            Self::VowelSwap => vowel_swap::generate(target, out),
            Self::Dictionary => dictionary::generate(target, &data.dictionary, out),
            Self::TldSwap => tld_swap::generate(target, data, out),
            Self::Various => various::generate(target, out),
            Self::NumeralSwap => numeral_swap::generate(target, data, out),
            Self::Homophone => homophone::generate(target, data, out),
            Self::WrongSld => wrong_sld::generate(target, data, out),
            Self::Dyndns => dyndns::generate(target, data, out),
            Self::Keyword => keyword::generate(target, &data.keywords, out),
        }
    }
}

impl std::str::FromStr for Fuzzer {
    type Err = TyposquatError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.id() == id.trim())
            .ok_or_else(|| TyposquatError::UnknownFuzzer(id.to_owned()))
    }
}

impl std::fmt::Display for Fuzzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A domain split the way the fuzzers see it: subdomain, label (Unicode) and suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Labels left of the registered domain, without the dot; empty when none.
    pub subdomain: String,
    /// The registrable label, IDNA-decoded.
    pub label: String,
    /// The public suffix (`com`, `co.uk`).
    pub tld: String,
    /// The label as characters: fuzzers index by character, as dnstwist does.
    pub chars: Vec<char>,
}

impl Target {
    /// A target from its parts.
    pub fn new(subdomain: &str, label: &str, tld: &str) -> Self {
        Self {
            subdomain: subdomain.to_owned(),
            label: label.to_owned(),
            tld: tld.to_owned(),
            chars: label.chars().collect(),
        }
    }
}

/// Candidate names of one fuzzer for one target, deduplicated before the (costly) IDNA step.
#[derive(Debug, Default)]
pub struct Candidates {
    subdomain: String,
    tld: String,
    names: FxHashSet<String>,
}

impl Candidates {
    pub(crate) fn for_target(target: &Target) -> Self {
        Self {
            subdomain: target.subdomain.clone(),
            tld: target.tld.clone(),
            names: FxHashSet::default(),
        }
    }

    /// A new label, kept under the target's subdomain and suffix.
    pub(crate) fn label(&mut self, label: &str) {
        let mut name =
            String::with_capacity(self.subdomain.len() + label.len() + self.tld.len() + 2);
        if !self.subdomain.is_empty() {
            name.push_str(&self.subdomain);
            name.push('.');
        }
        name.push_str(label);
        name.push('.');
        name.push_str(&self.tld);
        self.names.insert(name);
    }

    /// A new label given as characters.
    pub(crate) fn label_chars(&mut self, chars: &[char]) {
        let label: String = chars.iter().collect();
        self.label(&label);
    }

    /// A whole name; empty parts are left out, as dnstwist joins them.
    pub(crate) fn parts(&mut self, parts: &[&str]) {
        let mut name = String::new();
        for part in parts.iter().filter(|p| !p.is_empty()) {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(part);
        }
        self.names.insert(name);
    }

    pub(crate) fn drain(&mut self) -> impl Iterator<Item = String> + '_ {
        self.names.drain()
    }

    pub(crate) fn clear(&mut self) {
        self.names.clear();
    }
}

/// Test helper: the candidate labels a fuzzer makes for a `.com` label, sorted.
#[cfg(test)]
pub(crate) fn labels_of(fuzzer: Fuzzer, label: &str) -> Vec<String> {
    let data = Data::builtin().unwrap();
    let target = Target::new("", label, "com");
    let mut out = Candidates::for_target(&target);
    fuzzer.generate(&target, data, 2, &mut out);
    let mut labels: Vec<String> = out
        .drain()
        .map(|name| name.trim_end_matches(".com").to_owned())
        .collect();
    labels.sort();
    labels
}
