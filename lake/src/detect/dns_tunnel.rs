//! `dns_tunnel`: data smuggled through DNS shows up as one client sending many queries with
//! distinct, long, random-looking subdomains under one registered domain, often as TXT, NULL or
//! CNAME queries whose answers carry the return channel.
//!
//! Per client, registered domain and window: distinct subdomains, their mean length and the
//! Shannon entropy of their characters, the share of TXT/NULL/CNAME queries, and the volume.
//! Windows that pass the thresholds of [`TunnelConfig`] make one finding per client, domain and day.

use std::collections::BTreeMap;

use serde_json::json;

use crate::detect::columns;
use crate::detect::combine::{MICROS_PER_DAY, iso_time};
use crate::detect::config::TunnelConfig;
use crate::detect::finding::{Finding, Severity, finding_id};

/// One window's aggregates, as the detector's query returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// The client.
    pub client_ip: Option<String>,
    /// The registered domain the subdomains are under.
    pub registered_domain: String,
    /// First query in the window.
    pub first_time: i64,
    /// Last query in the window.
    pub last_time: i64,
    /// Queries in the window.
    pub queries: i64,
    /// Share of TXT, NULL and CNAME queries, 0–1.
    pub txt_share: f64,
    /// The distinct subdomains.
    pub subdomains: Vec<String>,
}

/// The detector's SQL: windows with at least the configured number of distinct subdomains.
///
/// Grouped in two steps, by subdomain first: a `count(DISTINCT ..)` beside the other aggregates
/// kept tens of kilobytes per window in `DataFusion` and ran out of memory at 10M events.
pub fn query(config: &TunnelConfig, filter: &str) -> String {
    format!(
        "WITH per_subdomain AS ( \
           SELECT client_ip, registered_domain, subdomain, \
             date_bin(INTERVAL '{} minutes', event_time, TIMESTAMP '1970-01-01T00:00:00Z') AS window_start, \
             min(event_time) AS first_time, max(event_time) AS last_time, \
             {} AS queries, \
             sum(CASE WHEN qtype IN ('TXT', 'NULL', 'CNAME') THEN 1 ELSE 0 END) AS txt_rows, \
             count(*) AS row_count \
           FROM events \
           WHERE is_valid_name AND subdomain IS NOT NULL AND registered_domain IS NOT NULL {filter} \
           GROUP BY client_ip, registered_domain, subdomain, window_start) \
         SELECT client_ip, registered_domain, \
           min(first_time) AS first_time, max(last_time) AS last_time, \
           sum(queries) AS queries, \
           CAST(sum(txt_rows) AS DOUBLE) / CAST(sum(row_count) AS DOUBLE) AS txt_share, \
           array_agg(subdomain) AS subdomains \
         FROM per_subdomain \
         GROUP BY client_ip, registered_domain, window_start \
         HAVING count(*) >= {}",
        config.window_minutes.max(1),
        columns::QUERIES_SUM,
        config.min_distinct_subdomains
    )
}

/// Shannon entropy of the characters of `texts` taken together, dots left out, in bits per character.
pub fn entropy(texts: &[String]) -> f64 {
    let mut counts = [0_u64; 256];
    let mut total = 0_u64;
    for byte in texts.iter().flat_map(|t| t.bytes()).filter(|&b| b != b'.') {
        counts[usize::from(byte)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// The tunnel findings of `windows`: one per client, domain and day, summing its windows that pass.
pub fn findings(windows: &[Window], config: &TunnelConfig) -> Vec<Finding> {
    struct Day {
        first: i64,
        last: i64,
        queries: i64,
        windows: u32,
        distinct: usize,
        mean_length: f64,
        entropy: f64,
        txt_share: f64,
    }
    let mut days: BTreeMap<(Option<String>, String, i64), Day> = BTreeMap::new();
    for w in windows {
        let distinct = w.subdomains.len();
        let mean_length =
            w.subdomains.iter().map(String::len).sum::<usize>() as f64 / distinct.max(1) as f64;
        let bits = entropy(&w.subdomains);
        if distinct < config.min_distinct_subdomains as usize
            || mean_length < config.min_mean_length
            || bits < config.min_entropy
        {
            continue;
        }
        let key = (
            w.client_ip.clone(),
            w.registered_domain.clone(),
            w.first_time.div_euclid(MICROS_PER_DAY),
        );
        let day = days.entry(key).or_insert(Day {
            first: w.first_time,
            last: w.last_time,
            queries: 0,
            windows: 0,
            distinct: 0,
            mean_length: 0.0,
            entropy: 0.0,
            txt_share: 0.0,
        });
        day.first = day.first.min(w.first_time);
        day.last = day.last.max(w.last_time);
        day.queries = day.queries.saturating_add(w.queries);
        day.windows += 1;
        // The strongest window speaks for the day.
        if distinct > day.distinct {
            day.distinct = distinct;
            day.mean_length = mean_length;
            day.entropy = bits;
            day.txt_share = w.txt_share;
        }
    }
    days.into_iter()
        .map(|((client, domain, day_number), d)| {
            let txt_heavy = d.txt_share >= config.txt_share;
            let severity = if txt_heavy { Severity::High } else { Severity::Medium };
            let volume = (d.distinct as f64 / (4.0 * f64::from(config.min_distinct_subdomains.max(1)))).min(1.0);
            let score = 0.6 + if txt_heavy { 0.2 } else { 0.0 } + 0.2 * volume;
            let who = client.as_deref().map_or_else(|| "a client".to_owned(), |c| format!("client {c}"));
            // The counts are the day's; the subdomain figures are the busiest window's.
            let minutes = config.window_minutes;
            let windows = if d.windows == 1 {
                format!("in one {minutes}-minute window, with")
            } else {
                format!("in {} {minutes}-minute windows, the busiest with", d.windows)
            };
            let reason = format!(
                "{who} sent {} queries under {domain} {windows} {} distinct subdomains (mean {:.0} characters, {:.1} bits per character, {:.0}% TXT/NULL/CNAME) — a DNS tunnel pattern",
                d.queries,
                d.distinct,
                d.mean_length,
                d.entropy,
                d.txt_share * 100.0
            );
            let evidence = json!({
                "queries": d.queries, "windows": d.windows, "window_minutes": config.window_minutes,
                "distinct_subdomains": d.distinct, "mean_subdomain_length": (d.mean_length * 10.0).round() / 10.0,
                "entropy_bits_per_char": (d.entropy * 100.0).round() / 100.0,
                "txt_null_cname_share": (d.txt_share * 1000.0).round() / 1000.0,
                "first_query": iso_time(d.first),
            });
            Finding {
                finding_id: finding_id("dns_tunnel", client.as_deref(), &domain, day_number),
                detector: "dns_tunnel".into(),
                severity,
                score: (score * 10_000.0).round() / 10_000.0,
                event_time: d.first,
                last_seen: d.last,
                count: d.queries,
                client_ip: client,
                query: domain.clone(),
                registered_domain: Some(domain),
                reason,
                evidence: evidence.to_string(),
                intel: None,
                model_version: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(subdomains: Vec<String>, txt_share: f64) -> Window {
        Window {
            client_ip: Some("10.1.9.9".into()),
            registered_domain: "tunnel.example".into(),
            first_time: 0,
            last_time: 1,
            queries: 40,
            txt_share,
            subdomains,
        }
    }

    #[test]
    fn long_random_subdomains_are_a_tunnel_and_short_words_are_not() {
        let config = TunnelConfig::default();
        let mut state = 7_u64;
        let random: Vec<String> = (0..40)
            .map(|_| {
                (0..48)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        char::from(b"abcdefghijklmnopqrstuvwxyz234567"[(state >> 59) as usize])
                    })
                    .collect()
            })
            .collect();
        assert!(entropy(&random) > 4.5);
        let found = findings(&[window(random.clone(), 0.9)], &config);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].detector.as_str(), found[0].severity),
            ("dns_tunnel", Severity::High)
        );
        assert!(
            found[0]
                .reason
                .contains("in one 60-minute window, with 40 distinct subdomains"),
            "{}",
            found[0].reason
        );
        let mut second = window(random[..30].to_vec(), 0.9);
        second.first_time += 3_600_000_000;
        let two = findings(&[window(random.clone(), 0.9), second], &config);
        assert!(
            two[0]
                .reason
                .contains("in 2 60-minute windows, the busiest with 40 distinct subdomains"),
            "{}",
            two[0].reason
        );
        assert_eq!(
            findings(&[window(random, 0.0)], &config)[0].severity,
            Severity::Medium
        );

        let words: Vec<String> = (0..40).map(|i| format!("www{i}")).collect();
        assert!(findings(&[window(words, 1.0)], &config).is_empty());
    }
}
