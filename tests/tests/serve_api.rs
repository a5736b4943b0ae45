//! `dnshunt-serve` started for real on a free port: every endpoint, the limits, auth, malformed
//! input, hot reload under load and a bad model refused.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dnshunt_e2e::{ServerProcess, binary, free_port, http};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestRunner};

fn serve(home: &Path, extra: &[&str], envs: &[(&str, &str)]) -> ServerProcess {
    let port = free_port();
    let mut command = Command::new(binary("dnshunt-serve"));
    command
        .arg("--home")
        .arg(home)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env_remove("DNSHUNT_SERVE_TOKENS");
    for (key, value) in envs {
        command.env(key, value);
    }
    ServerProcess::start(command, port, "/healthz")
}

fn post(port: u16, body: &[u8]) -> dnshunt_e2e::HttpResponse {
    http(
        port,
        "POST",
        "/v1/score",
        &[("Content-Type", "application/json")],
        body,
    )
    .unwrap()
}

#[test]
fn scores_batches_and_single_names_with_the_builtin_model() {
    let home = tempfile::tempdir().unwrap();
    let server = serve(home.path(), &[], &[]);
    let answer = post(
        server.port,
        br#"{"domains": ["ns1.asdklgb.cf.", "google.com", "bad..name", "co.uk"]}"#,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["checks"][0], "dga");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["normalized"], "ns1.asdklgb.cf");
    assert_eq!(results[0]["dga"]["label"], "dga");
    assert_eq!(results[0]["dga"]["model"], "builtin");
    assert_eq!(results[0]["verdict"]["level"], "suspicious");
    assert!(
        results[0]["verdict"]["reason"]
            .as_str()
            .unwrap()
            .contains("asdklgb")
    );
    assert_eq!(results[1]["verdict"]["level"], "benign");
    assert_eq!(results[2]["verdict"]["level"], "invalid");
    assert!(results[3]["dga"].is_null());

    let one = http(server.port, "GET", "/v1/score/7ydbdehaaz", &[], b"").unwrap();
    assert_eq!(one.json()["results"][0]["dga"]["label"], "dga");

    let models = http(server.port, "GET", "/v1/models", &[], b"")
        .unwrap()
        .json();
    assert_eq!(models["version"], "builtin");
    assert!(
        models["feature_schema"]
            .as_str()
            .unwrap()
            .starts_with("v3-")
    );
    assert_eq!(
        http(server.port, "GET", "/readyz", &[], b"")
            .unwrap()
            .status,
        200
    );
    let openapi = http(server.port, "GET", "/openapi.json", &[], b"")
        .unwrap()
        .json();
    assert!(openapi["paths"]["/v1/score"]["post"].is_object());
    let metrics = http(server.port, "GET", "/metrics", &[], b"")
        .unwrap()
        .text();
    assert!(metrics.contains("dnshunt_requests_total"), "{metrics}");
    assert!(metrics.contains("dnshunt_verdicts_total"), "{metrics}");
}

#[test]
fn bad_requests_get_clear_400s_and_limits_hold() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("serve.toml");
    std::fs::write(
        &config,
        "max_batch = 3\nmax_body_bytes = 4096\nmax_name_bytes = 300\n",
    )
    .unwrap();
    let server = serve(home.path(), &["--config", config.to_str().unwrap()], &[]);
    for (body, expect) in [
        (&b"{not json"[..], "JSON"),
        (&b"\xff\xfe{}"[..], "UTF-8"),
        (&br#"{"domains": "x"}"#[..], "JSON"),
        (&br#"{"domains": ["a", "b", "c", "d"]}"#[..], "limit is 3"),
        (&br#"{"domains": [], "extra": 1}"#[..], "JSON"),
    ] {
        let answer = post(server.port, body);
        assert_eq!(answer.status, 400, "{body:?}: {}", answer.text());
        assert!(
            answer.json()["error"].as_str().unwrap().contains(expect),
            "{}",
            answer.text()
        );
    }
    let long = format!(r#"{{"domains": ["{}.com"]}}"#, "a".repeat(400));
    assert_eq!(post(server.port, long.as_bytes()).status, 400);
    let huge = vec![b' '; 10_000];
    let answer = post(server.port, &huge);
    assert_eq!(answer.status, 413);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("split the batch"),
        "{}",
        answer.text()
    );
    let answer = http(server.port, "GET", "/v1/score/%ff", &[], b"").unwrap();
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["error"].as_str().unwrap().contains("UTF-8"),
        "{}",
        answer.text()
    );
    assert_eq!(
        http(server.port, "GET", "/v1/nothing", &[], b"")
            .unwrap()
            .status,
        404
    );
}

#[test]
fn bearer_tokens_guard_everything_but_health() {
    let home = tempfile::tempdir().unwrap();
    let token = "s3cret-token-0123456789";
    let server = serve(home.path(), &[], &[("DNSHUNT_SERVE_TOKENS", token)]);
    let body = br#"{"domains": ["example.com"]}"#;
    assert_eq!(post(server.port, body).status, 401);
    let bearer = format!("Bearer {token}");
    let wrong = "Bearer s3cret-token-0123456788";
    for (header, status) in [(bearer.as_str(), 200), (wrong, 401)] {
        let answer = http(
            server.port,
            "POST",
            "/v1/score",
            &[("Authorization", header)],
            body,
        )
        .unwrap();
        assert_eq!(answer.status, status);
    }
    assert_eq!(
        http(server.port, "GET", "/healthz", &[], b"")
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        http(server.port, "GET", "/metrics", &[], b"")
            .unwrap()
            .status,
        401
    );
}

fn train(home: &Path, args: &[&str]) {
    let output = Command::new(binary("dnshunt-train"))
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn served_version(port: u16) -> String {
    http(port, "GET", "/v1/models", &[], b"").unwrap().json()["version"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn wait_for_version(port: u16, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while served_version(port) != want {
        assert!(
            Instant::now() < deadline,
            "still serving {}",
            served_version(port)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn promote_reloads_under_load_and_a_bad_model_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let small = ["--per-family", "100", "--max-benign", "4000"];
    for seed in ["0", "1", "2"] {
        train(
            home.path(),
            &[&["fit", "--seed", seed], &small[..]].concat(),
        );
    }
    train(home.path(), &["promote", "dga", "1"]);
    let config = home.path().join("serve.toml");
    std::fs::write(&config, "reload_interval_ms = 200\n").unwrap();
    let server = serve(home.path(), &["--config", config.to_str().unwrap()], &[]);
    assert_eq!(served_version(server.port), "dga/1");

    let stop = Arc::new(AtomicBool::new(false));
    let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (stop, sent, failed, port) = (
                Arc::clone(&stop),
                Arc::clone(&sent),
                Arc::clone(&failed),
                server.port,
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let answer = post(port, br#"{"domains": ["xkqjzvwpe.com", "google.com"]}"#);
                    sent.fetch_add(1, Ordering::Relaxed);
                    if answer.status != 200 {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    train(home.path(), &["promote", "dga", "2"]);
    wait_for_version(server.port, "dga/2");
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for thread in load {
        thread.join().unwrap();
    }
    assert!(sent.load(Ordering::Relaxed) > 10);
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during the reload"
    );

    // Version 3 is damaged on disk, then promoted: refused, and version 2 keeps serving.
    let weights = home.path().join("registry/dga/versions/3/model.bin");
    std::fs::write(&weights, b"not a model").unwrap();
    train(home.path(), &["promote", "dga", "3"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.logs().contains("reload refused") {
        assert!(Instant::now() < deadline, "{}", server.logs());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(served_version(server.port), "dga/2");
    assert_eq!(post(server.port, br#"{"domains": ["a.com"]}"#).status, 200);
}

#[test]
fn sigterm_drains_and_exits_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let mut server = serve(home.path(), &[], &[]);
    server.terminate();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.logs().contains("shutting down"), "{}", server.logs());
}

/// Whatever the body, the answer is never a 5xx: bytes, JSON of the wrong shape, hostile names in
/// the right shape.
#[test]
fn fuzzed_bodies_never_get_a_5xx() {
    let home = tempfile::tempdir().unwrap();
    let server = serve(home.path(), &[], &[]);
    let bodies = proptest::prop_oneof![
        proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        "\\PC{0,200}".prop_map(String::into_bytes),
        proptest::collection::vec("\\PC{0,80}", 0..20).prop_map(|names| {
            serde_json::json!({ "domains": names })
                .to_string()
                .into_bytes()
        }),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 300,
        ..Config::default()
    });
    runner
        .run(&bodies, |body| {
            let answer = post(server.port, &body);
            proptest::prop_assert!(answer.status < 500, "{} for {:?}", answer.status, body);
            Ok(())
        })
        .unwrap();
}

#[test]
fn typosquat_and_intel_verdicts_come_together() {
    let home = tempfile::tempdir().unwrap();
    let brands = home.path().join("brands.txt");
    std::fs::write(&brands, "google.com\npaypal.com\n").unwrap();
    let feed = dnshunt_e2e::workspace_root().join("intel/tests/data/urlhaus_2020.csv");
    let server = serve(
        home.path(),
        &[
            "--brands",
            brands.to_str().unwrap(),
            "--intel",
            feed.to_str().unwrap(),
        ],
        &[],
    );
    let answer = post(
        server.port,
        br#"{"domains": ["ns1.asdklgb.cf.", "asdklgb.ga", "www.googlee.com", "google.com"]}"#,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(
        body["checks"],
        serde_json::json!(["dga", "typosquat", "intel"])
    );
    let results = body["results"].as_array().unwrap();

    let cross = &results[0];
    assert_eq!(cross["verdict"]["level"], "suspicious");
    let intel = cross["intel"].as_array().unwrap();
    assert!(
        intel.iter().all(|m| m["kind"] == "cross_suffix"),
        "{intel:?}"
    );
    assert!(
        intel
            .iter()
            .any(|m| m["reference"].as_str().unwrap_or("").contains("224861"))
    );
    let reason = cross["verdict"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("asdklgb.ga") && reason.contains("AgentTesla"),
        "{reason}"
    );

    assert_eq!(results[1]["verdict"]["level"], "malicious");
    assert_eq!(results[1]["intel"][0]["kind"], "exact");

    assert_eq!(results[2]["typosquat"][0]["brand"], "google");
    assert_eq!(results[2]["typosquat"][0]["how"], "addition");
    assert_eq!(results[2]["verdict"]["level"], "suspicious");

    assert!(results[3]["typosquat"].as_array().unwrap().is_empty());
    assert_eq!(results[3]["verdict"]["level"], "benign");
}

#[test]
fn a_changed_feed_file_is_reloaded() {
    let home = tempfile::tempdir().unwrap();
    let feed = home.path().join("blocklist.txt");
    std::fs::write(&feed, "# in-house block list\nevil.example\n").unwrap();
    let config = home.path().join("serve.toml");
    std::fs::write(&config, "reload_interval_ms = 200\n").unwrap();
    let server = serve(
        home.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--intel",
            feed.to_str().unwrap(),
        ],
        &[],
    );
    let level = |name: &str| {
        let body = format!(r#"{{"domains": ["{name}"]}}"#);
        post(server.port, body.as_bytes()).json()["results"][0]["verdict"]["level"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(level("www.evil.example"), "malicious");
    assert_eq!(level("newly-bad.example"), "benign");
    std::fs::write(
        &feed,
        "# in-house block list\nevil.example\nnewly-bad.example\n",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while level("newly-bad.example") != "malicious" {
        assert!(Instant::now() < deadline, "the new feed was not loaded");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Without `--brands` and `--intel` the service reads the home as `dnshunt detect` does: its
/// watchlist, and the feeds `dnshunt intel load` kept, reloaded when a feed is loaded again.
#[test]
fn the_homes_watchlist_and_loaded_feeds_are_used() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("watchlist.txt"), "google.com\n").unwrap();
    let feed = home.path().join("blocklist.txt");
    std::fs::write(&feed, "evil.example\n").unwrap();
    let load = || {
        let run = dnshunt_e2e::dnshunt(home.path(), &["intel", "load", feed.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(0), "{}", dnshunt_e2e::stderr(&run));
    };
    load();
    let config = home.path().join("serve.toml");
    std::fs::write(&config, "reload_interval_ms = 200\n").unwrap();
    let server = serve(home.path(), &["--config", config.to_str().unwrap()], &[]);
    let score = |name: &str| {
        let body = format!(r#"{{"domains": ["{name}"]}}"#);
        post(server.port, body.as_bytes()).json()
    };
    let body = score("www.googlee.com");
    assert_eq!(
        body["checks"],
        serde_json::json!(["dga", "typosquat", "intel"])
    );
    assert_eq!(body["results"][0]["typosquat"][0]["brand"], "google");
    assert_eq!(
        score("www.evil.example")["results"][0]["verdict"]["level"],
        "malicious"
    );

    std::fs::write(&feed, "evil.example\nnewly-bad.example\n").unwrap();
    load();
    let deadline = Instant::now() + Duration::from_secs(20);
    while score("newly-bad.example")["results"][0]["verdict"]["level"] != "malicious" {
        assert!(
            Instant::now() < deadline,
            "the reloaded feed was not picked up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
