//! `dnshunt-train dataset build|show` run as a user runs it.

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn same_seed_same_bytes_in_two_homes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = train(
        a.path(),
        &["dataset", "build", "--seed", "5", "--per-family", "500"],
    );
    let second = train(
        b.path(),
        &["dataset", "build", "--seed", "5", "--per-family", "500"],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(first.stdout, {
        let out =
            text(&second.stdout).replace(b.path().to_str().unwrap(), a.path().to_str().unwrap());
        out.into_bytes()
    });
    let id = text(&first.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    for file in ["dataset.csv", "manifest.json"] {
        let left = std::fs::read(a.path().join("datasets").join(&id).join(file)).unwrap();
        let right = std::fs::read(b.path().join("datasets").join(&id).join(file)).unwrap();
        assert!(left == right, "{file} differs");
    }
    let other = train(
        b.path(),
        &["dataset", "build", "--seed", "6", "--per-family", "500"],
    );
    assert!(
        !text(&other.stdout).contains(&id),
        "another seed, another dataset"
    );
}

#[test]
fn show_json_lists_families_and_a_user_family_with_its_problem_lines() {
    let home = tempfile::tempdir().unwrap();
    let list = home.path().join("newfam.txt");
    std::fs::write(
        &list,
        "raw_domain\nqzxkwpvbnrt.com\nqzxkwpvbnrt.com\nbad..name\nyhgtrfvcdexs.net\n",
    )
    .unwrap();
    let family = format!("newfam={}", list.display());
    let built = train(
        home.path(),
        &[
            "dataset",
            "build",
            "--per-family",
            "300",
            "--add-family",
            &family,
        ],
    );
    assert_eq!(built.status.code(), Some(1), "malformed lines give exit 1");
    let stderr = text(&built.stderr);
    assert!(stderr.contains("1 duplicates, 1 malformed"), "{stderr}");
    assert!(stderr.contains("line 4"), "{stderr}");

    let shown = train(home.path(), &["dataset", "show", "--format", "json"]);
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let manifest: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let families = manifest["families"].as_array().unwrap();
    let names: Vec<&str> = families
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "benign");
    assert!(
        names.contains(&"newfam") && names.contains(&"necurs"),
        "{names:?}"
    );
    let newfam = families.iter().find(|f| f["name"] == "newfam").unwrap();
    let total = ["train", "validation", "test"]
        .iter()
        .map(|split| newfam[split].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!((total, newfam["style"].as_str()), (2, Some("user")));
    for reserved in ["gozi", "matsnu", "suppobox"] {
        assert!(!names.contains(&reserved));
    }

    let table = train(home.path(), &["dataset", "show"]);
    assert!(text(&table.stdout).contains("newfam"));
}

#[test]
fn reserved_family_and_missing_file_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let seed_list = shared_dir().join("seed-data/dga_domains_header.txt");
    let reserved = format!("gozi={}", seed_list.display());
    let refused = train(
        home.path(),
        &["dataset", "build", "--add-family", &reserved],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("reserved"),
        "{}",
        text(&refused.stderr)
    );

    let missing = train(
        home.path(),
        &["dataset", "build", "--add-family", "x=/no/such.txt"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("/no/such.txt"));

    let nothing = train(home.path(), &["dataset", "show"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(text(&nothing.stderr).contains("dataset build"));
}
