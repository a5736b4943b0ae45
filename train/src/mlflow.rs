//! A small blocking client for the `MLflow` tracking server's REST API (2.0): enough to mirror
//! dnshunt's runs and registry versions on a team's server. The local run store and registry stay
//! the source of truth; the server gets a copy.

mod registry;
mod tracking;

use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::Value;

pub use registry::{register_version, set_alias};
pub use tracking::{LoggedRun, log_run};

/// The experiment dnshunt logs fits to unless told otherwise.
pub const DEFAULT_EXPERIMENT: &str = "dnshunt-dga";

/// `--mlflow-*` flags shared by the commands that mirror to a tracking server.
#[derive(clap::Args, Debug, Clone)]
pub struct MlflowArgs {
    /// The tracking server's URL (help text spelled out: doc comments need `MLflow` in
    /// backticks, which the terminal would show).
    #[arg(
        long,
        env = "MLFLOW_TRACKING_URI",
        value_name = "URL",
        help = "Also log to this MLflow tracking server (http://host:port), through its REST API"
    )]
    pub mlflow_uri: Option<String>,
}

impl MlflowArgs {
    /// The client for `--mlflow-uri`, if given (an empty value counts as not given), with the
    /// credentials of the environment.
    pub fn client(&self) -> Result<Option<Client>> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let authorization = credentials(
            env("MLFLOW_TRACKING_TOKEN").as_deref(),
            env("MLFLOW_TRACKING_USERNAME").as_deref(),
            env("MLFLOW_TRACKING_PASSWORD").as_deref(),
        );
        self.mlflow_uri
            .as_deref()
            .filter(|uri| !uri.trim().is_empty())
            .map(|uri| Client::new(uri, authorization))
            .transpose()
    }
}

/// The `Authorization` header the `MLflow` client would send: a bearer token, else basic
/// authentication (as with `mlflow server --app-name basic-auth`).
fn credentials(token: Option<&str>, user: Option<&str>, password: Option<&str>) -> Option<String> {
    if let Some(token) = token {
        return Some(format!("Bearer {token}"));
    }
    let pair = format!("{}:{}", user?, password.unwrap_or_default());
    Some(format!("Basic {}", base64(pair.as_bytes())))
}

/// Standard base64 with padding (RFC 4648), for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A tracking server at one base URL.
pub struct Client {
    base: String,
    agent: ureq::Agent,
    /// The `Authorization` header, when the environment gives credentials.
    authorization: Option<String>,
}

/// The API family an endpoint belongs to.
#[derive(Clone, Copy)]
enum Api {
    /// `/api/2.0/mlflow/...`: experiments, runs, registry.
    Tracking,
    /// `/api/2.0/mlflow-artifacts/artifacts/...`: the artefact proxy.
    Artifacts,
}

impl Client {
    /// A client for `uri`, which must be an `http://` or `https://` URL.
    pub fn new(uri: &str, authorization: Option<String>) -> Result<Self> {
        let base = uri.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!(
                "MLflow URI `{uri}` is not an http(s) URL; dnshunt talks to a tracking server \
                 over REST: pass --mlflow-uri http://HOST:PORT (or unset MLFLOW_TRACKING_URI)"
            );
        }
        let config = ureq::Agent::config_builder()
            // Error answers carry MLflow's message in the body; read it rather than drop it.
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .build();
        Ok(Self {
            base: base.to_owned(),
            agent: config.into(),
            authorization,
        })
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /api/2.0/mlflow/<endpoint>?query`; `Ok(None)` when the server says the resource does
    /// not exist.
    fn get(&self, endpoint: &str, query: &[(&str, &str)]) -> Result<Option<Value>> {
        let url = self.url(Api::Tracking, endpoint);
        let mut request = self.authorize(self.agent.get(&url));
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        let answer = request.call();
        self.answer("GET", endpoint, answer, true)
    }

    /// `POST /api/2.0/mlflow/<endpoint>` with a JSON body.
    fn post(&self, endpoint: &str, body: &Value) -> Result<Value> {
        let answer = self
            .authorize(self.agent.post(&self.url(Api::Tracking, endpoint)))
            .content_type("application/json")
            .send(body.to_string());
        self.answer("POST", endpoint, answer, false)
            .map(Option::unwrap_or_default)
    }

    /// `POST` that may fail only because the resource already exists: `Ok(false)` then.
    fn post_unless_exists(&self, endpoint: &str, body: &Value) -> Result<bool> {
        let answer = self
            .authorize(self.agent.post(&self.url(Api::Tracking, endpoint)))
            .content_type("application/json")
            .send(body.to_string());
        match answer {
            Ok(mut response) if response.status().as_u16() == 400 => {
                let text = response.body_mut().read_to_string().unwrap_or_default();
                if error_code(&text) == Some("RESOURCE_ALREADY_EXISTS") {
                    Ok(false)
                } else {
                    Err(self.failure("POST", endpoint, 400, &text))
                }
            }
            other => self.answer("POST", endpoint, other, false).map(|_| true),
        }
    }

    /// Uploads one artefact file through the server's artefact proxy; `path` is relative to the
    /// proxy root (`<experiment>/<run>/artifacts/<file>`).
    fn put_artifact(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let encoded: Vec<String> = path.split('/').map(percent_encode).collect();
        let endpoint = encoded.join("/");
        let answer = self
            .authorize(self.agent.put(&self.url(Api::Artifacts, &endpoint)))
            .content_type("application/octet-stream")
            .send(bytes);
        self.answer(
            "PUT",
            &format!("mlflow-artifacts/artifacts/{endpoint}"),
            answer,
            false,
        )
        .map(|_| ())
    }

    fn authorize<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }

    fn url(&self, api: Api, endpoint: &str) -> String {
        match api {
            Api::Tracking => format!("{}/api/2.0/mlflow/{endpoint}", self.base),
            Api::Artifacts => format!(
                "{}/api/2.0/mlflow-artifacts/artifacts/{endpoint}",
                self.base
            ),
        }
    }

    /// Turns a response into its JSON body, or into an error that names the server, the
    /// endpoint, `MLflow`'s message and what to do.
    fn answer(
        &self,
        method: &str,
        endpoint: &str,
        answer: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        missing_is_none: bool,
    ) -> Result<Option<Value>> {
        let mut response = answer.map_err(|err| {
            anyhow::anyhow!(
                "MLflow at {}: {method} {endpoint} failed: {err}; is the tracking server \
                 running there? Start one with `mlflow server` or fix --mlflow-uri / \
                 MLFLOW_TRACKING_URI",
                self.base
            )
        })?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|err| {
            anyhow::anyhow!(
                "MLflow at {}: {method} {endpoint}: cannot read the answer ({err}); check the \
                 server's log",
                self.base
            )
        })?;
        if (200..300).contains(&status) {
            if text.trim().is_empty() {
                return Ok(Some(Value::Null));
            }
            return serde_json::from_str(&text).map(Some).map_err(|err| {
                anyhow::anyhow!(
                    "MLflow at {}: {method} {endpoint} answered {status} with something that \
                     is not JSON ({err}): {}; is this URL an MLflow tracking server?",
                    self.base,
                    excerpt(&text)
                )
            });
        }
        if missing_is_none && status == 404 && error_code(&text) == Some("RESOURCE_DOES_NOT_EXIST")
        {
            return Ok(None);
        }
        Err(self.failure(method, endpoint, status, &text))
    }

    fn failure(&self, method: &str, endpoint: &str, status: u16, text: &str) -> anyhow::Error {
        let parsed: Option<Value> = serde_json::from_str(text).ok();
        let message = parsed
            .as_ref()
            .and_then(|v| {
                let code = v.get("error_code")?.as_str()?;
                let message = v.get("message").and_then(Value::as_str).unwrap_or("");
                Some(format!("{code}: {message}"))
            })
            .unwrap_or_else(|| excerpt(text));
        let advice = match status {
            401 => {
                "the server wants credentials: set MLFLOW_TRACKING_USERNAME and \
                 MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)"
            }
            403 => {
                "the server refused the request: check the user's permissions, and the \
                 server's --allowed-hosts when it is reached by name"
            }
            404 if parsed.is_none() => {
                "the endpoint does not exist there: is this an MLflow tracking server (and, for \
                 artefacts, started with --serve-artifacts)?"
            }
            500..=599 => "the server failed: check its log",
            _ => "check the request against the server's log",
        };
        anyhow::anyhow!(
            "MLflow at {}: {method} {endpoint} answered {status}: {message}; {advice}",
            self.base
        )
    }
}

/// `MLflow`'s `error_code` in an error body.
fn error_code(text: &str) -> Option<&str> {
    // Cheap scan rather than a full parse: the codes are fixed upper-case words.
    ["RESOURCE_ALREADY_EXISTS", "RESOURCE_DOES_NOT_EXIST"]
        .into_iter()
        .find(|code| text.contains(&format!("\"{code}\"")))
}

/// The start of a body, on one line, for error messages.
fn excerpt(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 300 {
        format!("{}...", line.chars().take(300).collect::<String>())
    } else if line.is_empty() {
        "(empty answer)".to_owned()
    } else {
        line
    }
}

/// Percent-encodes one URL path segment (everything but unreserved characters).
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_accepted() {
        assert!(Client::new("http://127.0.0.1:5000/", None).is_ok());
        assert_eq!(
            Client::new("https://mlflow.example/", None).unwrap().base(),
            "https://mlflow.example"
        );
        let err = Client::new("file:./mlruns", None)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--mlflow-uri"), "{err}");
    }

    #[test]
    fn credentials_become_an_authorization_header() {
        // RFC 7617's example.
        assert_eq!(
            credentials(None, Some("Aladdin"), Some("open sesame")).as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        assert_eq!(
            credentials(Some("t0k"), Some("u"), Some("p")).as_deref(),
            Some("Bearer t0k")
        );
        assert_eq!(credentials(None, None, Some("p")), None);
        for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v")] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(percent_encode("model.bin"), "model.bin");
        assert_eq!(percent_encode("a b%"), "a%20b%25");
    }

    #[test]
    fn error_codes_are_found() {
        let body = r#"{"error_code": "RESOURCE_ALREADY_EXISTS", "message": "x"}"#;
        assert_eq!(error_code(body), Some("RESOURCE_ALREADY_EXISTS"));
        assert_eq!(error_code("<html>"), None);
    }
}
