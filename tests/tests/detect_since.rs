//! Detection over time: `detect --since` run daily (or hourly) must not split a DNS tunnel's
//! window between two runs, and an old passive DNS record must not end the newly-seen baseline.

use std::fmt::Write as _;
use std::path::Path;

use dnshunt_e2e::{dnshunt, sql_rows, stderr};

/// 2026-11-02T09:00:00Z, the start of an hour (the default 60-minute window).
const HOUR: i64 = 1_793_610_000;

/// `count` TXT queries for distinct random 32-character subdomains of tun.example from one
/// client, one a minute from `minute` past [`HOUR`].
fn tunnel_lines(first: u64, count: u64, minute: i64) -> String {
    let mut text = String::new();
    for i in 0..count {
        let mut state = (first + i).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let label: String = (0..32)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                char::from(b"abcdefghijklmnopqrstuvwxyz234567"[(state >> 59) as usize])
            })
            .collect();
        let ts = HOUR + (minute + i64::try_from(i).unwrap()) * 60;
        writeln!(
            text,
            "{{\"ts\":{ts},\"id.orig_h\":\"10.7.0.9\",\"query\":\"{label}.tun.example\",\
             \"qtype_name\":\"TXT\",\"rcode_name\":\"NOERROR\",\"answers\":[\"x\"]}}"
        )
        .unwrap();
    }
    text
}

fn ingest(home: &Path, name: &str, text: &str) {
    let log = home.join(name);
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(&log, text).unwrap();
    let run = dnshunt(
        home,
        &["ingest", "--format", "zeek-json", log.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", stderr(&run));
}

fn tunnels(home: &Path, since: &str) -> usize {
    let run = dnshunt(home, &["detect", "--since", since]);
    assert!(run.status.success(), "{}", stderr(&run));
    sql_rows(
        home,
        "SELECT finding_id FROM findings WHERE detector = 'dns_tunnel'",
    )
    .len()
}

#[test]
fn a_since_inside_a_tunnel_window_still_measures_the_whole_window() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    // 20 subdomains before the run at 09:30, 20 after: each half is under the 30 needed.
    ingest(home, "first.json", &tunnel_lines(0, 20, 5));
    assert_eq!(tunnels(home, "2026-11-02"), 0);
    ingest(home, "second.json", &tunnel_lines(20, 20, 35));
    assert_eq!(tunnels(home, "2026-11-02T09:30:00Z"), 1);
}

/// A passive DNS record from 2020 in the lake does not make the first day of client logs the
/// end of the baseline: names seen that day are not "newly seen".
#[test]
fn an_old_passive_dns_record_does_not_end_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let pdns = home.join("pdns.json");
    std::fs::write(
        &pdns,
        "{\"rrname\":\"old.example.org\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],\
         \"count\":1,\"time_first\":1580000000,\"time_last\":1580000000}\n",
    )
    .unwrap();
    let run = dnshunt(home, &["ingest", pdns.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let mut day = String::new();
    for (i, name) in [
        "www.github.com",
        "intranet.example.com",
        "www.wikipedia.org",
    ]
    .iter()
    .enumerate()
    {
        writeln!(
            day,
            "{{\"ts\":{},\"id.orig_h\":\"10.7.0.{i}\",\"query\":\"{name}\",\"qtype_name\":\"A\",\
             \"rcode_name\":\"NOERROR\",\"answers\":[\"192.0.2.9\"]}}",
            HOUR + 3_600 * i64::try_from(i).unwrap()
        )
        .unwrap();
    }
    ingest(home, "zeek.json", &day);
    let run = dnshunt(home, &["detect"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let newly = sql_rows(
        home,
        "SELECT query FROM findings WHERE detector = 'newly_seen_domain'",
    );
    assert!(newly.is_empty(), "{newly:?}");
}

/// A feed loaded after a name was judged: `detect --since` retro-hunts the history, and a name
/// the feed lists that also scored as DGA is reported as a fresh run would (critical, both
/// reasons), not as a bare intel hit.
#[test]
fn a_retro_hunt_hit_on_a_dga_name_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let line = |ts: i64, query: &str| {
        format!(
            "{{\"ts\":{ts},\"id.orig_h\":\"10.7.0.5\",\"query\":\"{query}\",\"qtype_name\":\"A\",\
             \"rcode_name\":\"NOERROR\",\"answers\":[\"192.0.2.9\"]}}\n"
        )
    };
    let log = line(HOUR, "pjjgbbxebswycysjietw.ir") + &line(HOUR + 86_400, "www.example.com");
    ingest(home, "dns.json", &log);
    let run = dnshunt(home, &["detect"]);
    assert!(run.status.success(), "{}", stderr(&run));

    let feed = home.join("blocklist.txt");
    std::fs::write(&feed, "pjjgbbxebswycysjietw.ir\n").unwrap();
    let load = dnshunt(home, &["intel", "load", feed.to_str().unwrap()]);
    assert!(load.status.success(), "{}", stderr(&load));
    let run = dnshunt(home, &["detect", "--since", "2026-11-03"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let found = sql_rows(
        home,
        "SELECT detector, severity, reason FROM findings WHERE query = 'pjjgbbxebswycysjietw.ir' \
         ORDER BY detector",
    );
    let critical = found
        .iter()
        .find(|f| f["detector"] == "intel_match")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(critical["severity"], "critical", "{found:?}");
    let reason = critical["reason"].as_str().unwrap();
    assert!(
        reason.contains("DGA score") && reason.contains("blocklist"),
        "{reason}"
    );
}
