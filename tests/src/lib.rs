//! Shared helpers for the end-to-end tests in `tests/tests/`: finding the real binaries and the
//! shared seed data.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `../shared` beside the checkout (or `$DNSHUNT_SHARED`): the seed data and real logs.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("DNSHUNT_SHARED")
        .map_or_else(|| workspace_root().join("../shared"), PathBuf::from)
}

/// Builds (once per test process) the workspace's binaries and returns the path of one, so the
/// tests run the same executable a user would.
///
/// The build selects what `cargo test --workspace --all-targets` selects (tests included), so
/// the dependencies resolve to the same features as the test build and are not compiled again:
/// only the binaries themselves are. Building one package alone would unify fewer features
/// (`serde_json`, `hyper`, `itertools`, ...) and rebuild most of the dependency tree. The price:
/// the first run of one test alone (`cargo test --workspace --test cli_dga`) builds every test
/// target.
///
/// # Panics
/// When the build fails: the test cannot run without its binary.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<bool> = OnceLock::new();
    let built = *BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        for (variable, _) in std::env::vars_os() {
            if variable.to_str().is_some_and(set_by_cargo_for_this_test) {
                command.env_remove(variable);
            }
        }
        command
            .args(["build", "--quiet", "--workspace", "--bins", "--tests"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs")
            .success()
    });
    assert!(built, "building the workspace's binaries failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join(name)
}

/// Variables cargo sets for the test process, not for itself. Build scripts watch some of them
/// (ring's: `CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`), so a build that inherits them reruns those
/// scripts and recompiles everything above them (TLS, `object_store`, `DataFusion`).
fn set_by_cargo_for_this_test(variable: &str) -> bool {
    variable.starts_with("CARGO_PKG_")
        || variable.starts_with("CARGO_MANIFEST_")
        || matches!(
            variable,
            "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_TARGET_TMPDIR"
                | "OUT_DIR"
        )
}

/// A free TCP port on 127.0.0.1 (the port is released again, so a server started right after
/// gets it unless another process is quicker).
///
/// # Panics
/// When no port can be bound.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// An HTTP answer.
#[derive(Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body parsed as JSON.
    ///
    /// # Panics
    /// When it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), so tests need no HTTP
/// client crate and can send bytes no client library would.
///
/// # Errors
/// When the connection fails or the answer is not HTTP.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<HttpResponse> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(name);
        request.push_str(": ");
        request.push_str(value);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {raw:?}")))
}

fn parse_response(raw: &[u8]) -> Option<HttpResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"))
    {
        body = dechunk(&body)?;
    }
    Some(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// A server process started by a test, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct ServerProcess {
    /// The child process.
    pub child: std::process::Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Where its standard error goes.
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `program args...`, which must listen on `port`, and waits until `GET ready_path`
    /// answers 200.
    ///
    /// # Panics
    /// When it exits or does not answer within 60 seconds; its standard error is shown.
    pub fn start(mut command: Command, port: u16, ready_path: &str) -> ServerProcess {
        // Logs go to a file, not a pipe nobody reads, which would block a chatty server.
        let log = std::env::temp_dir().join(format!("dnshunt-test-server-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("a log file");
        let mut child = command
            .stdout(std::process::Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("the server starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let stderr = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("the server exited with {status}: {stderr}");
            }
            if http(port, "GET", ready_path, &[], b"").is_ok_and(|r| r.status == 200) {
                return ServerProcess { child, port, log };
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not answer on port {port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// What it has logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.terminate();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the `dnshunt` binary with `--home home` and `args`, and waits for it.
///
/// # Panics
/// When the binary cannot be started.
pub fn dnshunt(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary("dnshunt"))
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("dnshunt starts")
}

/// A command's standard output as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A command's standard error as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The rows of `dnshunt sql QUERY --format json`, as JSON objects.
///
/// # Panics
/// When the query fails or prints something that is not JSON lines.
pub fn sql_rows(home: &Path, query: &str) -> Vec<serde_json::Value> {
    let output = dnshunt(home, &["sql", query, "--format", "json"]);
    assert!(output.status.success(), "{query}: {}", stderr(&output));
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}
