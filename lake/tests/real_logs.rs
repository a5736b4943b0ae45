//! Every real sensor log in `../shared/real-logs/` (and the seed pDNS) read through the sources:
//! expected record counts, rows read = events + quarantined, and concrete field values.

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use dnshunt_lake::{Chunk, Format, ReadOptions, ReadReport, read_path};

fn shared() -> PathBuf {
    std::env::var_os("DNSHUNT_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    )
}

/// Reads a path with small chunks (to exercise chunking) and returns the report and all events.
fn read(path: &Path) -> (ReadReport, Vec<RecordBatch>, Vec<RecordBatch>) {
    let mut events = Vec::new();
    let mut quarantine = Vec::new();
    let options = ReadOptions {
        chunk_rows: 100,
        ..ReadOptions::default()
    };
    let report = read_path(path, &options, &mut |chunk: Chunk| {
        events.push(chunk.events);
        quarantine.push(chunk.quarantine);
        Ok(())
    })
    .unwrap();
    let stored: usize = events.iter().map(RecordBatch::num_rows).sum();
    let quarantined: usize = quarantine.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(report.events(), stored as u64);
    assert_eq!(report.quarantined(), quarantined as u64);
    for file in &report.files {
        assert_eq!(
            file.records_read,
            file.events + file.quarantined,
            "{}",
            file.path.display()
        );
    }
    (report, events, quarantine)
}

/// One row of the events batches as `column -> text`, for readable assertions.
fn cell(batches: &[RecordBatch], row: usize, column: &str) -> String {
    let mut row = row;
    for batch in batches {
        if row < batch.num_rows() {
            let array = batch.column_by_name(column).unwrap();
            if array.is_null(row) {
                return "NULL".to_owned();
            }
            return match array.data_type() {
                arrow_schema::DataType::Utf8 => array.as_string::<i32>().value(row).to_owned(),
                arrow_schema::DataType::Int64 => {
                    array.as_primitive::<Int64Type>().value(row).to_string()
                }
                arrow_schema::DataType::Boolean => array.as_boolean().value(row).to_string(),
                arrow_schema::DataType::Timestamp(..) => array
                    .as_primitive::<TimestampMicrosecondType>()
                    .value(row)
                    .to_string(),
                arrow_schema::DataType::List(_) => {
                    let list = array.as_list::<i32>().value(row);
                    let items = list.as_string::<i32>();
                    (0..items.len())
                        .map(|i| items.value(i))
                        .collect::<Vec<_>>()
                        .join("|")
                }
                other => panic!("no rendering for {other}"),
            };
        }
        row -= batch.num_rows();
    }
    panic!("row out of range");
}

fn counts(report: &ReadReport) -> Vec<(String, Format, u64)> {
    report
        .files
        .iter()
        .map(|f| {
            (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                f.format,
                f.events,
            )
        })
        .collect()
}

#[test]
fn seed_pdns_gives_1000_events_with_normalized_names() {
    let (report, events, _) = read(&shared().join("seed-data/dns_events.json"));
    assert_eq!(report.records_read(), 1000);
    assert_eq!(report.events(), 1000);
    assert_eq!(report.files[0].format, Format::Cof);
    assert_eq!(cell(&events, 0, "query_raw"), "3glav.eu.");
    assert_eq!(cell(&events, 0, "query"), "3glav.eu");
    assert_eq!(cell(&events, 0, "registered_domain"), "3glav.eu");
    assert_eq!(cell(&events, 0, "public_suffix"), "eu");
    assert_eq!(cell(&events, 0, "count"), "4");
    assert_eq!(cell(&events, 0, "answers"), "92.240.253.223");
    assert_eq!(cell(&events, 0, "first_seen"), "1597928451000000");
    assert_eq!(cell(&events, 0, "last_seen"), "1598533251000000");
    assert_eq!(cell(&events, 0, "source_line"), "1");
}

#[test]
fn seed_stream_file_without_final_newline() {
    let (report, events, _) = read(&shared().join("seed-data/dns_test_1.json"));
    assert_eq!(report.events(), 3);
    let queries: Vec<String> = (0..3).map(|i| cell(&events, i, "query")).collect();
    assert!(
        queries.contains(&"www.googlee.com".to_owned()),
        "{queries:?}"
    );
}

#[test]
fn pdns_cof_samples() {
    let (report, events, _) = read(&shared().join("real-logs/pdns-cof"));
    assert_eq!(
        counts(&report),
        [
            (
                "d4-analyzer-passivedns-readme-cof.ndjson".to_owned(),
                Format::Cof,
                16
            ),
            (
                "ietf-draft-passive-dns-cof-appendixA-examples.ndjson".to_owned(),
                Format::Cof,
                5
            ),
        ]
    );
    assert_eq!(report.quarantined(), 0);
    // Files are read in name order: the IETF examples follow the 16 d4 records.
    assert_eq!(cell(&events, 16, "query"), "www.ietf.org");
    assert_eq!(cell(&events, 16, "qtype"), "AAAA");
    assert_eq!(cell(&events, 16, "answers"), "2001:1890:1112:1::20");
    assert_eq!(cell(&events, 16, "count"), "102");
}

#[test]
fn zeek_tsv_logs() {
    let (report, events, _) = read(&shared().join("real-logs/zeek-tsv"));
    let counts = counts(&report);
    assert_eq!(counts.len(), 14);
    assert!(
        counts
            .iter()
            .all(|(_, format, _)| *format == Format::ZeekTsv)
    );
    assert_eq!(
        counts[0],
        ("rita-proxy.dns.log".to_owned(), Format::ZeekTsv, 942)
    );
    assert_eq!(counts[1].2, 8000);
    assert_eq!(
        counts[13],
        (
            "zeek-pdns-reddit-2016-04-01.dns.log".to_owned(),
            Format::ZeekTsv,
            214
        )
    );
    let btest: u64 = counts[2..13].iter().map(|c| c.2).sum();
    assert_eq!(btest, 20, "the 11 btest baselines hold 20 records");
    assert_eq!(report.quarantined(), 0);

    let (_, flip, _) = read(&shared().join("real-logs/zeek-tsv/zeek-btest-flip.dns.log"));
    assert_eq!(cell(&flip, 0, "event_time"), "964953086310131");
    assert_eq!(cell(&flip, 0, "query"), "us.v27.distributed.net");
    assert_eq!(cell(&flip, 0, "registered_domain"), "distributed.net");
    assert_eq!(cell(&flip, 0, "client_ip"), "10.20.1.31");
    assert_eq!(cell(&flip, 0, "rcode"), "NOERROR");
    assert_eq!(
        cell(&flip, 0, "qtype"),
        "NULL",
        "qtype is unset (`-`) in this baseline"
    );
    assert!(cell(&flip, 0, "answers").starts_with("206.109.64.186|216.1.205.81|"));
    // Chunks of 100 never span files: 10 + 80 + 11 one-chunk baselines + 3.
    assert_eq!(events.len(), 104);
}

#[test]
fn zeek_json_logs() {
    let (report, _, _) = read(&shared().join("real-logs/zeek-json"));
    let events: Vec<u64> = report.files.iter().map(|f| f.events).collect();
    assert_eq!(events, [3000, 213, 5, 1, 1]);
    assert!(report.files.iter().all(|f| f.format == Format::ZeekJson));

    let (_, iso, _) = read(&shared().join("real-logs/zeek-json/zeek-pdns-dns_json_iso8601.json"));
    assert_eq!(cell(&iso, 0, "event_time"), "1566939600058798");
    assert_eq!(cell(&iso, 0, "query"), "googlemail.l.google.com");
    assert_eq!(cell(&iso, 0, "qtype"), "AAAA");
    assert_eq!(cell(&iso, 0, "answers"), "2607:f8b0:4002:c06::11");

    // Binary junk decoded as DNS keeps its row, flagged invalid, with the bytes escaped.
    let (_, garbage, _) = read(&shared().join("real-logs/zeek-json/zeek-pdns-garbage.log"));
    assert_eq!(cell(&garbage, 0, "is_valid_name"), "false");
    assert!(
        cell(&garbage, 0, "query_raw").starts_with("\\x1eÑ$ppyt"),
        "{}",
        cell(&garbage, 0, "query_raw")
    );
    let (_, nbstat, _) = read(&shared().join("real-logs/zeek-json/zeek-pdns-nbtstat.log"));
    assert_eq!(cell(&nbstat, 0, "qtype"), "NBSTAT");
    assert_eq!(cell(&nbstat, 0, "is_valid_name"), "false");
}

#[test]
fn suricata_eve_v1_v2_v3() {
    let (report, _, _) = read(&shared().join("real-logs/suricata-eve"));
    let events: Vec<u64> = report.files.iter().map(|f| f.events).collect();
    assert_eq!(events, [24, 246, 317, 246, 317]);
    assert_eq!(report.quarantined(), 0);

    let dir = shared().join("real-logs/suricata-eve");
    let (_, v3, _) = read(&dir.join("generated-suricata8.0.6-lab-loopback.dns.eve.json"));
    let (_, v2, _) = read(&dir.join("generated-suricata7.0.10-lab-loopback.dns.eve.json"));
    // The same transaction as v3 and v2: the client is found on either side.
    let response = (0..246)
        .find(|&i| !cell(&v3, i, "answers").is_empty())
        .unwrap();
    assert_eq!(cell(&v3, response, "query"), "www.example.com");
    assert_eq!(cell(&v3, response, "client_ip"), "127.20.0.11");
    assert_eq!(cell(&v3, response, "server_ip"), "127.0.0.1");
    assert_eq!(
        cell(&v3, response, "answers"),
        "web.example.com|192.0.2.80|192.0.2.81"
    );
    let answer = (0..246)
        .find(|&i| !cell(&v2, i, "answers").is_empty())
        .unwrap();
    assert_eq!(cell(&v2, answer, "client_ip"), "127.20.0.11");
    assert_eq!(
        cell(&v2, answer, "answers"),
        "web.example.com|192.0.2.80|192.0.2.81"
    );

    // Suricata 4.1 wrote v2 answers from the server side.
    let (_, old, _) = read(&dir.join("elastic-suricata4.1.4-dns.eve.json"));
    assert_eq!(cell(&old, 2, "query"), "google.com");
    assert_eq!(cell(&old, 2, "client_ip"), "10.0.2.15");
    assert_eq!(
        cell(&old, 2, "answers"),
        "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"
    );
    assert_eq!(cell(&old, 2, "event_time"), "1566517707950946");
}

#[test]
fn bind_query_logs() {
    let dir = shared().join("real-logs/bind");
    let (native, events, _) = read(&dir.join("generated-bind9.18-queries.log"));
    let (iso, iso_events, _) = read(&dir.join("generated-bind9.18-queries-iso8601utc.log"));
    assert_eq!(native.files[0].format, Format::Bind);
    assert_eq!(iso.files[0].format, Format::Bind);
    assert_eq!(native.quarantined() + iso.quarantined(), 0);
    assert_eq!(native.events(), iso.events());
    assert_eq!(native.events(), 72);
    for batches in [&events, &iso_events] {
        assert_eq!(cell(batches, 0, "query"), "www.example.com");
        assert_eq!(cell(batches, 0, "qtype"), "A");
        assert_eq!(cell(batches, 0, "client_ip"), "127.20.0.11");
        assert_eq!(cell(batches, 0, "server_ip"), "127.0.0.1");
        assert_eq!(cell(batches, 0, "event_time"), "1795829601174000");
    }
}

#[test]
fn dnsmasq_query_logs() {
    let dir = shared().join("real-logs/dnsmasq");
    let (report, events, _) = read(&dir);
    assert!(report.files.iter().all(|f| f.format == Format::Dnsmasq));
    // 25 `query[…]` lines in each file; the other 66 lines are replies and daemon messages.
    assert_eq!(
        report.files.iter().map(|f| f.events).collect::<Vec<_>>(),
        [25, 25]
    );
    assert_eq!(
        report
            .files
            .iter()
            .map(|f| f.skipped_lines)
            .collect::<Vec<_>>(),
        [66, 66]
    );
    assert_eq!(report.quarantined(), 0);
    assert_eq!(cell(&events, 0, "query"), "www.example.com");
    assert_eq!(cell(&events, 0, "qtype"), "A");
    assert_eq!(cell(&events, 0, "client_ip"), "127.30.0.5");
    // dnsmasq's `<name unprintable>` and a name with a space keep their rows, flagged invalid.
    let invalid = (0..25)
        .filter(|&i| cell(&events, i, "is_valid_name") == "false")
        .count();
    assert_eq!(invalid, 3);
}
