//! State shared by every request: settings, tokens, metrics, and the current engine, which a
//! reload replaces atomically.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Semaphore;

use crate::auth::Tokens;
use crate::config::Config;
use crate::engine::Engine;

/// Shared by all handlers.
pub struct AppState {
    /// Settings.
    pub config: Config,
    /// Accepted bearer tokens.
    pub tokens: Tokens,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    engine: RwLock<Arc<Engine>>,
    draining: AtomicBool,
    /// One permit per batch being scored (`scoring_slots`).
    pub scoring: Arc<Semaphore>,
}

impl AppState {
    /// State serving `engine`.
    pub fn new(config: Config, tokens: Tokens, metrics: PrometheusHandle, engine: Engine) -> Self {
        AppState {
            scoring: Arc::new(Semaphore::new(config.scoring_slots)),
            config,
            tokens,
            metrics,
            engine: RwLock::new(Arc::new(engine)),
            draining: AtomicBool::new(false),
        }
    }

    /// The current engine. A request keeps the one it got until it finishes, so a swap never
    /// mixes two models in one answer.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(
            &self
                .engine
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Puts a new engine in place for the requests that start from now on.
    pub fn swap(&self, engine: Engine) {
        *self
            .engine
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(engine);
    }

    /// Marks the service as shutting down: `/readyz` answers 503 from now on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}
