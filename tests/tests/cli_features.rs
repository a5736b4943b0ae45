//! `dnshunt features` run as a user runs it: real binary, real files, standard input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use dnshunt_e2e::{binary, shared_dir};

fn dnshunt(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(binary("dnshunt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn scores_the_seed_streaming_input() {
    let file = shared_dir().join("seed-data/dns_test_1.json");
    let output = dnshunt(
        &[
            "features",
            "--file",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
        b"",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = json_lines(&output);
    let queries: Vec<&str> = rows.iter().map(|r| r["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["ns1.asdklgb.cf", "google.com", "www.googlee.com"]);
    assert_eq!(rows[0]["registered_domain"], "asdklgb.cf");
    assert_eq!(rows[0]["subdomain"], "ns1");
    assert_eq!(rows[0]["domain_label"], "asdklgb");
    assert_eq!(rows[0]["length"], 7);
    assert_eq!(rows[2]["registered_domain"], "googlee.com");
    // The DGA-looking label is less likely under the benign model than the brand.
    assert!(
        rows[0]["ngram_log_prob"].as_f64().unwrap() < rows[1]["ngram_log_prob"].as_f64().unwrap()
    );
}

#[test]
fn csv_has_every_column_and_one_row_per_input() {
    let output = dnshunt(
        &["features", "--file", "-"],
        b"# comment\nExample.CO.UK.\n\nfoo.blogspot.com\n",
    );
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header.len(), 11 + dnshunt_features_count());
    assert!(lines[1].starts_with("example.co.uk,example.co.uk,co.uk,,example,icann,3,true,"));
    assert!(
        lines[2].starts_with("foo.blogspot.com,foo.blogspot.com,blogspot.com,,foo,private,3,true,")
    );
}

fn dnshunt_features_count() -> usize {
    let output = dnshunt(&["features", "--schema"], b"");
    String::from_utf8(output.stdout).unwrap().lines().count() - 1
}

#[test]
fn hostile_bytes_are_flagged_and_escaped() {
    let input = b"ok.com\nbad\xff\xfe.com\nevil\x1b[2J.com\nx\x00y.net\n";
    let output = dnshunt(&["features", "--file", "-", "--format", "json"], input);
    assert!(output.status.success());
    assert!(
        !output.stdout.iter().any(|&b| b == 0x1b || b == 0),
        "raw control bytes escaped"
    );
    let rows = json_lines(&output);
    let reasons: Vec<&serde_json::Value> = rows.iter().map(|r| &r["invalid_reason"]).collect();
    assert_eq!(reasons[0], &serde_json::Value::Null);
    assert_eq!(reasons[1], "invalid_utf8");
    assert_eq!(reasons[2], "control_character");
    assert_eq!(reasons[3], "control_character");
    assert_eq!(rows[1]["query"], "bad\\xff\\xfe.com");
}

#[test]
fn errors_name_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("dnshunt-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("names.jsonl");
    std::fs::write(&file, "{\"rrname\": \"a.com\"}\n{\"rrname\": \n").unwrap();
    let output = dnshunt(&["features", "--file", file.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("names.jsonl:2"), "{stderr}");

    let missing = dnshunt(&["features", "--file", "/nonexistent/names.txt"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("/nonexistent/names.txt")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let output = dnshunt(&["features", "--format", "xml"], b"");
    assert_eq!(output.status.code(), Some(2));
}
