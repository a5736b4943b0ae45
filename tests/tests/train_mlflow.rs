//! `dnshunt-train fit / promote --mlflow-uri` against a real `mlflow server` (from the workspace
//! venv) on 127.0.0.1: everything is checked by reading it back through the server's REST API.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dnshunt_e2e::{HttpResponse, binary, free_port, http, workspace_root};
use serde_json::Value;

const SMALL: [&str; 4] = ["--per-family", "100", "--max-benign", "3000"];

/// An `mlflow server` with its `SQLite` store and artefacts in a temporary folder. It runs in its
/// own process group because it forks uvicorn workers, which must go down with it.
struct MlflowServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl MlflowServer {
    fn start() -> Self {
        let exe = workspace_root().join(".venv/bin/mlflow");
        assert!(
            exe.exists(),
            "{} is missing: run `make setup` to create the Python venv with mlflow",
            exe.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(exe)
            .args(["server", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg("--backend-store-uri")
            .arg(format!(
                "sqlite:///{}",
                dir.path().join("mlflow.db").display()
            ))
            .arg("--artifacts-destination")
            .arg(dir.path().join("artifacts"))
            .args(["--workers", "1"])
            // The background job runner is for GenAI features; it only costs CPU here.
            .env("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap();
        let mut server = Self { child, port, dir };
        // Cold start of mlflow (imports, database migrations) takes 10 to 40 seconds.
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("mlflow server exited with {status}:\n{}", server.logs());
            }
            if http(port, "GET", "/health", &[], b"").is_ok_and(|r| r.status == 200) {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "mlflow server did not answer on port {port} within 90 s:\n{}",
                server.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// `GET /api/2.0/mlflow/<endpoint>`, which must answer 200 with JSON.
    fn get(&self, endpoint: &str) -> Value {
        let answer = self.get_raw(&format!("/api/2.0/mlflow/{endpoint}"));
        assert_eq!(answer.status, 200, "{endpoint}: {}", answer.text());
        answer.json()
    }

    /// `POST /api/2.0/mlflow/<endpoint>` with a JSON body, which must answer 200 with JSON.
    fn post(&self, endpoint: &str, body: &Value) -> Value {
        let answer = http(
            self.port,
            "POST",
            &format!("/api/2.0/mlflow/{endpoint}"),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(answer.status, 200, "{endpoint}: {}", answer.text());
        answer.json()
    }

    fn get_raw(&self, path: &str) -> HttpResponse {
        http(self.port, "GET", path, &[], b"").unwrap()
    }

    fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{}", self.child.id())])
            // "No such process" once the group is gone is expected, not news.
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for MlflowServer {
    fn drop(&mut self) {
        self.signal_group("-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Workers that ignored SIGTERM, or the parent itself.
        self.signal_group("-KILL");
        let _ = self.child.wait();
    }
}

fn train(home: &Path, args: &[&str]) -> Output {
    Command::new(binary("dnshunt-train"))
        .arg("--home")
        .arg(home)
        .args(args)
        // A developer's own MLflow settings must not leak into the test.
        .env_remove("MLFLOW_TRACKING_URI")
        .env_remove("MLFLOW_EXPERIMENT_NAME")
        .env_remove("MLFLOW_TRACKING_TOKEN")
        .env_remove("MLFLOW_TRACKING_USERNAME")
        .env_remove("MLFLOW_TRACKING_PASSWORD")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text after `prefix` on the first line that starts with it.
fn field<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{text}"))
        .trim()
}

/// What one `fit --mlflow-uri` printed.
struct Fitted {
    local_run: String,
    mlflow_run: String,
    mlflow_version: String,
}

fn fit_mirrored(home: &Path, server: &MlflowServer, extra: &[&str]) -> Fitted {
    let uri = server.uri();
    let out = stdout(&train(
        home,
        &[&["fit", "--mlflow-uri", &uri], &SMALL[..], extra].concat(),
    ));
    Fitted {
        local_run: field(&out, "run ").to_owned(),
        mlflow_run: field(&out, "mlflow run ")
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned(),
        mlflow_version: field(&out, "mlflow version dga/").to_owned(),
    }
}

fn pairs(list: &Value) -> Vec<(String, Value)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["key"].as_str().unwrap().to_owned(), e["value"].clone()))
        .collect()
}

fn lookup<'a>(pairs: &'a [(String, Value)], key: &str) -> &'a Value {
    pairs
        .iter()
        .find_map(|(k, v)| (k == key).then_some(v))
        .unwrap_or_else(|| panic!("no `{key}` in {pairs:?}"))
}

fn local_run(home: &Path, id: &str) -> Value {
    let text = std::fs::read_to_string(home.join("runs").join(id).join("run.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn promote(home: &Path, version: &str, uri: &str) -> Output {
    let args = [
        "promote",
        "dga",
        version,
        "--alias",
        "champion",
        "--mlflow-uri",
        uri,
    ];
    train(home, &args)
}

/// The run on the server has the local run's status, parameters, final and per-step metrics
/// and tags; returns its experiment id.
fn check_run(server: &MlflowServer, home: &Path, fitted: &Fitted) -> String {
    let experiment = server.get("experiments/get-by-name?experiment_name=dnshunt-dga");
    let experiment_id = experiment["experiment"]["experiment_id"].as_str().unwrap();
    let local = local_run(home, &fitted.local_run);
    let run = server.get(&format!("runs/get?run_id={}", fitted.mlflow_run));
    let info = &run["run"]["info"];
    assert_eq!(info["experiment_id"], experiment_id);
    assert_eq!(info["status"], "FINISHED");
    assert_eq!(info["run_name"], fitted.local_run.as_str());
    let params = pairs(&run["run"]["data"]["params"]);
    for (key, value) in local["params"].as_object().unwrap() {
        assert_eq!(lookup(&params, key), value, "param {key}");
    }
    let metrics = pairs(&run["run"]["data"]["metrics"]);
    let roc_auc = lookup(&metrics, "roc_auc").as_f64().unwrap();
    assert_eq!(roc_auc, local["metrics"]["roc_auc"].as_f64().unwrap());
    assert!(roc_auc > 0.9, "{roc_auc}");
    let tags = pairs(&run["run"]["data"]["tags"]);
    assert_eq!(lookup(&tags, "dnshunt_run_id"), fitted.local_run.as_str());
    assert_eq!(
        lookup(&tags, "dnshunt_dataset_manifest_hash"),
        &local["params"]["dataset_manifest_hash"]
    );
    assert_eq!(
        lookup(&tags, "dnshunt_feature_schema"),
        &local["params"]["feature_schema"]
    );
    assert!(lookup(&tags, "dnshunt_code_version").as_str().is_some());

    // One validation loss per boosting round, at its step.
    let rounds: u64 = local["params"]["rounds"].as_str().unwrap().parse().unwrap();
    let history = server.get(&format!(
        "metrics/get-history?run_id={}&metric_key=validation_log_loss&max_results=10000",
        fitted.mlflow_run
    ));
    let mut steps: Vec<u64> = history["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["step"].as_u64().unwrap())
        .collect();
    steps.sort_unstable();
    assert_eq!(steps, (1..=rounds).collect::<Vec<_>>());
    experiment_id.to_owned()
}

/// The artefacts are listed under the run, and the model bytes served are the local ones.
fn check_artefacts(server: &MlflowServer, home: &Path, fitted: &Fitted, experiment_id: &str) {
    let listed = server.get(&format!(
        "artifacts/list?run_id={}&path=model",
        fitted.mlflow_run
    ));
    let files: Vec<&str> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"model/model.bin"), "{files:?}");
    assert!(files.contains(&"model/manifest.json"), "{files:?}");
    let top = server.get(&format!("artifacts/list?run_id={}", fitted.mlflow_run));
    assert!(top.to_string().contains("evaluation.json"), "{top}");
    let downloaded = server.get_raw(&format!(
        "/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{}/artifacts/model/model.bin",
        fitted.mlflow_run
    ));
    assert_eq!(downloaded.status, 200);
    let local = home.join("runs").join(&fitted.local_run).join("artefacts");
    assert_eq!(
        downloaded.body,
        std::fs::read(local.join("model/model.bin")).unwrap()
    );
}

#[test]
fn fit_and_promote_are_mirrored_on_a_real_mlflow_server() {
    let server = MlflowServer::start();
    let uri = server.uri();
    let home = tempfile::tempdir().unwrap();
    let first = fit_mirrored(home.path(), &server, &[]);
    let second = fit_mirrored(home.path(), &server, &["--seed", "1"]);
    let experiment_id = check_run(&server, home.path(), &first);
    check_artefacts(&server, home.path(), &first, &experiment_id);

    // A fit that fails locally is on the server too, as FAILED with the reason.
    let broken = train(
        home.path(),
        &[
            "fit",
            "--add-family",
            "newfam=/nonexistent",
            "--mlflow-uri",
            &uri,
        ],
    );
    assert_eq!(broken.status.code(), Some(2));
    let failed = server.post(
        "runs/search",
        &serde_json::json!({
            "experiment_ids": [experiment_id],
            "filter": "attributes.status = 'FAILED'",
        }),
    );
    let failed_runs = failed["runs"].as_array().unwrap();
    assert_eq!(failed_runs.len(), 1, "{failed}");
    let error = pairs(&failed_runs[0]["data"]["tags"]);
    assert!(
        lookup(&error, "dnshunt_error")
            .as_str()
            .unwrap()
            .contains("/nonexistent"),
        "{error:?}"
    );

    // Each fit is a registry version made from its run; the alias follows local promotes.
    let version = server.get(&format!(
        "model-versions/get?name=dga&version={}",
        first.mlflow_version
    ));
    assert_eq!(
        version["model_version"]["run_id"],
        first.mlflow_run.as_str()
    );
    let promoted = stdout(&promote(home.path(), "1", &uri));
    let expected = format!("mlflow dga@champion: version {}", first.mlflow_version);
    assert!(promoted.contains(&expected), "{promoted}");
    let champion = server.get("registered-models/alias?name=dga&alias=champion");
    assert_eq!(
        champion["model_version"]["run_id"],
        first.mlflow_run.as_str()
    );
    assert_eq!(
        champion["model_version"]["version"],
        first.mlflow_version.as_str()
    );
    stdout(&promote(home.path(), "2", &uri));
    let moved = server.get("registered-models/alias?name=dga&alias=champion");
    assert_eq!(moved["model_version"]["run_id"], second.mlflow_run.as_str());

    // A version fitted without --mlflow-uri is not on the server: promote says so, exits 1,
    // and the local alias still moves.
    stdout(&train(
        home.path(),
        &[&["fit", "--seed", "2"], &SMALL[..]].concat(),
    ));
    let missing = promote(home.path(), "3", &uri);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("dga/3") && stderr.contains(&uri),
        "{stderr}"
    );
    let versions = stdout(&train(home.path(), &["versions"]));
    let champion_line = versions.lines().find(|l| l.ends_with("champion")).unwrap();
    assert_eq!(
        champion_line.split_whitespace().nth(1),
        Some("3"),
        "{versions}"
    );
    let still = server.get("registered-models/alias?name=dga&alias=champion");
    assert_eq!(still["model_version"]["run_id"], second.mlflow_run.as_str());
    drop(server);
}

#[test]
fn an_unreachable_server_fails_the_fit_but_keeps_the_local_run() {
    let home = tempfile::tempdir().unwrap();
    let uri = format!("http://127.0.0.1:{}", free_port());
    let output = train(
        home.path(),
        &[&["fit", "--mlflow-uri", &uri], &SMALL[..]].concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&uri) && stderr.contains("experiments/get-by-name"),
        "{stderr}"
    );
    assert!(stderr.contains("mlflow server"), "{stderr}");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("version dga/1"), "{out}");
    let runs = stdout(&train(home.path(), &["runs"]));
    assert_eq!(runs.lines().filter(|l| l.contains("finished")).count(), 1);

    // A URI that is not http(s) is refused before fitting.
    let refused = train(home.path(), &["fit", "--mlflow-uri", "file:./mlruns"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--mlflow-uri"));
    assert_eq!(
        run_count(home.path()),
        1,
        "a refused URI must not start a run"
    );
}

/// Runs recorded in a home, counted from the run store's folders.
fn run_count(home: &Path) -> usize {
    std::fs::read_dir(home.join("runs")).map_or(0, Iterator::count)
}
