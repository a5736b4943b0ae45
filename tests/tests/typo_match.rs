//! `dnshunt typo match` and `typo permute` run as a user runs them: real binary, real files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use dnshunt_e2e::{binary, shared_dir};

fn dnshunt(args: &[&str]) -> Output {
    Command::new(binary("dnshunt")).args(args).output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.to_str().unwrap().to_owned()
}

/// Name → (brand, how) for every row printed.
fn matches(output: &Output) -> BTreeMap<String, (String, String)> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = |key: &str| row[key].as_str().unwrap().to_owned();
            (text("name"), (text("brand"), text("how")))
        })
        .collect()
}

#[test]
fn seed_case_googlee_is_an_addition_and_google_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let brands = write(dir.path(), "watchlist.txt", "google.com\n");
    let seed = shared_dir().join("seed-data/dns_test_1.json");
    let output = dnshunt(&[
        "typo",
        "match",
        "--brands",
        &brands,
        "--file",
        seed.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = matches(&output);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [(
            "www.googlee.com".to_owned(),
            ("google".to_owned(), "addition".to_owned())
        )]
    );
}

#[test]
fn catches_lookalikes_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let brands = write(
        dir.path(),
        "watchlist.txt",
        "google: google.com google.*\npaypal.com\nmicrosoft.com\namazon.com\nhp: hp.com\n",
    );
    // name → the ways it may be reported (a name some fuzzers share is named by the first).
    let expected: [(&str, &str, &[&str]); 14] = [
        ("gооgle.com", "google", &["homoglyph", "confusable"]), // Cyrillic о, as Unicode
        (
            "xn--pypal-4ve.com",
            "paypal",
            &["homoglyph", "cyrillic", "confusable"],
        ), // Cyrillic а
        ("rnicrosoft.com", "microsoft", &["homoglyph"]),
        ("paypa1.net", "paypal", &["confusable"]),
        ("foogle.com", "google", &["bitsquatting"]),
        ("cmazon.com", "amazon", &["bitsquatting"]),
        ("paypak.com", "paypal", &["replacement"]),
        ("micorsoft.net", "microsoft", &["edit"]),
        ("gooogle.shop", "google", &["edit"]),
        ("paypal-login.com", "paypal", &["dictionary", "keyword"]),
        ("secure-paypal-verify.net", "paypal", &["embedded"]),
        ("paypal.com.account-verify.xyz", "paypal", &["embedded"]),
        ("paypal.duckdns.org", "paypal", &["dyndns"]),
        ("hp-support.com", "hp", &["dictionary", "keyword"]),
    ];
    let mut names: Vec<&str> = expected.iter().map(|(name, _, _)| *name).collect();
    // Owned or legitimate: never reported.
    let quiet = [
        "google.de",
        "mail.google.com",
        "hpe.com",
        "ample.com",
        "paypal.com",
        "up.com",
    ];
    names.extend(quiet);
    let file = write(dir.path(), "names.txt", &names.join("\n"));
    let output = dnshunt(&[
        "typo", "match", "--brands", &brands, "--file", &file, "--format", "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = matches(&output);
    for (name, brand, hows) in expected {
        let normalized = if name.starts_with("gоо") {
            "xn--ggle-55da.com"
        } else {
            name
        };
        let Some((got_brand, how)) = found.get(normalized) else {
            panic!("{name} was not flagged; flagged: {found:?}");
        };
        assert_eq!(got_brand, brand, "{name}");
        assert!(
            hows.contains(&how.as_str()),
            "{name}: reported as {how}, expected one of {hows:?}"
        );
    }
    for name in quiet {
        assert!(
            !found.contains_key(name),
            "{name} was flagged: {:?}",
            found[name]
        );
    }
}

#[test]
fn popular_legitimate_domains_are_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    // Popular brands, with the domains they own, matched against the 10,000 most visited sites.
    let brands = write(
        dir.path(),
        "watchlist.txt",
        "\
google: google.com youtube.com googleusercontent.com google.*
facebook: facebook.com fb.com facebook.*
amazon: amazon.com images-amazon.com amazon.*
paypal: paypal.com paypal.*
microsoft: microsoft.com live.com msn.com bing.com microsoftonline.com microsoftstore.com microsoft.* msn.* live.* bing.*
apple: apple.com icloud.com apple.*
yahoo: yahoo.com yahoo-help.jp yahoo-mbga.jp yahoo.*
ebay: ebay.com ebay.*
netflix: netflix.com netflix.*
twitter: twitter.com twitter.*
linkedin: linkedin.com linkedin.*
instagram: instagram.com instagram.*
wikipedia: wikipedia.org wikimedia.org wikipedia.*
hp: hp.com hp.*
ibm: ibm.com ibm.*
chase: chase.com chase.*
adobe: adobe.com adobeconnect.com adobe.*
dropbox: dropbox.com dropbox.*
github: github.com github.*
yandex: yandex.ru yandex.*
",
    );
    let alexa = std::fs::read_to_string(shared_dir().join("seed-data/alexa_100k.txt")).unwrap();
    let top: Vec<&str> = alexa
        .lines()
        .skip(1)
        .take(10_000)
        .filter_map(|line| line.split(',').nth(1))
        .collect();
    assert_eq!(top.len(), 10_000);
    let file = write(dir.path(), "top.txt", &top.join("\n"));
    let output = dnshunt(&[
        "typo", "match", "--brands", &brands, "--file", &file, "--format", "json",
    ]);
    // The list holds URLs and IP addresses: they are reported with their line, exit code 1.
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("20 of 10000 names") && stderr.contains("line 1379"),
        "{stderr}"
    );
    let found = matches(&output);
    // The one name flagged is a third-party YouTube downloader: brand abuse, rightly reported.
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        ["youtube-mp3.org"],
        "{found:?}"
    );
}

#[test]
fn permute_prints_tagged_rows_and_rejects_bad_input() {
    let output = dnshunt(&[
        "typo",
        "permute",
        "paypal.com",
        "--fuzzers",
        "numeral-swap,keyword",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("brand,fuzzer,domain"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.contains(&"paypal.com,numeral-swap,paypa1.com"));
    assert!(rows.contains(&"paypal.com,keyword,paypal-login.com"));
    assert!(
        rows.iter()
            .all(|r| r.starts_with("paypal.com,numeral-swap,")
                || r.starts_with("paypal.com,keyword,"))
    );

    let output = dnshunt(&["typo", "permute", "paypal.com", "--fuzzers", "typo-magic"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown fuzzer \"typo-magic\""));

    let output = dnshunt(&["typo", "permute", "co.uk"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("brand \"co.uk\""));
}

#[test]
fn a_bad_watchlist_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let brands = write(dir.path(), "watchlist.txt", "google.com\nwww.paypal.com\n");
    let names = write(dir.path(), "names.txt", "googlee.com\n");
    let output = dnshunt(&["typo", "match", "--brands", &brands, "--file", &names]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("watchlist.txt, line 2") && stderr.contains("did you mean paypal.com"),
        "{stderr}"
    );
}
