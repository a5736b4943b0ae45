//! `dnshunt dga score` on an empty home: the built-in model, the seed notebook's verdicts.

use std::process::Command;

use dnshunt_e2e::{binary, shared_dir};

fn score(args: &[&str]) -> Vec<(String, f64, String)> {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(binary("dnshunt"))
        .arg("--home")
        .arg(home.path())
        .args(["dga", "score"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (
                fields[0].to_owned(),
                fields[1].parse().unwrap(),
                fields[2].to_owned(),
            )
        })
        .collect()
}

#[test]
fn seed_verdicts_with_the_builtin_model() {
    let rows = score(&[
        "ns1.asdklgb.cf.",
        "7ydbdehaaz",
        "google.com",
        "facebook.com",
        "wikipedia.org",
    ]);
    let labels: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        labels,
        ["dga", "dga", "benign", "benign", "benign"],
        "{rows:?}"
    );
    assert_eq!(rows[0].0, "ns1.asdklgb.cf", "names are printed normalized");
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.1)));
}

#[test]
fn the_twenty_most_common_alexa_domains_are_benign() {
    let text = std::fs::read_to_string(shared_dir().join("seed-data/alexa_100k.txt")).unwrap();
    let top: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1))
        .take(20)
        .collect();
    assert_eq!(top.len(), 20);
    let rows = score(&top);
    for (domain, value, label) in &rows {
        assert_eq!(label, "benign", "{domain} scored {value}");
    }
}
