//! `dnshunt-train fit → promote → versions / runs → eval → compare`, run as a user runs them, on
//! a small dataset so that a debug build stays quick.

use std::path::Path;
use std::process::{Command, Output};

use dnshunt_e2e::{binary, shared_dir};

fn train(home: &Path, args: &[&str]) -> Output {
    Command::new(binary("dnshunt-train"))
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const SMALL: [&str; 4] = ["--per-family", "100", "--max-benign", "4000"];

#[test]
fn fit_register_promote_eval_compare_round_trip() {
    let home = tempfile::tempdir().unwrap();
    let first = stdout(&train(home.path(), &[&["fit"], &SMALL[..]].concat()));
    assert!(first.contains("version dga/1"), "{first}");
    let roc_auc: f64 = first
        .lines()
        .find_map(|l| l.strip_prefix("roc_auc"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(roc_auc > 0.9, "{roc_auc}");
    let second = stdout(&train(
        home.path(),
        &[&["fit", "--seed", "1"], &SMALL[..]].concat(),
    ));
    assert!(second.contains("version dga/2"), "{second}");

    let promoted = stdout(&train(
        home.path(),
        &["promote", "dga", "1", "--alias", "champion"],
    ));
    assert!(promoted.contains("dga@champion: version 1"), "{promoted}");
    let moved = stdout(&train(
        home.path(),
        &["promote", "dga", "2", "--alias", "champion"],
    ));
    assert!(moved.contains("version 1 -> 2"), "{moved}");
    let missing = train(home.path(), &["promote", "dga", "9"]);
    assert_eq!(missing.status.code(), Some(2));

    let versions = stdout(&train(home.path(), &["versions"]));
    let champion_line = versions.lines().find(|l| l.ends_with("champion")).unwrap();
    assert!(
        champion_line.split_whitespace().nth(1) == Some("2"),
        "{versions}"
    );
    let runs = stdout(&train(home.path(), &["runs"]));
    assert_eq!(
        runs.lines().filter(|l| l.contains("finished")).count(),
        2,
        "{runs}"
    );

    let seed_list = shared_dir().join("seed-data/dga_domains_header.txt");
    let data = format!("seed={}", seed_list.display());
    let evaluated = stdout(&train(home.path(), &["eval", "--data", &data]));
    assert!(evaluated.contains("model dga/2"), "{evaluated}");
    assert!(evaluated.contains("family_recall/seed"), "{evaluated}");

    let report = home.path().join("report.html");
    let compared = stdout(&train(
        home.path(),
        &[
            "compare",
            "dga/1",
            "dga@champion",
            "--out",
            report.to_str().unwrap(),
        ],
    ));
    assert!(compared.contains("2 models compared"), "{compared}");
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("dga/1") && page.contains("dga/2"));
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(page.contains("necurs") && page.contains("dict-pair"));
}

/// A new home has no registry: `eval` judges the model `dnshunt` scores with, the built-in one.
#[test]
fn eval_on_a_new_home_uses_the_builtin_model() {
    let home = tempfile::tempdir().unwrap();
    let seed_list = shared_dir().join("seed-data/dga_domains_header.txt");
    let data = format!("seed={}", seed_list.display());
    let evaluated = stdout(&train(home.path(), &["eval", "--data", &data]));
    assert!(evaluated.contains("model builtin"), "{evaluated}");
    assert!(evaluated.contains("family_recall/seed"), "{evaluated}");
    let named = stdout(&train(home.path(), &["eval", "--model", "builtin"]));
    assert!(named.contains("roc_auc"), "{named}");
}

/// A home with a version but no champion says how to set one; an edited manifest whose curve
/// leaves 0..1 is refused by `compare` with its name, not drawn (or panicked over).
#[test]
fn unset_aliases_and_edited_manifests_say_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    stdout(&train(home.path(), &[&["fit"], &SMALL[..]].concat()));
    let score = Command::new(binary("dnshunt"))
        .arg("--home")
        .arg(home.path())
        .args(["dga", "score", "google.com"])
        .output()
        .unwrap();
    assert_eq!(score.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&score.stderr);
    assert!(
        stderr.contains("dnshunt-train promote dga VERSION"),
        "{stderr}"
    );

    let manifest = home.path().join("registry/dga/versions/1/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["metrics"]["curve"][1]["fpr"] = (-5.0).into();
    std::fs::write(&manifest, value.to_string()).unwrap();
    let out = home.path().join("compare.html");
    let refused = train(
        home.path(),
        &["compare", "dga/1", "--out", out.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("outside 0 to 1"), "{stderr}");
}

#[test]
fn a_model_from_another_feature_schema_is_refused() {
    let home = tempfile::tempdir().unwrap();
    stdout(&train(home.path(), &[&["fit"], &SMALL[..]].concat()));
    let manifest = home.path().join("registry/dga/versions/1/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["feature_schema"]["data_fingerprint"] = "0000000000000000".into();
    std::fs::write(&manifest, value.to_string()).unwrap();
    let refused = train(home.path(), &["eval", "--model", "dga/1"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("schema"), "{stderr}");
}

#[test]
fn unknown_algorithm_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let output = train(home.path(), &["fit", "--algorithm", "svm"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("gradient-boosting"));
}
