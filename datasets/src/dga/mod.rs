//! DGA family generators: one module per real malware family, reimplemented from public
//! descriptions of its algorithm, grouped by style.
//!
//! Each family module has the same doc sections (What it is / Why it matters / Example / Known
//! limits / References) and a golden test against outputs published for a fixed seed and date.
//!
//! The families in [`RESERVED`] are kept for independent evaluation: they are never implemented
//! here and never trained on, so results on them measure how a model does on families it has not
//! seen.

use chrono::NaiveDate;

pub mod arithmetic;
pub mod hashed;
pub mod wordlist;

/// Families kept out of training for independent evaluation. Never implement them.
pub const RESERVED: [&str; 14] = [
    "matsnu",
    "rovnix",
    "nymaim2",
    "suppobox",
    "pizd",
    "gozi",
    "bigviktor",
    "bazarbackdoor",
    "zloader",
    "qsnatch",
    "tempedreve",
    "monerodownloader",
    "chinad",
    "charbot",
];

/// How a family builds its names: the styles differ in how hard they are to detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Characters from a linear congruential or other arithmetic generator.
    Arithmetic,
    /// Hex or alphabet-mapped output of a hash (MD5, SHA-256, CRC) of a seed and the date.
    Hash,
    /// Words from a list glued together: the hard case for lexical models.
    Wordlist,
}

/// One malware family's domain generation algorithm.
pub trait Family: Sync {
    /// The family's common name, lower case, as threat-intel feeds spell it (`necurs`).
    fn name(&self) -> &'static str;
    /// How it builds names.
    fn style(&self) -> Style;
    /// The seed a known sample used; families without a seed return 0.
    fn default_seed(&self) -> u64;
    /// The first `count` domains the malware would query on `date` with `seed`.
    fn generate(&self, seed: u64, date: NaiveDate, count: usize) -> Vec<String>;
}

/// Every implemented family, in a fixed order.
pub fn families() -> Vec<&'static dyn Family> {
    arithmetic::FAMILIES
        .iter()
        .chain(hashed::FAMILIES)
        .chain(wordlist::FAMILIES)
        .copied()
        .collect()
}

/// The family called `name`, if implemented.
pub fn family(name: &str) -> Option<&'static dyn Family> {
    families().into_iter().find(|family| family.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reserved_family_is_implemented_and_names_are_unique() {
        let names: Vec<&str> = families().iter().map(|f| f.name()).collect();
        for name in &names {
            assert!(
                !RESERVED.contains(name),
                "{name} is reserved for evaluation"
            );
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            names.len(),
            "duplicate family names: {names:?}"
        );
    }

    #[test]
    fn every_family_honours_any_count_deterministically() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        for family in families() {
            let seed = family.default_seed();
            assert!(
                family.generate(seed, date, 0).is_empty(),
                "{}",
                family.name()
            );
            // 10 000 is past every family's own per-period quota (the largest is 5000).
            let many = family.generate(seed, date, 10_000);
            assert_eq!(many.len(), 10_000, "{}", family.name());
            let few = family.generate(seed, date, 20);
            assert_eq!(
                few[..],
                many[..20],
                "{}: a shorter run is a prefix",
                family.name()
            );
            // Names past the quota must still be well formed.
            let tail = &many[many.len() - 200..];
            let batch = dnshunt_features::normalize(tail);
            for (name, normalized) in tail.iter().zip(batch.iter()) {
                assert!(normalized.is_valid(), "{}: {name}", family.name());
                assert_eq!(normalized.query, name, "{}", family.name());
            }
        }
    }

    #[test]
    fn every_family_generates_valid_distinct_names() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        for family in families() {
            let names = family.generate(family.default_seed(), date, 50);
            assert_eq!(names.len(), 50, "{}", family.name());
            let batch = dnshunt_features::normalize(&names);
            for (name, normalized) in names.iter().zip(batch.iter()) {
                assert!(normalized.is_valid(), "{}: {name}", family.name());
                assert_eq!(
                    normalized.query,
                    name,
                    "{} emits normalized names",
                    family.name()
                );
            }
        }
    }
}
