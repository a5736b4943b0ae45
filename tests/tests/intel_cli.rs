//! `dnshunt intel` run as a user runs it: the real binary, real feed files, a real home folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use dnshunt_e2e::{binary, shared_dir, workspace_root};
use serde_json::Value;

fn feed(file: &str) -> String {
    workspace_root()
        .join("intel/tests/data")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

fn dnshunt(home: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(binary("dnshunt"))
        .arg("--home")
        .arg(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn rows(output: &Output) -> Vec<Value> {
    assert_eq!(code(output), 0, "{}", stderr(output));
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// (query, match, indicator) of each row.
fn summary(rows: &[Value]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["query"].as_str().unwrap().to_owned(),
                r["match"].as_str().unwrap().to_owned(),
                r["indicator"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn triple(query: &str, kind: &str, indicator: &str) -> (String, String, String) {
    (query.to_owned(), kind.to_owned(), indicator.to_owned())
}

/// A home with the `URLhaus` test feed (the seed notebook's asdklgb.ga rows), the block list
/// and the STIX bundle loaded.
fn loaded_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let urlhaus = feed("urlhaus_2020.csv");
    let output = dnshunt(
        home.path(),
        &[
            "intel", "load", "--feed", "urlhaus", "--name", "urlhaus", &urlhaus,
        ],
        b"",
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let output = dnshunt(
        home.path(),
        &[
            "intel",
            "load",
            &feed("list.txt"),
            &feed("stix_bundle.json"),
        ],
        b"",
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    home
}

fn matches(home: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["intel", "match", "--format", "json"];
    all.extend_from_slice(args);
    rows(&dnshunt(home, &all, b""))
}

#[test]
fn seed_case_matches_across_suffixes_only() {
    let home = loaded_home();
    let found = matches(home.path(), &["ns1.asdklgb.cf"]);
    assert_eq!(found.len(), 3, "{found:?}");
    for row in &found {
        assert_eq!(row["match"], "cross_suffix");
        assert_eq!(row["indicator"], "asdklgb.ga");
        assert_eq!(row["feed"], "urlhaus");
    }
    let tagged: Vec<&Value> = found
        .iter()
        .filter(|r| {
            r["tags"]
                .as_str()
                .unwrap()
                .split(',')
                .any(|t| t == "AgentTesla")
        })
        .collect();
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        tagged[0]["reference"],
        "https://urlhaus.abuse.ch/url/224861/"
    );
    assert_eq!(tagged[0]["first_seen"], "2019-08-15T13:58:10Z");
    assert!(tagged[0]["confidence"].as_u64().unwrap() < 50);
    // Leaving cross-suffix matches out leaves nothing: it is never an exact match.
    assert!(matches(home.path(), &["ns1.asdklgb.cf", "--no-cross-suffix"]).is_empty());
}

#[test]
fn the_seed_streaming_input_matches_by_name_and_answer() {
    let home = loaded_home();
    let nets = home.path().join("nets.txt");
    std::fs::write(&nets, "162.241.29.0/24\n").unwrap();
    let output = dnshunt(home.path(), &["intel", "load", nets.to_str().unwrap()], b"");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let file = shared_dir().join("seed-data/dns_test_1.json");
    let found = matches(home.path(), &["--file", file.to_str().unwrap()]);
    let kinds: Vec<(String, String, String)> = summary(&found);
    assert_eq!(
        kinds,
        [
            triple("ns1.asdklgb.cf.", "cross_suffix", "asdklgb.ga"),
            triple("ns1.asdklgb.cf.", "cross_suffix", "asdklgb.ga"),
            triple("ns1.asdklgb.cf.", "cross_suffix", "asdklgb.ga"),
            triple("162.241.29.141", "cidr", "162.241.29.0/24"),
        ]
    );
}

#[test]
fn exact_parent_ip_and_cidr_matches() {
    let home = loaded_home();
    let found = matches(
        home.path(),
        &[
            "Evil.Example.",
            "a.b.evil.example",
            "198.51.100.7",
            "192.0.2.200",
            "2001:db8:bad:1::9",
            "www.stix-c2.example",
            "notevil.example",
            "198.51.100.8",
        ],
    );
    assert_eq!(
        summary(&found),
        [
            triple("Evil.Example.", "exact", "evil.example"),
            triple("a.b.evil.example", "parent", "evil.example"),
            triple("198.51.100.7", "ip", "198.51.100.7"),
            triple("192.0.2.200", "cidr", "192.0.2.0/24"),
            triple("2001:db8:bad:1::9", "cidr", "2001:db8:bad::/48"),
            triple("www.stix-c2.example", "parent", "stix-c2.example"),
        ]
    );
    let stix = &found[5];
    assert_eq!(stix["family"], "Cobalt Strike");
    assert_eq!(
        stix["confidence"], 76,
        "85 from the feed, 90% for a parent match"
    );
}

#[test]
fn paypal_com_is_not_an_exact_or_parent_match_of_paypal_xyz() {
    let home = loaded_home();
    let found = matches(home.path(), &["paypal.com", "login.paypal.com"]);
    assert_eq!(
        summary(&found),
        [
            triple("paypal.com", "cross_suffix", "paypal.xyz"),
            triple("login.paypal.com", "cross_suffix", "paypal.xyz"),
        ]
    );
    assert!(matches(home.path(), &["paypal.com", "--no-cross-suffix"]).is_empty());
    assert_eq!(
        summary(&matches(home.path(), &["paypal.xyz"])),
        [triple("paypal.xyz", "exact", "paypal.xyz")]
    );
}

#[test]
fn load_reports_rejected_rows_with_line_numbers() {
    let home = tempfile::tempdir().unwrap();
    let path = feed("urlhaus_2020.csv");
    let output = dnshunt(home.path(), &["intel", "load", &path], b"");
    assert_eq!(code(&output), 1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("7 indicators"), "{stdout}");
    assert!(stdout.contains("3 malformed"), "{stdout}");
    let errors = stderr(&output);
    for line in [17, 18, 19] {
        assert!(
            errors.contains(&format!("{path}:{line}: malformed")),
            "{errors}"
        );
    }
    let output = dnshunt(
        home.path(),
        &["intel", "load", &feed("stix_bundle.json")],
        b"",
    );
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("indicator--9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a: unsupported")
    );
}

#[test]
fn a_clean_feed_loads_with_exit_0_and_a_newer_copy_replaces_it() {
    let home = tempfile::tempdir().unwrap();
    let first = home.path().join("first.txt");
    let second = home.path().join("second.txt");
    std::fs::write(&first, "old.example\n").unwrap();
    std::fs::write(&second, "new.example\n203.0.113.0/25\n").unwrap();
    let load = |path: &PathBuf| {
        dnshunt(
            home.path(),
            &["intel", "load", "--name", "mine", path.to_str().unwrap()],
            b"",
        )
    };
    assert_eq!(code(&load(&first)), 0);
    assert_eq!(matches(home.path(), &["old.example"]).len(), 1);
    assert_eq!(code(&load(&second)), 0);
    assert!(matches(home.path(), &["old.example"]).is_empty());
    assert_eq!(matches(home.path(), &["new.example"]).len(), 1);
    let listed = rows(&dnshunt(
        home.path(),
        &["intel", "list", "--format", "json"],
        b"",
    ));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["feed"], "mine");
    assert_eq!(listed[0]["indicators"], 2);
    assert_eq!(listed[0]["cidrs"], 1);
}

#[test]
fn every_format_is_recognised_and_listed() {
    let home = tempfile::tempdir().unwrap();
    let files: Vec<String> = [
        "urlhaus_2020.csv",
        "urlhaus_current.csv",
        "urlhaus_hostfile.txt",
        "threatfox.csv",
        "threatfox.json",
        "stix_bundle.json",
        "list.txt",
        "hosts.txt",
    ]
    .iter()
    .map(|f| feed(f))
    .collect();
    let mut args = vec!["intel", "load"];
    args.extend(files.iter().map(String::as_str));
    // threatfox.csv and threatfox.json would both be stored as feed "threatfox".
    let output = dnshunt(home.path(), &args, b"");
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("feed \"threatfox\""),
        "{}",
        stderr(&output)
    );
    assert!(!home.path().join("intel").exists(), "nothing was stored");
    args.retain(|a| !a.ends_with("threatfox.json"));
    let output = dnshunt(home.path(), &args, b"");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let json = feed("threatfox.json");
    let output = dnshunt(
        home.path(),
        &["intel", "load", "--name", "tf-json", &json],
        b"",
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let listed = rows(&dnshunt(
        home.path(),
        &["intel", "list", "--format", "json"],
        b"",
    ));
    let kinds: Vec<(&str, &str, u64)> = listed
        .iter()
        .map(|r| {
            (
                r["feed"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["indicators"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("hosts", "hosts", 3),
            ("list", "list", 6),
            ("stix_bundle", "stix", 3),
            ("tf-json", "threatfox", 2),
            ("threatfox", "threatfox", 3),
            ("urlhaus_2020", "urlhaus", 7),
            ("urlhaus_current", "urlhaus", 2),
            ("urlhaus_hostfile", "urlhaus-hosts", 3),
        ]
    );
}

#[test]
fn usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let list = feed("list.txt");
    let cases: [(&[&str], &str); 6] = [
        (
            &["intel", "load", "ftp://feeds.example.org/urlhaus.csv"],
            "only http:// and https:// URLs",
        ),
        (
            &["intel", "load", "/nonexistent/feed.csv"],
            "/nonexistent/feed.csv",
        ),
        (&["intel", "load", "--name", "x", &list, &list], "--name"),
        (
            &["intel", "load", "--name", "../escape", &list],
            "feed name",
        ),
        (
            &["intel", "load", "--feed", "stix", &list],
            "not a stix feed",
        ),
        (&["intel", "match", "evil.example"], "load a feed first"),
    ];
    for (args, message) in cases {
        let output = dnshunt(home.path(), args, b"");
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(!home.path().join("intel").exists(), "nothing was stored");
}

/// A feed's words cannot choose its format, an empty read never wipes a stored feed, ids from a
/// feed reach the terminal escaped, and a name that cannot match is said, not skipped.
#[test]
fn hostile_feeds_and_names_are_refused_out_loud() {
    let home = tempfile::tempdir().unwrap();
    let load = |name: &str, text: &str| {
        let path = home.path().join(name);
        std::fs::write(&path, text).unwrap();
        dnshunt(
            home.path(),
            &["intel", "load", "--name", "tf", path.to_str().unwrap()],
            b"",
        )
    };
    // A ThreatFox answer whose tags read like STIX keys is still ThreatFox.
    let threatfox = r#"{"query_status": "ok", "data": [{"id": "41", "ioc": "evil-c2.example", "ioc_type": "domain", "threat_type": "botnet_cc", "confidence_level": 90, "first_seen": "2024-08-28 10:00:00 UTC", "tags": ["indicator", "bundle"]}]}"#;
    let first = load("tf.json", threatfox);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(matches(home.path(), &["evil-c2.example"]).len(), 1);

    // Read as nothing: the stored feed stays.
    let empty = load("tf2.json", r#"{"query_status": "ok", "data": []}"#);
    assert_eq!(code(&empty), 1);
    assert!(
        stderr(&empty).contains("left as it was stored"),
        "{}",
        stderr(&empty)
    );
    assert_eq!(matches(home.path(), &["evil-c2.example"]).len(), 1);

    // A record id with a terminal escape in it, and an address that would match every
    // sinkholed answer.
    let stix = "{\"type\": \"bundle\", \"objects\": [\
        {\"type\": \"indicator\", \"id\": \"indicator--7\\u001b[31mRED\", \"pattern\": \"[file:name = 'x']\", \"valid_from\": \"2024-01-01T00:00:00Z\"},\
        {\"type\": \"indicator\", \"id\": \"indicator--8\", \"pattern\": \"[ipv4-addr:value = '0.0.0.0']\", \"valid_from\": \"2024-01-01T00:00:00Z\"},\
        {\"type\": \"indicator\", \"id\": \"indicator--9\", \"pattern\": \"[domain-name:value = 'c2.example']\", \"valid_from\": \"2024-01-01T00:00:00Z\"}]}";
    let output = load("stix.json", stix);
    assert_eq!(code(&output), 1);
    let errors = stderr(&output);
    assert!(errors.contains("indicator--7\\u{1b}[31mRED"), "{errors}");
    assert!(!errors.contains('\u{1b}'), "{errors}");
    assert!(
        errors.contains("0.0.0.0: a sink or loopback address"),
        "{errors}"
    );

    let output = dnshunt(home.path(), &["intel", "match", "a b.c2.example"], b"");
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("a b.c2.example: not matched: not a valid host name"),
        "{}",
        stderr(&output)
    );
}
