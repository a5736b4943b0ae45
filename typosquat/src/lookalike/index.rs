//! The lookalike index: built once per watchlist, queried with batches of names.

use std::hash::Hasher;

use aho_corasick::AhoCorasick;
use dnshunt_features::dictionary::Dictionary;
use dnshunt_features::vector::BUILTIN_WORD_LIST;
use dnshunt_features::{Name, NormalizedBatch, SuffixKind, normalize};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::distance::{EditOp, edit_ops};
use super::watchlist::Watchlist;
use super::{Match, Method, skeleton};
use crate::data::Data;
use crate::error::{Result, data_error};
use crate::fuzzers::Fuzzer;
use crate::permute::Permuter;

/// A brand label as the fuzzy matcher sees it.
#[derive(Debug, Clone)]
struct Label {
    brand: u32,
    /// The label, Unicode.
    text: String,
    /// Its UTS 39 skeleton.
    skeleton: Vec<char>,
    /// Length of the label in characters (skeletons stretch `m` to `rn`).
    len: usize,
}

/// Everything needed to decide, for a name, whether it imitates a watched brand.
#[derive(Debug)]
pub struct LookalikeIndex {
    watchlist: Watchlist,
    data: &'static Data,
    owned: FxHashSet<String>,
    owned_labels: FxHashSet<String>,
    /// Permutation → (index in `labels` of the label it came from, fuzzer).
    permutations: FxHashMap<Box<str>, (u32, Fuzzer)>,
    labels: Vec<Label>,
    by_skeleton: FxHashMap<String, Vec<u32>>,
    by_label: FxHashMap<String, Vec<u32>>,
    deletions: FxHashMap<u64, Vec<u32>>,
    embedded: AhoCorasick,
    /// Skeletons of the keywords and dictionary words that may surround an embedded brand.
    tokens: FxHashSet<String>,
    english: Dictionary,
    threads: usize,
}

/// Edit cost a brand label of this skeleton length tolerates: short labels sit among many
/// legitimate names, so the budget grows with length.
fn edit_budget(len: usize) -> f32 {
    match len {
        0..=4 => 0.0,
        5..=9 => 1.0,
        _ => 2.0,
    }
}

fn deletion_budget(len: usize) -> usize {
    edit_budget(len).ceil() as usize
}

/// Hash of `chars` without the positions in `skip`.
fn hash_without(chars: &[char], skip: [usize; 2]) -> u64 {
    let mut hasher = FxHasher::default();
    for (at, c) in chars.iter().enumerate() {
        if at != skip[0] && at != skip[1] {
            hasher.write_u32(u32::from(*c));
        }
    }
    hasher.finish()
}

/// Calls `f` with the hash of every string made by deleting up to `max` (≤ 2) characters.
fn for_each_deletion(chars: &[char], max: usize, mut f: impl FnMut(u64)) {
    const NONE: usize = usize::MAX;
    f(hash_without(chars, [NONE, NONE]));
    if max >= 1 {
        for i in 0..chars.len() {
            f(hash_without(chars, [i, NONE]));
            if max >= 2 {
                for j in i + 1..chars.len() {
                    f(hash_without(chars, [i, j]));
                }
            }
        }
    }
}

/// The extra tokens as spelt in the observed label, when the brand appears there literally
/// (the skeleton spells `mp3` as `rnp3`).
fn display_tokens(original: &str, brand: &str) -> Option<Vec<String>> {
    let at = original.find(brand)?;
    let (before, after) = (&original[..at], &original[at + brand.len()..]);
    Some(
        before
            .split('-')
            .chain(after.split('-'))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// Score of a match found in the permutation set, by how telling the fuzzer is.
fn fuzzer_score(fuzzer: Fuzzer) -> f32 {
    match fuzzer {
        Fuzzer::Homoglyph | Fuzzer::Cyrillic | Fuzzer::NumeralSwap => 0.95,
        Fuzzer::Keyword | Fuzzer::Dictionary | Fuzzer::WrongSld | Fuzzer::Dyndns => 0.85,
        Fuzzer::TldSwap | Fuzzer::Various => 0.8,
        _ => 0.9,
    }
}

impl LookalikeIndex {
    /// Builds the index: permutations of every owned domain (all fuzzers, one homoglyph round),
    /// skeletons, deletion neighbourhoods and the embedded-brand automaton.
    pub fn build(watchlist: Watchlist) -> Result<Self> {
        let data = Data::builtin()?;
        let english = Dictionary::from_word_list(BUILTIN_WORD_LIST)
            .map_err(|err| data_error("english_words.txt", 0, err.to_string()))?;
        let permuter = Permuter::new(data).homoglyph_rounds(1);
        let mut permutations: FxHashMap<Box<str>, (u32, Fuzzer)> = FxHashMap::default();
        let mut owned = FxHashSet::default();
        let mut owned_labels = FxHashSet::default();
        let mut labels: Vec<Label> = Vec::new();
        for (brand_at, brand) in watchlist.brands.iter().enumerate() {
            let brand_id = brand_at as u32;
            owned.extend(brand.domains.iter().cloned());
            owned_labels.extend(brand.any_suffix.iter().cloned());
            for target in Permuter::targets(&brand.domains)? {
                let skeleton = skeleton(&target.label);
                let known = labels
                    .iter()
                    .position(|l| l.brand == brand_id && l.skeleton == skeleton);
                let label_id = known.unwrap_or_else(|| {
                    labels.push(Label {
                        brand: brand_id,
                        text: target.label.clone(),
                        skeleton,
                        len: target.chars.len(),
                    });
                    labels.len() - 1
                }) as u32;
                permuter.permute_target(&target, &Fuzzer::ALL, |fuzzer, domain| {
                    permutations
                        .entry(domain.into_boxed_str())
                        .or_insert((label_id, fuzzer));
                });
            }
        }
        let mut by_skeleton: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut by_label: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut deletions: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        for (at, label) in labels.iter().enumerate() {
            let id = at as u32;
            by_skeleton
                .entry(label.skeleton.iter().collect())
                .or_default()
                .push(id);
            by_label.entry(label.text.clone()).or_default().push(id);
            for_each_deletion(&label.skeleton, deletion_budget(label.len), |hash| {
                let ids = deletions.entry(hash).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            });
        }
        let patterns: Vec<String> = labels.iter().map(|l| l.skeleton.iter().collect()).collect();
        let embedded = AhoCorasick::new(&patterns)
            .map_err(|err| data_error("watchlist", 0, err.to_string()))?;
        let tokens = data
            .keywords
            .iter()
            .chain(&data.dictionary)
            .map(|word| skeleton(word).into_iter().collect())
            .collect();
        Ok(Self {
            watchlist,
            data,
            owned,
            owned_labels,
            permutations,
            labels,
            by_skeleton,
            by_label,
            deletions,
            embedded,
            tokens,
            english,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        })
    }

    /// How many threads a batch is split over (default: the machine's cores).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// The watchlist the index was built from.
    pub fn watchlist(&self) -> &Watchlist {
        &self.watchlist
    }

    /// Number of distinct permutations indexed.
    pub fn permutation_count(&self) -> usize {
        self.permutations.len()
    }

    /// The matches among raw names (normalized first); `Match::row` indexes `names`.
    pub fn match_names<S: AsRef<str>>(&self, names: &[S]) -> Vec<Match> {
        self.match_batch(&normalize(names))
    }

    /// The matches in a normalized batch, in row order; invalid names and owned domains never
    /// match.
    pub fn match_batch(&self, batch: &NormalizedBatch) -> Vec<Match> {
        let rows = batch.len();
        let chunk = rows.div_ceil(self.threads).max(4096);
        if self.threads == 1 || rows <= chunk {
            return (0..rows)
                .filter_map(|row| self.match_row(batch, row))
                .collect();
        }
        let starts: Vec<usize> = (0..rows).step_by(chunk).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = starts
                .iter()
                .map(|&start| {
                    scope.spawn(move || {
                        (start..(start + chunk).min(rows))
                            .filter_map(|row| self.match_row(batch, row))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    fn match_row(&self, batch: &NormalizedBatch, row: usize) -> Option<Match> {
        let name = batch.get(row)?;
        let (method, brand, score) = self.match_name(&name)?;
        Some(Match {
            row,
            brand: brand as usize,
            method,
            score,
        })
    }

    fn match_name(&self, name: &Name<'_>) -> Option<(Method, u32, f32)> {
        if !name.is_valid() {
            return None;
        }
        let registered = name.registered_domain?;
        let label = name.domain_label?;
        // `brand.*` owns the label under registry suffixes only: under a private suffix
        // (`duckdns.org`, `github.io`) anyone can take it.
        let owned_label =
            self.owned_labels.contains(label) && name.suffix_kind != SuffixKind::Private;
        if self.owned.contains(registered) || owned_label {
            return None;
        }
        if let Some(found) = self.in_permutations(name.query, registered, label) {
            return Some(found);
        }
        let unicode = if label.contains("xn--") {
            idna::domain_to_unicode(label).0
        } else {
            label.to_owned()
        };
        let observed = skeleton(&unicode);
        let observed_text: String = observed.iter().collect();
        if let Some(ids) = self.by_skeleton.get(&observed_text) {
            let id = ids[0] as usize;
            let brand = self.labels[id].brand;
            return Some(if self.labels[id].text == unicode {
                (Method::OtherSuffix, brand, 0.8)
            } else {
                (Method::Confusable, brand, 0.95)
            });
        }
        let mut best = self.by_edit(&observed, label);
        for candidate in [
            self.embedded_in_label(&observed_text, &unicode),
            name.subdomain
                .and_then(|sub| self.embedded_in_subdomain(sub)),
        ]
        .into_iter()
        .flatten()
        {
            if best.as_ref().is_none_or(|b| candidate.2 > b.2) {
                best = Some(candidate);
            }
        }
        best
    }

    /// The name, or one of its parent names down to the registered domain, is a permutation.
    fn in_permutations(
        &self,
        query: &str,
        registered: &str,
        label: &str,
    ) -> Option<(Method, u32, f32)> {
        let mut rest = query;
        loop {
            if let Some(&(label_id, fuzzer)) = self.permutations.get(rest) {
                let source = &self.labels[label_id as usize];
                // One changed character of a short label is usually another legitimate name.
                let plausible = !fuzzer.is_character_edit()
                    || (source.len > 4 && !self.english.contains(label));
                return plausible.then(|| {
                    (
                        Method::Permutation(fuzzer),
                        source.brand,
                        fuzzer_score(fuzzer),
                    )
                });
            }
            if rest.len() <= registered.len() {
                return None;
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// The closest brand within its edit budget, on skeletons.
    fn by_edit(&self, observed: &[char], label: &str) -> Option<(Method, u32, f32)> {
        if observed.len() < 4 || self.english.contains(label) {
            return None;
        }
        let max_deletions = if observed.len() >= 7 { 2 } else { 1 };
        let mut candidates: Vec<u32> = Vec::new();
        for_each_deletion(observed, max_deletions, |hash| {
            if let Some(ids) = self.deletions.get(&hash) {
                candidates.extend(ids);
            }
        });
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(Method, u32, f32)> = None;
        for id in candidates {
            let brand = &self.labels[id as usize];
            let budget = edit_budget(brand.len);
            let Some(ops) = edit_ops(&brand.skeleton, observed, budget.ceil() as usize, |a, b| {
                self.data.adjacent(a, b)
            }) else {
                continue;
            };
            let cost: f32 = ops.iter().copied().map(EditOp::cost).sum();
            if ops.is_empty() || cost > budget {
                continue;
            }
            let score = 0.9 * (1.0 - cost / (brand.len as f32 + 1.0));
            if best.as_ref().is_none_or(|b| score > b.2) {
                best = Some((Method::Edit { operations: ops }, brand.brand, score));
            }
        }
        best
    }

    /// A brand inside the label with extra tokens around it (`paypal-login`, `securepaypal`).
    fn embedded_in_label(&self, observed: &str, original: &str) -> Option<(Method, u32, f32)> {
        let mut best: Option<(Method, u32, f32)> = None;
        for found in self.embedded.find_overlapping_iter(observed) {
            let label = &self.labels[found.pattern().as_usize()];
            let (before, after) = (&observed[..found.start()], &observed[found.end()..]);
            if before.is_empty() && after.is_empty() {
                continue;
            }
            let hyphen_bounded = (before.is_empty() || before.ends_with('-'))
                && (after.is_empty() || after.starts_with('-'));
            let extras: Vec<&str> = before
                .split('-')
                .chain(after.split('-'))
                .filter(|t| !t.is_empty())
                .collect();
            let length = label.len;
            // A brand that is itself a word (`live`, `chase`) or short only counts next to known
            // tokens; digits (`paypal365`) only next to long, made-up brand names.
            let distinctive = length >= 5 && !self.english.contains(&label.text);
            let known = extras.iter().all(|t| {
                self.tokens.contains(*t) || (distinctive && t.bytes().all(|b| b.is_ascii_digit()))
            });
            let score = match (known, hyphen_bounded) {
                (true, true) if length >= 2 => 0.85,
                (true, false) if length >= 4 => 0.85,
                (false, true) if distinctive => 0.7,
                _ => continue,
            };
            if best.as_ref().is_none_or(|b| score > b.2) {
                let tokens = display_tokens(original, &label.text)
                    .unwrap_or_else(|| extras.iter().map(|t| (*t).to_owned()).collect());
                best = Some((
                    Method::Embedded {
                        tokens,
                        in_subdomain: false,
                    },
                    label.brand,
                    score,
                ));
            }
        }
        best
    }

    /// A brand label used as a whole label of the subdomain (`paypal.com.verify-account.xyz`).
    fn embedded_in_subdomain(&self, subdomain: &str) -> Option<(Method, u32, f32)> {
        subdomain.split('.').find_map(|part| {
            let id = *self.by_label.get(part)?.first()?;
            let label = &self.labels[id as usize];
            (label.len >= 5).then(|| {
                (
                    Method::Embedded {
                        tokens: vec![subdomain.to_owned()],
                        in_subdomain: true,
                    },
                    label.brand,
                    0.75,
                )
            })
        })
    }
}
