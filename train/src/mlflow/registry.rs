//! Mirroring registry versions and aliases on the `MLflow` model registry.
//!
//! `MLflow` numbers versions itself, so its `dga` 3 need not be dnshunt's `dga/3` (a version
//! fitted without `--mlflow-uri` is never sent). Each `MLflow` version carries the tags
//! `dnshunt_version` and `dnshunt_run_id`; promoting finds the `MLflow` version by those tags.
//! The run id makes the match unique when several dnshunt homes share one server.

use anyhow::{Result, anyhow};
use dnshunt_models::runs::MODEL_ARTEFACT;
use serde_json::json;

use super::{Client, LoggedRun};

/// An `MLflow` registry version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlflowVersion {
    /// The registered model name.
    pub name: String,
    /// `MLflow`'s version number.
    pub version: String,
}

/// Registers the model artefact of `run` as a new version of `name` (created when missing),
/// tagged with dnshunt's version number and run id.
pub fn register_version(
    client: &Client,
    name: &str,
    run: &LoggedRun,
    local_version: u32,
    local_run_id: &str,
) -> Result<MlflowVersion> {
    client.post_unless_exists("registered-models/create", &json!({"name": name}))?;
    let created = client.post(
        "model-versions/create",
        &json!({
            "name": name,
            "source": format!("{}/{MODEL_ARTEFACT}", run.artifact_uri),
            "run_id": run.run_id,
            "tags": [
                {"key": "dnshunt_version", "value": local_version.to_string()},
                {"key": "dnshunt_run_id", "value": local_run_id},
            ],
        }),
    )?;
    created["model_version"]["version"]
        .as_str()
        .map(|version| MlflowVersion {
            name: name.to_owned(),
            version: version.to_owned(),
        })
        .ok_or_else(|| {
            anyhow!(
                "MLflow at {}: model-versions/create answered without a version: {created}",
                client.base()
            )
        })
}

/// Points `alias` of `name` at the `MLflow` version that mirrors dnshunt's `local_version`.
pub fn set_alias(
    client: &Client,
    name: &str,
    alias: &str,
    local_version: u32,
    local_run_id: Option<&str>,
) -> Result<MlflowVersion> {
    let target = find_version(client, name, local_version, local_run_id)?;
    client.post(
        "registered-models/alias",
        &json!({"name": name, "alias": alias, "version": target.version}),
    )?;
    Ok(target)
}

/// The `MLflow` version tagged as dnshunt's `local_version` (from run `local_run_id`).
fn find_version(
    client: &Client,
    name: &str,
    local_version: u32,
    local_run_id: Option<&str>,
) -> Result<MlflowVersion> {
    // Names and run ids are restricted to [a-z0-9_-] by dnshunt, so quoting them is safe.
    let mut filter = format!("name='{name}' and tags.dnshunt_version='{local_version}'");
    if let Some(run_id) = local_run_id {
        filter = format!("{filter} and tags.dnshunt_run_id='{run_id}'");
    }
    let found = client
        .get("model-versions/search", &[("filter", &filter)])?
        .unwrap_or_default();
    let newest = found["model_versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["version"].as_str())
        .filter_map(|v| Some((v.parse::<u64>().ok()?, v)))
        .max();
    newest
        .map(|(_, version)| MlflowVersion {
            name: name.to_owned(),
            version: version.to_owned(),
        })
        .ok_or_else(|| {
            anyhow!(
                "MLflow at {}: no version of registered model `{name}` is tagged as dnshunt \
                 {name}/{local_version}{}; only versions fitted with --mlflow-uri are on the \
                 server: promote one of those, or fit again with --mlflow-uri",
                client.base(),
                local_run_id.map_or_else(String::new, |r| format!(" (run {r})"))
            )
        })
}
