//! Bad input never panics and never vanishes: every record is an event or a quarantine row with
//! a reason, and files that cannot be read at all give an error naming them.

use std::io::Write;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use dnshunt_lake::{Chunk, Format, LakeError, ReadOptions, ReadReport, read_path};

/// Reads with `format`, returning the report and `(line, reason)` for each quarantined record.
fn read(
    path: &Path,
    format: Format,
    max_line_bytes: usize,
) -> Result<(ReadReport, Vec<(i64, String)>), LakeError> {
    let mut rejected = Vec::new();
    let options = ReadOptions {
        format,
        chunk_rows: 2,
        max_line_bytes,
        ..ReadOptions::default()
    };
    let report = read_path(path, &options, &mut |chunk: Chunk| {
        let q: &RecordBatch = &chunk.quarantine;
        let lines = q.column(1).as_primitive::<arrow_array::types::Int64Type>();
        let reasons = q.column(3).as_string::<i32>();
        for i in 0..q.num_rows() {
            rejected.push((lines.value(i), reasons.value(i).to_owned()));
        }
        Ok(())
    })?;
    for file in &report.files {
        assert_eq!(file.records_read, file.events + file.quarantined);
    }
    Ok((report, rejected))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn three_good_and_three_broken_cof_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "mixed.json",
        br#"{"rrname":"a.example.com.","rrtype":"A","time_first":1,"time_last":2,"rdata":["192.0.2.1"]}
{"rrname":"b.example.com.","rrtype":"A","time_first":1,"time_last":2
{"rrname":"c.example.com.","rrtype":"A","time_first":1,"time_last":2,"rdata":"192.0.2.3"}
{"rrname":["d"],"time_first":1}
{"rrname":"e.example.com.","time_first":"yesterday"}
{"rrname":"f.example.com.","rrtype":"A","time_first":1,"time_last":2,"rdata":[]}
"#,
    );
    let (report, rejected) = read(&path, Format::Auto, 1 << 20).unwrap();
    assert_eq!((report.events(), report.quarantined()), (3, 3));
    let lines: Vec<i64> = rejected.iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert!(
        rejected[0].1.starts_with("invalid JSON"),
        "{}",
        rejected[0].1
    );
    assert!(rejected[1].1.contains("`rrname`"), "{}", rejected[1].1);
    assert!(rejected[2].1.contains("`time_first`"), "{}", rejected[2].1);
}

#[test]
fn invalid_utf8_nul_and_huge_lines_are_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let good = br#"{"rrname":"ok.example.","time_first":1}"#;
    let mut data = Vec::new();
    data.extend_from_slice(good);
    data.extend_from_slice(b"\n{\"rrname\":\"bad\xff\xfe.example.\",\"time_first\":1}\n");
    data.extend_from_slice(b"{\"rrname\":\"nul\0.example.\",\"time_first\":1}\n");
    data.extend_from_slice(
        format!(
            "{{\"rrname\":\"{}\",\"time_first\":1}}\n",
            "a".repeat(10_000)
        )
        .as_bytes(),
    );
    data.extend_from_slice(good);
    let path = write(dir.path(), "bad.json", &data);
    let (report, rejected) = read(&path, Format::Cof, 4096).unwrap();
    assert_eq!((report.events(), report.quarantined()), (2, 3));
    assert!(rejected[0].1.contains("invalid UTF-8"));
    assert!(rejected[1].1.contains("NUL"));
    assert!(rejected[2].1.contains("longer than the 4096 byte limit"));
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            encoder,
            r#"{{"rrname":"n{i}.example.com.","time_first":{i}}}"#
        )
        .unwrap();
    }
    let whole = encoder.finish().unwrap();
    let full = write(dir.path(), "full.json.gz", &whole);
    let (report, _) = read(&full, Format::Auto, 1 << 20).unwrap();
    assert_eq!(report.events(), 2000);

    let cut = write(dir.path(), "cut.json.gz", &whole[..whole.len() / 2]);
    let (report, rejected) = read(&cut, Format::Cof, 1 << 20).unwrap();
    assert!(
        report.events() > 0 && report.events() < 2000,
        "{}",
        report.events()
    );
    assert_eq!(rejected.len(), 1);
    assert!(
        rejected[0].1.starts_with("cannot read past this line"),
        "{}",
        rejected[0].1
    );
}

#[test]
fn binary_junk_is_quarantined_or_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    // A deterministic byte soup with newlines in it.
    let junk: Vec<u8> = (0..20_000_u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = write(dir.path(), "junk.bin", &junk);
    match read(&path, Format::Auto, 1 << 20) {
        Err(LakeError::UnknownFormat { path: named }) => assert!(named.ends_with("junk.bin")),
        other => panic!("expected an unknown-format error, got {other:?}"),
    }
    for format in [
        Format::Cof,
        Format::ZeekTsv,
        Format::ZeekJson,
        Format::Suricata,
    ] {
        let (report, _) = read(&path, format, 1 << 20).unwrap();
        assert_eq!(report.events(), 0, "{format}");
        assert!(report.quarantined() > 0, "{format}");
    }
    // One line over the cap is not an empty file; blank lines are.
    let long = write(dir.path(), "long.log", &[b'x'; 4096]);
    assert!(matches!(
        read(&long, Format::Auto, 1024),
        Err(LakeError::UnknownFormat { .. })
    ));
    let blank = write(dir.path(), "blank.log", b"\n  \n\n");
    let (report, _) = read(&blank, Format::Auto, 1024).unwrap();
    assert_eq!(report.records_read(), 0);
}

#[test]
fn zeek_tsv_with_a_wrong_fields_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "dns.log",
        b"#separator \\x09\n#fields\tts\tquery\n1.0\ta.example\textra\n2.0\tb.example\n#close\t2024\n",
    );
    let (report, rejected) = read(&path, Format::Auto, 1 << 20).unwrap();
    assert_eq!(
        (
            report.events(),
            report.quarantined(),
            report.files[0].skipped_lines
        ),
        (1, 1, 3)
    );
    assert_eq!(rejected[0].0, 3);
    assert!(
        rejected[0].1.contains("3 tab-separated values"),
        "{}",
        rejected[0].1
    );
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let err = read(Path::new("/nonexistent/dns.log"), Format::Auto, 1024).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/dns.log"), "{err}");
}
