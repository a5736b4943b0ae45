//! dnshunt-serve: the HTTP scoring API. Other services send names and get DGA, typosquat and
//! threat-intel verdicts back; the model reloads when a new version is promoted.

mod api;
mod auth;
mod config;
mod engine;
mod reload;
mod source;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use clap::Parser;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::state::AppState;

/// Serve DGA, typosquat and threat-intel verdicts over HTTP.
#[derive(Parser)]
#[command(name = "dnshunt-serve", version, about, max_term_width = 100)]
struct Cli {
    /// Settings file (TOML); flags given here override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Home holding the model registry.
    #[arg(long, env = "DNSHUNT_HOME")]
    home: Option<PathBuf>,
    /// Model: `dga@ALIAS`, `dga/VERSION`, `dga` (latest), an artefact folder, or `builtin`
    /// [default: dga@champion, or builtin while the registry has no champion].
    #[arg(long)]
    model: Option<String>,
    /// Brand watchlist for the typosquat check [default: <home>/watchlist.txt, when present].
    #[arg(long)]
    brands: Option<PathBuf>,
    /// Threat-intel feed file (repeatable) [default: the feeds `dnshunt intel load` kept in
    /// <home>/intel].
    #[arg(long)]
    intel: Vec<PathBuf>,
    /// File of accepted bearer tokens, one a line (also: `DNSHUNT_SERVE_TOKENS`).
    #[arg(long)]
    tokens_file: Option<PathBuf>,
    /// Log lines as JSON objects instead of text.
    #[arg(long)]
    log_json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(cli.log_json);
    match settings(cli).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dnshunt-serve: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DNSHUNT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn settings(cli: Cli) -> Result<Config> {
    let mut config = match &cli.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(listen) = cli.listen {
        config.listen = listen;
    }
    if let Some(home) = cli.home {
        config.home = home;
    }
    if let Some(model) = cli.model {
        config.model = model;
    }
    if cli.brands.is_some() {
        config.brands = cli.brands;
    }
    if !cli.intel.is_empty() {
        config.intel = cli.intel;
    }
    if cli.tokens_file.is_some() {
        config.tokens_file = cli.tokens_file;
    }
    config.check()?;
    Ok(config)
}

fn run(config: Config) -> Result<()> {
    let tokens = auth::Tokens::load(config.tokens_file.as_deref())?;
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .context("cannot set up the metrics recorder")?;
    let fingerprint = source::fingerprint(&config)?;
    let engine = source::load(&config)?;
    reload::check(&engine)?;
    tracing::info!(model = %engine.dga.version, origin = %engine.dga.origin, auth = tokens.enabled(), "loaded");
    metrics::gauge!("dnshunt_model_info", "version" => engine.dga.version.clone()).set(1.0);
    let state = Arc::new(AppState::new(config, tokens, metrics, engine));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(state.config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", state.config.listen))?;
        tracing::info!(listen = %listener.local_addr()?, "serving");
        tokio::spawn(reload::watch(Arc::clone(&state), fingerprint));
        let app = router(Arc::clone(&state));
        let draining = Arc::clone(&state);
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                tracing::info!("shutting down: finishing the requests in flight");
                draining.start_draining();
            })
            .await
            .context("the server stopped")
    })
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/score", post(api::score_batch))
        .route("/v1/score/{domain}", get(api::score_one))
        .route("/v1/models", get(api::models))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::prometheus))
        .route("/openapi.json", get(api::openapi))
        .route_layer(middleware::from_fn(api::record_metrics))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            api::require_token,
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.timeout(),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
