//! The run store, `home/runs/`: every fit is a run with its parameters, metrics (final and per
//! step), tags and artefacts, like an `MLflow` run, kept as plain files that are never rewritten.
//!
//! A run folder `runs/<id>/` gets `started.json` when the run starts and `run.json` when it ends
//! (each written once); artefacts go under `runs/<id>/artefacts/`. A folder with `started.json`
//! but no `run.json` is a run that is still going or was killed; listings show it as unfinished.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::classifier::StepMetric;
use crate::error::{ModelsError, Result};
use crate::files;
use crate::fit::Trained;
use crate::model::Model;

/// The run's own file names.
const STARTED_FILE: &str = "started.json";
const RUN_FILE: &str = "run.json";
/// The artefacts folder inside a run.
pub const ARTEFACTS_DIR: &str = "artefacts";
/// Where [`ActiveRun::record_trained`] puts the model inside the artefacts folder.
pub const MODEL_ARTEFACT: &str = "model";

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Started, not ended (still going, or killed).
    Unfinished,
    /// Ended normally.
    Finished,
    /// Ended with an error.
    Failed,
}

/// Everything recorded about a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// `YYYYMMDD-HHMMSS-xxxxxx`: sorts by start time.
    pub id: String,
    /// What the run does (`fit`, `eval`).
    pub name: String,
    /// How it ended.
    pub status: RunStatus,
    /// Why it failed, for failed runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Start time.
    pub started_at: DateTime<Utc>,
    /// End time.
    pub ended_at: Option<DateTime<Utc>>,
    /// Parameters, flat.
    pub params: BTreeMap<String, String>,
    /// Final metrics.
    pub metrics: BTreeMap<String, f64>,
    /// Per-step metrics.
    pub steps: Vec<StepMetric>,
    /// Free-form tags.
    pub tags: BTreeMap<String, String>,
    /// Artefact files, relative to the run's artefacts folder, in the order written.
    pub artefacts: Vec<String>,
}

/// The run store in a dnshunt home.
#[derive(Debug, Clone)]
pub struct RunStore {
    root: PathBuf,
}

impl RunStore {
    /// The store in `home/runs` (created on first use).
    pub fn open(home: &Path) -> Self {
        Self {
            root: home.join("runs"),
        }
    }

    /// The folder of run `id`.
    pub fn run_dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    /// Starts a run: creates its folder and `started.json`.
    pub fn start(&self, name: &str, tags: BTreeMap<String, String>) -> Result<ActiveRun> {
        files::create_dir_all(&self.root)?;
        let started_at = Utc::now();
        let mut attempt = 0u64;
        let (id, dir) = loop {
            let salt = dnshunt_features::schema::stable_hash(
                format!(
                    "{}-{}-{attempt}-{name}",
                    std::process::id(),
                    started_at.timestamp_nanos_opt().unwrap_or_default()
                )
                .into_bytes(),
            );
            let id = format!(
                "{}-{:06x}",
                started_at.format("%Y%m%d-%H%M%S"),
                salt & 0xff_ffff
            );
            let dir = self.root.join(&id);
            match std::fs::create_dir(&dir) {
                Ok(()) => break (id, dir),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(err) => return Err(ModelsError::io(&dir)(err)),
            }
        };
        let record = RunRecord {
            id,
            name: name.to_owned(),
            status: RunStatus::Unfinished,
            error: None,
            started_at,
            ended_at: None,
            params: BTreeMap::new(),
            metrics: BTreeMap::new(),
            steps: Vec::new(),
            tags,
            artefacts: Vec::new(),
        };
        files::write_new_json(&dir.join(STARTED_FILE), &record)?;
        Ok(ActiveRun { dir, record })
    }

    /// Run `id` as recorded (unfinished runs as they started).
    pub fn get(&self, id: &str) -> Result<RunRecord> {
        if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
            return Err(ModelsError::NotFound(format!("`{id}` is not a run id")));
        }
        let dir = self.root.join(id);
        let finished = dir.join(RUN_FILE);
        if finished.exists() {
            return files::read_json(&finished);
        }
        let started = dir.join(STARTED_FILE);
        if started.exists() {
            return files::read_json(&started);
        }
        Err(ModelsError::NotFound(format!(
            "no run `{id}` in {}; list runs with `dnshunt-train runs`",
            self.root.display()
        )))
    }

    /// Every run, oldest first.
    pub fn list(&self) -> Result<Vec<RunRecord>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(ModelsError::io(&self.root)(err)),
        };
        // A folder without a run record is not a run (a user's notes, a copy in progress).
        let is_run = |dir: &Path| dir.join(RUN_FILE).exists() || dir.join(STARTED_FILE).exists();
        let mut ids: Vec<String> = entries
            .filter_map(std::result::Result::ok)
            .filter(|e| is_run(&e.path()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .collect();
        ids.sort();
        ids.iter()
            .map(|id| {
                self.get(id).map_err(|err| {
                    err.advise("move that run's folder out of the runs folder to list the others")
                })
            })
            .collect()
    }
}

/// A run in progress: log to it, then [`ActiveRun::finish`] or [`ActiveRun::fail`].
#[derive(Debug)]
pub struct ActiveRun {
    dir: PathBuf,
    record: RunRecord,
}

impl ActiveRun {
    /// The run id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// The run's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The record so far.
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// Records parameters; a key logged twice with another value is an error (as in `MLflow`).
    pub fn log_params(&mut self, params: impl IntoIterator<Item = (String, String)>) -> Result<()> {
        for (key, value) in params {
            match self.record.params.get(&key) {
                Some(old) if *old != value => {
                    return Err(ModelsError::InvalidInput(format!(
                        "run {}: parameter `{key}` is already `{old}`, cannot change it to \
                         `{value}`",
                        self.record.id
                    )));
                }
                _ => {
                    self.record.params.insert(key, value);
                }
            }
        }
        Ok(())
    }

    /// Records a final metric (the last value logged wins).
    pub fn log_metric(&mut self, key: impl Into<String>, value: f64) {
        self.record.metrics.insert(key.into(), value);
    }

    /// Records per-step metrics.
    pub fn log_steps(&mut self, steps: &[StepMetric]) {
        self.record.steps.extend_from_slice(steps);
    }

    /// Sets a tag.
    pub fn set_tag(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.record.tags.insert(key.into(), value.into());
    }

    /// Writes an artefact file (a plot, a report) under the run's artefacts folder; `relative`
    /// may contain `/` but not `..`. Refuses to replace a file.
    pub fn write_artefact(&mut self, relative: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.artefact_path(relative)?;
        if let Some(parent) = path.parent() {
            files::create_dir_all(parent)?;
        }
        files::write_new(&path, bytes)?;
        self.record.artefacts.push(relative.to_owned());
        Ok(path)
    }

    fn artefact_path(&self, relative: &str) -> Result<PathBuf> {
        let safe = !relative.is_empty()
            && !relative.starts_with('/')
            && relative
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if safe {
            Ok(self.dir.join(ARTEFACTS_DIR).join(relative))
        } else {
            Err(ModelsError::InvalidInput(format!(
                "artefact path `{relative}` must be relative, without `.` or `..` parts"
            )))
        }
    }

    /// Records a fit: parameters, test metrics, timings, per-step metrics, the model under
    /// `artefacts/model/` and the full evaluation as `artefacts/evaluation.json`.
    pub fn record_trained(&mut self, trained: &Trained) -> Result<()> {
        let manifest = trained.model.manifest();
        self.log_params(manifest.flat_params())?;
        self.log_params([
            (
                "feature_schema".to_owned(),
                manifest.feature_schema_id.clone(),
            ),
            (
                "dataset_manifest_hash".to_owned(),
                manifest.dataset_manifest_hash.clone(),
            ),
        ])?;
        for (key, value) in trained.evaluation.summary() {
            self.log_metric(key, value);
        }
        let t = trained.timings;
        self.log_metric("fit_seconds", t.fit_seconds);
        self.log_metric("features_seconds", t.features_seconds);
        self.log_metric("label_ngrams_seconds", t.label_ngrams_seconds);
        self.log_metric("calibrate_seconds", t.calibrate_seconds);
        for threshold in &manifest.thresholds {
            let tag = crate::evaluate::fpr_tag(threshold.target_fpr);
            self.log_metric(
                format!("threshold_at_fpr_{tag}"),
                f64::from(threshold.threshold),
            );
        }
        self.log_steps(&trained.steps);
        self.save_model(&trained.model)?;
        let evaluation = serde_json::to_vec_pretty(&trained.evaluation).map_err(|err| {
            ModelsError::InvalidInput(format!("cannot serialize the evaluation: {err}"))
        })?;
        self.write_artefact("evaluation.json", &evaluation)?;
        Ok(())
    }

    /// Writes a model's two files under `artefacts/model/`.
    pub fn save_model(&mut self, model: &Model) -> Result<PathBuf> {
        let dir = self.artefact_path(MODEL_ARTEFACT)?;
        model.write(&dir)?;
        for file in [crate::model::WEIGHTS_FILE, crate::model::MANIFEST_FILE] {
            self.record
                .artefacts
                .push(format!("{MODEL_ARTEFACT}/{file}"));
        }
        Ok(dir)
    }

    /// Ends the run normally; writes `run.json`.
    pub fn finish(self) -> Result<RunRecord> {
        self.end(RunStatus::Finished, None)
    }

    /// Ends the run as failed, with the reason; writes `run.json`.
    pub fn fail(self, reason: &str) -> Result<RunRecord> {
        self.end(RunStatus::Failed, Some(reason.to_owned()))
    }

    fn end(mut self, status: RunStatus, error: Option<String>) -> Result<RunRecord> {
        self.record.status = status;
        self.record.error = error;
        self.record.ended_at = Some(Utc::now());
        files::write_new_json(&self.dir.join(RUN_FILE), &self.record)?;
        Ok(self.record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_recorded_once_and_listed() {
        let home = tempfile::tempdir().unwrap();
        let store = RunStore::open(home.path());
        assert!(store.list().unwrap().is_empty());
        let mut run = store
            .start(
                "fit",
                BTreeMap::from([("who".to_owned(), "test".to_owned())]),
            )
            .unwrap();
        let id = run.id().to_owned();
        run.log_params([("trees".to_owned(), "3".to_owned())])
            .unwrap();
        assert!(
            run.log_params([("trees".to_owned(), "4".to_owned())])
                .is_err()
        );
        run.log_metric("roc_auc", 0.9);
        run.log_steps(&[StepMetric {
            key: "loss".to_owned(),
            step: 1,
            value: 0.5,
        }]);
        run.write_artefact("plots/roc.svg", b"<svg/>").unwrap();
        assert!(run.write_artefact("plots/roc.svg", b"again").is_err());
        assert!(run.write_artefact("../escape", b"x").is_err());
        assert_eq!(store.get(&id).unwrap().status, RunStatus::Unfinished);

        let second = store.start("eval", BTreeMap::new()).unwrap();
        let record = run.finish().unwrap();
        assert_eq!(record.status, RunStatus::Finished);
        assert_eq!(record.artefacts, ["plots/roc.svg"]);
        second.fail("no data").unwrap();

        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 2);
        let first = listed.iter().find(|r| r.id == id).unwrap();
        assert_eq!(first.metrics["roc_auc"], 0.9);
        assert_eq!(first.params["trees"], "3");
        assert_eq!(first.steps.len(), 1);
        assert!(
            listed
                .iter()
                .any(|r| r.status == RunStatus::Failed && r.error.as_deref() == Some("no data"))
        );
        assert!(store.get("../x").is_err());
        assert!(
            store
                .get("nope")
                .unwrap_err()
                .to_string()
                .contains("no run")
        );

        // A folder that is no run is not listed; a damaged record names itself and the way out.
        std::fs::create_dir(store.root.join("notes")).unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        std::fs::write(store.root.join(&id).join(RUN_FILE), "").unwrap();
        let err = store.list().unwrap_err().to_string();
        assert!(
            err.contains(RUN_FILE) && err.contains("move that run's folder"),
            "{err}"
        );
    }
}
