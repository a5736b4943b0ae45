//! Matching against real feed files: the done-when cases.

use std::path::Path;

use dnshunt_intel::{Feed, FeedKind, FeedStore, IntelIndex, MatchKind, load_file};
use std::time::SystemTime;

fn feed(file: &str, name: &str) -> Feed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    load_file(&path, None, name, SystemTime::UNIX_EPOCH).unwrap()
}

fn index() -> IntelIndex {
    IntelIndex::build([
        feed("urlhaus_2020.csv", "urlhaus"),
        feed("list.txt", "mine"),
        feed("stix_bundle.json", "stix"),
    ])
}

/// (kind, indicator) of every match of one query.
fn matches<'a>(index: &'a IntelIndex, query: &str) -> Vec<(MatchKind, &'a str)> {
    index
        .match_queries(&[query])
        .iter()
        .map(|m| {
            (
                m.kind,
                index.indicator(m.indicator).unwrap().indicator.as_str(),
            )
        })
        .collect()
}

#[test]
fn seed_case_is_a_cross_suffix_match_with_the_agent_tesla_reference() {
    let index = index();
    let found = index.match_queries(&["ns1.asdklgb.cf."]);
    assert_eq!(found.len(), 3, "one match per URLhaus row about asdklgb.ga");
    assert!(found.iter().all(|m| m.kind == MatchKind::CrossSuffix));
    let tagged: Vec<_> = found
        .iter()
        .map(|m| index.indicator(m.indicator).unwrap())
        .filter(|i| i.tags.iter().any(|t| t == "AgentTesla"))
        .collect();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].indicator, "asdklgb.ga");
    assert_eq!(
        tagged[0].reference.as_deref(),
        Some("https://urlhaus.abuse.ch/url/224861/")
    );
    assert!(found.iter().all(|m| m.confidence == 30));
    // The host the feed names is an exact match, and its subdomains parent matches.
    assert!(
        matches(&index, "asdklgb.ga")
            .iter()
            .all(|(kind, _)| *kind == MatchKind::Exact)
    );
    assert!(
        matches(&index, "ns1.asdklgb.ga")
            .iter()
            .all(|(kind, _)| *kind == MatchKind::Parent)
    );
}

#[test]
fn exact_and_parent_domain_matches() {
    let index = index();
    assert_eq!(
        matches(&index, "Evil.Example."),
        [(MatchKind::Exact, "evil.example")]
    );
    assert_eq!(
        matches(&index, "a.b.evil.example"),
        [(MatchKind::Parent, "evil.example")]
    );
    assert_eq!(
        matches(&index, "x.dyn-c2.example"),
        [(MatchKind::Parent, "dyn-c2.example")]
    );
    assert_eq!(
        matches(&index, "stix-c2.example"),
        [(MatchKind::Exact, "stix-c2.example")]
    );
    // A parent of an indicator is not under it, and a look-alike string is not a subdomain.
    assert_eq!(matches(&index, "example"), []);
    assert_eq!(matches(&index, "notevil.example"), []);
    assert_eq!(matches(&index, "evil.example.net"), []);
}

#[test]
fn address_and_network_matches() {
    let index = index();
    assert_eq!(
        matches(&index, "198.51.100.7"),
        [(MatchKind::Ip, "198.51.100.7")]
    );
    assert_eq!(matches(&index, "198.51.100.8"), []);
    assert_eq!(
        matches(&index, "192.0.2.200"),
        [(MatchKind::Cidr, "192.0.2.0/24")]
    );
    assert_eq!(
        matches(&index, "10.20.255.1"),
        [(MatchKind::Cidr, "10.20.0.0/16")]
    );
    assert_eq!(matches(&index, "10.21.0.1"), []);
    assert_eq!(
        matches(&index, "203.0.113.99"),
        [(MatchKind::Cidr, "203.0.113.0/24")]
    );
    assert_eq!(
        matches(&index, "[2001:DB8:F00:1::5]"),
        [(MatchKind::Cidr, "2001:db8:f00::/48")]
    );
    assert_eq!(
        matches(&index, "2001:db8:66::10"),
        [(MatchKind::Ip, "2001:db8:66::10")]
    );
    let answers = [
        "::ffff:198.51.100.23".parse().unwrap(),
        "192.0.2.1".parse().unwrap(),
    ];
    let found = index.match_addresses(&answers);
    let kinds: Vec<(usize, MatchKind)> = found.iter().map(|m| (m.query, m.kind)).collect();
    assert_eq!(kinds, [(0, MatchKind::Ip), (1, MatchKind::Cidr)]);
}

#[test]
fn nested_networks_all_match() {
    let text = "10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n";
    let list = Feed::load(
        FeedKind::List,
        "nets",
        "nets.txt",
        text,
        SystemTime::UNIX_EPOCH,
    )
    .unwrap();
    let index = IntelIndex::build([list]);
    assert_eq!(
        matches(&index, "10.1.2.3"),
        [
            (MatchKind::Ip, "10.1.2.3"),
            (MatchKind::Cidr, "10.1.0.0/16"),
            (MatchKind::Cidr, "10.0.0.0/8"),
        ]
    );
}

#[test]
fn paypal_com_is_not_the_paypal_xyz_indicator() {
    let index = index();
    let found = matches(&index, "paypal.com");
    assert!(
        found
            .iter()
            .all(|(kind, _)| *kind == MatchKind::CrossSuffix),
        "a label join would call paypal.com a hit: {found:?}"
    );
    assert_eq!(found, [(MatchKind::CrossSuffix, "paypal.xyz")]);
    assert_eq!(
        matches(&index, "www.paypal.com"),
        [(MatchKind::CrossSuffix, "paypal.xyz")]
    );
    assert_eq!(
        matches(&index, "paypal.xyz"),
        [(MatchKind::Exact, "paypal.xyz")]
    );
}

#[test]
fn common_labels_are_not_compared_across_suffixes() {
    let text = "login.example\nmail.example\n12345.example\nqwzxkv.example\n";
    let list = Feed::load(FeedKind::List, "l", "l.txt", text, SystemTime::UNIX_EPOCH).unwrap();
    let index = IntelIndex::build([list]);
    for query in ["login.com", "mail.com", "12345.com"] {
        assert_eq!(matches(&index, query), [], "{query}");
    }
    assert_eq!(
        matches(&index, "qwzxkv.com"),
        [(MatchKind::CrossSuffix, "qwzxkv.example")]
    );
}

#[test]
fn a_newer_copy_of_a_feed_replaces_the_older() {
    let old = Feed::load(
        FeedKind::List,
        "mine",
        "v1",
        "old.example\n",
        SystemTime::UNIX_EPOCH,
    )
    .unwrap();
    let new = Feed::load(
        FeedKind::List,
        "mine",
        "v2",
        "new.example\n",
        SystemTime::UNIX_EPOCH,
    )
    .unwrap();
    let other = Feed::load(
        FeedKind::List,
        "other",
        "o",
        "old.example\n",
        SystemTime::UNIX_EPOCH,
    )
    .unwrap();
    let mut index = IntelIndex::build([old, other]);
    assert_eq!(index.match_queries(&["old.example"]).len(), 2);
    index.replace_feed(new);
    let feeds: Vec<&str> = index
        .match_queries(&["old.example", "new.example"])
        .iter()
        .map(|m| index.indicator(m.indicator).unwrap().feed.as_str())
        .collect();
    assert_eq!(feeds, ["other", "mine"]);
}

#[test]
fn stored_feeds_read_back_the_same() {
    let home = tempfile::tempdir().unwrap();
    let store = FeedStore::new(home.path());
    assert!(store.summaries().unwrap().is_empty());
    let urlhaus = feed("urlhaus_2020.csv", "urlhaus");
    store.save(&urlhaus).unwrap();
    store.save(&feed("list.txt", "mine")).unwrap();
    let summaries = store.summaries().unwrap();
    let names: Vec<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["mine", "urlhaus"]);
    assert_eq!(summaries[1].indicators, 7);
    assert_eq!(summaries[1].malformed, 3);
    let stored = store.feeds().unwrap();
    assert_eq!(stored[1], urlhaus);
    let index = store.index().unwrap();
    assert_eq!(index.len(), 13);
    assert!(
        store
            .save(&Feed {
                name: "../x".into(),
                ..urlhaus
            })
            .is_err()
    );
}
