//! Fits every algorithm on a realistic dataset and prints its test metrics and timings.
//!
//! `[LABEL_NGRAMS=none|JSON] cargo run --release -p dnshunt-models --example measure -- [PER_FAMILY] [BENIGN_STRIDE] [ALGORITHM_OR_PARAMS_JSON...]`

#[path = "../tests/common/mod.rs"]
mod common;

use dnshunt_models::{FitOptions, Params, fit};

fn count(set: &dnshunt_models::LabelledNames) -> String {
    let dga = set.labels.iter().filter(|&&y| y).count();
    format!("{} benign + {dga} dga", set.len() - dga)
}

/// `LABEL_NGRAMS`: `none`, or the regression's parameters as JSON (defaults for the rest).
fn options_from_env() -> FitOptions {
    match std::env::var("LABEL_NGRAMS").ok().as_deref() {
        None => FitOptions::default(),
        Some("none") => FitOptions {
            label_ngrams: None,
            ..FitOptions::default()
        },
        Some(json) => FitOptions {
            label_ngrams: Some(serde_json::from_str(json).expect("label n-gram parameters")),
            ..FitOptions::default()
        },
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let per_family = args.first().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let stride = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let algorithms: Vec<&str> = if args.len() > 2 {
        args[2..].iter().map(String::as_str).collect()
    } else {
        Params::ALGORITHMS.to_vec()
    };
    let data = common::training_data(per_family, stride);
    println!(
        "train {} · validation {} · test {}",
        count(&data.train),
        count(&data.validation),
        count(&data.test)
    );
    let options = options_from_env();
    for algorithm in algorithms {
        let params = Params::default_for(algorithm)
            .or_else(|| serde_json::from_str(algorithm).ok())
            .expect("an algorithm id or parameters as JSON");
        let algorithm = serde_json::to_string(&params).expect("parameters serialize");
        let trained = fit(&params, &data, &options).expect("fit");
        let e = &trained.evaluation;
        println!("\n== {algorithm}: {:?}", trained.timings);
        println!(
            "roc_auc {:.5}  pr_auc {:.5}  scoring {:.0} names/s  weights {} bytes  steps/row {}",
            e.roc_auc.unwrap_or(f64::NAN),
            e.pr_auc.unwrap_or(f64::NAN),
            e.throughput.names_per_second,
            trained.model.manifest().weights_bytes,
            steps_per_row(trained.model.estimator())
        );
        for p in &e.operating_points {
            println!(
                "fpr target {:e}: threshold {:.6} test fpr {:.5} recall {:.4} random {:.4} dictionary {:.4} (best on test {:.4})",
                p.target_fpr,
                p.threshold,
                p.confusion.fpr(),
                p.confusion.recall(),
                p.random_style_recall.unwrap_or(f64::NAN),
                p.dictionary_style_recall.unwrap_or(f64::NAN),
                p.best_recall_at_fpr.unwrap_or(f64::NAN)
            );
        }
        let batch = dnshunt_features::normalize(&data.test.names);
        let labels: Vec<&str> = batch.scoring_labels().collect();
        let features = dnshunt_features::FeatureExtractor::builtin().extract(&batch);
        let rows = trained.model.features(&features, &labels);
        let mut out = vec![0.0; features.rows()];
        let started = std::time::Instant::now();
        for _ in 0..5 {
            trained.model.predict(&rows, &mut out);
        }
        println!(
            "prediction alone: {:.1} ns/row",
            started.elapsed().as_secs_f64() * 1e9 / (5 * features.rows()) as f64
        );
        let seeds = [
            "ns1.asdklgb.cf.",
            "7ydbdehaaz",
            "google.com",
            "facebook.com",
            "wikipedia.org",
        ];
        let scores = trained.model.score_names(&seeds);
        let verdicts: Vec<String> = seeds
            .iter()
            .zip(&scores)
            .map(|(name, score)| {
                format!(
                    "{name} {score:.4} {}",
                    trained.model.verdict(*score).as_str()
                )
            })
            .collect();
        println!("seed verdicts: {}", verdicts.join(", "));
        let test_scores = trained.model.score_names(&data.test.names);
        let mut benign: Vec<(f32, &str)> = test_scores
            .iter()
            .zip(&data.test.names)
            .zip(&data.test.labels)
            .filter(|(_, dga)| !**dga)
            .map(|((s, n), _)| (*s, n.as_str()))
            .collect();
        benign.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top: Vec<String> = benign[..15.min(benign.len())]
            .iter()
            .map(|(s, n)| format!("{n} {s:.4}"))
            .collect();
        println!("top benign: {}", top.join(", "));
        let weak: Vec<String> = e
            .families
            .iter()
            .filter(|f| f.family != "benign" && f.rate < 0.97)
            .map(|f| format!("{} {:.3}", f.family, f.rate))
            .collect();
        println!("families under 97 %: {}", weak.join(", "));
    }
}

fn steps_per_row(estimator: &dnshunt_models::Estimator) -> u64 {
    match estimator {
        dnshunt_models::Estimator::RandomForest(m) => m.ensemble().steps_per_row(),
        dnshunt_models::Estimator::GradientBoosting(m) => m.ensemble().steps_per_row(),
        dnshunt_models::Estimator::LogisticRegression(_) => 0,
    }
}
