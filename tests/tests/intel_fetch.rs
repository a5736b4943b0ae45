//! `dnshunt intel load URL` as a user runs it: the real binary against a real HTTP server on
//! 127.0.0.1 started by the test (never the network), with a real home folder and cache.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dnshunt_e2e::binary;
use serde_json::Value;

/// What the server does with one connection.
enum Reply {
    /// A whole response: status line, headers, body.
    Send(String, Vec<(&'static str, String)>, Vec<u8>),
    /// Reads the request and never answers.
    Silent,
}

fn ok(headers: &[(&'static str, &str)], body: &[u8]) -> Reply {
    let headers = headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    Reply::Send("200 OK".to_owned(), headers, body.to_vec())
}

fn status(line: &str, headers: &[(&'static str, &str)]) -> Reply {
    let headers = headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    Reply::Send(line.to_owned(), headers, b"no".to_vec())
}

/// A server answering one connection per reply, in order, then closing its port. Joining it
/// gives the request heads it saw, lower-cased.
struct Server {
    port: u16,
    thread: JoinHandle<Vec<String>>,
}

impl Server {
    fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = std::thread::spawn(move || {
            let mut heads = Vec::new();
            let mut silent = Vec::new();
            for reply in replies {
                let (stream, _) = listener.accept().unwrap();
                heads.push(read_head(&stream));
                match reply {
                    Reply::Send(line, headers, body) => answer(&stream, &line, &headers, &body),
                    Reply::Silent => silent.push(stream),
                }
            }
            drop(listener);
            // Holds silent connections until the client gives up and hangs up.
            for mut stream in silent {
                let _ = stream.read_to_end(&mut Vec::new());
            }
            heads
        });
        Server { port, thread }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(self) -> Vec<String> {
        self.thread.join().unwrap()
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

fn answer(mut stream: &TcpStream, line: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {line}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn dnshunt(home: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(binary("dnshunt"));
    // A proxy from the environment must not carry the requests off 127.0.0.1.
    for proxy in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(proxy);
    }
    command.arg("--home").arg(home).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const LIST: &[u8] = b"# block list\nevil.example\n198.51.100.0/24\n";

#[test]
fn a_feed_is_fetched_cached_and_reused() {
    let etag = [("ETag", "\"v1\"")];
    let server = Server::start(vec![
        ok(&etag, LIST),
        status("304 Not Modified", &etag),
        status("503 Service Unavailable", &[]),
    ]);
    let home = tempfile::tempdir().unwrap();
    let url = server.url("/feeds/blocklist.txt");

    let first = dnshunt(home.path(), &["intel", "load", &url]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stdout),
        format!(
            "loaded blocklist (list) from {url} (downloaded): 2 indicators (1 domains, 0 ips, 1 cidrs), 0 malformed, 0 unsupported\n"
        )
    );

    let second = dnshunt(home.path(), &["intel", "load", &url]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert!(
        text(&second.stdout).contains("(not modified: cached copy): 2 indicators"),
        "{}",
        text(&second.stdout)
    );

    // The server fails: the cached copy loads, and both outputs say so.
    let third = dnshunt(home.path(), &["intel", "load", &url]);
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    assert!(
        text(&third.stdout).contains("(server unreachable: cached copy of "),
        "{}",
        text(&third.stdout)
    );
    let warning = text(&third.stderr);
    assert!(
        warning.starts_with(&format!("warning: {url}: the server answered 503 Service Unavailable; loaded the cached copy fetched at ")),
        "{warning}"
    );

    let requests = server.requests();
    assert!(!requests[0].contains("if-none-match"), "{}", requests[0]);
    assert!(
        requests[1].contains("if-none-match: \"v1\""),
        "{}",
        requests[1]
    );
    assert!(
        requests[0].contains("get /feeds/blocklist.txt http/1.1"),
        "{}",
        requests[0]
    );

    // The port is closed now: the cached copy again, with the failure named.
    let fourth = dnshunt(home.path(), &["intel", "load", &url]);
    assert_eq!(fourth.status.code(), Some(0), "{}", text(&fourth.stderr));
    assert!(
        text(&fourth.stderr).contains("cached copy fetched at"),
        "{}",
        text(&fourth.stderr)
    );

    // The URL is the feed's source, and its indicators match.
    let list = dnshunt(home.path(), &["intel", "list", "--format", "json"]);
    let feed: Value = serde_json::from_slice(&list.stdout).unwrap();
    let feed = feed.as_array().map_or(&feed, |rows| &rows[0]);
    assert_eq!(feed["source"], url.as_str(), "{feed}");
    let matched = dnshunt(
        home.path(),
        &["intel", "match", "cdn.evil.example", "--format", "json"],
    );
    let row: Value = serde_json::from_slice(&matched.stdout).unwrap();
    assert_eq!(row["match"], "parent");
    assert_eq!(row["feed"], "blocklist");
}

#[test]
fn failures_are_errors_that_name_the_url() {
    let big = b"evil.example\n".repeat(100);
    let server = Server::start(vec![
        ok(&[], &big),
        status("404 Not Found", &[]),
        Reply::Silent,
    ]);
    let home = tempfile::tempdir().unwrap();

    let url = server.url("/big.txt");
    let output = dnshunt(home.path(), &["intel", "load", "--max-size", "1K", &url]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(&format!(
            "{url}: the feed is larger than the limit of 1024 bytes; raise it with --max-size"
        )),
        "{}",
        text(&output.stderr)
    );

    let url = server.url("/missing.txt");
    let output = dnshunt(home.path(), &["intel", "load", &url]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(&format!("{url}: the server answered 404 Not Found")),
        "{}",
        text(&output.stderr)
    );

    let url = server.url("/slow.txt");
    let started = Instant::now();
    let output = dnshunt(home.path(), &["intel", "load", "--timeout", "0.3", &url]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(&format!("{url}: no answer within the timeout of 0.3 s")),
        "{}",
        text(&output.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 3);
    assert!(
        !home.path().join("intel").join("cache").exists(),
        "nothing was cached"
    );
    let list = dnshunt(home.path(), &["intel", "list", "--format", "csv"]);
    assert_eq!(
        text(&list.stdout).lines().count(),
        1,
        "only the header: {}",
        text(&list.stdout)
    );
}

#[test]
fn bad_fetch_options_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    for (args, message) in [
        (["--timeout", "0"], "not a number of seconds"),
        (["--max-size", "12Q"], "not a size"),
        (["--max-size", "0"], "not a size"),
    ] {
        let mut all = vec!["intel", "load"];
        all.extend(args);
        all.push("http://127.0.0.1:9/feed.txt");
        let output = dnshunt(home.path(), &all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains(message),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}
