//! `dnshunt-train eval` and `compare`: how models do on data, side by side.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use dnshunt_datasets::builder::UserSource;
use dnshunt_datasets::dga::{Style, family};
use dnshunt_datasets::labelled::Label;
use dnshunt_models::builtin::resolve;
use dnshunt_models::error::ModelsError;
use dnshunt_models::evaluate::{Evaluation, LabelledNames, evaluate};
use dnshunt_models::model::Model;
use dnshunt_models::runs::{ARTEFACTS_DIR, MODEL_ARTEFACT, RunStore};

use crate::fit::print_evaluation;
use crate::report::{ModelSummary, render};

/// `eval` flags.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// The model: `dga@ALIAS`, `dga/VERSION`, `dga` (the latest), a run id or `builtin`. With
    /// nothing registered yet, the default alias means the built-in model.
    #[arg(long, default_value = "dga@champion")]
    pub model: String,
    /// Labelled data: a CSV of `domain,label[,family]`, or `NAME=FILE` for a list of one DGA
    /// family's domains (repeatable). Without it, the model's recorded test metrics are shown.
    #[arg(long = "data", value_name = "FILE|NAME=FILE")]
    pub data: Vec<String>,
}

/// `compare` flags.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// Versions (`dga/3`, `dga@champion`), run ids or `builtin`.
    #[arg(required = true)]
    pub models: Vec<String>,
    /// Where to write the HTML report.
    #[arg(long)]
    pub out: PathBuf,
}

/// A model and what to call it: a run id, a registry spec or `builtin` (as `dnshunt` resolves
/// them, so an unset alias on an empty registry is the built-in model).
fn load(home: &Path, what: &str) -> Result<(Model, String)> {
    let run_dir = RunStore::open(home).run_dir(what);
    let run_model = run_dir.join(ARTEFACTS_DIR).join(MODEL_ARTEFACT);
    if run_model.is_dir() {
        return Ok((Model::read(&run_model)?, format!("run {what}")));
    }
    resolve(home, what).map_err(|err| {
        let context = if matches!(err, ModelsError::NotFound(_)) {
            format!("`{what}` is neither a run id, a registered version nor `builtin`")
        } else {
            format!("`{what}` cannot be loaded")
        };
        anyhow::Error::new(err).context(context)
    })
}

fn labelled_data(specs: &[String]) -> Result<LabelledNames> {
    let mut names = LabelledNames::default();
    for spec in specs {
        let source = match spec.split_once('=') {
            Some((family, file)) => UserSource::family_file(family, Path::new(file))?,
            None => UserSource::csv_file(Path::new(spec))?,
        };
        eprintln!("{}", source.loaded.report.summary());
        for row in source.loaded.rows {
            names.push(row.domain, row.label == Label::Dga, row.family);
        }
    }
    if names.is_empty() {
        bail!("no labelled row could be loaded from {}", specs.join(", "));
    }
    Ok(names)
}

pub fn eval(args: &EvalArgs, home: &Path) -> Result<ExitCode> {
    let (model, name) = load(home, &args.model)?;
    println!("model {name} ({})", model.manifest().algorithm);
    if args.data.is_empty() {
        let Some(metrics) = &model.manifest().metrics else {
            bail!("{name} has no recorded test metrics; pass --data");
        };
        print_evaluation(metrics);
        return Ok(ExitCode::SUCCESS);
    }
    let data = labelled_data(&args.data)?;
    // Built-in word-list families keep their dictionary-style label in reports.
    let dictionary: BTreeSet<String> = data
        .families
        .iter()
        .filter(|f| family(f).is_some_and(|f| f.style() == Style::Wordlist))
        .cloned()
        .collect();
    let evaluation = evaluate(&model, &data, &dictionary);
    print_evaluation(&evaluation);
    Ok(ExitCode::SUCCESS)
}

pub fn compare(args: &CompareArgs, home: &Path) -> Result<ExitCode> {
    let mut summaries = Vec::new();
    for what in &args.models {
        let (model, name) = load(home, what)?;
        summaries.push(summary(&model, name)?);
    }
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let page = render(&summaries, &generated)?;
    std::fs::write(&args.out, page)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "{} models compared in {}",
        summaries.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn summary(model: &Model, name: String) -> Result<ModelSummary> {
    let manifest = model.manifest();
    let Some(evaluation): Option<&Evaluation> = manifest.metrics.as_ref() else {
        bail!("{name} has no recorded test metrics to compare");
    };
    // Rates are fractions: anything else means an edited or damaged manifest, not a curve.
    if let Some(p) = evaluation.curve.iter().find(|p| {
        ![p.fpr, p.tpr, p.precision]
            .iter()
            .all(|v| (0.0..=1.0).contains(v))
    }) {
        bail!(
            "{name}: its manifest's test curve holds a point outside 0 to 1 (fpr {}, tpr {}, \
             precision {}); the manifest was edited or damaged",
            p.fpr,
            p.tpr,
            p.precision
        );
    }
    let default = evaluation.operating_points.first();
    let confusion = default.map_or([[0, 0], [0, 0]], |p| {
        let c = &p.confusion;
        [
            [c.true_negatives as u64, c.false_positives as u64],
            [c.false_negatives as u64, c.true_positives as u64],
        ]
    });
    Ok(ModelSummary {
        name,
        algorithm: manifest.algorithm.clone(),
        params: manifest.flat_params(),
        dataset: manifest.dataset_manifest_hash.chars().take(12).collect(),
        roc_auc: evaluation.roc_auc.unwrap_or(f64::NAN),
        pr_auc: evaluation.pr_auc.unwrap_or(f64::NAN),
        operating_points: evaluation
            .operating_points
            .iter()
            .map(|p| {
                (
                    p.target_fpr,
                    f64::from(p.threshold),
                    p.confusion.recall(),
                    p.confusion.fpr(),
                )
            })
            .collect(),
        per_family: evaluation
            .families
            .iter()
            .filter(|f| f.family != "benign")
            .map(|f| (f.family.clone(), f.rate, f.rows, f.dictionary_style))
            .collect(),
        confusion,
        names_per_second: evaluation.throughput.names_per_second,
        roc: evaluation.curve.iter().map(|p| (p.fpr, p.tpr)).collect(),
        pr: evaluation
            .curve
            .iter()
            .map(|p| (p.tpr, p.precision))
            .collect(),
        trained_on: manifest.trained_families.clone(),
    })
}
