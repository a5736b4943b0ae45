//! Throughput of threat-intel matching: 10,000,000 lookups against 1,000,000 indicators.
//!
//! The indicators are synthetic and fixed by a seed: 700,000 domains (random labels under 40
//! suffixes, a third with a subdomain), 200,000 IPv4 addresses, 90,000 IPv4 networks (/16 to
//! /30) and 10,000 IPv6 networks (/48 to /64 in `2001:db8::/32`). The 1,000,000 queries mix what
//! a resolver log holds: 20% exact hits, 20% subdomains of indicators (parent hits), 10% an
//! indicator's label under another suffix (cross-suffix), 25% unknown names and 25% answer
//! addresses (half inside indicators). Before criterion runs, timed passes of the 10,000,000
//! lookups print wall and process CPU time, on one thread and on [`THREADS`]. Groups, each
//! counting elements as lookups:
//! - `match_names`: `IntelIndex::match_names_parallel` over the normalized batch on [`THREADS`]
//!   threads (the batch split in halves), ten passes per iteration (10,000,000 lookups);
//!   normalization is not timed, as in the lake, where names are stored normalized;
//! - `normalize_match`: normalization and matching from raw strings, one pass (1,000,000 lookups).
//!
//! The target (issue 7) is the first group under 10 s on the 2-core machine. Run alone with
//! `cargo bench -p dnshunt-bench --bench intel` (`-- match_names` for the first group only).
//! Under `cargo test --all-targets` (no `--bench` flag) it runs once on 1% of the sizes as a
//! smoke test, checking that the parallel and serial matches agree.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use dnshunt_bench::Rng;
use dnshunt_features::normalize;
use dnshunt_intel::{Indicator, IndicatorValue, IntelIndex};

const SEED: u64 = 0x696e_7465_6c21;
/// Passes over the query batch per `match_names` iteration.
const PASSES: usize = 10;
/// Threads the batch is split over: the cores of the machine the target is set for.
const THREADS: usize = 2;
const SUFFIXES: [&str; 40] = [
    "com", "net", "org", "info", "biz", "ru", "cn", "de", "uk", "co.uk", "ga", "cf", "tk", "ml",
    "xyz", "top", "club", "online", "site", "io", "me", "tv", "cc", "pw", "su", "br", "com.br",
    "in", "co.in", "jp", "co.jp", "fr", "it", "nl", "pl", "es", "eu", "us", "ca", "com.au",
];

/// A random label of 8 to 15 letters and digits.
fn random_label(rng: &mut Rng) -> String {
    let len = 8 + rng.below(8);
    (0..len)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(36)]))
        .collect()
}

fn random_suffix(rng: &mut Rng) -> &'static str {
    SUFFIXES[rng.below(SUFFIXES.len())]
}

struct Workload {
    indicators: Vec<Indicator>,
    queries: Vec<String>,
}

fn workload(scale: usize) -> Workload {
    let mut rng = Rng(SEED);
    let (domains, ips, v4_nets, v6_nets) = (7 * scale, 2 * scale, 9 * scale / 10, scale / 10);
    let mut indicators = Vec::with_capacity(10 * scale);
    let mut labels = Vec::with_capacity(domains);
    for line in 0..domains {
        let label = random_label(&mut rng);
        let mut name = format!("{label}.{}", random_suffix(&mut rng));
        if rng.below(3) == 0 {
            name = format!("{}.{name}", random_label(&mut rng));
        }
        labels.push((label, name.clone()));
        indicators.push(Indicator::new("bench", IndicatorValue::Domain(name), line));
    }
    let mut addresses = Vec::with_capacity(ips);
    for line in 0..ips {
        let ip = Ipv4Addr::from(rng.bits() as u32);
        addresses.push(ip);
        indicators.push(Indicator::new("bench", IndicatorValue::Ip(ip.into()), line));
    }
    for line in 0..v4_nets {
        let prefix = 16 + rng.below(15) as u8;
        let bits = (rng.bits() as u32) & (u32::MAX << (32 - u32::from(prefix)));
        let value = IndicatorValue::Cidr(Ipv4Addr::from(bits).into(), prefix);
        indicators.push(Indicator::new("bench", value, line));
    }
    for line in 0..v6_nets {
        let prefix = 48 + rng.below(17) as u8;
        let bits = (0x2001_0db8_u128 << 96 | u128::from(rng.bits()) << 32)
            & (u128::MAX << (128 - u32::from(prefix)));
        let value = IndicatorValue::Cidr(Ipv6Addr::from(bits).into(), prefix);
        indicators.push(Indicator::new("bench", value, line));
    }

    let total = 10 * scale;
    let mut queries = Vec::with_capacity(total);
    for _ in 0..total {
        let (label, name) = &labels[rng.below(labels.len())];
        let query = match rng.below(100) {
            0..20 => name.clone(),
            20..40 => format!("{}.{name}", random_label(&mut rng)),
            40..50 => format!("www.{label}.{}", random_suffix(&mut rng)),
            50..75 => format!("{}.{}", random_label(&mut rng), random_suffix(&mut rng)),
            75..82 => addresses[rng.below(addresses.len())].to_string(),
            82..88 => IpAddr::from(Ipv4Addr::from(rng.bits() as u32)).to_string(),
            _ => Ipv6Addr::from(
                0x2001_0db8_u128 << 96
                    | u128::from(rng.bits()) << 32
                    | u128::from(rng.bits() as u32),
            )
            .to_string(),
        };
        queries.push(query);
    }
    Workload {
        indicators,
        queries,
    }
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let scale = if benchmarking { 100_000 } else { 1_000 };
    let Workload {
        indicators,
        queries,
    } = workload(scale);
    let indicator_count = indicators.len();
    let started = Instant::now();
    let index = IntelIndex::from_indicators(indicators);
    let built = started.elapsed();
    let batch = normalize(&queries);
    let found = index.match_names(&batch);
    let mut per_kind = std::collections::BTreeMap::new();
    for m in &found {
        *per_kind.entry(m.kind.as_str()).or_insert(0_usize) += 1;
    }
    eprintln!(
        "{indicator_count} indicators indexed in {:.2} s; {} queries give {} matches {per_kind:?}",
        built.as_secs_f64(),
        queries.len(),
        found.len(),
    );

    assert_eq!(
        index.match_names_parallel(&batch, THREADS),
        found,
        "the parallel matches differ from the serial ones"
    );

    // Timed runs of the whole 10M lookups, in wall time and in this process's CPU time: the
    // machine is shared, and CPU time shows what the code costs when others load it.
    for threads in [1, THREADS] {
        let (wall, cpu) = (Instant::now(), process_cpu_secs());
        let mut total = 0;
        for _ in 0..PASSES {
            total += index.match_names_parallel(black_box(&batch), threads).len();
        }
        let cpu = process_cpu_secs().zip(cpu).map(|(end, start)| end - start);
        eprintln!(
            "{} lookups on {threads} thread(s), {total} matches: {:.2} s wall, {} CPU",
            queries.len() * PASSES,
            wall.elapsed().as_secs_f64(),
            cpu.map_or_else(|| "unknown".to_owned(), |cpu| format!("{cpu:.2} s")),
        );
    }

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("intel");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements((queries.len() * PASSES) as u64));
    group.bench_function("match_names", |b| {
        b.iter(|| {
            let mut matches = 0;
            for _ in 0..PASSES {
                matches += index.match_names_parallel(black_box(&batch), THREADS).len();
            }
            matches
        });
    });
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("normalize_match", |b| {
        b.iter(|| index.match_names(&normalize(black_box(&queries))).len());
    });
    group.finish();
    criterion.final_summary();
}

/// CPU time of this process so far, all threads (Linux `/proc/self/stat`: user and system time
/// in clock ticks, 100 a second on Linux).
fn process_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}
