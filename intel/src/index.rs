//! The indicator index: domains by name and by label, addresses by value, networks by prefix; and
//! the matching of names and addresses against it.
//!
//! Built once from loaded feeds, then queried in batches. Matches come in kinds that are never
//! mixed (see [`MatchKind`]): a name matches an indicator *exactly*, as a subdomain of it
//! (*parent*), or, reported apart and with a lower confidence, as the same domain label under
//! another public suffix (*cross-suffix*, the seed notebook's `asdklgb.cf` / `asdklgb.ga`).
//!
//! # Cross-suffix rule
//! A label is compared across suffixes only when it is at least [`CROSS_SUFFIX_MIN_LABEL`]
//! characters long, is not all digits, and is not an English word in the `dnshunt_features`
//! dictionary: short and dictionary labels (`mail`, `login`, `update`, `shop`) are registered under
//! hundreds of suffixes by unrelated owners, so a shared label says nothing. A label that passes
//! can still belong to a real brand (`paypal.xyz` in a feed puts `paypal.com` in a cross-suffix
//! match); that is why the kind is reported apart, with [`MatchKind::weight`] 30 %, and never
//! merged into exact or parent matches.
//!
//! # Names
//! Every indicator a name can match shares the name's domain label, so domain indicators are
//! kept by label key in a [`LabelTable`]: one probe into one cache line per name finds the
//! candidates, and the keys kept beside each candidate (its name, its registered domain) tell an
//! exact, a parent and a cross-suffix match apart. Keys are 64-bit keyed hashes: no string
//! memory is touched, and a name's parents are hashed only when a candidate could be one.
//!
//! # Networks
//! Addresses sit in a hash map; networks in one hash map per prefix length, keyed by the masked
//! network address, so a lookup costs one probe per distinct prefix length present (at most 33
//! for IPv4, 129 for IPv6, a handful in real feeds) and finds *every* network holding the
//! address, not only the longest one: each carries its own provenance. A radix tree would save
//! probes only when feeds mix many prefix lengths, and crates such as `ip_network_table` return
//! the longest match first, so all matches would still need a walk. A [`BlockFilter`] over /24s
//! (IPv4) and /48s (IPv6) skips the address map and the long-prefix maps for addresses in blocks
//! no indicator touches.

use std::net::IpAddr;

use dnshunt_features::{FeatureExtractor, InvalidReason, Name, NormalizedBatch, normalize};
use std::hash::{BuildHasher, RandomState};

use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::hash_map::Entry;

use crate::block_filter::{BlockFilter, V4_COVERED_PREFIX, V6_COVERED_PREFIX, v4_block, v6_block};
use crate::feed::Feed;
use crate::host::{mask_v4, mask_v6, parse_ip};
use crate::indicator::{Indicator, IndicatorType};
use crate::label_table::{CROSS_SUFFIX, Candidates, LabelTable, Posting};

/// The shortest domain label that is compared across public suffixes.
pub const CROSS_SUFFIX_MIN_LABEL: usize = 5;

/// Cross-suffix matches reported per other registered domain, the first in load order: a lead
/// says "same label as this domain's listed hosts", and a few rows say it as well as thousands.
pub const CROSS_SUFFIX_LEADS_PER_DOMAIN: usize = 8;

/// How a query matched an indicator. The order is the order of reporting: strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The name is the indicator.
    Exact,
    /// The name is under the indicator (`a.b.evil.example` under `evil.example`).
    Parent,
    /// The address is the indicator.
    Ip,
    /// The address is inside the indicator network.
    Cidr,
    /// Same domain label, another public suffix (`asdklgb.cf` against `asdklgb.ga`): a lead, not
    /// a hit.
    CrossSuffix,
}

impl MatchKind {
    /// The stable snake-case id used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Parent => "parent",
            Self::Ip => "ip",
            Self::Cidr => "cidr",
            Self::CrossSuffix => "cross_suffix",
        }
    }

    /// How much of the indicator's confidence a match of this kind keeps, in percent.
    pub fn weight(self) -> u32 {
        match self {
            Self::Exact | Self::Ip => 100,
            Self::Parent => 90,
            Self::Cidr => 80,
            Self::CrossSuffix => 30,
        }
    }
}

/// One match of one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Match {
    /// Position of the query in the batch.
    pub query: usize,
    /// How it matched.
    pub kind: MatchKind,
    /// The indicator, for [`IntelIndex::indicator`].
    pub indicator: u32,
    /// 0–100: the indicator's confidence (100 when the feed gives none) times the kind's weight.
    pub confidence: u8,
}

impl Match {
    /// A match of an indicator of confidence `base` (0–100).
    fn new(query: usize, kind: MatchKind, indicator: u32, base: u8) -> Self {
        Self {
            query,
            kind,
            indicator,
            confidence: (u32::from(base) * kind.weight() / 100) as u8,
        }
    }
}

/// Names matched together: see `IntelIndex::match_range`.
const BLOCK: usize = 16;

/// Up to this many postings of one registered domain, a name walks them; beyond, it looks its
/// suffixes up (a hash and a binary search per label).
const LINEAR_SCAN_MAX: usize = 16;

/// A name of the block being matched.
struct Pending<'a> {
    query: usize,
    name: Name<'a>,
    /// Keys of its label and registered domain, when it has both.
    keys: Option<(u64, u64)>,
    /// The label's postings.
    postings: Candidates<'a>,
}

/// Indicator ids by key, compact for the cache: most keys have one indicator, stored in the map
/// itself (8 to 20 bytes a bucket, no pointer to follow); keys with more point into `overflow`
/// (high bit set).
#[derive(Debug)]
struct Postings<K> {
    map: FxHashMap<K, u32>,
    overflow: Vec<Vec<u32>>,
}

impl<K> Default for Postings<K> {
    fn default() -> Self {
        Self {
            map: FxHashMap::default(),
            overflow: Vec::new(),
        }
    }
}

const OVERFLOW: u32 = 1 << 31;

impl<K: std::hash::Hash + Eq> Postings<K> {
    fn insert(&mut self, key: K, id: u32) {
        match self.map.entry(key) {
            Entry::Vacant(vacant) => {
                vacant.insert(id);
            }
            Entry::Occupied(mut occupied) => {
                let slot = *occupied.get();
                if slot & OVERFLOW == 0 {
                    occupied.insert(self.overflow.len() as u32 | OVERFLOW);
                    self.overflow.push(vec![slot, id]);
                } else {
                    self.overflow[(slot & !OVERFLOW) as usize].push(id);
                }
            }
        }
    }

    fn get(&self, key: &K) -> Option<IdSlice<'_>> {
        let slot = *self.map.get(key)?;
        Some(if slot & OVERFLOW == 0 {
            IdSlice::One([slot])
        } else {
            IdSlice::Many(&self.overflow[(slot & !OVERFLOW) as usize])
        })
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The ids under one key.
enum IdSlice<'a> {
    One([u32; 1]),
    Many(&'a [u32]),
}

impl IdSlice<'_> {
    fn as_slice(&self) -> &[u32] {
        match self {
            Self::One(one) => one,
            Self::Many(many) => many,
        }
    }
}

/// The index over the indicators of any number of feeds.
#[derive(Debug, Default)]
pub struct IntelIndex {
    indicators: Vec<Indicator>,
    /// Keys names and labels: SipHash with random keys drawn per index, so two names share a key
    /// only by chance (one in `2^64` per pair) and feed authors cannot forge collisions.
    hasher: RandomState,
    /// Domain indicators with a registered domain, by the key of their domain label.
    labels: LabelTable,
    /// Domain indicators without one (names the public suffix list cannot split), by the key of
    /// their name: they match exactly or not at all.
    bare_domains: Postings<u64>,
    /// Per indicator: its confidence, 100 when the feed gives none (kept apart for the hot loop).
    confidence: Vec<u8>,
    v4_addresses: Postings<u32>,
    v6_addresses: Postings<u128>,
    /// IPv4 networks, one map per prefix length, longest first.
    v4_networks: Vec<(u8, Postings<u32>)>,
    /// IPv6 networks, one map per prefix length, longest first.
    v6_networks: Vec<(u8, Postings<u128>)>,
    /// The /24s holding an IPv4 address indicator or part of a network of /16 or longer.
    v4_blocks: BlockFilter,
    /// The hashed /48s holding an IPv6 address indicator or a network of /48 or longer.
    v6_blocks: BlockFilter,
}

impl IntelIndex {
    /// Indexes the indicators of `feeds`. When two feeds have the same name, the later one wins:
    /// a newer copy of a feed replaces the older.
    pub fn build(feeds: impl IntoIterator<Item = Feed>) -> Self {
        let mut by_name: Vec<Feed> = Vec::new();
        for feed in feeds {
            by_name.retain(|f| f.name != feed.name);
            by_name.push(feed);
        }
        Self::from_indicators(by_name.into_iter().flat_map(|f| f.indicators).collect())
    }

    /// Replaces the indicators of the feed named like `feed` (or adds it) and re-indexes.
    pub fn replace_feed(&mut self, feed: Feed) {
        let mut indicators = std::mem::take(&mut self.indicators);
        indicators.retain(|i| i.feed != feed.name);
        indicators.extend(feed.indicators);
        *self = Self::from_indicators(indicators);
    }

    /// Indexes indicators as they are.
    pub fn from_indicators(indicators: Vec<Indicator>) -> Self {
        let mut index = Self::default();
        let domain_ids: Vec<u32> = (0..indicators.len() as u32)
            .filter(|&id| indicators[id as usize].kind == IndicatorType::Domain)
            .collect();
        let names: Vec<&str> = domain_ids
            .iter()
            .map(|&id| indicators[id as usize].indicator.as_str())
            .collect();
        let batch = normalize(&names);
        let dictionary = FeatureExtractor::builtin().dictionary();
        let mut labelled = Vec::with_capacity(domain_ids.len());
        for (&id, name) in domain_ids.iter().zip(batch.iter()) {
            let (Some(label), Some(registered), Ok(len)) = (
                name.domain_label,
                name.registered_domain,
                u16::try_from(name.query.len()),
            ) else {
                index.bare_domains.insert(index.key(name.query), id);
                continue;
            };
            let eligible = cross_suffix_eligible(label, |word| dictionary.contains(word));
            let posting = Posting {
                name: index.key(name.query),
                registered: index.key(registered),
                id,
                len,
                confidence: indicators[id as usize].confidence.unwrap_or(100),
                flags: if eligible { CROSS_SUFFIX } else { 0 },
            };
            labelled.push((index.key(label), posting));
        }
        index.labels = LabelTable::new(&labelled);
        let mut v4: FxHashMap<u8, Postings<u32>> = FxHashMap::default();
        let mut v6: FxHashMap<u8, Postings<u128>> = FxHashMap::default();
        for (id, indicator) in indicators.iter().enumerate() {
            let id = id as u32;
            match indicator.kind {
                IndicatorType::Domain => {}
                IndicatorType::Ip => match parse_ip(&indicator.indicator) {
                    Some(IpAddr::V4(ip)) => index.v4_addresses.insert(ip.into(), id),
                    Some(IpAddr::V6(ip)) => index.v6_addresses.insert(ip.into(), id),
                    None => {}
                },
                IndicatorType::Cidr => {
                    let Some((address, prefix)) = indicator.indicator.split_once('/') else {
                        continue;
                    };
                    match (parse_ip(address), prefix.parse::<u8>()) {
                        (Some(IpAddr::V4(ip)), Ok(prefix)) => v4
                            .entry(prefix)
                            .or_default()
                            .insert(mask_v4(ip.into(), prefix), id),
                        (Some(IpAddr::V6(ip)), Ok(prefix)) => v6
                            .entry(prefix)
                            .or_default()
                            .insert(mask_v6(ip.into(), prefix), id),
                        _ => {}
                    }
                }
            }
        }
        index.v4_networks = v4.into_iter().collect();
        index
            .v4_networks
            .sort_by_key(|(prefix, _)| u8::MAX - prefix);
        index.v6_networks = v6.into_iter().collect();
        index
            .v6_networks
            .sort_by_key(|(prefix, _)| u8::MAX - prefix);
        index.fill_block_filters();
        index.confidence = indicators
            .iter()
            .map(|i| i.confidence.unwrap_or(100))
            .collect();
        index.indicators = indicators;
        index
    }

    /// Number of indicators.
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Whether there are no indicators.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// The indicator a [`Match`] points at.
    pub fn indicator(&self, id: u32) -> Option<&Indicator> {
        self.indicators.get(id as usize)
    }

    /// All indicators, in load order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// Matches queries that are names or addresses (`evil.example`, `198.51.100.7`, `[2001:db8::1]`),
    /// ordered as [`IntelIndex::match_names`] orders them.
    pub fn match_queries<S: AsRef<str>>(&self, queries: &[S]) -> Vec<Match> {
        self.match_names(&normalize(queries))
    }

    /// Matches normalized names; names that are IP literals are matched as addresses. Ordered by
    /// query, then kind; within a kind, networks longest prefix first, else in load order.
    pub fn match_names(&self, names: &NormalizedBatch) -> Vec<Match> {
        self.match_range(names, 0..names.len())
    }

    /// [`IntelIndex::match_names`] with the batch split into `threads` contiguous parts matched
    /// at the same time; the result is the same, in the same order. Matching waits on memory
    /// (see [`IntelIndex`]), so on a machine with idle cores the time falls about in proportion.
    /// Batches under 4096 names, or `threads` below 2, are matched on the calling thread.
    pub fn match_names_parallel(&self, names: &NormalizedBatch, threads: usize) -> Vec<Match> {
        const SMALLEST_PART: usize = 4096;
        let threads = threads.min(names.len() / SMALLEST_PART).max(1);
        if threads == 1 {
            return self.match_names(names);
        }
        let part = names.len().div_ceil(threads);
        let parts: Vec<Vec<Match>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|i| {
                    let range = i * part..((i + 1) * part).min(names.len());
                    scope.spawn(move || self.match_range(names, range))
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        parts.concat()
    }

    /// Matches the names at `range` of the batch; query numbers stay those of the whole batch.
    ///
    /// Names go through in blocks of [`BLOCK`], in three passes: hash every name's label and
    /// registered domain, probe the label table for all of them, then sort out the candidates.
    /// The probes of a block wait on memory side by side instead of one after the other, as
    /// they would with hashing in between.
    fn match_range<'a>(
        &'a self,
        names: &'a NormalizedBatch,
        range: std::ops::Range<usize>,
    ) -> Vec<Match> {
        let mut out = Vec::new();
        // Exact and parent hits of one name, reused so a lookup allocates nothing.
        let mut hits = Vec::new();
        let mut block: Vec<Pending<'a>> = Vec::with_capacity(BLOCK);
        let mut next = range.start;
        while next < range.end {
            block.clear();
            for query in next..range.end.min(next + BLOCK) {
                let Some(name) = names.get(query) else { break };
                let keys = match (name.invalid, name.domain_label, name.registered_domain) {
                    (None, Some(label), Some(registered)) if !self.labels.is_empty() => {
                        Some((self.key(label), self.key(registered)))
                    }
                    _ => None,
                };
                block.push(Pending {
                    query,
                    name,
                    keys,
                    postings: Candidates::default(),
                });
            }
            next += BLOCK;
            for pending in &mut block {
                if let Some((label, _)) = pending.keys {
                    pending.postings = self.labels.get(label);
                }
            }
            for pending in &block {
                let name = &pending.name;
                match (name.invalid, pending.keys) {
                    (None, Some((_, registered))) => self.match_name(
                        pending.query,
                        name.query,
                        registered,
                        pending.postings,
                        &mut hits,
                        &mut out,
                    ),
                    (None, None) => self.match_bare_name(pending.query, name, &mut out),
                    (Some(InvalidReason::IpLiteral), _) => {
                        if let Some(ip) = parse_ip(name.query) {
                            self.match_address(pending.query, ip, &mut out);
                        }
                    }
                    (Some(_), _) => {}
                }
            }
        }
        out
    }

    /// Matches addresses (DNS answers, client or server addresses) against address and network
    /// indicators, ordered as [`IntelIndex::match_names`] orders them.
    pub fn match_addresses(&self, addresses: &[IpAddr]) -> Vec<Match> {
        let mut out = Vec::new();
        for (query, &ip) in addresses.iter().enumerate() {
            self.match_address(query, ip.to_canonical(), &mut out);
        }
        out
    }

    /// Matches a name without a registered domain: only exactly, against indicators without one.
    fn match_bare_name(&self, query: usize, name: &Name<'_>, out: &mut Vec<Match>) {
        if name.registered_domain.is_none()
            && !self.bare_domains.is_empty()
            && let Some(ids) = self.bare_domains.get(&self.key(name.query))
        {
            self.push(query, MatchKind::Exact, ids.as_slice(), out);
        }
    }

    /// Matches one name against the postings of its label, pushing its matches in reporting
    /// order: exact, parents from the longest, cross-suffix; each in load order.
    fn match_name(
        &self,
        query: usize,
        name: &str,
        registered: u64,
        postings: Candidates<'_>,
        hits: &mut Vec<(usize, Posting)>,
        out: &mut Vec<Match>,
    ) {
        if postings.by_name.is_empty() {
            return;
        }
        hits.clear();
        // Postings of the name's registered domain: one run of the sorted list.
        let from = postings
            .by_name
            .partition_point(|p| p.registered < registered);
        let to = postings
            .by_name
            .partition_point(|p| p.registered <= registered);
        let same = &postings.by_name[from..to];
        if same.len() > LINEAR_SCAN_MAX {
            self.find_by_suffix(name, same, hits);
        } else {
            self.scan_for_suffixes(name, same, hits);
        }
        // Exact first (start 0), then parents from the longest; stable, so load order within.
        hits.sort_by_key(|&(start, _)| start);
        for (start, posting) in hits.iter() {
            let kind = if *start == 0 {
                MatchKind::Exact
            } else {
                MatchKind::Parent
            };
            out.push(Match::new(query, kind, posting.id, posting.confidence));
        }
        for posting in postings.leads {
            if posting.registered != registered && posting.flags & CROSS_SUFFIX != 0 {
                let kind = MatchKind::CrossSuffix;
                out.push(Match::new(query, kind, posting.id, posting.confidence));
            }
        }
    }

    /// The postings of `same` (one registered domain) whose name is `name` or a parent of it:
    /// one binary search per label boundary, for domains with many listed hosts.
    fn find_by_suffix(&self, name: &str, same: &[Posting], hits: &mut Vec<(usize, Posting)>) {
        let starts = std::iter::once(0).chain(name.match_indices('.').map(|(at, _)| at + 1));
        for start in starts {
            let key = self.key(&name[start..]);
            let first = same.partition_point(|p| p.name < key);
            for posting in same[first..].iter().take_while(|p| p.name == key) {
                hits.push((start, *posting));
            }
        }
    }

    /// [`Self::find_by_suffix`] by walking `same`, quicker when it holds a few postings.
    fn scan_for_suffixes(&self, name: &str, same: &[Posting], hits: &mut Vec<(usize, Posting)>) {
        // The suffix of the name last hashed: feeds repeat a host once per URL.
        let mut hashed: Option<(usize, u64)> = None;
        for posting in same {
            // Same registered domain: the indicator is the name or one of its parents when its
            // name is a suffix of the query's starting at a label.
            let len = usize::from(posting.len);
            let Some(start) = name.len().checked_sub(len) else {
                continue;
            };
            if start > 0 && name.as_bytes().get(start - 1) != Some(&b'.') {
                continue;
            }
            let key = match hashed {
                Some((at, key)) if at == start => key,
                _ => {
                    let Some(suffix) = name.get(start..) else {
                        continue;
                    };
                    let key = self.key(suffix);
                    hashed = Some((start, key));
                    key
                }
            };
            if key == posting.name {
                hits.push((start, *posting));
            }
        }
    }

    /// Sets the block filters' bits for the address indicators and the networks they cover.
    fn fill_block_filters(&mut self) {
        if !self.v4_addresses.is_empty() || !self.v4_networks.is_empty() {
            let mut blocks = BlockFilter::new(24);
            for &address in self.v4_addresses.map.keys() {
                blocks.set(v4_block(address));
            }
            for (prefix, networks) in &self.v4_networks {
                if *prefix < V4_COVERED_PREFIX {
                    continue;
                }
                // A network shorter than /24 spans 2^(24 - prefix) blocks.
                let span = 1_usize << 24_u8.saturating_sub(*prefix);
                for &network in networks.map.keys() {
                    for block in v4_block(network)..v4_block(network) + span {
                        blocks.set(block);
                    }
                }
            }
            self.v4_blocks = blocks;
        }
        let v6_long = self
            .v6_networks
            .iter()
            .filter(|(prefix, _)| *prefix >= V6_COVERED_PREFIX)
            .map(|(_, networks)| networks.map.len())
            .sum::<usize>();
        let v6_entries = self.v6_addresses.map.len() + v6_long;
        if v6_entries > 0 {
            // About 16 bits an entry: one query in sixteen or fewer probes for nothing.
            let log2_bits = (v6_entries * 16)
                .next_power_of_two()
                .trailing_zeros()
                .max(6);
            let mut blocks = BlockFilter::new(log2_bits);
            for &address in self.v6_addresses.map.keys() {
                blocks.set(v6_block(address));
            }
            for (prefix, networks) in &self.v6_networks {
                if *prefix >= V6_COVERED_PREFIX {
                    for &network in networks.map.keys() {
                        blocks.set(v6_block(network));
                    }
                }
            }
            self.v6_blocks = blocks;
        }
    }

    fn match_address(&self, query: usize, ip: IpAddr, out: &mut Vec<Match>) {
        match ip {
            IpAddr::V4(v4) => {
                let bits = u32::from(v4);
                let covered = self.v4_blocks.contains(v4_block(bits));
                if covered && let Some(ids) = self.v4_addresses.get(&bits) {
                    self.push(query, MatchKind::Ip, ids.as_slice(), out);
                }
                for (prefix, networks) in &self.v4_networks {
                    if *prefix >= V4_COVERED_PREFIX && !covered {
                        continue;
                    }
                    if let Some(ids) = networks.get(&mask_v4(bits, *prefix)) {
                        self.push(query, MatchKind::Cidr, ids.as_slice(), out);
                    }
                }
            }
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                let covered = self.v6_blocks.contains(v6_block(bits));
                if covered && let Some(ids) = self.v6_addresses.get(&bits) {
                    self.push(query, MatchKind::Ip, ids.as_slice(), out);
                }
                for (prefix, networks) in &self.v6_networks {
                    if *prefix >= V6_COVERED_PREFIX && !covered {
                        continue;
                    }
                    if let Some(ids) = networks.get(&mask_v6(bits, *prefix)) {
                        self.push(query, MatchKind::Cidr, ids.as_slice(), out);
                    }
                }
            }
        }
    }

    /// The map key of a name or label.
    fn key(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }

    fn push(&self, query: usize, kind: MatchKind, ids: &[u32], out: &mut Vec<Match>) {
        for &id in ids {
            out.push(Match::new(query, kind, id, self.confidence[id as usize]));
        }
    }
}

/// Whether a domain label is compared across public suffixes (see the module docs).
pub fn cross_suffix_eligible(label: &str, is_word: impl Fn(&str) -> bool) -> bool {
    label.len() >= CROSS_SUFFIX_MIN_LABEL
        && !label.bytes().all(|b| b.is_ascii_digit())
        && !is_word(label)
}
