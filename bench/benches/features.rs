//! Throughput of name normalization (IDNA + public suffix split) and of the feature vectors, in
//! names per second, on the seed-data mix (see the `dnshunt_bench` docs).
//!
//! Three groups, each over the whole batch of names per iteration:
//! - `normalize`: `normalize(&names)` — trimming, lower case, IDNA, validation, public suffix split;
//! - `extract`: `FeatureExtractor::extract` on a batch normalized beforehand (normalization is not
//!   timed);
//! - `normalize_extract`: both, end to end, from raw strings to the feature matrix.
//!
//! Run through `bench/run.sh` (which pins it to one core and runs the tldextract baseline on the
//! names this writes to `target/bench-names.txt`), or alone with
//! `cargo bench -p dnshunt-bench --bench features`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput, measurement::WallTime};
use dnshunt_bench::{names_file, seed_names, shared_dir, write_names};
use dnshunt_features::{FeatureExtractor, normalize};

/// Criterion's id of every benchmark: the input it runs on.
const INPUT: &str = "seed_mix";

fn configure(group: &mut BenchmarkGroup<'_, WallTime>, names: usize) {
    // One iteration is a whole batch (~100k names, tens of milliseconds): flat sampling, few samples.
    group
        .throughput(Throughput::Elements(names as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(10));
}

fn benchmarks(c: &mut Criterion, names: &[&str]) {
    let extractor = FeatureExtractor::builtin();

    let mut group = c.benchmark_group("normalize");
    configure(&mut group, names.len());
    group.bench_function(INPUT, |b| b.iter(|| normalize(black_box(names))));
    group.finish();

    let batch = normalize(names);
    let mut group = c.benchmark_group("extract");
    configure(&mut group, names.len());
    group.bench_function(INPUT, |b| b.iter(|| extractor.extract(black_box(&batch))));
    group.finish();

    let mut group = c.benchmark_group("normalize_extract");
    configure(&mut group, names.len());
    group.bench_function(INPUT, |b| {
        b.iter(|| extractor.extract(&normalize(black_box(names))));
    });
    group.finish();
}

fn main() {
    // `cargo bench` passes `--bench`; without it (`cargo test --all-targets`) criterion runs each
    // benchmark once as a smoke test, which should not fail on a machine without the seed data.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let shared = shared_dir();
    let names = match seed_names(&shared) {
        Ok(names) => names,
        Err(err) if !benchmarking => {
            eprintln!("skipping the feature benchmarks: {err}");
            return;
        }
        Err(err) => panic!("cannot load the benchmark names: {err}"),
    };
    let file = names_file();
    if let Err(err) = write_names(&file, &names) {
        panic!("cannot write {}: {err}", file.display());
    }
    let batch = normalize(&names);
    let registered = batch
        .iter()
        .filter(|name| name.registered_domain.is_some())
        .count();
    let invalid = batch.iter().filter(|name| !name.is_valid()).count();
    eprintln!(
        "{} names from {} ({registered} with a registered domain, {invalid} invalid), written to {}",
        names.len(),
        shared
            .canonicalize()
            .unwrap_or(shared)
            .join("seed-data")
            .display(),
        file.display()
    );
    drop(batch);

    // One contiguous buffer, in benchmark order, as an Arrow string column or a file read in one
    // go holds names. (Separately allocated, shuffled `String`s would make every name a cache miss
    // and measure the allocator's layout instead of the code.)
    let text = names.join("\n");
    let names: Vec<&str> = text.split('\n').collect();
    let mut criterion = Criterion::default().configure_from_args();
    benchmarks(&mut criterion, &names);
    criterion.final_summary();
}
