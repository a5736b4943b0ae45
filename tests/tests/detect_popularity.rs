//! DGA popularity is counted over a period: a random-looking domain that many clients resolved a
//! month ago and one client resolves today is reported by `detect --since` today with the
//! default `[dga] popularity_days = 7`, and silenced when the whole lake counts
//! (`popularity_days = 0`).

use std::fmt::Write as _;
use std::path::Path;

use dnshunt_e2e::{dnshunt, sql_rows, stderr};

const NAME: &str = "xjwqkrtbvmzp.com";
const NOW: i64 = 1_793_577_600;

/// 25 clients resolve [`NAME`] 30 days before [`NOW`]; one more resolves it at [`NOW`].
fn write_log(path: &Path) {
    let line = |ts: i64, client: &str| {
        format!(
            "{{\"ts\":{ts},\"id.orig_h\":\"{client}\",\"query\":\"{NAME}\",\"qtype_name\":\"A\",\
             \"rcode_name\":\"NOERROR\",\"answers\":[\"203.0.113.7\"]}}\n"
        )
    };
    let mut log = String::new();
    for client in 1..=25 {
        log += &line(NOW - 30 * 86_400 + client, &format!("10.9.0.{client}"));
    }
    log += &line(NOW, "10.9.1.1");
    std::fs::write(path, log).unwrap();
}

fn dga_findings(home: &Path) -> usize {
    let run = dnshunt(home, &["detect", "--since", "2026-11-02"]);
    assert!(run.status.code().is_some(), "{}", stderr(&run));
    sql_rows(
        home,
        "SELECT client_ip FROM findings WHERE detector = 'dga_domain'",
    )
    .len()
}

#[test]
fn popularity_is_counted_over_recent_days() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dns.json");
    write_log(&log);
    let mut recent = 0;
    for (days, home) in [(None, "recent"), (Some(0), "whole")] {
        let home = dir.path().join(home);
        std::fs::create_dir(&home).unwrap();
        if let Some(days) = days {
            let mut config = String::from("[dga]\n");
            writeln!(config, "popularity_days = {days}").unwrap();
            std::fs::write(home.join("detect.toml"), config).unwrap();
        }
        let run = dnshunt(
            &home,
            &["ingest", "--format", "zeek-json", log.to_str().unwrap()],
        );
        assert!(run.status.success(), "{}", stderr(&run));
        let found = dga_findings(&home);
        if days.is_none() {
            recent = found;
        } else {
            assert_eq!(
                found, 0,
                "26 clients over the whole lake: popular, silenced"
            );
        }
    }
    assert!(
        recent >= 1,
        "one client in the last 7 days: not popular, reported"
    );
}

/// 25 infected hosts whose DGA lookups all fail (NXDOMAIN) did not reach the domain: they do
/// not make it popular, and each is reported.
#[test]
fn failed_lookups_do_not_make_a_domain_popular() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dns.json");
    let mut text = String::new();
    for client in 1..=25 {
        writeln!(
            text,
            "{{\"ts\":{},\"id.orig_h\":\"10.9.0.{client}\",\"query\":\"{NAME}\",\
             \"qtype_name\":\"A\",\"rcode_name\":\"NXDOMAIN\"}}",
            NOW + client
        )
        .unwrap();
    }
    std::fs::write(&log, text).unwrap();
    let home = dir.path().join("home");
    let run = dnshunt(
        &home,
        &["ingest", "--format", "zeek-json", log.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(dga_findings(&home), 25);
}
