//! Answer addresses against address and network indicators: a name that looks harmless but
//! resolves to a listed address, or into a listed network, is an `intel_match` finding that says
//! which answer matched; unlisted answers, CNAME targets and feeds without addresses add nothing.

use std::path::Path;

use dnshunt_e2e::{dnshunt, sql_rows, stderr, stdout};
use serde_json::Value;

const NOW: i64 = 1_793_577_600;

/// Three clients, three ordinary-looking names: one answered with a listed address, one with an
/// address inside a listed network (after a CNAME), one with an unlisted address; and a fourth
/// client whose lookup of the second name failed, which got no listed answer.
fn write_log(path: &Path) {
    let line = |client: &str, query: &str, answers: &str| {
        format!(
            "{{\"ts\":{NOW},\"id.orig_h\":\"{client}\",\"query\":\"{query}\",\"qtype_name\":\"A\",\
             \"rcode_name\":\"NOERROR\",\"answers\":{answers}}}\n"
        )
    };
    let log = [
        line("10.1.0.5", "cdn-assets.example.net", r#"["198.51.100.23"]"#),
        line(
            "10.1.0.6",
            "portal.example.org",
            r#"["edge.example.org","192.0.2.77"]"#,
        ),
        line("10.1.0.7", "www.example.com", r#"["203.0.113.5"]"#),
        line("10.1.0.8", "portal.example.org", "[]").replace("NOERROR", "NXDOMAIN"),
    ]
    .concat();
    std::fs::write(path, log).unwrap();
}

fn load_feed(home: &Path, lines: &str) {
    let feed = home.join("blocklist.txt");
    std::fs::write(&feed, lines).unwrap();
    let load = dnshunt(
        home,
        &[
            "intel",
            "load",
            "--feed",
            "list",
            "--name",
            "blocklist",
            feed.to_str().unwrap(),
        ],
    );
    assert_eq!(
        load.status.code(),
        Some(0),
        "{}{}",
        stdout(&load),
        stderr(&load)
    );
}

fn intel_findings(home: &Path) -> Vec<Value> {
    let detect = dnshunt(home, &["detect"]);
    assert!(detect.status.success(), "{}", stderr(&detect));
    sql_rows(
        home,
        "SELECT client_ip, query, severity, reason, evidence FROM findings \
         WHERE detector = 'intel_match' ORDER BY query",
    )
}

#[test]
fn answers_in_listed_addresses_and_networks_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let log = home.join("dns.json");
    write_log(&log);
    let ingest = dnshunt(
        home,
        &["ingest", "--format", "zeek-json", log.to_str().unwrap()],
    );
    assert!(ingest.status.success(), "{}", stderr(&ingest));

    // A feed of names only: answers are not read, nothing is found.
    load_feed(home, "unrelated.example\n");
    assert_eq!(intel_findings(home), Vec::<Value>::new());

    load_feed(
        home,
        "198.51.100.23\n192.0.2.0/24\n# not this one: 203.0.113.9\n",
    );
    let rows = intel_findings(home);
    let queries: Vec<&str> = rows.iter().map(|r| r["query"].as_str().unwrap()).collect();
    assert_eq!(
        queries,
        ["cdn-assets.example.net", "portal.example.org"],
        "{rows:#?}"
    );

    let expect = [
        ("10.1.0.5", "198.51.100.23", "198.51.100.23", "ip"),
        ("10.1.0.6", "192.0.2.77", "192.0.2.0/24", "cidr"),
    ];
    for (row, (client, answer, indicator, kind)) in rows.iter().zip(expect) {
        assert_eq!(row["client_ip"], client);
        assert_eq!(row["severity"], "high");
        let reason = row["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!(
                "resolved to {answer}, listed by blocklist as {indicator}"
            )),
            "{reason}"
        );
        let evidence: Value = serde_json::from_str(row["evidence"].as_str().unwrap()).unwrap();
        assert_eq!(evidence["intel"]["answer"], answer);
        assert_eq!(evidence["intel"]["kind"], kind);
    }
}
