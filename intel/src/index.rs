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
//! # Networks
//! Addresses sit in a hash map; networks in one hash map per prefix length, keyed by the masked
//! network address, so a lookup costs one probe per distinct prefix length present (at most 33
//! for IPv4, 129 for IPv6, a handful in real feeds) and finds *every* network holding the
//! address, not only the longest one: each carries its own provenance. A radix tree would save
//! probes only when feeds mix many prefix lengths, and crates such as `ip_network_table` return
//! the longest match first, so all matches would still need a walk.

use std::net::IpAddr;

use dnshunt_features::{FeatureExtractor, InvalidReason, NormalizedBatch, normalize};
use std::hash::{BuildHasher, RandomState};

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::feed::Feed;
use crate::host::{mask_v4, mask_v6, parse_ip};
use crate::indicator::{Indicator, IndicatorType};

/// The shortest domain label that is compared across public suffixes.
pub const CROSS_SUFFIX_MIN_LABEL: usize = 5;

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

/// Indicator ids under one key.
type Ids = Vec<u32>;

/// Indicator ids by hashed key, compact for the cache: most keys have one indicator, stored in
/// the map itself; keys with more point into `overflow` (high bit set).
#[derive(Debug, Default)]
struct Postings {
    map: FxHashMap<u64, u32>,
    overflow: Vec<Ids>,
}

const OVERFLOW: u32 = 1 << 31;

impl Postings {
    fn insert(&mut self, key: u64, id: u32) {
        match self.map.get(&key).copied() {
            None => {
                self.map.insert(key, id);
            }
            Some(slot) if slot & OVERFLOW != 0 => {
                self.overflow[(slot & !OVERFLOW) as usize].push(id);
            }
            Some(single) => {
                self.map.insert(key, self.overflow.len() as u32 | OVERFLOW);
                self.overflow.push(vec![single, id]);
            }
        }
    }

    fn get(&self, key: u64) -> Option<IdSlice<'_>> {
        let slot = *self.map.get(&key)?;
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
    /// Domain indicators by the key of their name. Keys, not strings, so a lookup touches no
    /// string memory, hit or miss: at a million indicators, memory latency is the cost.
    domains: Postings,
    /// Domain indicators by the key of their domain label, for labels that pass the cross-suffix
    /// rule.
    labels: Postings,
    /// Per indicator: its confidence, 100 when the feed gives none (kept apart for the hot loop).
    confidence: Vec<u8>,
    /// Per domain indicator with a label in `labels`: the key of its registered domain.
    registered_key: Vec<u64>,
    addresses: FxHashMap<IpAddr, Ids>,
    /// IPv4 networks, one map per prefix length, longest first.
    v4_networks: Vec<(u8, FxHashMap<u32, Ids>)>,
    /// IPv6 networks, one map per prefix length, longest first.
    v6_networks: Vec<(u8, FxHashMap<u128, Ids>)>,
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
        let mut index = Self {
            registered_key: vec![0; indicators.len()],
            ..Self::default()
        };
        let domain_ids: Vec<u32> = (0..indicators.len() as u32)
            .filter(|&id| indicators[id as usize].kind == IndicatorType::Domain)
            .collect();
        let names: Vec<&str> = domain_ids
            .iter()
            .map(|&id| indicators[id as usize].indicator.as_str())
            .collect();
        let batch = normalize(&names);
        let dictionary = FeatureExtractor::builtin().dictionary();
        for (&id, name) in domain_ids.iter().zip(batch.iter()) {
            index.domains.insert(index.key(name.query), id);
            if let (Some(label), Some(registered)) = (name.domain_label, name.registered_domain)
                && cross_suffix_eligible(label, |word| dictionary.contains(word))
            {
                index.labels.insert(index.key(label), id);
                index.registered_key[id as usize] = index.key(registered);
            }
        }
        let mut v4: FxHashMap<u8, FxHashMap<u32, Ids>> = FxHashMap::default();
        let mut v6: FxHashMap<u8, FxHashMap<u128, Ids>> = FxHashMap::default();
        for (id, indicator) in indicators.iter().enumerate() {
            let id = id as u32;
            match indicator.kind {
                IndicatorType::Domain => {}
                IndicatorType::Ip => {
                    if let Some(ip) = parse_ip(&indicator.indicator) {
                        index.addresses.entry(ip).or_default().push(id);
                    }
                }
                IndicatorType::Cidr => {
                    let Some((address, prefix)) = indicator.indicator.split_once('/') else {
                        continue;
                    };
                    match (parse_ip(address), prefix.parse::<u8>()) {
                        (Some(IpAddr::V4(ip)), Ok(prefix)) => v4
                            .entry(prefix)
                            .or_default()
                            .entry(mask_v4(ip.into(), prefix))
                            .or_default()
                            .push(id),
                        (Some(IpAddr::V6(ip)), Ok(prefix)) => v6
                            .entry(prefix)
                            .or_default()
                            .entry(mask_v6(ip.into(), prefix))
                            .or_default()
                            .push(id),
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
        let mut out = Vec::new();
        for (query, name) in names.iter().enumerate() {
            let start = out.len();
            match name.invalid {
                None => self.match_name(
                    query,
                    name.query,
                    name.registered_domain,
                    name.domain_label,
                    &mut out,
                ),
                Some(InvalidReason::IpLiteral) => {
                    if let Some(ip) = parse_ip(name.query) {
                        self.match_address(query, ip, &mut out);
                    }
                }
                Some(_) => {}
            }
            out[start..].sort_by_key(|m| m.kind);
        }
        out
    }

    /// Matches addresses (DNS answers, client or server addresses) against address and network
    /// indicators, ordered as [`IntelIndex::match_names`] orders them.
    pub fn match_addresses(&self, addresses: &[IpAddr]) -> Vec<Match> {
        let mut out = Vec::new();
        for (query, &ip) in addresses.iter().enumerate() {
            let start = out.len();
            self.match_address(query, ip.to_canonical(), &mut out);
            out[start..].sort_by_key(|m| m.kind);
        }
        out
    }

    fn match_name(
        &self,
        query: usize,
        name: &str,
        registered: Option<&str>,
        label: Option<&str>,
        out: &mut Vec<Match>,
    ) {
        if self.domains.is_empty() {
            return;
        }
        if let Some(ids) = self.domains.get(self.key(name)) {
            self.push(query, MatchKind::Exact, ids.as_slice(), out);
        }
        // Parents up to the registered domain, never the public suffix itself.
        let shortest = registered.map_or(name.len(), str::len);
        for (dot, _) in name.match_indices('.') {
            let parent = &name[dot + 1..];
            if parent.len() < shortest {
                break;
            }
            if let Some(ids) = self.domains.get(self.key(parent)) {
                self.push(query, MatchKind::Parent, ids.as_slice(), out);
            }
        }
        let (Some(label), Some(registered)) = (label, registered) else {
            return;
        };
        if let Some(ids) = self.labels.get(self.key(label)) {
            let registered = self.key(registered);
            for &id in ids.as_slice() {
                if self.registered_key[id as usize] != registered {
                    self.push(query, MatchKind::CrossSuffix, &[id], out);
                }
            }
        }
    }

    fn match_address(&self, query: usize, ip: IpAddr, out: &mut Vec<Match>) {
        if let Some(ids) = self.addresses.get(&ip) {
            self.push(query, MatchKind::Ip, ids, out);
        }
        match ip {
            IpAddr::V4(v4) => {
                let bits = u32::from(v4);
                for (prefix, networks) in &self.v4_networks {
                    if let Some(ids) = networks.get(&mask_v4(bits, *prefix)) {
                        self.push(query, MatchKind::Cidr, ids, out);
                    }
                }
            }
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                for (prefix, networks) in &self.v6_networks {
                    if let Some(ids) = networks.get(&mask_v6(bits, *prefix)) {
                        self.push(query, MatchKind::Cidr, ids, out);
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
            let base = u32::from(self.confidence[id as usize]);
            out.push(Match {
                query,
                kind,
                indicator: id,
                confidence: (base * kind.weight() / 100) as u8,
            });
        }
    }
}

/// Whether a domain label is compared across public suffixes (see the module docs).
pub fn cross_suffix_eligible(label: &str, is_word: impl Fn(&str) -> bool) -> bool {
    label.len() >= CROSS_SUFFIX_MIN_LABEL
        && !label.bytes().all(|b| b.is_ascii_digit())
        && !is_word(label)
}
