//! Property tests: arbitrary bytes through every format never panic, and every line that is not
//! skipped is counted as an event or a quarantine row.

use dnshunt_lake::{Chunk, Format, ReadOptions, read_path};
use proptest::prelude::*;

const FORMATS: [Format; 7] = [
    Format::Cof,
    Format::ZeekTsv,
    Format::ZeekJson,
    Format::Suricata,
    Format::Bind,
    Format::Dnsmasq,
    Format::Csv,
];

/// Lines mixing junk with fragments of real records, so parsers get past their first checks.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[ -~]{0,120}".prop_map(String::into_bytes),
        Just(b"#fields\tts\tquery\tanswers".to_vec()),
        "[0-9.]{1,12}\t[a-z.\\\\x0-9-]{0,30}\t[a-z0-9,()-]{0,20}".prop_map(String::into_bytes),
        r#"\{"rrname":"[a-z.]{0,20}","time_first":[0-9e.-]{1,8}\}"#.prop_map(String::into_bytes),
        r#"\{"event_type":"dns","timestamp":"2024-01-01T00:00:0[0-9]\+0000","dns":\{"rrname":"[a-z.]{0,9}"\}\}"#
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_input_never_panics_and_counts_add_up(lines in proptest::collection::vec(line(), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.log");
        let content = lines.join(&b'\n');
        std::fs::write(&path, &content).unwrap();
        // Lines as a reader sees them: a final line without its newline still counts.
        let newlines = content.split(|&b| b == b'\n').count() as u64 - 1;
        let expected = newlines + u64::from(content.last().is_some_and(|&b| b != b'\n'));
        for format in FORMATS {
            let options = ReadOptions { format, chunk_rows: 7, max_line_bytes: 150, ..ReadOptions::default() };
            let mut rows = 0_u64;
            let report = read_path(&path, &options, &mut |chunk: Chunk| {
                rows += (chunk.events.num_rows() + chunk.quarantine.num_rows()) as u64;
                Ok(())
            })
            .unwrap();
            let file = &report.files[0];
            prop_assert_eq!(file.records_read, rows);
            prop_assert_eq!(file.records_read + file.skipped_lines, expected);
        }
    }
}
