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

    // CSV has no lists: `answers` comes out as its JSON text, quoted.
    let csv = dnshunt(
        home.path(),
        &[
            "sql",
            "--format",
            "csv",
            "select query, answers from events where cardinality(answers) > 1 order by query limit 1",
        ],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    let (header, row) = text.trim_end().split_once('\n').unwrap();
    assert_eq!(header, "query,answers");
    let (_, quoted) = row.split_once(',').unwrap();
    let answers: Vec<String> = serde_json::from_str(
        &quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .unwrap()
            .replace("\"\"", "\""),
    )
    .unwrap();
    assert!(answers.len() > 1, "{text}");
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

/// Passive DNS `count` is the sender's number: a negative one is quarantined, and counts that
/// add up past `i64::MAX` neither wrap negative nor crash `detect` (a tunnel of two windows on
/// one day, and one name seen twice, each row claiming `i64::MAX` queries).
#[test]
fn hostile_counts_are_quarantined_or_saturate() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let record = |name: String, time: i64, count: i64| {
        format!(
            "{{\"rrname\":\"{name}\",\"rrtype\":\"TXT\",\"rdata\":[\"x\"],\
             \"time_first\":{time},\"time_last\":{time},\"count\":{count}}}\n"
        )
    };
    let mut lines = String::new();
    for window in 0..2_i64 {
        for i in 0..30_i64 {
            // Distinct 30-character subdomains of mixed letters and digits.
            let label: String = (0..30)
                .map(|k| {
                    let v = (i * 31 + k * 7 + window * 13) % 36;
                    char::from_digit(u32::try_from(v).unwrap(), 36).unwrap()
                })
                .collect();
            let count = if i == 0 { i64::MAX } else { 1 };
            lines += &record(
                format!("{label}.tunnel-example.com."),
                1_699_990_000 + window * 3_600 + i,
                count,
            );
        }
    }
    for _ in 0..2 {
        lines += &record("qxvzkjwplrtmbn.com.".into(), 1_700_000_000, i64::MAX);
    }
    lines += &record("zzkqpwxjvbrt.net.".into(), 1_700_000_000, -5);
    let file = home.join("hostile.ndjson");
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(&file, lines).unwrap();

    let ingest = dnshunt(home, &["ingest", "--format", "cof", file.to_str().unwrap()]);
    assert_eq!(ingest.status.code(), Some(1), "{}", stderr(&ingest));
    let reasons = sql_rows(home, "select reason from quarantine");
    assert_eq!(
        reasons,
        [serde_json::json!({"reason": "field `count` is negative: -5"})]
    );

    let detect = dnshunt(home, &["detect"]);
    assert!(detect.status.success(), "{}", stderr(&detect));
    let counts = sql_rows(
        home,
        "select detector, count from findings where query like '%tunnel-example.com' \
         or query = 'qxvzkjwplrtmbn.com' order by detector",
    );
    let by_detector: Vec<(&str, i64)> = counts
        .iter()
        .map(|r| {
            (
                r["detector"].as_str().unwrap(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        by_detector.contains(&("dns_tunnel", i64::MAX)),
        "{counts:?}"
    );
    assert!(by_detector.iter().all(|&(_, n)| n > 0), "{counts:?}");
}

/// A file whose format cannot be told is named and left unread, not recorded, and the files
/// after it are still read; an empty file is simply empty.
#[test]
fn an_unrecognised_file_does_not_stop_the_folder() {
    let home = tempfile::tempdir().unwrap();
    let logs = home.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let cof = "{\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],\
               \"time_first\":1700000000,\"time_last\":1700000100,\"count\":3}\n";
    std::fs::write(logs.join("a.ndjson"), cof).unwrap();
    std::fs::write(logs.join("b.log"), "the resolver started\nall is well\n").unwrap();
    std::fs::write(logs.join("c.log"), "").unwrap();
    std::fs::write(logs.join("d.ndjson"), cof.replace("www.", "mail.")).unwrap();

    let run = dnshunt(home.path(), &["ingest", logs.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let text = stdout(&run);
    assert!(
        text.contains("b.log: not read: cannot tell its log format"),
        "{text}"
    );
    assert!(text.contains("c.log (auto): 0 read"), "{text}");
    assert!(text.contains("1 files not read"), "{text}");
    assert_eq!(count(home.path(), "events"), 2);

    // Not in the ledger: given a format, it is read (into quarantine: these are not COF).
    let b = logs.join("b.log");
    let again = dnshunt(
        home.path(),
        &["ingest", "--format", "cof", b.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert_eq!(count(home.path(), "quarantine"), 2);
}

/// Two ingests starting at once on a new lake both create its tables: the one that loses that
/// race still commits its rows (before, it failed with "Metadata changed since last commit").
#[test]
fn two_ingests_starting_on_a_new_lake_both_land() {
    let home = tempfile::tempdir().unwrap();
    let files = ["seed-data/dns_events.json", "seed-data/dns_test_1.json"];
    let runs: Vec<_> = files
        .iter()
        .map(|file| {
            let path = shared_dir().join(file);
            let home = home.path().to_owned();
            std::thread::spawn(move || dnshunt(&home, &["ingest", path.to_str().unwrap()]))
        })
        .collect();
    for run in runs {
        let run = run.join().unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    assert_eq!(count(home.path(), "events"), 1003);
    assert_eq!(count(home.path(), "ingest_ledger"), 2);
}
