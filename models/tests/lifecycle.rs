//! Fit → record the run → register → promote → load by alias → score, on data from the real
//! dataset builder, and the errors a damaged or foreign artefact gives.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use dnshunt_features::schema::stable_hash;
use dnshunt_models::boosting::BoostingParams;
use dnshunt_models::forest::ForestParams;
use dnshunt_models::logistic::LogisticParams;
use dnshunt_models::{
    FitOptions, LabelNgramParams, Model, ModelsError, Params, Registry, RunStatus, RunStore,
    Trained, TrainingData, UNJUDGED_SCORE, Verdict, fit,
};

fn data() -> &'static TrainingData {
    static DATA: OnceLock<TrainingData> = OnceLock::new();
    DATA.get_or_init(|| common::training_data(50, 16))
}

fn small_boosting() -> Params {
    Params::GradientBoosting(BoostingParams {
        rounds: 25,
        ..BoostingParams::default()
    })
}

fn trained() -> &'static Trained {
    static TRAINED: OnceLock<Trained> = OnceLock::new();
    TRAINED.get_or_init(|| fit(&small_boosting(), data(), &FitOptions::default()).unwrap())
}

#[test]
fn every_algorithm_fits_calibrates_and_beats_chance_by_far() {
    let params = [
        Params::LogisticRegression(LogisticParams::default()),
        Params::RandomForest(ForestParams {
            trees: 10,
            ..ForestParams::default()
        }),
        small_boosting(),
    ];
    for params in params {
        let trained = fit(&params, data(), &FitOptions::default()).unwrap();
        let e = &trained.evaluation;
        let auc = e.roc_auc.unwrap();
        assert!(auc > 0.9, "{}: ROC AUC {auc}", params.algorithm());
        assert_eq!(e.rows, data().test.len());
        assert_eq!(e.operating_points.len(), 2);
        let thresholds = &trained.model.manifest().thresholds;
        assert!(thresholds[0].threshold <= thresholds[1].threshold);
        assert!(thresholds[0].validation_fpr <= 1e-3);
        // Dictionary-style families are reported apart.
        assert!(e.operating_points[0].dictionary_style_recall.is_some());
        assert!(e.families.iter().any(|f| f.dictionary_style));
        assert!(e.families.iter().any(|f| f.family == "benign"));
        assert!(e.throughput.names_per_second > 0.0);
    }
}

#[test]
fn boosting_records_a_loss_per_round() {
    let steps = &trained().steps;
    let validation: Vec<f64> = steps
        .iter()
        .filter(|s| s.key == "validation_log_loss")
        .map(|s| s.value)
        .collect();
    assert_eq!(validation.len(), 25);
    assert!(validation[24] < validation[0] * 0.5, "{validation:?}");
}

#[test]
fn fit_register_promote_load_by_alias_and_score() {
    let home = tempfile::tempdir().unwrap();
    let runs = RunStore::open(home.path());
    let registry = Registry::open(home.path());

    let mut run = runs
        .start(
            "fit",
            BTreeMap::from([("purpose".to_owned(), "test".to_owned())]),
        )
        .unwrap();
    run.record_trained(trained()).unwrap();
    let run_id = run.id().to_owned();
    let record = run.finish().unwrap();
    assert_eq!(record.status, RunStatus::Finished);
    assert_eq!(record.params["algorithm"], "gradient-boosting");
    assert!(record.metrics["roc_auc"] > 0.9);
    assert!(record.metrics.contains_key("recall_at_fpr_1e-3"));
    assert!(record.metrics.contains_key("recall_dictionary_at_fpr_1e-3"));
    assert!(
        record
            .steps
            .iter()
            .any(|s| s.key == "train_log_loss" && s.step == 25)
    );
    assert!(record.artefacts.iter().any(|a| a == "model/model.bin"));
    assert!(record.artefacts.iter().any(|a| a == "evaluation.json"));

    let model = &trained().model;
    let v1 = registry.register("dga", model, Some(&run_id)).unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.run_id.as_deref(), Some(run_id.as_str()));
    registry.set_alias("dga", "champion", 1).unwrap();
    let v2 = registry.register("dga", model, None).unwrap();
    assert_eq!(v2.version, 2);
    registry.set_alias("dga", "challenger", 2).unwrap();
    assert!(registry.set_alias("dga", "champion", 9).is_err());

    let (champion, version) = registry.load("dga@champion").unwrap();
    assert_eq!(version, 1);
    assert_eq!(registry.load("dga").unwrap().1, 2);
    assert_eq!(registry.load("dga/2").unwrap().1, 2);
    assert!(matches!(
        registry.load("dga/3"),
        Err(ModelsError::NotFound(_))
    ));
    assert!(matches!(
        registry.load("dga@staging"),
        Err(ModelsError::NotFound(_))
    ));

    // Promotion moves the alias and keeps its history; versions stay as they were.
    registry.set_alias("dga", "champion", 2).unwrap();
    assert_eq!(registry.load("dga@champion").unwrap().1, 2);
    let history = registry.alias_history("dga", "champion").unwrap();
    assert_eq!(
        history.iter().map(|h| h.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        registry.aliases("dga").unwrap(),
        BTreeMap::from([("champion".to_owned(), 2), ("challenger".to_owned(), 2)])
    );
    let versions = registry.versions("dga").unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(registry.models().unwrap(), ["dga"]);
    // An alias record left empty by a crash says which file it is and what to do.
    let damaged = home
        .path()
        .join("registry/dga/aliases/champion/99999999.json");
    std::fs::write(&damaged, "").unwrap();
    let err = registry.load("dga@champion").unwrap_err().to_string();
    assert!(
        err.contains("99999999.json") && err.contains("remove this file"),
        "{err}"
    );
    std::fs::remove_file(&damaged).unwrap();
    assert_eq!(registry.load("dga@champion").unwrap().1, 2);

    // The loaded model scores exactly like the one fitted in memory.
    let names = [
        "ns1.asdklgb.cf.",
        "7ydbdehaaz",
        "google.com",
        "WWW.Wikipedia.org",
        "xjkqzvbnwpqrtl.com",
        "not a name",
        "co.uk",
        "",
    ];
    let loaded = champion.score_names(&names);
    assert_eq!(loaded, model.score_names(&names));
    assert!(loaded.iter().all(|s| (0.0..=1.0).contains(s)), "{loaded:?}");
    assert!(loaded[0] > loaded[2], "{loaded:?}");
    assert_eq!(champion.verdict(loaded[2]), Verdict::Benign);
    assert_eq!(champion.verdict(loaded[4]), Verdict::Dga, "{loaded:?}");
    // Names with nothing to judge get the documented score and are never called DGA.
    for unjudged in &loaded[5..] {
        assert_eq!(*unjudged, UNJUDGED_SCORE);
    }
}

#[test]
fn batches_score_like_single_names_across_chunk_boundaries() {
    let model = &trained().model;
    let names: Vec<&str> = data()
        .train
        .names
        .iter()
        .map(String::as_str)
        .chain(["", "co.uk", "ns1.asdklgb.cf."])
        .cycle()
        .take(9_000)
        .collect();
    let batch = model.score_names(&names);
    assert_eq!(batch.len(), names.len());
    for at in (0..names.len()).step_by(997) {
        assert_eq!(
            batch[at],
            model.score_names(&[names[at]])[0],
            "{}",
            names[at]
        );
    }
}

fn damaged(dir: &Path, edit: impl Fn(&mut serde_json::Value)) -> ModelsError {
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    edit(&mut manifest);
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let weights = std::fs::read(dir.join("model.bin")).unwrap();
    Model::from_parts(&manifest, &weights, dir).unwrap_err()
}

#[test]
fn the_stacked_label_ngrams_are_kept_and_format_1_artefacts_still_load() {
    let names = [
        "ns1.asdklgb.cf.",
        "7ydbdehaaz",
        "google.com",
        "wikipedia.org",
    ];
    let stacked = &trained().model;
    assert!(stacked.manifest().label_ngrams.is_some());
    assert!(
        stacked
            .manifest()
            .flat_params()
            .iter()
            .any(|(key, _)| key == "label_ngrams.bucket_bits")
    );

    // A format 1 artefact: the estimator alone in model.bin, no label n-grams.
    let options = FitOptions {
        label_ngrams: None,
        ..FitOptions::default()
    };
    let plain = fit(&small_boosting(), data(), &options).unwrap().model;
    let weights =
        bincode::serde::encode_to_vec(plain.estimator(), bincode::config::standard()).unwrap();
    let mut manifest = serde_json::to_value(plain.manifest()).unwrap();
    manifest["format_version"] = 1.into();
    manifest.as_object_mut().unwrap().remove("label_ngrams");
    manifest["weights_bytes"] = weights.len().into();
    manifest["weights_fnv1a"] = format!("{:016x}", stable_hash(weights.iter().copied())).into();
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let old = Model::from_parts(&manifest, &weights, dir.path()).unwrap();
    assert_eq!(old.score_names(&names), plain.score_names(&names));

    // Weights without the regression the manifest promises are refused.
    let mut promised: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    promised["label_ngrams"] = serde_json::to_value(LabelNgramParams::default()).unwrap();
    let refused = Model::from_parts(
        &serde_json::to_vec(&promised).unwrap(),
        &weights,
        dir.path(),
    )
    .unwrap_err();
    assert!(refused.to_string().contains("label n-grams"), "{refused}");
}

#[test]
fn foreign_or_damaged_artefacts_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let artefact = dir.path().join("artefact");
    trained().model.write(&artefact).unwrap();
    assert!(Model::read(&artefact).is_ok());
    // Nothing is overwritten.
    let again = trained().model.write(&artefact).unwrap_err();
    assert!(
        matches!(again, ModelsError::AlreadyExists { .. }),
        "{again}"
    );

    let schema = damaged(&artefact, |m| {
        m["feature_schema"]["data_fingerprint"] = "0000000000000000".into();
    });
    let text = schema.to_string();
    assert!(matches!(schema, ModelsError::Schema(_)), "{text}");
    assert!(
        text.contains("feature schema mismatch") && text.contains("retrain"),
        "{text}"
    );

    let renamed = damaged(&artefact, |m| {
        m["feature_schema"]["names"][0] = "len".into();
    });
    assert!(matches!(renamed, ModelsError::Schema(_)), "{renamed}");

    let format = damaged(&artefact, |m| m["format_version"] = 99.into());
    assert!(
        format.to_string().contains("artefact format 99"),
        "{format}"
    );

    let algorithm = damaged(&artefact, |m| m["weights_fnv1a"] = "0".into());
    assert!(
        algorithm
            .to_string()
            .contains("different models or one is damaged")
    );

    let weights = std::fs::read(artefact.join("model.bin")).unwrap();
    let manifest = std::fs::read(artefact.join("manifest.json")).unwrap();
    let truncated = Model::from_parts(&manifest, &weights[..weights.len() / 2], &artefact);
    assert!(matches!(truncated, Err(ModelsError::Corrupt { .. })));

    let not_json = Model::from_parts(b"{", &weights, &artefact).unwrap_err();
    assert!(not_json.to_string().contains("manifest.json"), "{not_json}");

    let missing = Model::read(&dir.path().join("nowhere")).unwrap_err();
    assert!(matches!(missing, ModelsError::Io { .. }), "{missing}");
}
