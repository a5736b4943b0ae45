//! Mirroring one dnshunt run: experiment, run, parameters, metrics (final and per step), tags,
//! artefacts and final status.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use dnshunt_models::runs::{RunRecord, RunStatus};
use serde_json::{Value, json};

use super::Client;

/// `runs/log-batch` limits of the `MLflow` server: entries per request, parameters and tags.
const BATCH_ENTRIES: usize = 1000;
const BATCH_PARAMS: usize = 100;
const BATCH_TAGS: usize = 100;

/// A run as the server knows it.
#[derive(Debug, Clone)]
pub struct LoggedRun {
    /// The experiment id.
    pub experiment_id: String,
    /// `MLflow`'s run id.
    pub run_id: String,
    /// Where the server keeps the run's artefacts (`mlflow-artifacts:/<exp>/<run>/artifacts`).
    pub artifact_uri: String,
}

/// Logs `record` (an ended run) with its artefacts from `artefacts_dir` to `experiment`,
/// adding `extra_tags`. When a call fails after the run was created, the server's run is
/// marked FAILED so it does not stay RUNNING forever.
pub fn log_run(
    client: &Client,
    experiment: &str,
    record: &RunRecord,
    artefacts_dir: &Path,
    extra_tags: &BTreeMap<String, String>,
) -> Result<LoggedRun> {
    let experiment_id = experiment_id(client, experiment)?;
    let mut tags = record.tags.clone();
    tags.extend(extra_tags.clone());
    tags.insert("dnshunt_run_id".to_owned(), record.id.clone());
    tags.insert("mlflow.source.name".to_owned(), "dnshunt-train".to_owned());
    if let Some(error) = &record.error {
        tags.insert("dnshunt_error".to_owned(), error.clone());
    }
    let created = client.post(
        "runs/create",
        &json!({
            "experiment_id": experiment_id,
            "run_name": record.id,
            "start_time": millis(record.started_at),
        }),
    )?;
    let info = &created["run"]["info"];
    let text = |key: &str| {
        info[key].as_str().map(str::to_owned).ok_or_else(|| {
            anyhow!(
                "MLflow at {}: runs/create answered without `run.info.{key}`: {created}",
                client.base()
            )
        })
    };
    let logged = LoggedRun {
        experiment_id,
        run_id: text("run_id")?,
        artifact_uri: text("artifact_uri")?,
    };
    let filled = log_batches(client, &logged.run_id, record, &tags)
        .and_then(|()| upload_artefacts(client, &logged, record, artefacts_dir));
    let status = match (&filled, record.status) {
        (Err(_), _) | (_, RunStatus::Failed) => "FAILED",
        (Ok(()), RunStatus::Finished) => "FINISHED",
        // Never ended locally: it was killed.
        (Ok(()), RunStatus::Unfinished) => "KILLED",
    };
    let end_time = millis(record.ended_at.unwrap_or_else(Utc::now));
    let updated = client.post(
        "runs/update",
        &json!({"run_id": logged.run_id, "status": status, "end_time": end_time}),
    );
    filled?;
    updated?;
    Ok(logged)
}

/// The id of `name`, created when missing.
fn experiment_id(client: &Client, name: &str) -> Result<String> {
    let by_name = || client.get("experiments/get-by-name", &[("experiment_name", name)]);
    let found = if let Some(found) = by_name()? {
        found
    } else {
        // Another client may create it at the same moment; either way it exists after.
        client.post_unless_exists("experiments/create", &json!({"name": name}))?;
        by_name()?.ok_or_else(|| {
            anyhow!(
                "MLflow at {}: experiment `{name}` is missing right after creating it; check \
                 the server's log",
                client.base()
            )
        })?
    };
    let experiment = &found["experiment"];
    if experiment["lifecycle_stage"].as_str() == Some("deleted") {
        bail!(
            "MLflow at {}: experiment `{name}` is deleted; restore it on the server or choose \
             another with --mlflow-experiment",
            client.base()
        );
    }
    experiment["experiment_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            anyhow!(
                "MLflow at {}: experiments/get-by-name answered without an experiment id: {found}",
                client.base()
            )
        })
}

/// Parameters, metrics and tags, in as many `runs/log-batch` calls as the server's limits need.
fn log_batches(
    client: &Client,
    run_id: &str,
    record: &RunRecord,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let pair = |(key, value): (&String, &String)| json!({"key": key, "value": value});
    let mut params: Vec<Value> = record.params.iter().map(pair).collect();
    let mut tags: Vec<Value> = tags.iter().map(pair).collect();
    let at = millis(record.ended_at.unwrap_or(record.started_at));
    let mut metrics: Vec<Value> = record
        .metrics
        .iter()
        .map(|(key, value)| metric(key, *value, 0, at))
        .collect();
    metrics.extend(
        record
            .steps
            .iter()
            .map(|s| metric(&s.key, s.value, s.step, at)),
    );
    while !(params.is_empty() && tags.is_empty() && metrics.is_empty()) {
        let params_now: Vec<Value> = params.drain(..params.len().min(BATCH_PARAMS)).collect();
        let tags_now: Vec<Value> = tags.drain(..tags.len().min(BATCH_TAGS)).collect();
        let room = BATCH_ENTRIES - params_now.len() - tags_now.len();
        let metrics_now: Vec<Value> = metrics.drain(..metrics.len().min(room)).collect();
        client.post(
            "runs/log-batch",
            &json!({
                "run_id": run_id,
                "params": params_now,
                "metrics": metrics_now,
                "tags": tags_now,
            }),
        )?;
    }
    Ok(())
}

/// One metric entry; JSON has no NaN or infinity, `MLflow`'s protobuf parser takes them as text.
fn metric(key: &str, value: f64, step: u64, timestamp: i64) -> Value {
    let value = if value.is_nan() {
        json!("NaN")
    } else if value.is_infinite() {
        json!(if value > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(value)
    };
    json!({"key": key, "value": value, "timestamp": timestamp, "step": step})
}

/// Sends every artefact file of the run through the server's artefact proxy, same relative paths.
fn upload_artefacts(
    client: &Client,
    logged: &LoggedRun,
    record: &RunRecord,
    artefacts_dir: &Path,
) -> Result<()> {
    let root = proxy_root(&logged.artifact_uri).ok_or_else(|| {
        anyhow!(
            "MLflow at {}: the run's artefacts go to `{}`, which dnshunt cannot upload to; start \
             the server with --serve-artifacts (the default) so artefacts go through it \
             (`mlflow-artifacts:` URIs)",
            client.base(),
            logged.artifact_uri
        )
    })?;
    for relative in &record.artefacts {
        let path = artefacts_dir.join(relative);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("cannot read artefact {}", path.display()))?;
        client.put_artifact(&format!("{root}/{relative}"), &bytes)?;
    }
    Ok(())
}

/// The path under the artefact proxy for a `mlflow-artifacts:` URI, in either of its forms
/// (`mlflow-artifacts:/1/x/artifacts` or `mlflow-artifacts://host:port/1/x/artifacts`).
pub(super) fn proxy_root(artifact_uri: &str) -> Option<String> {
    let rest = artifact_uri.strip_prefix("mlflow-artifacts:")?;
    let path = match rest.strip_prefix("//") {
        Some(with_host) => &with_host[with_host.find('/')?..],
        None => rest,
    };
    let path = path.trim_matches('/');
    (!path.is_empty()).then(|| path.to_owned())
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_roots_come_from_both_uri_forms() {
        assert_eq!(
            proxy_root("mlflow-artifacts:/1/abc/artifacts").as_deref(),
            Some("1/abc/artifacts")
        );
        assert_eq!(
            proxy_root("mlflow-artifacts://host:5000/1/abc/artifacts").as_deref(),
            Some("1/abc/artifacts")
        );
        assert_eq!(proxy_root("s3://bucket/1/abc/artifacts"), None);
        assert_eq!(proxy_root("file:///tmp/mlruns/1/abc"), None);
    }

    #[test]
    fn non_finite_metrics_are_spelled_out() {
        assert_eq!(metric("m", f64::NAN, 1, 0)["value"], "NaN");
        assert_eq!(metric("m", f64::NEG_INFINITY, 1, 0)["value"], "-Infinity");
        assert_eq!(metric("m", 0.5, 1, 0)["value"], 0.5);
    }
}
