//! Ingest into real Delta tables, query them with SQL and dnshunt's functions, re-ingest (nothing
//! added), resume a half-done file, and read the tables back with a second, independent reader:
//! the Python `deltalake` package in `.venv`.

use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use dnshunt_lake::{FileOutcome, Functions, IngestReport, ReadOptions, ingest, list_tables, sql};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shared() -> PathBuf {
    std::env::var_os("DNSHUNT_SHARED").map_or_else(|| workspace().join("../shared"), PathBuf::from)
}

fn load(home: &Path, paths: &[PathBuf]) -> IngestReport {
    ingest(home, paths, &ReadOptions::default(), &mut |_| {}).unwrap()
}

fn query(home: &Path, text: &str) -> Vec<RecordBatch> {
    let functions = Functions::new().with_model(dnshunt_models::builtin::model().unwrap());
    sql(home, text, &functions).unwrap()
}

fn count(home: &Path, text: &str) -> i64 {
    query(home, text)[0]
        .column(0)
        .as_primitive::<Int64Type>()
        .value(0)
}

fn strings(batches: &[RecordBatch], column: usize) -> Vec<String> {
    batches
        .iter()
        .flat_map(|b| {
            let c =
                dnshunt_lake::arrow::compute::cast(b.column(column), &arrow_schema::DataType::Utf8)
                    .unwrap();
            c.as_string::<i32>()
                .iter()
                .map(|v| v.unwrap_or("NULL").to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn seed_ingest_is_idempotent_and_python_deltalake_reads_it() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let seed = shared().join("seed-data/dns_events.json");
    let first = load(home, std::slice::from_ref(&seed));
    assert_eq!((first.events(), first.quarantined()), (1000, 0));
    assert_eq!(count(home, "SELECT count(*) FROM events"), 1000);

    // The same content again, even under another name, adds nothing.
    let copy = home.join("copy-of-events.json");
    std::fs::copy(&seed, &copy).unwrap();
    let again = load(home, &[seed.clone(), copy]);
    assert_eq!(again.events(), 0);
    assert!(
        matches!(&again.files[1], FileOutcome::AlreadyIngested { ledger_path, .. } if ledger_path.ends_with("dns_events.json"))
    );
    assert_eq!(count(home, "SELECT count(*) FROM events"), 1000);

    let mixed = home.join("mixed.json");
    std::fs::write(
        &mixed,
        "{\"rrname\":\"a.example.com.\",\"time_first\":1}\nnot json\n{\"rrname\":\"b.example.com.\",\"time_first\":2}\n{\"rrname\":3}\n{\"rrname\":\"c.example.com.\",\"time_first\":3}\n{\"time_first\":4}\n",
    )
    .unwrap();
    let report = load(home, &[mixed]);
    assert_eq!((report.events(), report.quarantined()), (3, 3));
    assert_eq!(count(home, "SELECT count(*) FROM events"), 1003);
    assert_eq!(count(home, "SELECT count(*) FROM quarantine"), 3);
    assert_eq!(count(home, "SELECT count(*) FROM ingest_ledger"), 2);
    assert_eq!(
        count(
            home,
            "SELECT count(*) FROM events WHERE registered_domain = 'auction.fr'"
        ),
        count(
            home,
            "SELECT count(*) FROM events WHERE query = 'auction.fr' OR query LIKE '%.auction.fr'"
        ),
    );
    let tables = list_tables(home).unwrap();
    let rows: Vec<(&str, u64)> = tables.iter().map(|t| (t.name.as_str(), t.rows)).collect();
    assert_eq!(
        rows,
        [("events", 1003), ("quarantine", 3), ("ingest_ledger", 2)]
    );

    let python = workspace().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make setup`",
        python.display()
    );
    // The script leaves with os._exit: pyarrow's reader threads can abort a normal interpreter
    // shutdown ("terminate called without an active exception", apache/arrow#34314), after the
    // reading has succeeded.
    let script = "import os, sys, deltalake\n\
        t = deltalake.DeltaTable(sys.argv[1] + '/lake/events')\n\
        rows = t.to_pyarrow_table()\n\
        print(rows.num_rows)\n\
        print(','.join(t.metadata().partition_columns))\n\
        first = [r for r in rows.to_pylist() if r['query'] == '3glav.eu'][0]\n\
        print(first['registered_domain'], first['count'], first['answers'][0])\n\
        q = deltalake.DeltaTable(sys.argv[1] + '/lake/quarantine').to_pyarrow_table()\n\
        print(sorted(q.column('line').to_pylist()))\n\
        sys.stdout.flush()\n\
        os._exit(0)\n";
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "1003",
            "event_date",
            "3glav.eu 4 92.240.253.223",
            "[2, 4, 6]"
        ]
    );
}

#[test]
fn functions_run_on_whole_columns() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let log = home.join("seed.json");
    std::fs::write(
        &log,
        "{\"rrname\":\"ns1.asdklgb.cf.\",\"rrtype\":\"A\",\"rdata\":[\"1.2.3.4\"],\"time_first\":1600000000,\"time_last\":1600000000,\"count\":1}\n\
         {\"rrname\":\"www.google.com.\",\"rrtype\":\"A\",\"rdata\":[\"1.2.3.5\"],\"time_first\":1600000000,\"time_last\":1600000000,\"count\":1}\n",
    )
    .unwrap();
    load(home, &[log]);
    let batches = query(
        home,
        "SELECT query, registered_domain(query_raw), public_suffix(query), dga_label(query), \
         dga_score(query) > 0.5 FROM events ORDER BY query",
    );
    assert_eq!(strings(&batches, 0), ["ns1.asdklgb.cf", "www.google.com"]);
    assert_eq!(strings(&batches, 1), ["asdklgb.cf", "google.com"]);
    assert_eq!(strings(&batches, 2), ["cf", "com"]);
    assert_eq!(strings(&batches, 3), ["dga", "benign"]);
    assert_eq!(strings(&batches, 4), ["true", "false"]);
    // NULL in, NULL out; a literal argument works too.
    let batches = query(
        home,
        "SELECT registered_domain(NULL), dga_label('7ydbdehaaz')",
    );
    assert_eq!(strings(&batches, 0), ["NULL"]);
    assert_eq!(strings(&batches, 1), ["dga"]);
    // A function that needs what was not given says so.
    let err = sql(
        home,
        "SELECT typo_brand(query) FROM events",
        &Functions::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("watchlist"), "{err}");
}

#[test]
fn a_file_half_ingested_before_a_crash_is_completed_without_duplicates() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let seed = shared().join("seed-data/dns_events.json");
    let small_chunks = ReadOptions {
        chunk_rows: 300,
        ..ReadOptions::default()
    };
    // Simulate a crash after two of four chunks are committed: fail the ingest from the progress callback.
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut chunks = 0;
        ingest(home, std::slice::from_ref(&seed), &small_chunks, &mut |p| {
            if matches!(p, dnshunt_lake::Progress::Rows(_)) {
                chunks += 1;
                assert!(chunks < 2, "simulated crash");
            }
        })
    }));
    assert!(crashed.is_err());
    assert_eq!(count(home, "SELECT count(*) FROM events"), 600);
    // The ledger row comes last, so the half-read file is not in it.
    assert_eq!(count(home, "SELECT count(*) FROM ingest_ledger"), 0);
    let resumed = ingest(
        home,
        std::slice::from_ref(&seed),
        &small_chunks,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(resumed.events(), 1000);
    assert_eq!(count(home, "SELECT count(*) FROM events"), 1000);
    assert_eq!(
        count(home, "SELECT count(DISTINCT source_line) FROM events"),
        1000
    );
}
