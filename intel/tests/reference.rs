//! The index against the plainest matcher there is: a scan of every indicator, comparing
//! strings and networks, over feeds built from a few labels, suffixes and networks so that
//! exact, parent, cross-suffix, address and nested-network matches all occur, repeated
//! indicators included. Same matches, same order, same confidence.

use std::net::IpAddr;

use dnshunt_features::{FeatureExtractor, InvalidReason, normalize};
use dnshunt_intel::host::{parse_cidr, parse_ip};
use dnshunt_intel::index::cross_suffix_eligible;
use dnshunt_intel::{
    CROSS_SUFFIX_LEADS_PER_DOMAIN, Indicator, IndicatorType, IndicatorValue, IntelIndex, Match,
    MatchKind,
};
use proptest::prelude::*;

const LABELS: [&str; 6] = ["asdklgb", "paypal", "mail", "evilcorp", "x1", "12345"];
const SUFFIXES: [&str; 6] = ["com", "co.uk", "ga", "cf", "blogspot.com", "net"];
const PREFIXES: [&str; 5] = ["", "www.", "a.b.", "cdn.", "b."];
const NETWORKS: [&str; 8] = [
    "10.0.0.0/8",
    "10.1.0.0/16",
    "10.1.2.0/24",
    "10.1.2.3",
    "192.0.2.7",
    "2001:db8::/32",
    "2001:db8:1::/48",
    "2001:db8:1::9",
];
const ADDRESSES: [&str; 7] = [
    "10.1.2.3",
    "10.1.9.9",
    "10.200.0.1",
    "192.0.2.7",
    "203.0.113.1",
    "2001:db8:1::9",
    "2001:db8:2::1",
];

fn name() -> impl Strategy<Value = String> {
    (0..PREFIXES.len(), 0..LABELS.len(), 0..SUFFIXES.len())
        .prop_map(|(p, l, s)| format!("{}{}.{}", PREFIXES[p], LABELS[l], SUFFIXES[s]))
}

/// Indicators: names, or addresses and networks, each with or without a confidence.
fn indicators() -> impl Strategy<Value = Vec<Indicator>> {
    let one = (
        prop_oneof![
            3 => name().prop_map(IndicatorValue::Domain),
            1 => (0..NETWORKS.len()).prop_map(|n| parse_cidr_or_ip(NETWORKS[n])),
        ],
        proptest::option::of(0_u8..=100),
    );
    // Up to 80, so that one domain often has more than 16 postings (looked up by suffix) and
    // more than 8 cross-suffix leads (cut).
    proptest::collection::vec(one, 0..80).prop_map(|values| {
        values
            .into_iter()
            .enumerate()
            .map(|(line, (value, confidence))| {
                let mut indicator = Indicator::new("f", value, line + 1);
                indicator.confidence = confidence;
                indicator
            })
            .collect()
    })
}

fn parse_cidr_or_ip(text: &str) -> IndicatorValue {
    if text.contains('/') {
        parse_cidr(text).unwrap()
    } else {
        IndicatorValue::Ip(parse_ip(text).unwrap())
    }
}

fn queries() -> impl Strategy<Value = Vec<String>> {
    let one = prop_oneof![
        3 => name(),
        1 => (0..ADDRESSES.len()).prop_map(|a| ADDRESSES[a].to_owned()),
        1 => (0..LABELS.len(), 0..SUFFIXES.len())
            .prop_map(|(l, s)| format!("{}.{}", LABELS[l], SUFFIXES[s])),
        1 => Just("co.uk".to_owned()),
    ];
    proptest::collection::vec(one, 0..30)
}

/// The matches of one query by scanning every indicator.
fn scan(indicators: &[Indicator], query: usize, text: &str) -> Vec<Match> {
    let batch = normalize(&[text]);
    let name = batch.get(0).unwrap();
    let dictionary = FeatureExtractor::builtin().dictionary();
    let mut found: Vec<(MatchKind, u32)> = Vec::new();
    let ids_where = |test: &dyn Fn(&Indicator) -> bool| -> Vec<u32> {
        (0..indicators.len() as u32)
            .filter(|&id| test(&indicators[id as usize]))
            .collect()
    };
    match name.invalid {
        None => {
            let domain =
                |i: &Indicator, text: &str| i.kind == IndicatorType::Domain && i.indicator == text;
            for id in ids_where(&|i| domain(i, name.query)) {
                found.push((MatchKind::Exact, id));
            }
            let shortest = name.registered_domain.map_or(name.query.len(), str::len);
            for (dot, _) in name.query.match_indices('.') {
                let parent = &name.query[dot + 1..];
                if parent.len() < shortest {
                    break;
                }
                for id in ids_where(&|i| domain(i, parent)) {
                    found.push((MatchKind::Parent, id));
                }
            }
            if let (Some(label), Some(registered)) = (name.domain_label, name.registered_domain) {
                // Their registered domain, when it is another with the same label.
                let cross = |i: &Indicator| -> Option<String> {
                    if i.kind != IndicatorType::Domain {
                        return None;
                    }
                    let theirs = normalize(&[i.indicator.as_str()]);
                    let theirs = theirs.get(0).unwrap();
                    let other = theirs.registered_domain.filter(|&r| r != registered)?;
                    (theirs.domain_label == Some(label)
                        && cross_suffix_eligible(label, |w| dictionary.contains(w)))
                    .then(|| other.to_owned())
                };
                let mut per_domain = std::collections::HashMap::new();
                for (id, indicator) in indicators.iter().enumerate() {
                    let Some(domain) = cross(indicator) else {
                        continue;
                    };
                    let seen = per_domain.entry(domain).or_insert(0);
                    *seen += 1;
                    if *seen <= CROSS_SUFFIX_LEADS_PER_DOMAIN {
                        found.push((MatchKind::CrossSuffix, id as u32));
                    }
                }
            }
        }
        Some(InvalidReason::IpLiteral) => {
            let ip = parse_ip(name.query).unwrap();
            for id in
                ids_where(&|i| i.kind == IndicatorType::Ip && parse_ip(&i.indicator) == Some(ip))
            {
                found.push((MatchKind::Ip, id));
            }
            let mut networks: Vec<(u8, u32)> =
                ids_where(&|i| i.kind == IndicatorType::Cidr && contains(&i.indicator, ip))
                    .into_iter()
                    .map(|id| (prefix(&indicators[id as usize].indicator), id))
                    .collect();
            networks.sort_by_key(|&(prefix, _)| std::cmp::Reverse(prefix));
            found.extend(networks.into_iter().map(|(_, id)| (MatchKind::Cidr, id)));
        }
        Some(_) => {}
    }
    found
        .into_iter()
        .map(|(kind, id)| {
            let base = u32::from(indicators[id as usize].confidence.unwrap_or(100));
            Match {
                query,
                kind,
                indicator: id,
                confidence: (base * kind.weight() / 100) as u8,
            }
        })
        .collect()
}

fn prefix(cidr: &str) -> u8 {
    cidr.split_once('/').unwrap().1.parse().unwrap()
}

fn contains(cidr: &str, ip: IpAddr) -> bool {
    let (network, prefix) = cidr.split_once('/').unwrap();
    let prefix: u32 = prefix.parse().unwrap();
    match (parse_ip(network).unwrap(), ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            u32::from(network) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            u128::from(network) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_index_matches_what_a_scan_matches(indicators in indicators(), queries in queries()) {
        let expected: Vec<Match> = queries
            .iter()
            .enumerate()
            .flat_map(|(query, text)| scan(&indicators, query, text))
            .collect();
        let index = IntelIndex::from_indicators(indicators.clone());
        prop_assert_eq!(index.match_queries(&queries), expected.clone());
        let batch = normalize(&queries);
        prop_assert_eq!(index.match_names_parallel(&batch, 3), expected);
    }
}

#[test]
fn large_batches_split_over_threads_match_as_one() {
    let indicators: Vec<Indicator> = (0..2000)
        .map(|i| {
            let name = format!("{}{i}.{}", LABELS[i % 4], SUFFIXES[i % SUFFIXES.len()]);
            Indicator::new("f", IndicatorValue::Domain(name), i + 1)
        })
        .collect();
    let queries: Vec<String> = (0..20_000)
        .map(|i| format!("www.{}{}.{}", LABELS[i % 4], i % 3000, SUFFIXES[i % 5]))
        .collect();
    let index = IntelIndex::from_indicators(indicators);
    let batch = normalize(&queries);
    let serial = index.match_names(&batch);
    assert!(serial.len() > 1000, "{} matches", serial.len());
    assert_eq!(index.match_names_parallel(&batch, 2), serial);
    assert_eq!(index.match_names_parallel(&batch, 7), serial);
}

/// One domain with many listed hosts, repeated as URLhaus repeats them: its names are looked up
/// by suffix, its cross-suffix leads cut, and the index still agrees with the scan.
#[test]
fn a_domain_with_many_hosts_matches_what_a_scan_matches() {
    let names = (0..60)
        .map(|i| format!("h{}.paypal.com", i % 25))
        .chain(["paypal.com".to_owned(), "a.h3.paypal.com".to_owned()])
        .chain((0..12).map(|i| format!("m{}.paypal.ga", i % 3)));
    let indicators: Vec<Indicator> = names
        .enumerate()
        .map(|(line, name)| Indicator::new("f", IndicatorValue::Domain(name), line + 1))
        .collect();
    let queries = [
        "h3.paypal.com",
        "x.a.h3.paypal.com",
        "zz.paypal.com",
        "paypal.com",
        "www.paypal.net",
        "m1.paypal.ga",
    ];
    let expected: Vec<Match> = queries
        .iter()
        .enumerate()
        .flat_map(|(query, text)| scan(&indicators, query, text))
        .collect();
    let found = IntelIndex::from_indicators(indicators).match_queries(&queries);
    assert_eq!(found, expected);
    let leads = found
        .iter()
        .filter(|m| m.query == 4 && m.kind == MatchKind::CrossSuffix)
        .count();
    assert_eq!(leads, 2 * CROSS_SUFFIX_LEADS_PER_DOMAIN);
}
