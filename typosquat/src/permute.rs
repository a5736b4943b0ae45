//! The permutation engine: brands in, `(brand, fuzzer, domain)` rows out, every domain
//! IDNA-encoded and validated.

use std::borrow::Cow;

use dnshunt_features::normalize;
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::data::Data;
use crate::error::{Result, TyposquatError};
use crate::fuzzers::{Candidates, Fuzzer, Target};

/// One generated lookalike.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permutation {
    /// Index of the brand in the batch given to [`Permuter::permute`].
    pub brand: usize,
    /// The fuzzer that made it.
    pub fuzzer: Fuzzer,
    /// The domain, IDNA-encoded (punycode), lower case.
    pub domain: String,
}

/// Generates permutations with a set of data tables.
#[derive(Debug, Clone, Copy)]
pub struct Permuter<'d> {
    data: &'d Data,
    homoglyph_rounds: u8,
    threads: usize,
}

impl<'d> Permuter<'d> {
    /// A permuter over the given tables, with dnstwist's two homoglyph rounds.
    pub fn new(data: &'d Data) -> Self {
        Self {
            data,
            homoglyph_rounds: 2,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }

    /// How many threads a batch of brands is split over (default: the machine's cores).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// How many homoglyph replacements are stacked (1 or 2). The lookalike index uses 1: the
    /// second round multiplies the set by ~100 and the skeleton matcher covers it.
    #[must_use]
    pub fn homoglyph_rounds(mut self, rounds: u8) -> Self {
        self.homoglyph_rounds = rounds.clamp(1, 2);
        self
    }

    /// Splits each brand into subdomain, label and suffix. A brand that is not a valid name with
    /// a registrable domain is an error naming it.
    pub fn targets<S: AsRef<str>>(brands: &[S]) -> Result<Vec<Target>> {
        let batch = normalize(brands);
        brands
            .iter()
            .zip(batch.iter())
            .map(|(brand, name)| {
                let reject = |reason: &str| TyposquatError::Brand {
                    brand: brand.as_ref().to_owned(),
                    reason: reason.to_owned(),
                };
                if let Some(reason) = name.invalid {
                    return Err(reject(&format!("not a valid name ({})", reason.as_str())));
                }
                let (Some(label), Some(tld)) = (name.domain_label, name.public_suffix) else {
                    return Err(reject("it is a public suffix, with no registrable label"));
                };
                let (unicode, decoded) = idna::domain_to_unicode(label);
                if decoded.is_err() {
                    return Err(reject("its label is not valid punycode"));
                }
                Ok(Target::new(name.subdomain.unwrap_or(""), &unicode, tld))
            })
            .collect()
    }

    /// Every permutation of every brand under every fuzzer given, in brand order, then fuzzer
    /// order, then domain order. The brand's own domain is never in the output.
    pub fn permute<S: AsRef<str>>(
        &self,
        brands: &[S],
        fuzzers: &[Fuzzer],
    ) -> Result<Vec<Permutation>> {
        let targets = Self::targets(brands)?;
        let rows_of = |first: usize, chunk: &[Target]| {
            let mut rows = Vec::new();
            for (at, target) in chunk.iter().enumerate() {
                self.permute_target(target, fuzzers, |fuzzer, domain| {
                    rows.push(Permutation {
                        brand: first + at,
                        fuzzer,
                        domain,
                    });
                });
            }
            rows
        };
        if self.threads == 1 || targets.len() < 2 {
            return Ok(rows_of(0, &targets));
        }
        // Brands round-robin over threads, so that one long brand does not leave the others idle.
        let threads = self.threads.min(targets.len());
        let mut per_brand: Vec<Vec<Permutation>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|worker| {
                    let targets = &targets;
                    let rows_of = &rows_of;
                    scope.spawn(move || {
                        (worker..targets.len())
                            .step_by(threads)
                            .map(|at| (at, rows_of(at, std::slice::from_ref(&targets[at]))))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut all: Vec<(usize, Vec<Permutation>)> = workers
                .into_iter()
                .flat_map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect();
            all.sort_unstable_by_key(|(at, _)| *at);
            all.into_iter().map(|(_, rows)| rows).collect()
        });
        Ok(per_brand.iter_mut().flat_map(std::mem::take).collect())
    }

    /// The permutations of one target, handed to `emit` fuzzer by fuzzer, sorted within each.
    pub fn permute_target(
        &self,
        target: &Target,
        fuzzers: &[Fuzzer],
        mut emit: impl FnMut(Fuzzer, String),
    ) {
        let original = original_domain(target);
        let mut candidates = Candidates::for_target(target);
        let mut valid = Vec::new();
        for &fuzzer in fuzzers {
            candidates.clear();
            fuzzer.generate(target, self.data, self.homoglyph_rounds, &mut candidates);
            valid.clear();
            valid.extend(
                candidates
                    .drain()
                    .filter_map(|name| encode(&name).map(Cow::into_owned))
                    .filter(|domain| Some(domain.as_str()) != original.as_deref()),
            );
            valid.sort_unstable();
            valid.dedup();
            for domain in valid.drain(..) {
                emit(fuzzer, domain);
            }
        }
    }
}

fn original_domain(target: &Target) -> Option<String> {
    let mut name = String::new();
    for part in [&target.subdomain, &target.label, &target.tld] {
        if !part.is_empty() {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(part);
        }
    }
    encode(&name).map(Cow::into_owned)
}

/// IDNA-encodes a candidate and keeps it when it is a usable host name: UTS 46 with STD3 rules
/// and DNS lengths, then the same shape dnstwist requires (2+ labels, letters, digits and inner
/// hyphens, a suffix of 2+ characters, 4 to 253 characters in all).
pub fn encode(candidate: &str) -> Option<Cow<'_, str>> {
    // Most candidates are plain lower-case ASCII: the UTS 46 pass would hand them back unchanged,
    // unless a label claims to be punycode, which must then decode.
    if candidate
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !candidate.starts_with("xn--")
        && !candidate.contains(".xn--")
    {
        return is_host_name(candidate).then_some(Cow::Borrowed(candidate));
    }
    let ascii = Uts46::new()
        .to_ascii(
            candidate.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Verify,
        )
        .ok()?;
    is_host_name(&ascii).then_some(ascii)
}

fn is_host_name(name: &str) -> bool {
    if !(4..=253).contains(&name.len()) {
        return false;
    }
    let mut labels = name.split('.');
    let Some(last) = labels.next_back() else {
        return false;
    };
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let mut count = 1;
    for label in labels {
        if !label_ok(label) {
            return false;
        }
        count += 1;
    }
    count >= 2 && last.len() >= 2 && label_ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permuter() -> Permuter<'static> {
        Permuter::new(Data::builtin().unwrap())
    }

    #[test]
    fn rows_are_encoded_tagged_and_exclude_the_brand() {
        let rows = permuter()
            .permute(
                &["google.com"],
                &[Fuzzer::Addition, Fuzzer::Cyrillic, Fuzzer::VowelSwap],
            )
            .unwrap();
        assert!(
            rows.iter()
                .any(|r| r.fuzzer == Fuzzer::Addition && r.domain == "googlee.com")
        );
        assert!(
            rows.iter()
                .any(|r| r.fuzzer == Fuzzer::Cyrillic && r.domain.starts_with("xn--"))
        );
        assert!(rows.iter().all(|r| r.domain != "google.com"));
        assert!(
            rows.iter()
                .all(|r| encode(&r.domain).as_deref() == Some(r.domain.as_str()))
        );
    }

    #[test]
    fn subdomains_and_idn_brands_are_kept() {
        let rows = permuter()
            .permute(&["www.bücher.de"], &[Fuzzer::Omission])
            .unwrap();
        assert!(rows.iter().any(|r| r.domain == "www.bcher.de"));
        assert!(
            rows.iter().any(|r| r.domain.starts_with("www.xn--")),
            "{rows:?}"
        );
    }

    #[test]
    fn bad_brands_are_named() {
        let err = permuter()
            .permute(&["co.uk"], &[Fuzzer::Addition])
            .unwrap_err();
        assert!(err.to_string().contains("\"co.uk\""), "{err}");
        assert!(
            permuter()
                .permute(&["exa mple.com"], &[Fuzzer::Addition])
                .is_err()
        );
    }

    #[test]
    fn validation_matches_host_name_rules() {
        assert_eq!(encode("Ab.com").as_deref(), Some("ab.com"));
        assert_eq!(encode("gооgle.com").as_deref(), Some("xn--ggle-55da.com"));
        for bad in [
            "-ab.com", "ab-.com", "a.c", "ab.c", "a_b.com", "ab..com", "abc",
        ] {
            assert_eq!(encode(bad), None, "{bad}");
        }
    }
}
