//! Throughput of the DGA family generators: 1,000,000 names per iteration, an equal share from
//! every built-in family, for one date and each family's default seed. This is the cost of
//! `dnshunt-train dataset build` before normalization.
//!
//! `cargo bench -p dnshunt-bench --bench dga_generation`; figures go to docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, SamplingMode, Throughput};
use dnshunt_datasets::dga::{Family, families};

const NAMES: usize = 1_000_000;

fn generate_all(families: &[&'static dyn Family], date: NaiveDate) -> usize {
    let share = NAMES.div_ceil(families.len());
    families
        .iter()
        .map(|family| family.generate(family.default_seed(), date, share).len())
        .sum()
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let families = families();
    let Some(date) = NaiveDate::from_ymd_opt(2024, 5, 14) else {
        return;
    };
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("dga_generation");
    group
        .throughput(Throughput::Elements(NAMES as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(if benchmarking { 30 } else { 1 }));
    group.bench_function("all_families_1m", |b| {
        b.iter(|| generate_all(black_box(&families), date));
    });
    group.finish();

    // Per family, so a slow generator shows up: 20,000 names each.
    let mut group = criterion.benchmark_group("dga_generation_per_family");
    group
        .throughput(Throughput::Elements(20_000))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(if benchmarking { 3 } else { 1 }));
    for family in &families {
        group.bench_function(family.name(), |b| {
            b.iter(|| family.generate(family.default_seed(), black_box(date), 20_000));
        });
    }
    group.finish();
    criterion.final_summary();
}
