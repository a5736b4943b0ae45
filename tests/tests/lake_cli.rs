//! `dnshunt ingest`, `dnshunt sql` and `dnshunt tables` run as a user runs them: the real binary,
//! the seed data and real sensor logs, a real home folder holding real Delta tables.

use std::path::Path;

use dnshunt_e2e::{dnshunt, shared_dir, sql_rows, stderr, stdout};

fn count(home: &Path, table: &str) -> u64 {
    let rows = sql_rows(home, &format!("select count(*) as n from {table}"));
    rows[0]["n"].as_u64().unwrap()
}

#[test]
fn seed_events_ingest_once_and_answer_sql_with_dga_labels() {
    let home = tempfile::tempdir().unwrap();
    let seed = shared_dir().join("seed-data/dns_events.json");
    let seed = seed.to_str().unwrap();

    let first = dnshunt(home.path(), &["ingest", "--sensor", "pdns-eu", seed]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("total: 1000 read = 1000 events + 0 quarantined"),
        "{}",
        stdout(&first)
    );
    assert_eq!(count(home.path(), "events"), 1000);

    let again = dnshunt(home.path(), &["ingest", seed]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("already ingested"),
        "{}",
        stdout(&again)
    );
    assert_eq!(count(home.path(), "events"), 1000);

    let labelled = sql_rows(
        home.path(),
        "select query, dga_label(query) as label from events order by query",
    );
    assert_eq!(labelled.len(), 1000);
    assert!(labelled.iter().all(|row| {
        let label = row["label"].as_str().unwrap();
        label == "dga" || label == "benign"
    }));
    let sensors = sql_rows(home.path(), "select distinct sensor from events");
    assert_eq!(sensors, [serde_json::json!({"sensor": "pdns-eu"})]);

    let tables = dnshunt(home.path(), &["tables", "--format", "csv"]);
    assert!(tables.status.success(), "{}", stderr(&tables));
    let text = stdout(&tables);
    assert!(text.starts_with("table,rows,version,path\n"), "{text}");
    assert!(text.contains("\nevents,1000,"), "{text}");
    assert!(text.contains("\nquarantine,0,"), "{text}");
    assert!(text.contains("\ningest_ledger,1,"), "{text}");
}

#[test]
fn broken_lines_go_to_quarantine_and_the_exit_code_says_so() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("mixed.json");
    let valid = |name: &str| {
        format!(
            r#"{{"rrname":"{name}.","rrtype":"A","time_first":1597928451,"time_last":1598533251,"count":1,"rdata":["192.0.2.1"]}}"#
        )
    };
    let lines = [
        valid("one.example"),
        "{\"rrname\": ".to_owned(),
        valid("two.example"),
        r#"{"rrname":"three.example.","rrtype":"A","time_first":"yesterday"}"#.to_owned(),
        valid("four.example"),
        "\u{1}binary\u{0}garbage".to_owned(),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let output = dnshunt(
        home.path(),
        &["ingest", "--format", "pdns", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("total: 6 read = 3 events + 3 quarantined"),
        "{}",
        stdout(&output)
    );
    assert_eq!(count(home.path(), "events"), 3);
    let quarantined = sql_rows(
        home.path(),
        "select line, reason from quarantine order by line",
    );
    let lines: Vec<u64> = quarantined
        .iter()
        .map(|row| row["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4, 6]);
    assert!(
        quarantined
            .iter()
            .all(|row| !row["reason"].as_str().unwrap().is_empty())
    );
}

#[test]
fn real_sensor_logs_keep_every_record() {
    let home = tempfile::tempdir().unwrap();
    let logs = shared_dir().join("real-logs");
    let (mut read, mut events, mut quarantined) = (0, 0, 0);
    // A whole `named` log folder starts with server messages, so BIND is named, not sniffed.
    for (folder, format) in [
        ("pdns-cof", "auto"),
        ("zeek-tsv", "auto"),
        ("zeek-json", "auto"),
        ("suricata-eve", "auto"),
        ("bind", "bind"),
        ("dnsmasq", "auto"),
    ] {
        let dir = logs.join(folder);
        let output = dnshunt(
            home.path(),
            &["ingest", "--format", format, dir.to_str().unwrap()],
        );
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{folder}: {}",
            stderr(&output)
        );
        let text = stdout(&output);
        let total = text.lines().rfind(|l| l.starts_with("total: ")).unwrap();
        let numbers: Vec<u64> = total
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let [r, e, q] = numbers[..] else {
            panic!("unexpected total line: {total}");
        };
        (read, events, quarantined) = (read + r, events + e, quarantined + q);
    }
    assert_eq!(read, events + quarantined);
    assert_eq!(count(home.path(), "events"), events);
    assert_eq!(count(home.path(), "quarantine"), quarantined);

    // A concrete record from the seed-format sample survives the round trip through Delta.
    let www = sql_rows(
        home.path(),
        "select qtype, answers from events where query = 'www.ietf.org' and qtype = 'AAAA' \
         and source_file like '%pdns-cof%' limit 1",
    );
    assert_eq!(www.len(), 1);
    assert!(
        www[0]["answers"]
            .to_string()
            .contains("2001:1890:1112:1::20")
    );
}
