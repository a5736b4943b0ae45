//! Throughput of the typosquat engine:
//! - `permute`: permutations per second of the 20 oracle brands under dnstwist's sixteen fuzzers
//!   (with dnstwist's two homoglyph rounds), the work `bench/baselines/dnstwist_bench.py` times
//!   dnstwist on;
//! - `lookalike_build`: building the index for 500 brands (the top of the Alexa list);
//! - `lookalike_match`: names per second matched against those 500 brands (Alexa names under ten
//!   subdomain prefixes, all distinct).
//!
//! Run through `bench/typosquat.sh` (dnstwist in the same run, and the 1,000,000-name
//! whole-process timing), or alone with `cargo bench -p dnshunt-bench --bench typosquat`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use dnshunt_bench::shared_dir;
use dnshunt_features::normalize;
use dnshunt_typosquat::{Data, Fuzzer, LookalikeIndex, Permuter, Watchlist};

/// The brands `tests/tests/typo_dnstwist_oracle.rs` checks, also used by the dnstwist baseline.
const BRANDS: [&str; 20] = [
    "google.com",
    "paypal.com",
    "microsoft.com",
    "apple.com",
    "amazon.com",
    "facebook.com",
    "netflix.com",
    "linkedin.com",
    "bankofamerica.com",
    "wellsfargo.com",
    "t-mobile.com",
    "dropbox.com",
    "www.ebay.com",
    "bbc.co.uk",
    "spiegel.de",
    "orange.fr",
    "wikipedia.org",
    "example.info",
    "mail.ru",
    "xn--bcher-kva.de",
];

const PREFIXES: [&str; 10] = [
    "www", "mail", "api", "cdn", "m", "shop", "login", "static", "img", "dev",
];

fn alexa() -> Vec<String> {
    let path = shared_dir().join("seed-data/alexa_100k.txt");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    text.lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1))
        .filter(|name| !name.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// 500 brands: the first 500 distinct registered labels of the Alexa list.
fn watchlist(names: &[String]) -> Watchlist {
    let batch = normalize(names);
    let mut seen = std::collections::BTreeSet::new();
    let mut lines = Vec::new();
    for name in batch.iter() {
        if let (Some(label), Some(domain)) = (name.domain_label, name.registered_domain)
            && label.len() >= 2
            && seen.insert(label.to_owned())
        {
            lines.push(domain.to_owned());
            if lines.len() == 500 {
                break;
            }
        }
    }
    Watchlist::parse(&lines.join("\n"), "bench watchlist").unwrap()
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let permuter = Permuter::new(Data::builtin().unwrap());
    let count = permuter.permute(&BRANDS, &Fuzzer::DNSTWIST).unwrap().len();

    let mut group = c.benchmark_group("permute");
    group
        .throughput(Throughput::Elements(count as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("oracle_brands_dnstwist_fuzzers", |b| {
        b.iter(|| permuter.permute(black_box(&BRANDS), &Fuzzer::DNSTWIST));
    });
    group.finish();

    let alexa = alexa();
    let list = watchlist(&alexa);
    let mut group = c.benchmark_group("lookalike_build");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("alexa_500_brands", |b| {
        b.iter(|| LookalikeIndex::build(black_box(list.clone())).unwrap());
    });
    group.finish();

    let index = LookalikeIndex::build(list).unwrap();
    let names: Vec<String> = PREFIXES
        .iter()
        .take(2)
        .flat_map(|prefix| alexa.iter().map(move |name| format!("{prefix}.{name}")))
        .collect();
    let batch = normalize(&names);
    let mut group = c.benchmark_group("lookalike_match");
    group
        .throughput(Throughput::Elements(names.len() as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("alexa_names_500_brands", |b| {
        b.iter(|| index.match_batch(black_box(&batch)));
    });
    group.finish();
    c.final_summary();
}
