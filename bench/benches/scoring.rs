//! DGA scoring throughput of the champion (the built-in model), and training time per algorithm,
//! on the project's own dataset. A whole-process benchmark (no criterion): one pass over a million
//! names already takes about a second, so it times whole passes and reports their median.
//!
//! What it does, in order:
//! 1. builds the default dataset (`BuildOptions::default()`, seed 0) and writes its train rows
//!    and test rows (`domain,label`) and the test names alone to the target directory, for
//!    `bench/baselines/notebook_rf.py`;
//! 2. scores `SCORING_NAMES` names (the test split's names, repeated) with
//!    `Model::score_names` — normalization, features, prediction and calibration, one thread —
//!    `PASSES` times, and also times features alone and prediction alone;
//! 3. with `--train`, fits every algorithm with its default parameters and records the seconds
//!    the learner took (features, calibration and evaluation apart).
//!
//! Run through `bench/scoring.sh` (pins to one core, runs the Python baseline on the same names and
//! puts both in one JSON), or alone with `cargo bench -p dnshunt-bench --bench scoring -- --train`.
//! Figures go to `$CARGO_TARGET_DIR/bench-scoring.json`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use dnshunt_bench::target_dir;
use dnshunt_datasets::builder::{BuildOptions, Dataset, Split};
use dnshunt_datasets::labelled::Label;
use dnshunt_features::{FeatureExtractor, normalize};
use dnshunt_models::{FitOptions, LabelledNames, Params, TrainingData, builtin, fit};

/// Names scored per pass.
const SCORING_NAMES: usize = 1_000_000;
/// Timed passes; the median is reported.
const PASSES: usize = 5;

fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

fn timed(passes: usize, mut run: impl FnMut()) -> f64 {
    run(); // warm-up: page in the model, the tables and the names
    median(
        (0..passes)
            .map(|_| {
                let started = Instant::now();
                run();
                started.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn training_data(dataset: &Dataset) -> TrainingData {
    let mut data = TrainingData {
        dataset_manifest_hash: dataset.manifest.hash(),
        dictionary_families: dataset
            .manifest
            .families
            .iter()
            .filter(|f| f.style == "wordlist")
            .map(|f| f.name.clone())
            .collect::<BTreeSet<_>>(),
        ..TrainingData::default()
    };
    for row in &dataset.rows {
        let set: &mut LabelledNames = match row.split {
            Split::Train => &mut data.train,
            Split::Validation => &mut data.validation,
            Split::Test => &mut data.test,
        };
        set.push(
            row.domain.clone(),
            row.label == Label::Dga,
            row.family.clone(),
        );
    }
    data
}

fn write_rows(path: &std::path::Path, set: &LabelledNames, with_labels: bool) {
    let mut text = String::with_capacity(set.len() * 24);
    for (name, dga) in set.names.iter().zip(&set.labels) {
        if with_labels {
            let _ = writeln!(text, "{name},{}", u8::from(*dga));
        } else {
            let _ = writeln!(text, "{name}");
        }
    }
    if let Err(err) = std::fs::write(path, text) {
        panic!("cannot write {}: {err}", path.display());
    }
}

/// Fits every algorithm with its defaults; the learner's seconds and test ROC AUC, as JSON members.
fn training_times(data: &TrainingData) -> String {
    let mut json = String::from(",\n  \"training\": {");
    for (at, algorithm) in Params::ALGORITHMS.iter().enumerate() {
        let Some(params) = Params::default_for(algorithm) else {
            continue;
        };
        let trained = fit(&params, data, &FitOptions::default())
            .unwrap_or_else(|err| panic!("fitting {algorithm}: {err}"));
        let t = trained.timings;
        let auc = trained.evaluation.roc_auc.unwrap_or(f64::NAN);
        eprintln!(
            "{algorithm}: fit {:.1} s (features {:.1} s, label n-grams {:.1} s), test ROC AUC {auc:.5}",
            t.fit_seconds, t.features_seconds, t.label_ngrams_seconds
        );
        let _ = write!(
            json,
            "{}\n    \"{algorithm}\": {{\"fit_seconds\": {:.3}, \"features_seconds\": {:.3}, \
             \"label_ngrams_seconds\": {:.3}, \"train_rows\": {}, \"test_roc_auc\": {auc:.5}}}",
            if at == 0 { "" } else { "," },
            t.fit_seconds,
            t.features_seconds,
            t.label_ngrams_seconds,
            data.train.len(),
        );
    }
    json.push_str("\n  }");
    json
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs this without `--bench`: a smoke test, not a measurement.
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("scoring benchmark: run with `cargo bench` (skipped)");
        return;
    }
    let train = args.iter().any(|a| a == "--train");
    let model = builtin::model().unwrap_or_else(|err| panic!("the built-in model: {err}"));

    let dataset = Dataset::build(&BuildOptions::default())
        .unwrap_or_else(|err| panic!("building the dataset: {err}"));
    let data = training_data(&dataset);
    let target = target_dir();
    let _ = std::fs::create_dir_all(&target);
    let train_file = target.join("bench-scoring-train.csv");
    let test_file = target.join("bench-scoring-test.txt");
    write_rows(&train_file, &data.train, true);
    write_rows(&test_file, &data.test, false);
    write_rows(&target.join("bench-scoring-test.csv"), &data.test, true);
    eprintln!(
        "dataset {}: {} train rows -> {}, {} test names -> {}",
        dataset.manifest.hash(),
        data.train.len(),
        train_file.display(),
        data.test.len(),
        test_file.display()
    );

    let names: Vec<&str> = data
        .test
        .names
        .iter()
        .map(String::as_str)
        .cycle()
        .take(SCORING_NAMES)
        .collect();
    let mut flagged = 0;
    let score_seconds = timed(PASSES, || {
        let scores = model.score_names(&names);
        flagged = scores
            .iter()
            .filter(|&&s| s >= model.default_threshold())
            .count();
    });
    let batch = normalize(&names);
    let normalize_seconds = timed(PASSES, || {
        std::hint::black_box(normalize(&names));
    });
    let extractor = FeatureExtractor::builtin();
    let features_seconds = timed(PASSES, || {
        std::hint::black_box(extractor.extract(&batch));
    });
    let features = extractor.extract(&batch);
    let labels: Vec<&str> = batch.scoring_labels().collect();
    let label_ngrams_seconds = timed(PASSES, || {
        std::hint::black_box(model.features(&features, &labels));
    });
    let rows = model.features(&features, &labels);
    let mut out = vec![0.0f32; features.rows()];
    let predict_seconds = timed(PASSES, || {
        model.predict(&rows, &mut out);
    });
    let per_second = |seconds: f64| names.len() as f64 / seconds;
    let mut json = format!(
        "{{\n  \"model\": \"builtin\",\n  \"algorithm\": \"{}\",\n  \"feature_schema\": \"{}\",\n  \
         \"names\": {},\n  \"passes\": {PASSES},\n  \"flagged_at_default_threshold\": {flagged},\n  \
         \"score_names_per_second\": {:.0},\n  \"normalize_names_per_second\": {:.0},\n  \
         \"features_names_per_second\": {:.0},\n  \"label_ngrams_names_per_second\": {:.0},\n  \
         \"predict_names_per_second\": {:.0}",
        model.manifest().algorithm,
        model.manifest().feature_schema_id,
        names.len(),
        per_second(score_seconds),
        per_second(normalize_seconds),
        per_second(features_seconds),
        per_second(label_ngrams_seconds),
        per_second(predict_seconds),
    );
    eprintln!(
        "score_names (normalize + features + predict + calibrate): {:.0} names/s \
         (normalize {:.0}/s, features {:.0}/s, label n-grams {:.0}/s, predict {:.0}/s)",
        per_second(score_seconds),
        per_second(normalize_seconds),
        per_second(features_seconds),
        per_second(label_ngrams_seconds),
        per_second(predict_seconds)
    );

    if train {
        json.push_str(&training_times(&data));
    }
    json.push_str("\n}\n");
    let out_file = target.join("bench-scoring.json");
    if let Err(err) = std::fs::write(&out_file, &json) {
        panic!("cannot write {}: {err}", out_file.display());
    }
    print!("{json}");
}
