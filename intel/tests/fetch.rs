//! Fetching feeds over HTTP against a real server on 127.0.0.1, started by each test: downloads,
//! conditional requests answered 304, the size limit, timeouts, error statuses and the cached
//! copy used when the server is gone.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use dnshunt_intel::{FeedKind, FetchOptions, Freshness, IntelError, load_url};

/// What the test server does with one request.
enum Reply {
    /// Writes these bytes (a whole HTTP response) and closes the connection.
    Bytes(Vec<u8>),
    /// Writes a head announcing no length, then `total` bytes of body, as long as the client reads.
    Endless(usize),
    /// Reads the request and never answers, holding the connection open.
    Silent,
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        writeln!(head, "{name}: {value}\r").unwrap();
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Bytes(bytes)
}

/// A server on 127.0.0.1 that answers `connections` connections with `handler` (given the
/// request head, lower-cased, and its number from 0), recording each request head.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(
        connections: usize,
        handler: impl Fn(&str, usize) -> Reply + Send + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            let mut silent: Vec<TcpStream> = Vec::new();
            for number in 0..connections {
                let (stream, _) = listener.accept().unwrap();
                let head = read_head(&stream);
                seen.lock().unwrap().push(head.clone());
                match handler(&head, number) {
                    Reply::Bytes(bytes) => {
                        let _ = (&stream).write_all(&bytes);
                    }
                    Reply::Endless(total) => {
                        let _ =
                            (&stream).write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                        let chunk = b"evil.example\n".repeat(1000);
                        let mut sent = 0;
                        // Stops when the client hangs up, as it must at its size limit.
                        while sent < total && (&stream).write_all(&chunk).is_ok() {
                            sent += chunk.len();
                        }
                    }
                    Reply::Silent => silent.push(stream),
                }
            }
            // Closes the port (later connections are refused) but keeps silent connections open
            // until the test is over.
            drop(listener);
            std::thread::sleep(Duration::from_secs(if silent.is_empty() { 0 } else { 30 }));
        });
        Server {
            port,
            requests,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits until the server has answered all its connections and closed its port.
    fn finish(mut self) -> Vec<String> {
        self.thread.take().unwrap().join().unwrap();
        self.requests()
    }
}

fn read_head(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            return head.to_ascii_lowercase();
        }
        head.push_str(&line);
    }
}

const FEED: &[u8] = b"# test list\nevil.example\n198.51.100.0/24\n";

fn options(home: &std::path::Path) -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_millis(500),
        ..FetchOptions::new(home)
    }
}

fn load(url: &str, options: &FetchOptions) -> Result<(dnshunt_intel::Feed, Freshness), IntelError> {
    load_url(url, None, "test", SystemTime::UNIX_EPOCH, options)
}

#[test]
fn downloads_then_reuses_the_cached_copy_on_304() {
    let server = Server::start(3, |head, number| {
        let etag = if number < 2 { "\"v1\"" } else { "\"v2\"" };
        if head.contains(&format!("if-none-match: {etag}")) {
            response("304 Not Modified", &[("ETag", etag)], b"")
        } else if number < 2 {
            let modified = ("Last-Modified", "Sat, 28 Nov 2026 10:00:00 GMT");
            response("200 OK", &[("ETag", etag), modified], FEED)
        } else {
            response("200 OK", &[("ETag", etag)], b"other.example\n")
        }
    });
    let home = tempfile::tempdir().unwrap();
    let options = options(home.path());
    let url = server.url("/feeds/list.txt");

    let (first, freshness) = load(&url, &options).unwrap();
    assert_eq!(freshness, Freshness::Downloaded);
    assert_eq!(first.kind, FeedKind::List);
    assert_eq!(first.source, url, "the URL is the feed's source");
    let values: Vec<&str> = first
        .indicators
        .iter()
        .map(|i| i.indicator.as_str())
        .collect();
    assert_eq!(values, ["evil.example", "198.51.100.0/24"]);
    assert_eq!(first.indicators[0].line, 2);

    let (second, freshness) = load(&url, &options).unwrap();
    assert_eq!(freshness, Freshness::NotModified);
    assert_eq!(second.indicators, first.indicators);

    // The feed changed on the server: the new copy replaces the cached one.
    let (third, freshness) = load(&url, &options).unwrap();
    assert_eq!(freshness, Freshness::Downloaded);
    assert_eq!(third.indicators[0].indicator, "other.example");

    let requests = server.finish();
    assert!(!requests[0].contains("if-none-match"), "{}", requests[0]);
    assert!(
        requests[1].contains("if-none-match: \"v1\""),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].contains("if-modified-since: sat, 28 nov 2026 10:00:00 gmt"),
        "{}",
        requests[1]
    );
    assert!(
        requests[2].contains("if-none-match: \"v1\""),
        "{}",
        requests[2]
    );
    let cached: Vec<_> = std::fs::read_dir(home.path().join("intel/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        cached.len(),
        2,
        "one body and one metadata file: {cached:?}"
    );
}

#[test]
fn a_feed_over_the_size_limit_is_refused() {
    let server = Server::start(2, |_, number| {
        if number == 0 {
            response("200 OK", &[], &b"evil.example\n".repeat(100))
        } else {
            Reply::Endless(200 << 20)
        }
    });
    let home = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        max_bytes: 1000,
        ..options(home.path())
    };
    // Announced by Content-Length, and streamed without one: both stop at the limit.
    for path in ["/announced.txt", "/streamed.txt"] {
        let url = server.url(path);
        let started = Instant::now();
        let err = load(&url, &options).unwrap_err();
        assert!(
            matches!(err, IntelError::TooLarge { limit: 1000, .. }),
            "{err}"
        );
        let message = err.to_string();
        assert!(
            message.contains(&url) && message.contains("1000 bytes"),
            "{message}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "it read on past the limit"
        );
    }
    assert!(!home.path().join("intel/cache").exists(), "nothing cached");
    // At the limit exactly is fine.
    // Ten distinct 13-byte lines: a list keeps a repeated value once.
    let server = Server::start(1, |_, _| {
        let body = (0..10).fold(String::new(), |body, i| body + &format!("evi{i}.example\n"));
        response("200 OK", &[], body.as_bytes())
    });
    let options = FetchOptions {
        max_bytes: 130,
        ..options
    };
    assert_eq!(
        load(&server.url("/f.txt"), &options)
            .unwrap()
            .0
            .indicators
            .len(),
        10
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(1, |_, _| Reply::Silent);
    let home = tempfile::tempdir().unwrap();
    let url = server.url("/slow.txt");
    let started = Instant::now();
    let err = load(&url, &options(home.path())).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, IntelError::Fetch { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("timeout of 0.5 s"),
        "{message}"
    );
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
}

#[test]
fn error_statuses_are_errors() {
    let server = Server::start(1, |_, _| response("404 Not Found", &[], b"no such feed"));
    let home = tempfile::tempdir().unwrap();
    let url = server.url("/missing.txt");
    let err = load(&url, &options(home.path())).unwrap_err();
    assert!(matches!(err, IntelError::HttpStatus { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("404 Not Found"),
        "{message}"
    );
}

#[test]
fn the_cached_copy_is_used_and_reported_when_the_server_is_gone() {
    // Served once, then a 503 and silence (timeout); then the port is closed (refused).
    let server = Server::start(3, |_, number| match number {
        0 => response("200 OK", &[("ETag", "\"v1\"")], FEED),
        1 => response("503 Service Unavailable", &[], b"down"),
        _ => Reply::Silent,
    });
    let home = tempfile::tempdir().unwrap();
    let options = options(home.path());
    let url = server.url("/list.txt");
    let (first, _) = load(&url, &options).unwrap();
    let mut reasons = Vec::new();
    for _ in 0..2 {
        let (again, freshness) = load(&url, &options).unwrap();
        assert_eq!(again.indicators, first.indicators);
        let Freshness::Stale { fetched_at, reason } = freshness else {
            panic!("expected the cached copy, got {freshness:?}");
        };
        assert!(fetched_at.ends_with('Z'), "{fetched_at}");
        reasons.push(reason);
    }
    drop(server);
    let (_, freshness) = load(&url, &options).unwrap();
    let Freshness::Stale { reason, .. } = freshness else {
        panic!("expected the cached copy, got {freshness:?}");
    };
    reasons.push(reason);
    assert!(reasons[0].contains("503"), "{reasons:?}");
    assert!(reasons[1].contains("timeout"), "{reasons:?}");
    assert!(!reasons[2].is_empty(), "{reasons:?}");

    // Without a cached copy, the same failure is an error.
    let other = tempfile::tempdir().unwrap();
    let err = load(&url, &self::options(other.path())).unwrap_err();
    assert!(matches!(err, IntelError::Fetch { .. }), "{err}");
}
