//! Tests of the whole generator: the log's shape, the planted threats, the feed and the
//! watchlist against the traffic.

use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Instant;

use super::*;

/// The default day, generated once for all tests.
fn default_day() -> &'static DemoDay {
    static DAY: OnceLock<DemoDay> = OnceLock::new();
    DAY.get_or_init(|| demo_day(&TrafficOptions::default()))
}

/// One parsed log line (the columns the tests read).
struct Line<'a> {
    ts: f64,
    client: &'a str,
    query: &'a str,
    qtype: &'a str,
    rcode: &'a str,
    answers: &'a str,
}

fn lines(log: &str) -> Vec<Line<'_>> {
    log.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), zeek::FIELDS.len(), "{line}");
            Line {
                ts: fields[0].parse().unwrap(),
                client: fields[2],
                query: fields[9],
                qtype: fields[13],
                rcode: fields[15],
                answers: fields[21],
            }
        })
        .collect()
}

fn registered(names: &[&str]) -> Vec<String> {
    dnshunt_features::normalize(names)
        .iter()
        .map(|name| name.registered_domain.unwrap_or(name.query).to_owned())
        .collect()
}

/// The hosts of the feed's URLs, by a small reader of the quoted CSV rows.
fn feed_rows() -> Vec<Vec<String>> {
    URLHAUS_SAMPLE
        .lines()
        .filter(|line| line.starts_with('"'))
        .map(|line| {
            let inner = line.trim().trim_start_matches('"').trim_end_matches('"');
            inner.split("\",\"").map(str::to_owned).collect()
        })
        .collect()
}

fn feed_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_port = rest.split(['/', '?']).next().unwrap();
    host_port.split(':').next().unwrap()
}

#[test]
fn same_options_same_bytes_and_seeds_differ() {
    let options = TrafficOptions {
        clients: 30,
        hours: 3,
        start: DEFAULT_START + 8 * 3600,
        ..TrafficOptions::default()
    };
    let first = demo_day(&options);
    let second = demo_day(&options);
    assert_eq!(first.zeek_dns_log, second.zeek_dns_log);
    assert_eq!(first.planted, second.planted);
    let mut streamed = Vec::new();
    let events = write_zeek(&options, &mut streamed).unwrap();
    assert_eq!(events, first.events);
    assert_eq!(streamed, first.zeek_dns_log.as_bytes());
    let other = demo_day(&TrafficOptions { seed: 1, ..options });
    assert_ne!(other.zeek_dns_log, first.zeek_dns_log);
}

#[test]
fn the_log_has_zeek_headers_and_full_width_lines_in_time_order() {
    let day = default_day();
    let log = &day.zeek_dns_log;
    let header: Vec<&str> = log.lines().take(8).collect();
    assert_eq!(header[0], r"#separator \x09");
    assert_eq!(header[1], "#set_separator\t,");
    assert_eq!(header[2], "#empty_field\t(empty)");
    assert_eq!(header[3], "#unset_field\t-");
    assert_eq!(header[4], "#path\tdns");
    assert_eq!(header[5], "#open\t2026-11-02-00-00-00");
    // What the lake's Zeek TSV source needs: a `#fields` line naming `ts` and `query`, and as
    // many tab-separated values on every line.
    let fields: Vec<&str> = header[6].split('\t').skip(1).collect();
    let types: Vec<&str> = header[7].split('\t').skip(1).collect();
    assert!(header[7].starts_with("#types\t"));
    assert_eq!(fields, zeek::FIELDS);
    assert_eq!(types.len(), fields.len());
    assert!(log.ends_with("#close\t2026-11-03-00-00-00\n"));
    assert_eq!(log.lines().filter(|l| l.starts_with('#')).count(), 9);

    let parsed = lines(log);
    assert_eq!(parsed.len(), day.events);
    let start = DEFAULT_START as f64;
    let end = start + 24.0 * 3600.0;
    for line in &parsed {
        assert!((start..end).contains(&line.ts), "{}", line.ts);
    }
    assert!(parsed.windows(2).all(|w| w[0].ts <= w[1].ts));
}

#[test]
fn volume_and_mix_are_those_asked_for() {
    let day = default_day();
    let expected = 300.0 * 24.0 * 20.0;
    let ratio = day.events as f64 / expected;
    assert!((0.9..1.1).contains(&ratio), "{} events", day.events);
    let parsed = lines(&day.zeek_dns_log);
    let share = |keep: &dyn Fn(&Line<'_>) -> bool| {
        parsed.iter().filter(|l| keep(l)).count() as f64 / parsed.len() as f64
    };
    assert!(share(&|l| l.qtype == "A" || l.qtype == "AAAA") > 0.8);
    for qtype in ["HTTPS", "MX", "TXT"] {
        assert!(share(&|l| l.qtype == qtype) > 0.0005, "{qtype}");
    }
    let nx = share(&|l| l.rcode == "NXDOMAIN");
    assert!((0.01..0.1).contains(&nx), "{nx}");
    // Working hours are busier than the night.
    let hour = |h: f64| {
        share(&|l| {
            (l.ts - DEFAULT_START as f64) / 3600.0 >= h
                && (l.ts - DEFAULT_START as f64) / 3600.0 < h + 1.0
        })
    };
    assert!(hour(10.0) > 5.0 * hour(3.0));
    let clients: HashSet<&str> = parsed.iter().map(|l| l.client).collect();
    assert!(clients.len() > 250, "{}", clients.len());
}

#[test]
fn planted_threats_are_in_the_log() {
    let day = default_day();
    let planted = &day.planted;
    assert_eq!(planted, &super::planted(&TrafficOptions::default()));
    assert_eq!(planted.dga_family, "necurs");
    assert!((40..=100).contains(&planted.dga_domains.len()));
    let clients: HashSet<&str> = [
        planted.infected_client.as_str(),
        planted.lookalike_client.as_str(),
        planted.tunnel_client.as_str(),
    ]
    .into();
    assert_eq!(clients.len(), 3);
    let parsed = lines(&day.zeek_dns_log);

    let dga: HashSet<&str> = planted.dga_domains.iter().map(String::as_str).collect();
    let dga_lines: Vec<&Line<'_>> = parsed.iter().filter(|l| dga.contains(l.query)).collect();
    assert_eq!(dga_lines.len(), dga.len());
    assert!(
        dga_lines
            .iter()
            .all(|l| l.client == planted.infected_client)
    );
    let nx = dga_lines.iter().filter(|l| l.rcode == "NXDOMAIN").count();
    assert_eq!(nx, dga.len() - 1);
    let first = dga_lines.first().unwrap().ts - DEFAULT_START as f64;
    let last = dga_lines.last().unwrap().ts - DEFAULT_START as f64;
    assert!(
        first < 5.0 * 3600.0 && last > 19.0 * 3600.0,
        "{first} {last}"
    );

    let tesla: Vec<&Line<'_>> = parsed
        .iter()
        .filter(|l| l.query == planted.agenttesla_host)
        .collect();
    assert!((3..=6).contains(&tesla.len()));
    assert!(tesla.iter().all(|l| l.client == planted.infected_client
        && l.rcode == "NOERROR"
        && l.answers == "203.0.113.45"));

    let lookalike: Vec<&Line<'_>> = parsed
        .iter()
        .filter(|l| l.query == planted.lookalike)
        .collect();
    assert!((6..=12).contains(&lookalike.len()));
    assert!(
        lookalike
            .iter()
            .all(|l| l.client == planted.lookalike_client)
    );

    let zone = format!(".t.{}", planted.tunnel_domain);
    let tunnel: Vec<&Line<'_>> = parsed.iter().filter(|l| l.query.ends_with(&zone)).collect();
    assert!((300..=600).contains(&tunnel.len()));
    assert!(tunnel.iter().all(|l| l.client == planted.tunnel_client));
    assert!(tunnel.iter().filter(|l| l.qtype == "TXT").count() > tunnel.len() / 2);
    assert!(tunnel.iter().any(|l| l.qtype == "NULL"));
    assert!(tunnel.iter().any(|l| l.qtype == "CNAME"));
    for line in &tunnel {
        let labels: Vec<&str> = line.query.strip_suffix(&zone).unwrap().split('.').collect();
        assert_eq!(labels.len(), 3);
        assert!(
            labels.iter().all(|l| (40..=60).contains(&l.len())),
            "{}",
            line.query
        );
    }
    let minutes = (tunnel.last().unwrap().ts - tunnel[0].ts) / 60.0;
    assert!(minutes < 60.0, "{minutes}");
}

#[test]
fn short_windows_and_few_clients_still_hold_every_threat() {
    let options = TrafficOptions {
        clients: 3,
        hours: 1,
        start: DEFAULT_START + 20 * 3600,
        events_per_client_hour: 5,
        seed: 9,
    };
    let day = demo_day(&options);
    let parsed = lines(&day.zeek_dns_log);
    let start = options.start as f64;
    assert!(
        parsed
            .iter()
            .all(|l| (start..start + 3600.0).contains(&l.ts))
    );
    assert!(parsed.iter().any(|l| l.query == day.planted.lookalike));
    assert!(
        parsed
            .iter()
            .any(|l| l.query == day.planted.agenttesla_host)
    );
    assert!(parsed.iter().filter(|l| l.rcode == "NXDOMAIN").count() >= 39);
    assert!(parsed.windows(2).all(|w| w[0].ts <= w[1].ts));
}

#[test]
fn the_feed_is_a_urlhaus_dump_with_the_planted_host_and_the_seed_rows() {
    assert!(URLHAUS_SAMPLE.starts_with("################"));
    assert!(URLHAUS_SAMPLE.contains("# Last updated: "));
    assert!(URLHAUS_SAMPLE.contains(
        "\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
    ));
    let rows = feed_rows();
    assert!((10..=20).contains(&rows.len()));
    for row in &rows {
        assert_eq!(row.len(), 9, "{row:?}");
        assert_eq!(row[7], format!("https://urlhaus.abuse.ch/url/{}/", row[0]));
        assert!(matches!(row[3].as_str(), "online" | "offline"));
        assert_eq!(row[3] == "offline", row[4].is_empty(), "{row:?}");
    }
    let planted = super::planted(&TrafficOptions::default());
    assert!(
        rows.iter()
            .any(|row| feed_host(&row[2]) == planted.agenttesla_host
                && row[6].split(',').any(|tag| tag == "AgentTesla"))
    );
    let seed: Vec<String> = rows
        .iter()
        .filter(|row| feed_host(&row[2]) == "asdklgb.ga")
        .map(|row| row.join("|"))
        .collect();
    assert_eq!(
        seed,
        [
            "224863|2019-08-15 13:58:18|http://asdklgb.ga/vvv/v4_output2D3BBE0.exe|offline||malware_download|None|https://urlhaus.abuse.ch/url/224863/|JayTHL",
            "224862|2019-08-15 13:58:14|http://asdklgb.ga/fff.exe|offline||malware_download|None|https://urlhaus.abuse.ch/url/224862/|JayTHL",
            "224861|2019-08-15 13:58:10|http://asdklgb.ga/PurchaseOrder.exe|offline||malware_download|AgentTesla|https://urlhaus.abuse.ch/url/224861/|JayTHL",
        ]
    );
}

#[test]
fn no_benign_name_is_in_the_feed() {
    let catalogue = benign::catalogue();
    let mut benign: Vec<&str> = catalogue.hosts.iter().map(|h| h.name).collect();
    benign.extend(catalogue.hosts.iter().filter_map(|h| h.cname));
    benign.extend(&catalogue.internal);
    benign.extend(&catalogue.nxdomain);
    benign.extend(catalogue.mail.iter().flat_map(|m| [m.domain, m.exchange]));
    let benign: HashSet<String> = registered(&benign).into_iter().collect();
    let rows = feed_rows();
    let hosts: Vec<&str> = rows.iter().map(|row| feed_host(&row[2])).collect();
    for (host, domain) in hosts.iter().zip(registered(&hosts)) {
        assert!(!benign.contains(&domain), "{host} is in the benign traffic");
        assert!(!benign.contains(*host), "{host} is in the benign traffic");
    }
    // Nor are the planted names other than the AgentTesla host.
    let planted = super::planted(&TrafficOptions::default());
    for name in [&planted.lookalike, &planted.tunnel_domain] {
        assert!(!benign.contains(name) && !hosts.contains(&name.as_str()));
    }
    for name in &planted.dga_domains {
        assert!(!benign.contains(name) && !hosts.contains(&name.as_str()));
    }
}

#[test]
fn the_watchlist_owns_every_benign_name_that_carries_a_brand() {
    let brands: Vec<(&str, Vec<&str>)> = WATCHLIST
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, owned) = line.split_once(':').unwrap();
            (name, owned.split_whitespace().collect())
        })
        .collect();
    assert!(brands.len() >= 3);
    // What the typosquat watchlist reader accepts: registered domains, and `label.*`.
    for (brand, owned) in &brands {
        let concrete: Vec<&str> = owned
            .iter()
            .copied()
            .filter(|d| !d.ends_with(".*"))
            .collect();
        assert!(!concrete.is_empty(), "{brand}");
        for (domain, normalized) in concrete
            .iter()
            .zip(dnshunt_features::normalize(&concrete).iter())
        {
            assert_eq!(
                normalized.registered_domain,
                Some(*domain),
                "{brand}: {domain}"
            );
        }
    }
    let microsoft = brands
        .iter()
        .find(|(name, _)| *name == "microsoft")
        .unwrap();
    assert!(microsoft.1.contains(&"microsoft.com"));
    // The lookalike is dnstwist's homoglyph `m` → `rn` of the brand's label.
    let planted = super::planted(&TrafficOptions::default());
    assert_eq!(planted.lookalike, "microsoft.com".replacen('m', "rn", 1));

    let catalogue = benign::catalogue();
    let mut queried: Vec<&str> = catalogue.hosts.iter().map(|h| h.name).collect();
    queried.extend(&catalogue.internal);
    queried.extend(catalogue.mail.iter().map(|m| m.domain));
    // The lookalike search looks for brands in the registered domain's label (a name under a
    // private suffix such as `googleapis.com` is its own registered domain).
    let batch = dnshunt_features::normalize(&queried);
    for (name, normalized) in queried.iter().zip(batch.iter()) {
        let domain = normalized.registered_domain.unwrap_or_default();
        let label = normalized.domain_label.unwrap_or_default();
        for (brand, owned) in &brands {
            if label.contains(brand) {
                assert!(
                    owned.contains(&domain),
                    "{name}: {brand} does not own {domain}"
                );
            }
        }
    }
}

/// Throughput: `cargo test --release -p dnshunt-datasets -- --ignored --nocapture ten_million`.
#[test]
#[ignore = "a benchmark: about 10,000,000 lines"]
fn ten_million_events_to_a_sink() {
    let options = TrafficOptions {
        events_per_client_hour: 1_389,
        ..TrafficOptions::default()
    };
    let started = Instant::now();
    let events = write_zeek(&options, &mut io::sink()).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{events} events in {seconds:.2} s ({:.0} events/s)",
        events as f64 / seconds
    );
    assert!(events > 9_000_000);
}
