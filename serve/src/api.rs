//! The HTTP surface: routes, request parsing with clear 400s, and the `OpenAPI` document generated
//! from these types and handlers.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::engine::{ModelInfo, ScoreResult};
use crate::state::AppState;

/// `POST /v1/score` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// Names to judge, as seen in DNS (trailing dots, upper case and Unicode are fine).
    pub domains: Vec<String>,
}

/// `POST /v1/score` answer: one result per requested name, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreResponse {
    /// The results.
    pub results: Vec<ScoreResult>,
    /// The checks that ran (`dga`, `typosquat`, `intel`); a check not listed did not run.
    pub checks: Vec<&'static str>,
}

/// An error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong and what to do.
    pub error: String,
}

/// `GET /healthz` and `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or why not.
    pub status: String,
}

/// An error with its HTTP status.
pub struct ApiError(StatusCode, String);

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError(StatusCode::BAD_REQUEST, message.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        metrics::counter!("dnshunt_request_errors_total", "status" => self.0.as_u16().to_string())
            .increment(1);
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dnshunt scoring API",
        description = "DGA, typosquat and threat-intel verdicts for domain names."
    ),
    paths(score_batch, score_one, models, healthz, readyz, prometheus),
    components(schemas(ScoreRequest, ScoreResponse, ErrorBody, Health))
)]
struct ApiDoc;

/// The `OpenAPI` document, as served at `/openapi.json`.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// Judge a batch of names.
#[utoipa::path(
    post,
    path = "/v1/score",
    request_body = ScoreRequest,
    responses(
        (status = 200, description = "One result per name", body = ScoreResponse),
        (status = 400, description = "Malformed body, too many names or a name too long", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    )
)]
pub async fn score_batch(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ScoreResponse>, ApiError> {
    // axum's own rejections are plain text; every error of this API is an `ErrorBody`.
    let body = body.map_err(|rejection| {
        let message = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the body is over {} bytes: split the batch",
                state.config.max_body_bytes
            )
        } else {
            rejection.body_text()
        };
        ApiError(rejection.status(), message)
    })?;
    let text = std::str::from_utf8(&body).map_err(|err| {
        ApiError::bad_request(format!(
            "the body is not UTF-8 (bad byte at offset {})",
            err.valid_up_to()
        ))
    })?;
    let request: ScoreRequest = serde_json::from_str(text).map_err(|err| {
        ApiError::bad_request(format!(
            "the body must be JSON like {{\"domains\": [\"example.com\"]}}: {err}"
        ))
    })?;
    if request.domains.len() > state.config.max_batch {
        return Err(ApiError::bad_request(format!(
            "{} names in one request; the limit is {}: split the batch",
            request.domains.len(),
            state.config.max_batch
        )));
    }
    check_lengths(&request.domains, state.config.max_name_bytes)?;
    metrics::histogram!("dnshunt_batch_size").record(request.domains.len() as f64);
    Ok(Json(score(&state, request.domains).await?))
}

/// Judge one name.
#[utoipa::path(
    get,
    path = "/v1/score/{domain}",
    params(("domain" = String, Path, description = "The name to judge")),
    responses(
        (status = 200, description = "The result", body = ScoreResponse),
        (status = 400, description = "Name too long", body = ErrorBody),
    )
)]
pub async fn score_one(
    State(state): State<Arc<AppState>>,
    domain: Result<Path<String>, PathRejection>,
) -> Result<Json<ScoreResponse>, ApiError> {
    let Path(domain) = domain.map_err(|rejection| {
        ApiError::bad_request(format!(
            "{}; send the name percent-encoded UTF-8",
            rejection.body_text()
        ))
    })?;
    let domains = vec![domain];
    check_lengths(&domains, state.config.max_name_bytes)?;
    metrics::histogram!("dnshunt_batch_size").record(1.0);
    Ok(Json(score(&state, domains).await?))
}

fn check_lengths(domains: &[String], limit: usize) -> Result<(), ApiError> {
    if let Some(index) = domains.iter().position(|d| d.len() > limit) {
        return Err(ApiError::bad_request(format!(
            "name {index} is {} bytes; names longer than {limit} bytes are refused",
            domains[index].len()
        )));
    }
    Ok(())
}

/// Scores on the blocking pool once a scoring slot is free, on the engine current then, so a
/// reload never changes the engine under a request.
async fn score(state: &AppState, domains: Vec<String>) -> Result<ScoreResponse, ApiError> {
    let slot = Arc::clone(&state.scoring)
        .acquire_owned()
        .await
        .map_err(|_| ApiError(StatusCode::SERVICE_UNAVAILABLE, "shutting down".to_owned()))?;
    let engine = state.engine();
    let checks = engine.checks();
    // The slot goes with the work: released when scoring ends, even if the request timed out.
    let results = tokio::task::spawn_blocking(move || {
        let results = engine.score(&domains);
        drop(slot);
        results
    })
    .await
    .map_err(|_| {
        ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "scoring failed; the error is logged".to_owned(),
        )
    })?;
    for result in &results {
        metrics::counter!("dnshunt_verdicts_total", "verdict" => result.verdict.level.as_str())
            .increment(1);
    }
    Ok(ScoreResponse { results, checks })
}

/// The loaded model: version, metrics, feature schema.
#[utoipa::path(get, path = "/v1/models", responses((status = 200, description = "The loaded model")))]
pub async fn models(State(state): State<Arc<AppState>>) -> Json<ModelInfo> {
    Json(state.engine().model_info())
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: a model is loaded and the service is not shutting down.
#[utoipa::path(get, path = "/readyz", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.is_draining() {
        let body = Health {
            status: "shutting down".to_owned(),
        };
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    Json(Health {
        status: "ok".to_owned(),
    })
    .into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format")))]
pub async fn prometheus(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// The `OpenAPI` document.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Refuses requests without an accepted bearer token when tokens are configured. Health checks
/// stay open so that orchestrators can probe.
pub async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let open = matches!(request.uri().path(), "/healthz" | "/readyz");
    if state.tokens.enabled() && !open {
        let header = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(axum::http::HeaderValue::as_bytes);
        if !state.tokens.accepts(header) {
            return ApiError(
                StatusCode::UNAUTHORIZED,
                "send `Authorization: Bearer <token>`".to_owned(),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Counts requests and records their latency by route and status.
pub async fn record_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("dnshunt_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("dnshunt_request_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
