//! `dnshunt-train promote | runs | versions`: the registry and the run store, listed and moved.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use dnshunt_models::registry::Registry;
use dnshunt_models::runs::RunStore;

use crate::mlflow::{self, MlflowArgs};

/// `promote` arguments.
#[derive(clap::Args)]
pub struct PromoteArgs {
    /// The model name (`dga`).
    pub model: String,
    /// The version to point the alias at.
    pub version: u32,
    /// The alias to move (`champion`, `challenger`).
    #[arg(long, default_value = "champion")]
    pub alias: String,
    #[command(flatten)]
    pub mlflow: MlflowArgs,
}

pub fn promote(args: &PromoteArgs, home: &Path) -> Result<ExitCode> {
    let mlflow = args.mlflow.client()?;
    let registry = Registry::open(home);
    let before = registry.aliases(&args.model)?.get(&args.alias).copied();
    let record = registry.set_alias(&args.model, &args.alias, args.version)?;
    match before {
        Some(old) => println!(
            "{}@{}: version {old} -> {}",
            args.model, args.alias, record.version
        ),
        None => println!("{}@{}: version {}", args.model, args.alias, record.version),
    }
    let Some(client) = mlflow else {
        return Ok(ExitCode::SUCCESS);
    };
    let run_id = registry
        .versions(&args.model)?
        .into_iter()
        .find(|v| v.version == record.version)
        .and_then(|v| v.run_id);
    match mlflow::set_alias(
        &client,
        &args.model,
        &args.alias,
        record.version,
        run_id.as_deref(),
    ) {
        Ok(target) => {
            println!(
                "mlflow {}@{}: version {} ({})",
                target.name,
                args.alias,
                target.version,
                client.base()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("dnshunt-train: {err:#}");
            eprintln!(
                "dnshunt-train: the local alias {}@{} is moved; run this promote again once the \
                 server is fixed",
                args.model, args.alias
            );
            Ok(ExitCode::from(1))
        }
    }
}

pub fn versions(home: &Path) -> Result<ExitCode> {
    let registry = Registry::open(home);
    let models = registry.models()?;
    if models.is_empty() {
        bail!(
            "no model registered in {}; run `dnshunt-train fit`",
            home.display()
        );
    }
    println!(
        "{:<8} {:>7}  {:<20} {:<20} {:>9} {:>12}  {:<14} aliases",
        "model", "version", "registered", "algorithm", "roc_auc", "recall@1e-3", "run"
    );
    for name in models {
        let aliases = registry.aliases(&name)?;
        for version in registry.versions(&name)? {
            let metric = |key: &str| {
                version
                    .metrics
                    .get(key)
                    .map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"))
            };
            let pointing: Vec<&str> = aliases
                .iter()
                .filter(|(_, v)| **v == version.version)
                .map(|(alias, _)| alias.as_str())
                .collect();
            println!(
                "{:<8} {:>7}  {:<20} {:<20} {:>9} {:>12}  {:<14} {}",
                name,
                version.version,
                version.registered_at.format("%Y-%m-%d %H:%M:%S"),
                version.algorithm,
                metric("roc_auc"),
                metric("recall_at_fpr_1e-3"),
                version.run_id.as_deref().unwrap_or("-"),
                pointing.join(",")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn runs(home: &Path) -> Result<ExitCode> {
    let runs = RunStore::open(home).list()?;
    if runs.is_empty() {
        bail!("no run in {}; run `dnshunt-train fit`", home.display());
    }
    println!(
        "{:<14} {:<8} {:<20} {:<20} {:>9} {:>12}",
        "run", "status", "started", "algorithm", "roc_auc", "recall@1e-3"
    );
    for run in runs {
        let metric = |key: &str| {
            run.metrics
                .get(key)
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"))
        };
        println!(
            "{:<14} {:<8} {:<20} {:<20} {:>9} {:>12}",
            run.id,
            format!("{:?}", run.status).to_lowercase(),
            run.started_at.format("%Y-%m-%d %H:%M:%S"),
            run.tags.get("algorithm").map_or("-", String::as_str),
            metric("roc_auc"),
            metric("recall_at_fpr_1e-3"),
        );
    }
    Ok(ExitCode::SUCCESS)
}
