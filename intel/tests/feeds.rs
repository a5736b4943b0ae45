//! Every feed format, loaded from a real file with its format guessed, as `dnshunt intel load` does.

use std::path::{Path, PathBuf};

use dnshunt_intel::{Feed, FeedKind, IndicatorType, RejectKind, load_file};
use std::time::SystemTime;

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

fn load(file: &str) -> Feed {
    load_file(&data(file), None, "test", SystemTime::UNIX_EPOCH).unwrap()
}

fn values(feed: &Feed) -> Vec<(&str, IndicatorType)> {
    feed.indicators
        .iter()
        .map(|i| (i.indicator.as_str(), i.kind))
        .collect()
}

fn rejected(feed: &Feed) -> Vec<(usize, RejectKind)> {
    feed.rejected.iter().map(|r| (r.line, r.kind)).collect()
}

#[test]
fn urlhaus_2020_layout() {
    let feed = load("urlhaus_2020.csv");
    assert_eq!(feed.kind, FeedKind::Urlhaus);
    assert_eq!(
        values(&feed),
        [
            ("asdklgb.ga", IndicatorType::Domain),
            ("asdklgb.ga", IndicatorType::Domain),
            ("asdklgb.ga", IndicatorType::Domain),
            ("paypal.xyz", IndicatorType::Domain),
            ("198.51.100.23", IndicatorType::Ip),
            ("2001:db8:66::10", IndicatorType::Ip),
            ("xn--bcher-kva.example", IndicatorType::Domain),
        ]
    );
    let tagged = &feed.indicators[2];
    assert_eq!(tagged.tags, ["AgentTesla"]);
    assert_eq!(
        tagged.reference.as_deref(),
        Some("https://urlhaus.abuse.ch/url/224861/")
    );
    assert_eq!(
        tagged.source_value.as_deref(),
        Some("http://asdklgb.ga/PurchaseOrder.exe")
    );
    assert!(feed.indicators[0].tags.is_empty(), "URLhaus None is no tag");
    assert_eq!(
        rejected(&feed),
        [
            (17, RejectKind::Malformed),
            (18, RejectKind::Malformed),
            (19, RejectKind::Malformed),
        ]
    );
    assert!(feed.rejected[0].reason.contains("not a valid host name"));
}

#[test]
fn urlhaus_current_layout() {
    let feed = load("urlhaus_current.csv");
    assert_eq!(feed.kind, FeedKind::Urlhaus);
    assert_eq!(
        values(&feed),
        [
            ("malware.example", IndicatorType::Domain),
            ("xn--bcher-kva.example", IndicatorType::Domain),
        ]
    );
    assert_eq!(
        feed.indicators[0].last_seen.as_deref(),
        Some("2024-08-28T10:05:00Z")
    );
    assert_eq!(rejected(&feed), [(9, RejectKind::Malformed)]);
    assert!(feed.rejected[0].reason.contains("6 columns"));
}

#[test]
fn urlhaus_hostfile() {
    let feed = load("urlhaus_hostfile.txt");
    assert_eq!(feed.kind, FeedKind::UrlhausHosts);
    assert_eq!(
        values(&feed),
        [
            ("malware.example", IndicatorType::Domain),
            ("drop.example", IndicatorType::Domain),
            ("198.51.100.23", IndicatorType::Ip),
        ]
    );
    assert_eq!(rejected(&feed), [(10, RejectKind::Malformed)]);
}

#[test]
fn threatfox_csv() {
    let feed = load("threatfox.csv");
    assert_eq!(feed.kind, FeedKind::Threatfox);
    assert_eq!(
        values(&feed),
        [
            ("c2.malware.example", IndicatorType::Domain),
            ("198.51.100.9", IndicatorType::Ip),
            ("drop.example", IndicatorType::Domain),
        ]
    );
    let c2 = &feed.indicators[0];
    assert_eq!(c2.family.as_deref(), Some("Agent Tesla"));
    assert_eq!(c2.threat.as_deref(), Some("botnet_cc"));
    assert_eq!(c2.confidence, Some(75));
    assert_eq!(
        feed.indicators[1].source_value.as_deref(),
        Some("198.51.100.9:443")
    );
    assert_eq!(
        rejected(&feed),
        [(10, RejectKind::Unsupported), (11, RejectKind::Malformed)]
    );
    assert_eq!(feed.rejected[0].record_id.as_deref(), Some("1000004"));
}

#[test]
fn threatfox_json() {
    let feed = load("threatfox.json");
    assert_eq!(feed.kind, FeedKind::Threatfox);
    assert_eq!(
        values(&feed),
        [
            ("panel.stealer.example", IndicatorType::Domain),
            ("2001:db8:c2::1", IndicatorType::Ip),
        ]
    );
    assert_eq!(feed.indicators[0].tags, ["RedLine", "stealer"]);
    assert_eq!(feed.indicators[0].confidence, Some(90));
    assert_eq!(
        feed.indicators[1].last_seen.as_deref(),
        Some("2024-08-28T09:05:00Z")
    );
    assert_eq!(rejected(&feed), [(0, RejectKind::Unsupported)]);
    assert_eq!(feed.rejected[0].record_id.as_deref(), Some("1000013"));
}

#[test]
fn stix_bundle() {
    let feed = load("stix_bundle.json");
    assert_eq!(feed.kind, FeedKind::Stix);
    assert_eq!(
        values(&feed),
        [
            ("stix-c2.example", IndicatorType::Domain),
            ("203.0.113.0/24", IndicatorType::Cidr),
            ("2001:db8:bad::/48", IndicatorType::Cidr),
        ]
    );
    let first = &feed.indicators[0];
    assert_eq!(first.family.as_deref(), Some("Cobalt Strike"));
    assert_eq!(first.confidence, Some(85));
    assert_eq!(
        first.reference.as_deref(),
        Some("https://intel.example/reports/42")
    );
    let unsupported: Vec<&str> = feed
        .rejected
        .iter()
        .filter(|r| r.kind == RejectKind::Unsupported)
        .filter_map(|r| r.record_id.as_deref())
        .collect();
    assert_eq!(
        unsupported,
        [
            "indicator--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "indicator--9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        ]
    );
}

#[test]
fn plain_list_with_crlf() {
    let feed = load("list.txt");
    assert_eq!(feed.kind, FeedKind::List);
    assert_eq!(
        values(&feed),
        [
            ("evil.example", IndicatorType::Domain),
            ("dyn-c2.example", IndicatorType::Domain),
            ("198.51.100.7", IndicatorType::Ip),
            ("192.0.2.0/24", IndicatorType::Cidr),
            ("10.20.0.0/16", IndicatorType::Cidr),
            ("2001:db8:f00::/48", IndicatorType::Cidr),
        ]
    );
    assert_eq!(
        rejected(&feed),
        [
            (9, RejectKind::Malformed),
            (10, RejectKind::Malformed),
            (11, RejectKind::Malformed),
        ]
    );
}

#[test]
fn hosts_file() {
    let feed = load("hosts.txt");
    assert_eq!(feed.kind, FeedKind::Hosts);
    assert_eq!(
        values(&feed),
        [
            ("ads.tracker.example", IndicatorType::Domain),
            ("telemetry.tracker.example", IndicatorType::Domain),
            ("pixel.example", IndicatorType::Domain),
        ]
    );
    assert_eq!(rejected(&feed), [(6, RejectKind::Malformed)]);
}

#[test]
fn lines_that_are_not_utf8_are_rejected_with_their_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.txt");
    std::fs::write(&path, b"good.example\nbad\xff.example\nother.example\n").unwrap();
    let feed = load_file(&path, Some(FeedKind::List), "t", SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!(feed.indicators.len(), 2);
    assert_eq!(feed.rejected.len(), 1);
    assert_eq!(feed.rejected[0].line, 2);
    assert_eq!(feed.rejected[0].reason, "not UTF-8");
}

#[test]
fn a_file_that_is_not_the_format_is_an_error() {
    let err = load_file(
        &data("list.txt"),
        Some(FeedKind::Stix),
        "t",
        SystemTime::UNIX_EPOCH,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a stix feed"), "{err}");
}
