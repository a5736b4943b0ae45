//! Ingest throughput into Delta tables: 1,000,000 generated lines each of Zeek TSV, passive DNS
//! COF and Suricata EVE JSON, through `dnshunt_lake::ingest` (parse, normalize, write Parquet,
//! commit) into a fresh lake, three times per format; prints the median events per second. Then
//! it reads each file three times with `dnshunt_lake::read_path` alone (parse, normalize, Arrow
//! batches, nothing written) to show how much of the time is writing the lake.
//!
//! The lines are synthetic and fixed by a seed: 2,000 clients querying a mix of 5,000 common
//! names and random labels under 20 suffixes, over one day. The target (issue 8) is 500,000
//! events/s for Zeek TSV and COF on this 2-core machine.
//!
//! Run with `cargo bench -p dnshunt-bench --bench lake_ingest` (`LAKE_BENCH_RUNS=N` for other
//! than three runs per format). Under `cargo test --all-targets`
//! (no `--bench` flag) it runs once on 10,000 lines per format as a smoke test.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use dnshunt_bench::Rng;
use dnshunt_lake::{Format, ReadOptions, ingest, read_path};

const SEED: u64 = 0x6c61_6b65_2131;
const DAY_START: f64 = 1_732_752_000.0;
const SUFFIXES: [&str; 20] = [
    "com", "net", "org", "de", "co.uk", "ru", "cn", "io", "info", "xyz", "top", "ga", "cf", "tk",
    "fr", "nl", "com.br", "jp", "eu", "online",
];

/// Writes that many synthetic lines of one format to a file.
type WriteLines = fn(&Path, usize) -> std::io::Result<()>;

/// One synthetic query: time, client, name, answer.
struct Query {
    ts: f64,
    client: String,
    name: String,
    answer: String,
}

fn queries(count: usize) -> impl Iterator<Item = Query> {
    let mut rng = Rng(SEED);
    let common: Vec<String> = (0..5_000)
        .map(|i| format!("www.site{i}.{}", SUFFIXES[i % SUFFIXES.len()]))
        .collect();
    (0..count).map(move |i| {
        let name = if rng.below(10) < 8 {
            common[rng.below(common.len())].clone()
        } else {
            let len = 8 + rng.below(10);
            let label: String = (0..len)
                .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(36)]))
                .collect();
            format!("{label}.{}", SUFFIXES[rng.below(SUFFIXES.len())])
        };
        let client = format!(
            "10.{}.{}.{}",
            rng.below(4),
            rng.below(250),
            1 + rng.below(250)
        );
        let answer = format!("192.0.2.{}", rng.below(250));
        Query {
            ts: DAY_START + i as f64 * 86_400.0 / count as f64,
            client,
            name,
            answer,
        }
    })
}

fn write_zeek(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "#separator \\x09\n#set_separator\t,\n#path\tdns")?;
    writeln!(
        out,
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode_name\tanswers"
    )?;
    for (i, q) in queries(count).enumerate() {
        writeln!(
            out,
            "{:.6}\tC{i:x}\t{}\t{}\t10.0.0.53\t53\tudp\t{}\t{}\tA\tNOERROR\t{}",
            q.ts,
            q.client,
            1024 + i % 60_000,
            i % 65_536,
            q.name,
            q.answer
        )?;
    }
    writeln!(out, "#close\t2024-11-28-23-59-59")?;
    out.flush()
}

fn write_cof(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for (i, q) in queries(count).enumerate() {
        let t = q.ts as i64;
        writeln!(
            out,
            r#"{{"rrname":"{}.","rrtype":"A","rdata":["{}"],"time_first":{t},"time_last":{},"count":{},"bailiwick":"{}."}}"#,
            q.name,
            q.answer,
            t + 3_600,
            1 + i % 40,
            q.name
        )?;
    }
    out.flush()
}

fn write_eve(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut stamp = String::new();
    for (i, q) in queries(count).enumerate() {
        stamp.clear();
        let secs = q.ts as i64;
        let (h, m, s) = ((secs / 3_600) % 24, (secs / 60) % 60, secs % 60);
        let _ = write!(stamp, "2024-11-28T{h:02}:{m:02}:{s:02}.000000+0000");
        writeln!(
            out,
            r#"{{"timestamp":"{stamp}","flow_id":{i},"in_iface":"eth0","event_type":"dns","src_ip":"{}","src_port":{},"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","dns":{{"version":3,"type":"request","id":{},"rrname":"{}","rrtype":"A","tx_id":0,"opcode":0}}}}"#,
            q.client,
            1024 + i % 60_000,
            i % 65_536,
            q.name
        )?;
    }
    out.flush()
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let (lines, mut repeats) = if benchmarking {
        (1_000_000, 3)
    } else {
        (10_000, 1)
    };
    if let Some(runs) = std::env::var("LAKE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        repeats = runs;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let formats: [(&str, Format, WriteLines); 3] = [
        ("zeek-tsv", Format::ZeekTsv, write_zeek),
        ("cof", Format::Cof, write_cof),
        ("suricata-eve", Format::Suricata, write_eve),
    ];
    println!("ingest of {lines} lines per format into a fresh Delta lake, {repeats} runs each");
    for (name, format, write) in formats {
        let input = dir.path().join(format!("{name}.log"));
        write(&input, lines).expect("writing the input");
        let bytes = std::fs::metadata(&input).map_or(0, |m| m.len());
        let mut rates = Vec::new();
        for run in 0..repeats {
            let home = dir.path().join(format!("home-{name}-{run}"));
            let options = ReadOptions {
                format,
                ..ReadOptions::default()
            };
            let started = Instant::now();
            let report =
                ingest(&home, std::slice::from_ref(&input), &options, &mut |_| {}).expect("ingest");
            let seconds = started.elapsed().as_secs_f64();
            assert_eq!(
                report.events(),
                lines as u64,
                "{name}: every line is an event"
            );
            rates.push(lines as f64 / seconds);
            std::fs::remove_dir_all(&home).expect("removing the lake");
        }
        println!(
            "{name:<13} {:>10.0} events/s median ({:.1} MB input, runs: {})",
            dnshunt_bench::median(rates.clone()),
            bytes as f64 / 1e6,
            dnshunt_bench::list(&rates)
        );
        // The same file through `read_path` alone (read, parse, normalize, build Arrow batches,
        // no Parquet and no commit): what ingest would reach if writing the lake were free.
        let mut rates = Vec::new();
        for _ in 0..repeats {
            let options = ReadOptions {
                format,
                ..ReadOptions::default()
            };
            let started = Instant::now();
            let report = read_path(&input, &options, &mut |_| Ok(())).expect("reading");
            let seconds = started.elapsed().as_secs_f64();
            assert_eq!(report.files[0].events, lines as u64);
            rates.push(lines as f64 / seconds);
        }
        println!(
            "{:<13} {:>10.0} events/s median, read_path alone (runs: {})",
            "",
            dnshunt_bench::median(rates.clone()),
            dnshunt_bench::list(&rates)
        );
    }
}
