//! The seed notebook's case end to end: its streaming input in the lake, a `URLhaus` feed with the
//! three asdklgb.ga rows, the watchlist google.com; `dnshunt detect` must report ns1.asdklgb.cf
//! as DGA with the `AgentTesla` cross-suffix lead and www.googlee.com as a lookalike of google.com.

use std::path::Path;

use dnshunt_e2e::{dnshunt, shared_dir, sql_rows, stderr, stdout, workspace_root};
use serde_json::Value;

/// A `URLhaus` CSV export holding only the header comments and the asdklgb.ga rows.
fn seed_feed(dir: &Path) -> String {
    let full = std::fs::read_to_string(workspace_root().join("intel/tests/data/urlhaus_2020.csv"))
        .unwrap();
    let rows: Vec<&str> = full
        .lines()
        .filter(|l| l.starts_with('#') || l.contains("asdklgb.ga"))
        .collect();
    assert_eq!(rows.iter().filter(|l| !l.starts_with('#')).count(), 3);
    let path = dir.join("urlhaus.csv");
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    path.to_string_lossy().into_owned()
}

fn findings(home: &Path) -> Vec<Value> {
    sql_rows(
        home,
        "SELECT finding_id, detector, severity, score, query, reason, evidence, intel, model_version FROM findings ORDER BY query",
    )
}

#[test]
fn seed_detect_reports_the_dga_host_with_its_intel_lead_and_the_lookalike() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let seed = shared_dir().join("seed-data/dns_test_1.json");
    let ingest = dnshunt(home, &["ingest", seed.to_str().unwrap()]);
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    let feed = seed_feed(home);
    let load = dnshunt(
        home,
        &[
            "intel", "load", "--feed", "urlhaus", "--name", "urlhaus", &feed,
        ],
    );
    assert!(
        load.status.code() == Some(0),
        "{}{}",
        stdout(&load),
        stderr(&load)
    );
    let brands = home.join("brands.txt");
    std::fs::write(&brands, "google.com\n").unwrap();

    let detect = dnshunt(home, &["detect", "--brands", brands.to_str().unwrap()]);
    assert!(detect.status.success(), "{}", stderr(&detect));
    let printed = stdout(&detect);
    assert!(
        printed.contains("ns1.asdklgb.cf") && printed.contains("www.googlee.com"),
        "{printed}"
    );

    let rows = findings(home);
    let queries: Vec<&str> = rows.iter().map(|r| r["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["ns1.asdklgb.cf", "www.googlee.com"], "{rows:#?}");

    let dga = &rows[0];
    assert_eq!(dga["detector"], "dga_domain");
    assert_eq!(dga["severity"], "critical");
    let evidence: Value = serde_json::from_str(dga["evidence"].as_str().unwrap()).unwrap();
    assert!(
        evidence["dga"]["score"].as_f64().unwrap()
            >= evidence["dga"]["threshold"].as_f64().unwrap()
    );
    assert_eq!(evidence["intel"]["kind"], "cross_suffix");
    assert_eq!(evidence["intel"]["indicator"], "asdklgb.ga");
    assert!(
        dga["intel"].as_str().unwrap().contains("AgentTesla"),
        "{dga}"
    );
    assert_eq!(dga["model_version"], "builtin");
    let reason = dga["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("ns1.asdklgb.cf was resolved — DGA score")
            && reason.contains("same label as urlhaus host asdklgb.ga, tagged AgentTesla"),
        "{reason}"
    );

    let typo = &rows[1];
    assert_eq!(typo["detector"], "typosquat_domain");
    let evidence: Value = serde_json::from_str(typo["evidence"].as_str().unwrap()).unwrap();
    assert_eq!(evidence["typosquat"]["brand"], "google");
    assert!(
        typo["reason"]
            .as_str()
            .unwrap()
            .contains("lookalike of google.com (addition)"),
        "{typo}"
    );
    assert_eq!(evidence["typosquat"]["fuzzer"], "addition");

    // SQL's `intel_match` tells the same story as the finding, tags gathered from every row
    // URLhaus holds for the host.
    let matched = sql_rows(
        home,
        "select intel_match('ns1.asdklgb.cf') as lead, intel_match('google.com') as clean",
    );
    assert_eq!(
        matched[0]["lead"], dga["intel"],
        "the SQL function and the finding disagree"
    );
    assert!(matched[0]["clean"].is_null(), "{matched:?}");

    // Running again adds nothing: finding ids are deterministic.
    let again = dnshunt(home, &["detect", "--brands", brands.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains(", 0 new"), "{}", stdout(&again));
    assert_eq!(findings(home), rows);
}
