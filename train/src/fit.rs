//! `dnshunt-train fit`: build the dataset, fit, calibrate, evaluate, record the run and register
//! the model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use dnshunt_datasets::builder::{BuildOptions, DEFAULT_PER_FAMILY, Dataset, Split};
use dnshunt_datasets::labelled::Label;
use dnshunt_models::classifier::Params;
use dnshunt_models::evaluate::Evaluation;
use dnshunt_models::fit::{FitOptions, Trained, TrainingData};
use dnshunt_models::label_ngrams::LabelNgramParams;
use dnshunt_models::registry::{Registry, VersionRecord};
use dnshunt_models::runs::{ARTEFACTS_DIR, RunRecord, RunStore};

use crate::dataset::{parse_family_file, user_sources};
use crate::mlflow::{self, Client, MlflowArgs};

/// `fit` flags.
#[derive(clap::Args)]
pub struct FitArgs {
    /// Algorithm: gradient-boosting, random-forest or logistic-regression.
    #[arg(long, default_value = "gradient-boosting")]
    pub algorithm: String,
    /// The algorithm's parameters that differ from its defaults, as a JSON object, such as
    /// '{"rounds": 40}'.
    #[arg(long, value_name = "JSON")]
    pub params: Option<String>,
    /// Add a DGA family from a file of its domains, one a line (repeatable).
    #[arg(long = "add-family", value_name = "NAME=FILE", value_parser = parse_family_file)]
    pub add_family: Vec<(String, PathBuf)>,
    /// Add labelled rows from a CSV of `domain,label[,family]` (repeatable).
    #[arg(long = "add-csv", value_name = "FILE")]
    pub add_csv: Vec<PathBuf>,
    /// Seed of the split and of the learner.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Registered domains per DGA family at most.
    #[arg(long, default_value_t = DEFAULT_PER_FAMILY)]
    pub per_family: usize,
    /// At most this many benign domains (all by default): for quick experiments.
    #[arg(long)]
    pub max_benign: Option<usize>,
    /// Fit on the feature vector alone, without the stacked label n-gram regression.
    #[arg(long)]
    pub no_label_ngrams: bool,
    #[command(flatten)]
    pub mlflow: MlflowArgs,
    /// The experiment to log to (help text spelled out, as for `--mlflow-uri`).
    #[arg(
        long,
        env = "MLFLOW_EXPERIMENT_NAME",
        value_name = "NAME",
        default_value = mlflow::DEFAULT_EXPERIMENT,
        help = "The MLflow experiment to log the run to (with --mlflow-uri)"
    )]
    pub mlflow_experiment: String,
}

/// The splits of a dataset as the models crate takes them.
pub fn training_data(dataset: &Dataset) -> TrainingData {
    let mut data = TrainingData {
        dataset_manifest_hash: dataset.manifest.hash(),
        dictionary_families: dictionary_families(dataset),
        ..TrainingData::default()
    };
    for row in &dataset.rows {
        let set = match row.split {
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

/// Families built from words, reported apart because they are the hard case.
fn dictionary_families(dataset: &Dataset) -> BTreeSet<String> {
    dataset
        .manifest
        .families
        .iter()
        .filter(|f| f.style == "wordlist")
        .map(|f| f.name.clone())
        .collect()
}

/// The parameters `--algorithm`, `--params` and `--seed` ask for.
pub fn fit_params(algorithm: &str, overrides: Option<&str>, seed: u64) -> Result<Params> {
    let defaults = Params::default_for(algorithm).ok_or_else(|| {
        anyhow!(
            "unknown algorithm `{algorithm}`; choose one of {}",
            Params::ALGORITHMS.join(", ")
        )
    })?;
    let Some(json) = overrides else {
        return Ok(defaults.with_seed(seed));
    };
    let mut value: serde_json::Value = serde_json::from_str(json)
        .map_err(|err| anyhow!("--params is not JSON ({err}): {json}"))?;
    let fields = value.as_object_mut().ok_or_else(|| {
        anyhow!("--params must be a JSON object, such as '{{\"rounds\": 40}}'; got {json}")
    })?;
    if fields.contains_key("seed") {
        return Err(anyhow!("set the seed with --seed, not in --params"));
    }
    fields.insert("algorithm".to_owned(), algorithm.into());
    let params: Params =
        serde_json::from_value(value).map_err(|err| anyhow!("--params for {algorithm}: {err}"))?;
    Ok(params.with_seed(seed))
}

/// Builds the dataset and fits.
pub fn train(args: &FitArgs) -> Result<(Dataset, Trained, bool)> {
    let params = fit_params(&args.algorithm, args.params.as_deref(), args.seed)?;
    let (user_sources, problems) = user_sources(&args.add_family, &args.add_csv)?;
    let dataset = Dataset::build(&BuildOptions {
        seed: args.seed,
        per_family: args.per_family,
        families: None,
        max_benign: args.max_benign,
        user_sources,
    })?;
    let data = training_data(&dataset);
    let options = FitOptions {
        label_ngrams: (!args.no_label_ngrams).then(|| LabelNgramParams {
            seed: args.seed,
            ..LabelNgramParams::default()
        }),
        ..FitOptions::default()
    };
    let trained = dnshunt_models::fit::fit(&params, &data, &options)?;
    Ok((dataset, trained, problems))
}

pub fn run(args: &FitArgs, home: &Path) -> Result<ExitCode> {
    // A bad URL or bad parameters are usage errors found before minutes of fitting, not after.
    let mlflow = args.mlflow.client()?;
    fit_params(&args.algorithm, args.params.as_deref(), args.seed)?;
    let mut tags = BTreeMap::new();
    tags.insert("command".to_owned(), "fit".to_owned());
    tags.insert("algorithm".to_owned(), args.algorithm.clone());
    tags.insert("seed".to_owned(), args.seed.to_string());
    let mut run = RunStore::open(home).start("fit", tags)?;
    eprintln!(
        "run {}: building the dataset and fitting {}",
        run.id(),
        args.algorithm
    );
    let (dataset, trained, problems) = match train(args) {
        Ok(done) => done,
        Err(err) => {
            let record = run.fail(&format!("{err:#}"))?;
            if let Some(client) = &mlflow {
                // The fit error is what the user must see; the mirror's own failure is noted.
                let artefacts = RunStore::open(home).run_dir(&record.id).join(ARTEFACTS_DIR);
                if let Err(mirror) = mlflow::log_run(
                    client,
                    &args.mlflow_experiment,
                    &record,
                    &artefacts,
                    &BTreeMap::new(),
                ) {
                    eprintln!("dnshunt-train: the failed run was not logged to MLflow: {mirror:#}");
                }
            }
            return Err(err);
        }
    };
    run.set_tag("dataset", dataset.manifest.hash());
    run.set_tag("families", dataset.manifest.dga_families().join(","));
    run.write_artefact(
        "dataset_manifest.json",
        dataset.manifest.to_json().as_bytes(),
    )?;
    run.record_trained(&trained)?;
    let record = run.finish()?;
    let version = Registry::open(home).register("dga", &trained.model, Some(&record.id))?;
    println!("run {}", record.id);
    println!("version dga/{}", version.version);
    print_evaluation(&trained.evaluation);
    let mut failed = problems;
    if let Some(client) = &mlflow {
        match mirror(client, args, home, &record, &trained, &version) {
            Ok(()) => {}
            Err(err) => {
                eprintln!("dnshunt-train: {err:#}");
                eprintln!(
                    "dnshunt-train: run {} and version dga/{} are kept locally; fix the server \
                     and fit again with --mlflow-uri to log a run there",
                    record.id, version.version
                );
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Logs the ended run to the `MLflow` server and registers its model there as well.
fn mirror(
    client: &Client,
    args: &FitArgs,
    home: &Path,
    record: &RunRecord,
    trained: &Trained,
    version: &VersionRecord,
) -> Result<()> {
    let manifest = trained.model.manifest();
    let code = &manifest.code_version;
    let tags = BTreeMap::from([
        (
            "dnshunt_dataset_manifest_hash".to_owned(),
            manifest.dataset_manifest_hash.clone(),
        ),
        (
            "dnshunt_feature_schema".to_owned(),
            manifest.feature_schema_id.clone(),
        ),
        (
            "dnshunt_code_version".to_owned(),
            match &code.git_describe {
                Some(describe) => format!("{} ({describe})", code.crate_version),
                None => code.crate_version.clone(),
            },
        ),
        (
            "dnshunt_model_version".to_owned(),
            format!("{}/{}", version.name, version.version),
        ),
    ]);
    let artefacts = RunStore::open(home).run_dir(&record.id).join(ARTEFACTS_DIR);
    let logged = mlflow::log_run(client, &args.mlflow_experiment, record, &artefacts, &tags)?;
    println!(
        "mlflow run {} in experiment {} (id {}) at {}",
        logged.run_id,
        args.mlflow_experiment,
        logged.experiment_id,
        client.base()
    );
    let registered =
        mlflow::register_version(client, &version.name, &logged, version.version, &record.id)?;
    println!("mlflow version {}/{}", registered.name, registered.version);
    Ok(())
}

/// The headline metrics, one a line, then recall per family.
pub fn print_evaluation(evaluation: &Evaluation) {
    for (name, value) in evaluation.summary() {
        println!("{name:<40} {value:.6}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_override_the_defaults_strictly() {
        let Params::GradientBoosting(p) =
            fit_params("gradient-boosting", Some(r#"{"rounds": 40}"#), 7).unwrap()
        else {
            panic!("not gradient boosting");
        };
        assert_eq!((p.rounds, p.seed, p.max_depth), (40, 7, 6));
        for (json, says) in [
            (r#"{"round": 40}"#, "unknown field"),
            (r#"{"seed": 1}"#, "--seed"),
            ("[40]", "JSON object"),
            ("rounds=40", "not JSON"),
        ] {
            let err = fit_params("gradient-boosting", Some(json), 0).unwrap_err();
            assert!(err.to_string().contains(says), "{json}: {err}");
        }
        assert!(fit_params("svm", None, 0).is_err());
    }
}
