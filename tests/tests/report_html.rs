//! `dnshunt report --out F` end to end: a lake whose logs and findings carry hostile text, the
//! report written, then opened in headless Chromium. The dumped DOM must show the hostile text as
//! text: no script element, no event-handler attribute, nothing the scripts would have set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dnshunt_e2e::{dnshunt, stderr, stdout};
use dnshunt_lake::{Finding, Severity};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A Zeek dns.log whose fields carry what an attacker can put in DNS traffic: markup in the
/// client field, markup in the query, and a terminal escape (`\x1b`, Zeek-escaped) in a client.
fn hostile_zeek_log(dir: &Path) -> PathBuf {
    let rows = [
        "1700000000.000000\t10.0.0.5\t10.0.0.1\tns1.asdklgb.cf\tA\tNOERROR\t1.2.3.4",
        "1700000100.000000\t<script>alert(1)</script>\t10.0.0.1\twww.example.com\tA\tNOERROR\t-",
        "1700000200.000000\t10.0.0.6\t10.0.0.1\t\"><img src=x onerror=alert(1)>\tA\tNXDOMAIN\t-",
        "1700003900.000000\t10.0.0.7\\x1b[31m\t10.0.0.1\tqwxkzjhv.tk\tTXT\tNXDOMAIN\t-",
    ];
    let text = format!(
        "#separator \\x09\n#set_separator\t,\n#path\tdns\n\
         #fields\tts\tid.orig_h\tid.resp_h\tquery\tqtype_name\trcode_name\tanswers\n{}\n",
        rows.join("\n")
    );
    let path = dir.join("dns.log");
    std::fs::write(&path, text).unwrap();
    path
}

fn finding(severity: Severity, detector: &str, query: &str, minute: i64) -> Finding {
    Finding {
        finding_id: format!("{detector}-{minute}"),
        detector: detector.to_owned(),
        severity,
        score: 0.97,
        event_time: 1_700_000_000_000_000 + minute * 60_000_000,
        last_seen: 1_700_000_000_000_000 + (minute + 5) * 60_000_000,
        count: 3,
        client_ip: Some("10.0.0.5".to_owned()),
        query: query.to_owned(),
        registered_domain: None,
        reason: format!("{query} was resolved"),
        evidence: "{}".to_owned(),
        intel: None,
        model_version: Some("builtin".to_owned()),
    }
}

/// Findings whose every text field tries to break out of the page.
fn hostile_findings() -> Vec<Finding> {
    let evidence = serde_json::json!({
        "html": "<img src=x onerror=\"document.body.setAttribute('data-pwned',1)\">",
        "style": "</style><script>document.title='pwned'</script>",
        "cdata": "]]><script>document.title='pwned'</script>",
        "control": "\u{1b}[31m\u{7}",
    });
    let script = Finding {
        client_ip: Some("<script>alert(1)</script>".to_owned()),
        reason: "<script>document.title='pwned'</script>".to_owned(),
        evidence: evidence.to_string(),
        intel: Some("urlhaus \"double\" & 'single' </style><b>bold</b>".to_owned()),
        ..finding(
            Severity::Critical,
            "dga_domain",
            "\"><img src=x onerror=alert(1)>",
            0,
        )
    };
    let image = Finding {
        client_ip: Some("10.0.0.7\u{1b}[31m\0".to_owned()),
        reason: "<img src=x onerror=\"document.body.setAttribute('data-pwned',1)\">".to_owned(),
        evidence: "not JSON ]]><svg onload=\"document.title='pwned'\"> \u{7}".to_owned(),
        registered_domain: Some("</style><style>body{display:none}</style>".to_owned()),
        ..finding(
            Severity::High,
            "intel_match</td><script>x</script>",
            "qwxkzjhv.tk",
            65,
        )
    };
    vec![
        script,
        image,
        finding(Severity::Medium, "dga_domain", "ns1.asdklgb.cf", 130),
    ]
}

fn append(home: &Path, findings: Vec<Finding>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(dnshunt_lake::detect::append_findings(home, findings))
        .unwrap();
}

/// The DOM Chromium builds from `page`, serialized (`--dump-dom`).
fn chromium_dom(page: &Path, scratch: &Path) -> String {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: this test opens the report in headless Chromium; run make setup"
    );
    let out = scratch.join("dom.html");
    let err = scratch.join("chromium.log");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in 120 s: {}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let dom = std::fs::read_to_string(&out).unwrap();
    assert!(
        status.success() && dom.contains("</html>"),
        "chromium failed ({status}): {}",
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    dom
}

/// One element start tag of a serialized DOM.
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<String>,
}

/// The start tags of a serialized DOM. In serialized HTML, text and attribute values never hold a
/// raw `<` or `"` (they are `&lt;` and `&quot;`), so every `<` followed by a letter starts a tag.
fn start_tags(dom: &str) -> Vec<Tag> {
    let bytes = dom.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'>' | b'/')
        {
            i += 1;
        }
        let mut tag = Tag {
            name: dom[start..i].to_ascii_lowercase(),
            attributes: Vec::new(),
        };
        while i < bytes.len() && bytes[i] != b'>' {
            if bytes[i].is_ascii_whitespace() || bytes[i] == b'/' {
                i += 1;
                continue;
            }
            let name_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            tag.attributes.push(dom[name_start..i].to_ascii_lowercase());
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
        tags.push(tag);
    }
    tags
}

#[test]
fn the_tag_scanner_sees_elements_and_attributes_but_not_text() {
    let dom = r#"<html><head><title>t</title></head><body data-pwned="1"><p class="a &quot;b">&lt;script&gt; x</p><img src="x" onerror="y"><svg viewBox="0 0 1 1"></svg></body></html>"#;
    let tags = start_tags(dom);
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["html", "head", "title", "body", "p", "img", "svg"]);
    assert_eq!(tags[3].attributes, ["data-pwned"]);
    assert_eq!(tags[5].attributes, ["src", "onerror"]);
    assert_eq!(tags[6].attributes, ["viewbox"]);
}

#[test]
fn report_needs_events_first() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("report.html");
    let report = dnshunt(home.path(), &["report", "--out", out.to_str().unwrap()]);
    assert_eq!(report.status.code(), Some(2), "{}", stdout(&report));
    assert!(
        stderr(&report).contains("run dnshunt ingest first"),
        "{}",
        stderr(&report)
    );
    assert!(!out.exists());
}

#[test]
fn hostile_logs_and_findings_stay_text_in_a_browser() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let log = hostile_zeek_log(home);
    let ingest = dnshunt(
        home,
        &["ingest", "--format", "zeek-tsv", log.to_str().unwrap()],
    );
    assert!(
        matches!(ingest.status.code(), Some(0 | 1)),
        "{}",
        stderr(&ingest)
    );

    // Events but no findings table yet: a report that says so.
    let empty = home.join("empty.html");
    let report = dnshunt(home, &["report", "--out", empty.to_str().unwrap()]);
    assert!(report.status.success(), "{}", stderr(&report));
    let page = std::fs::read_to_string(&empty).unwrap();
    assert!(
        page.contains("No findings yet") && page.contains("dnshunt detect"),
        "{page}"
    );

    // Findings from the logs (the client with a terminal escape is flagged for its DGA name), and
    // findings written straight into the table with hostile text in every field.
    let detect = dnshunt(home, &["detect", "--model", "builtin"]);
    assert!(detect.status.success(), "{}", stderr(&detect));
    append(home, hostile_findings());
    let out = home.join("report.html");
    let report = dnshunt(
        home,
        &[
            "report",
            "--out",
            out.to_str().unwrap(),
            "--model",
            "builtin",
        ],
    );
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(
        stdout(&report).contains(" findings written to "),
        "{}",
        stdout(&report)
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"#
    ));
    assert!(
        !page.contains('\u{1b}') && !page.contains('\0'),
        "raw control bytes in the page"
    );

    let dom = chromium_dom(&out, home);
    assert_inert(&dom);
    assert_shown_as_text(&dom);
}

/// No element or attribute that runs code, and no trace of code having run.
fn assert_inert(dom: &str) {
    let tags = start_tags(dom);
    assert!(
        tags.iter().any(|t| t.name == "table"),
        "the scanner found no table: {tags:?}"
    );
    for tag in &tags {
        assert_ne!(tag.name, "script", "a script element in the DOM");
        assert!(
            !tag.attributes.iter().any(|a| a.starts_with("on")),
            "an event-handler attribute: {tag:?}"
        );
        assert!(
            !tag.attributes.iter().any(|a| a == "data-pwned"),
            "the script ran: {tag:?}"
        );
    }
    // The findings' <img> strings are text: the page has no image at all.
    assert!(
        !tags.iter().any(|t| t.name == "img"),
        "an img element in the DOM"
    );
    assert_eq!(
        tags.iter().filter(|t| t.name == "style").count(),
        1,
        "a style element from a finding"
    );
    assert!(
        dom.contains("<title>dnshunt report</title>"),
        "the title changed"
    );
    assert!(!dom.contains("<title>pwned"));
}

/// The hostile text is there, as text.
fn assert_shown_as_text(dom: &str) {
    for text in [
        "&lt;script&gt;document.title='pwned'&lt;/script&gt;",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=\"document.body.setAttribute('data-pwned',1)\"&gt;",
        "\"&gt;&lt;img src=x onerror=alert(1)&gt;",
        "urlhaus \"double\" &amp; 'single' &lt;/style&gt;&lt;b&gt;bold&lt;/b&gt;",
        "]]&gt;&lt;svg onload=",
        "10.0.0.7\\u{1b}[31m\\u{0}",
        "&lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;",
    ] {
        assert!(dom.contains(text), "{text} is not in the DOM as text");
    }
    // Evidence is pretty-printed JSON; its control characters stay JSON escapes.
    assert!(
        dom.contains("\"cdata\": \"]]&gt;&lt;script&gt;"),
        "evidence not pretty-printed"
    );
    assert!(dom.contains("\\u001b[31m\\u0007"));
    assert!(
        !dom.contains('\u{1b}') && !dom.contains('\u{7}'),
        "raw control bytes in the DOM"
    );
    assert!(dom.contains("ns1.asdklgb.cf") && dom.contains("qwxkzjhv.tk"));
}
