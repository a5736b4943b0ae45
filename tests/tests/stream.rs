//! `dnshunt stream` against real processes: killed with SIGKILL at random points it must end
//! with exactly the tables of a run that never crashed; `dnshunt ingest` writing at the same
//! time must leave both writers' rows, once each; `dnshunt detect` judging the same rows at the
//! same time must not add a finding twice; SIGTERM stops it cleanly.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dnshunt_datasets::traffic::{DEFAULT_START, TrafficOptions, write_zeek};
use dnshunt_e2e::{binary, dnshunt, sql_rows, stderr};
use serde_json::Value;

/// Small batches, so one run of the stream is many commits to be interrupted in.
const BATCH_BYTES: &str = "65536";

/// A working morning of a small office as rotated Zeek logs (each file with its own header),
/// plus one log with broken lines for the quarantine. Returns the number of data lines.
fn land_logs(dir: &Path, seed: u64, files: usize) -> usize {
    let mut log = Vec::new();
    write_zeek(
        &TrafficOptions {
            seed,
            clients: 40,
            start: DEFAULT_START + 8 * 3600,
            hours: 3,
            events_per_client_hour: 20,
        },
        &mut log,
    )
    .unwrap();
    let log = String::from_utf8(log).unwrap();
    let (header, rows): (Vec<&str>, Vec<&str>) = log.lines().partition(|l| l.starts_with('#'));
    let open: Vec<&str> = header
        .iter()
        .copied()
        .filter(|l| !l.starts_with("#close"))
        .collect();
    let per_file = rows.len().div_ceil(files);
    for (i, part) in rows.chunks(per_file).enumerate() {
        let text = format!(
            "{}\n{}\n#close\t2026-11-02-11-00-00\n",
            open.join("\n"),
            part.join("\n")
        );
        std::fs::write(dir.join(format!("dns.{seed}.{i:02}.log")), text).unwrap();
    }
    let mut hostile = format!("{}\n", open.join("\n")).into_bytes();
    hostile.extend_from_slice(rows[0].as_bytes());
    hostile.extend_from_slice(b"\nnot\ta\tzeek\tline\n\xff\xfe<script>\n");
    std::fs::write(dir.join(format!("dns.{seed}.zz-broken.log")), hostile).unwrap();
    rows.len() + 3
}

/// The folder `incoming` of `dir`, where a test's stream reads, made empty.
fn incoming(dir: &Path) -> PathBuf {
    let source = dir.join("incoming");
    std::fs::create_dir(&source).unwrap();
    source
}

/// [`land_logs`] into a new folder `logs` of `dir`.
fn logs_in(dir: &Path, seed: u64, files: usize) -> PathBuf {
    let logs = dir.join("logs");
    std::fs::create_dir(&logs).unwrap();
    land_logs(&logs, seed, files);
    logs
}

fn stream_command(home: &Path, source: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(binary("dnshunt"));
    command
        .arg("--home")
        .arg(home)
        .args(["stream", "--batch-bytes", BATCH_BYTES, "--source"])
        .arg(format!("dir:{}", source.display()))
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Every row of the tables a stream writes, in a fixed order.
fn tables(home: &Path) -> Vec<Vec<Value>> {
    [
        "SELECT * FROM events ORDER BY source_file, source_line",
        "SELECT * FROM quarantine ORDER BY file, line",
        "SELECT * FROM findings ORDER BY finding_id",
        "SELECT * FROM domain_sightings ORDER BY registered_domain",
    ]
    .iter()
    .map(|query| sql_rows(home, query))
    .collect()
}

/// splitmix64: kill times that differ between runs of the test but can be replayed by seed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A seed that differs between runs of a test; failures print it to replay them.
fn time_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Waits for `child` up to `limit`; `None` if it is still running.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() >= limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn sigkill_at_random_points_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = incoming(dir.path());
    let lines = land_logs(&source, 7, 4);

    let clean = dir.path().join("clean");
    let run = stream_command(&clean, &source, &["--once"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let expected = tables(&clean);
    assert_eq!(expected[0].len() + expected[1].len(), lines);
    assert!(!expected[2].is_empty(), "the planted threats give findings");

    let crashed = dir.path().join("crashed");
    let seed = time_seed();
    let mut rng = seed;
    // Each life of the process lasts 100 ms plus up to `spread` ms. A run that finishes before
    // it has been killed 20 times starts over on a fresh lake with shorter lives, so a loaded
    // machine (where the process gets further before its kill) still sees 20 kills.
    let mut spread = 1_400;
    let mut kills = 0;
    let mut restarts = 0;
    while kills < 20 {
        let mut child = stream_command(&crashed, &source, &["--once"])
            .spawn()
            .unwrap();
        let delay = Duration::from_millis(100 + next(&mut rng) % spread);
        if wait_for(&mut child, delay).is_some() {
            restarts += 1;
            assert!(restarts <= 10, "never killed 20 times (seed {seed})");
            std::fs::remove_dir_all(&crashed).unwrap();
            kills = 0;
            spread = (spread / 2).max(50);
            continue;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    // After the last kill it runs undisturbed to the end. Exit 1 says this life quarantined
    // something; the broken log may already have been read by an earlier one.
    let last = stream_command(&crashed, &source, &["--once"])
        .output()
        .unwrap();
    assert!(
        matches!(last.status.code(), Some(0 | 1)),
        "seed {seed}: {}",
        stderr(&last)
    );
    let got = tables(&crashed);
    for (table, (got, expected)) in ["events", "quarantine", "findings", "domain_sightings"]
        .iter()
        .zip(got.iter().zip(&expected))
    {
        assert_eq!(
            got.len(),
            expected.len(),
            "{table} after {kills} kills (seed {seed})"
        );
        assert!(
            got == expected,
            "{table} differs after {kills} kills (seed {seed})"
        );
    }
}

#[test]
fn ingest_while_streaming_keeps_both_writers_rows_once() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let source = incoming(dir.path());
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let other_lines = land_logs(&other, 2, 3);

    let mut stream = stream_command(&home, &source, &["--poll-ms", "100"])
        .spawn()
        .unwrap();
    // Logs land while the stream runs and `dnshunt ingest` writes other logs to the same tables.
    let landing = dir.path().join("landing");
    std::fs::create_dir(&landing).unwrap();
    let streamed_lines = land_logs(&landing, 3, 3);
    let ingest = std::thread::spawn({
        let home = home.clone();
        move || dnshunt(&home, &["ingest", other.to_str().unwrap()])
    });
    let mut landed: Vec<_> = std::fs::read_dir(&landing)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    landed.sort();
    for file in landed {
        std::thread::sleep(Duration::from_millis(300));
        // Renamed into place, as log shippers do, so the stream never sees half a file.
        std::fs::rename(&file, source.join(file.file_name().unwrap())).unwrap();
    }
    let ingest = ingest.join().unwrap();
    assert_eq!(ingest.status.code(), Some(1), "{}", stderr(&ingest));

    // SIGTERM: the stream finishes its batch and leaves.
    std::thread::sleep(Duration::from_secs(2));
    let (status, log) = terminate(&mut stream);
    assert!(status.code().is_some(), "killed, not stopped: {log}");
    assert!(log.contains("stopped; its position is saved"), "{log}");
    // Whatever had not been read yet is read now.
    let rest = stream_command(&home, &source, &["--once"])
        .output()
        .unwrap();
    assert!(rest.status.code().is_some(), "{}", stderr(&rest));

    let count = |query: &str| sql_rows(&home, query)[0]["n"].as_i64().unwrap();
    let rows =
        count("SELECT count(*) AS n FROM events") + count("SELECT count(*) AS n FROM quarantine");
    assert_eq!(rows, i64::try_from(other_lines + streamed_lines).unwrap());
    let distinct =
        count("SELECT count(*) AS n FROM (SELECT DISTINCT source_file, source_line FROM events)");
    assert_eq!(distinct, count("SELECT count(*) AS n FROM events"));
    assert_eq!(
        count("SELECT count(*) AS n FROM ingest_ledger"),
        4,
        "the three rotated logs and the broken one"
    );
    rows_with_unique(&home, "findings", "finding_id");
}

/// `dnshunt stream --source delta:events` on a lake that `dnshunt ingest` filled: one Parquet
/// file per batch (so a batch also ends inside a commit of two files), killed at random points,
/// must end with the findings and sightings of a run that never crashed, and must judge what is
/// ingested after it started.
#[test]
fn delta_events_source_judges_committed_rows_once_across_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs_in(dir.path(), 11, 3);
    // Two event dates, so one ingest commit adds two files.
    let seed_test = dnshunt_e2e::shared_dir().join("seed-data/dns_test_1.json");
    let fill = |home: &Path| {
        for path in [&logs, &seed_test] {
            let run = dnshunt(home, &["ingest", path.to_str().unwrap()]);
            assert!(run.status.code().is_some(), "{}", stderr(&run));
        }
    };
    let stream = |home: &Path| {
        let mut command = Command::new(binary("dnshunt"));
        command
            .arg("--home")
            .arg(home)
            .args(["stream", "--source", "delta:events", "--from-start"])
            .args(["--batch-bytes", "1", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };
    let judged = |home: &Path| {
        [
            "SELECT * FROM findings ORDER BY finding_id",
            "SELECT * FROM domain_sightings ORDER BY registered_domain",
        ]
        .map(|query| sql_rows(home, query))
    };

    let clean = dir.path().join("clean");
    fill(&clean);
    let run = stream(&clean).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let expected = judged(&clean);
    let queries: Vec<&str> = expected[0]
        .iter()
        .filter_map(|f| f["query"].as_str())
        .collect();
    assert!(
        queries.contains(&"ns1.asdklgb.cf"),
        "the seed's DGA name is judged: {queries:?}"
    );
    assert!(!expected[1].is_empty());

    let crashed = dir.path().join("crashed");
    fill(&crashed);
    let seed = time_seed();
    let mut rng = seed;
    let mut kills = 0;
    for _ in 0..100 {
        let mut child = stream(&crashed).spawn().unwrap();
        let delay = Duration::from_millis(100 + next(&mut rng) % 900);
        if let Some(status) = wait_for(&mut child, delay) {
            assert_eq!(status.code(), Some(0), "seed {seed}");
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    assert!(
        kills >= 3,
        "only {kills} kills: the stream ended too soon (seed {seed})"
    );
    assert_eq!(
        judged(&crashed),
        expected,
        "after {kills} kills (seed {seed})"
    );

    // Rows committed after the stream's last batch are judged by its next one, and only they.
    let later = dir.path().join("later");
    std::fs::create_dir(&later).unwrap();
    std::fs::write(
        later.join("dga.json"),
        "{\"rrname\":\"kq3v9zx7wpl2.biz\",\"rrtype\":\"A\",\"rdata\":[\"203.0.113.9\"],\
         \"count\":3,\"time_first\":1700000000,\"time_last\":1700000100}\n",
    )
    .unwrap();
    let run = dnshunt(&clean, &["ingest", later.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = stream(&clean).output().unwrap();
    let log = stderr(&run);
    assert!(
        log.contains("batch") && log.contains("1 read = 1 events"),
        "{log}"
    );
    let findings = sql_rows(&clean, "SELECT query FROM findings");
    assert!(
        findings.len() > expected[0].len(),
        "the new DGA name is judged: {log}"
    );
}

/// Two `dnshunt detect` runs and a stream judging the same rows at the same time: each finding
/// and each first sighting is added once, whoever finds it first.
#[test]
fn detect_and_stream_at_once_add_each_finding_once() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs_in(dir.path(), 5, 2);
    let home = dir.path().join("home");
    let run = dnshunt(&home, &["ingest", logs.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));

    let spawn = |args: &[&str]| {
        Command::new(binary("dnshunt"))
            .arg("--home")
            .arg(&home)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs = vec![
        spawn(&["detect"]),
        spawn(&[
            "stream",
            "--source",
            "delta:events",
            "--from-start",
            "--once",
        ]),
        spawn(&["detect"]),
    ];
    for run in runs {
        let run = run.wait_with_output().unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }

    let findings = rows_with_unique(&home, "findings", "finding_id");
    assert!(findings > 0, "the planted threats give findings");
    rows_with_unique(&home, "domain_sightings", "registered_domain");
}

/// The number of rows of `table`, after checking that no two share `key`.
fn rows_with_unique(home: &Path, table: &str, key: &str) -> i64 {
    let count = |query: String| sql_rows(home, &query)[0]["n"].as_i64().unwrap();
    let rows = count(format!("SELECT count(*) AS n FROM {table}"));
    let keys = count(format!("SELECT count(DISTINCT {key}) AS n FROM {table}"));
    assert_eq!(rows, keys, "{table} has rows with the same {key}");
    rows
}

/// A log rotated while the stream was stopped (renamed, and a new, shorter one in its place)
/// neither stops the restart nor is read twice: a finished batch is not read again.
#[test]
fn a_log_rotated_between_runs_is_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let source = incoming(dir.path());
    let home = dir.path().join("home");
    let line = |i: u32| {
        format!(
            "{{\"rrname\":\"host{i}.example.com\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],\
             \"count\":1,\"time_first\":{},\"time_last\":{}}}\n",
            1_700_000_000 + i,
            1_700_000_000 + i
        )
    };
    let log = source.join("dns.json");
    std::fs::write(&log, (0..20).map(line).collect::<String>()).unwrap();
    let run = || {
        let output = stream_command(&home, &source, &["--once"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    run();
    std::fs::rename(&log, source.join("dns.json.1")).unwrap();
    std::fs::write(&log, (20..23).map(line).collect::<String>()).unwrap();
    run();
    assert_eq!(rows_with_unique(&home, "events", "query"), 23);
}

/// Newly-seen prevalence is the lake's clients since the first sighting, not a batch's: a new
/// domain that five clients query, one a batch, is new and rare for the first two only (the
/// default `max_clients = 2`), and a batch `detect` over the same day reports none.
#[test]
fn newly_seen_prevalence_counts_the_lake_not_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let source = incoming(dir.path());
    let start = 1_700_000_000;
    let line = |ts: i64, client: &str, query: &str| {
        format!(
            "{{\"ts\":{ts},\"id.orig_h\":\"{client}\",\"query\":\"{query}\",\"qtype_name\":\"A\",\
             \"rcode_name\":\"NOERROR\",\"answers\":[\"192.0.2.1\"]}}\n"
        )
    };
    // Each line is one batch of 200 bytes.
    let mut log = line(start, "10.0.0.1", "www.baseline.example");
    for i in 1..=5 {
        log += &line(
            start + 2 * 86_400 + i,
            &format!("10.0.0.{i}"),
            "www.intranet-news.example",
        );
    }
    std::fs::write(source.join("dns.json"), log).unwrap();
    let new_domain = |home: &Path| {
        sql_rows(
            home,
            "SELECT client_ip, reason FROM findings WHERE detector = 'newly_seen_domain' \
             ORDER BY client_ip",
        )
    };

    let batch = dir.path().join("batch");
    let run = dnshunt(&batch, &["ingest", source.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let run = dnshunt(&batch, &["detect"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(new_domain(&batch).is_empty(), "{:?}", new_domain(&batch));

    let streamed = dir.path().join("streamed");
    let run = Command::new(binary("dnshunt"))
        .arg("--home")
        .arg(&streamed)
        .args(["stream", "--batch-bytes", "200", "--once", "--source"])
        .arg(format!("dir:{}", source.display()))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let found = new_domain(&streamed);
    let clients: Vec<&str> = found
        .iter()
        .map(|f| f["client_ip"].as_str().unwrap())
        .collect();
    assert_eq!(clients, ["10.0.0.1", "10.0.0.2"], "{found:?}");
    assert!(
        found[1]["reason"]
            .as_str()
            .unwrap()
            .contains("by 2 clients"),
        "{found:?}"
    );
}

/// A feed loaded while the stream runs (as a cron job would) is matched from the next batch on.
#[test]
fn a_feed_loaded_while_streaming_is_matched_from_the_next_batch() {
    let dir = tempfile::tempdir().unwrap();
    let source = incoming(dir.path());
    let home = dir.path().join("home");
    let land =
        |name: &str, client: &str| land_query(dir.path(), name, client, "www.evil-c2.example");
    let mut stream = stream_command(&home, &source, &["--poll-ms", "100"])
        .spawn()
        .unwrap();
    land("a.json", "10.0.0.1");
    wait_for_rows(&home, "SELECT query FROM events", 1);

    let feed = dir.path().join("blocklist.txt");
    std::fs::write(&feed, "evil-c2.example\n").unwrap();
    let load = dnshunt(&home, &["intel", "load", feed.to_str().unwrap()]);
    assert_eq!(load.status.code(), Some(0), "{}", stderr(&load));
    land("b.json", "10.0.0.2");
    let intel = "SELECT client_ip FROM findings WHERE detector = 'intel_match'";
    wait_for_rows(&home, intel, 1);

    let (_, log) = terminate(&mut stream);
    assert!(log.contains("feeds or watchlist changed"), "{log}");
    assert_eq!(
        sql_rows(&home, intel),
        [serde_json::json!({"client_ip": "10.0.0.2"})]
    );
}

/// A model promoted while the stream runs judges from the next batch on, and its findings
/// name it.
#[test]
fn a_model_promoted_while_streaming_judges_the_next_batch() {
    let dir = tempfile::tempdir().unwrap();
    let source = incoming(dir.path());
    let home = dir.path().join("home");
    let land = |name: &str, client: &str| {
        land_query(dir.path(), name, client, "pjjgbbxebswycysjietw.ir");
    };
    let dga = "SELECT client_ip, model_version FROM findings WHERE detector = 'dga_domain' \
               ORDER BY client_ip";
    let mut stream = stream_command(&home, &source, &["--poll-ms", "100"])
        .spawn()
        .unwrap();
    land("a.json", "10.0.0.1");
    wait_for_rows(&home, dga, 1);

    let train = |args: &[&str]| {
        let run = Command::new(binary("dnshunt-train"))
            .arg("--home")
            .arg(&home)
            .args(args)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
    };
    train(&["fit", "--per-family", "100", "--max-benign", "4000"]);
    train(&["promote", "dga", "1"]);
    land("b.json", "10.0.0.2");
    wait_for_rows(&home, dga, 2);

    let (_, log) = terminate(&mut stream);
    assert!(log.contains("model dga/1"), "{log}");
    assert_eq!(
        sql_rows(&home, dga),
        [
            serde_json::json!({"client_ip": "10.0.0.1", "model_version": "builtin"}),
            serde_json::json!({"client_ip": "10.0.0.2", "model_version": "dga/1"}),
        ]
    );
}

/// Lands `incoming/NAME` under `dir` (written aside, then renamed in, as log shippers do): one
/// Zeek JSON query of `query` by `client`, answered.
fn land_query(dir: &Path, name: &str, client: &str, query: &str) {
    let text = format!(
        "{{\"ts\":1700000000,\"id.orig_h\":\"{client}\",\"query\":\"{query}\",\
         \"qtype_name\":\"A\",\"rcode_name\":\"NOERROR\",\"answers\":[\"192.0.2.1\"]}}\n"
    );
    let staged = dir.join(name);
    std::fs::write(&staged, text).unwrap();
    std::fs::rename(&staged, dir.join("incoming").join(name)).unwrap();
}

/// Stops `stream` with SIGTERM and returns how it ended and what it logged.
fn terminate(stream: &mut Child) -> (std::process::ExitStatus, String) {
    let term = Command::new("kill")
        .args(["-TERM", &stream.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = wait_for(stream, Duration::from_secs(120)).expect("stream stops on SIGTERM");
    let mut log = String::new();
    std::io::Read::read_to_string(stream.stderr.as_mut().unwrap(), &mut log).unwrap();
    (status, log)
}

/// Waits (up to a minute) until `query` gives at least `rows` rows.
fn wait_for_rows(home: &Path, query: &str, rows: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while sql_rows_or_none(home, query).is_none_or(|found| found.len() < rows) {
        assert!(Instant::now() < deadline, "no {rows} rows of {query}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The rows of `query`, or `None` while a table it reads does not exist yet.
fn sql_rows_or_none(home: &Path, query: &str) -> Option<Vec<Value>> {
    let run = dnshunt(home, &["sql", "--format", "json", query]);
    run.status.success().then(|| {
        String::from_utf8_lossy(&run.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    })
}
