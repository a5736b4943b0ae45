//! URLhaus CSV dumps (abuse.ch): one malware URL a row; the indicator is the URL's host.
//!
//! # What it is
//! A `#` banner, the header commented out (`# id,dateadded,url,...`), then rows with every field
//! quoted. Two layouts exist: the 2020 one with 8 columns (`id, dateadded, url, url_status, threat,
//! tags, urlhaus_link, reporter`) and the current one with 9 (`last_online` after `url_status`).
//!
//! # Why it matters
//! URLhaus is the feed the seed notebook joined against; its hosts are malware download sites.
//!
//! # Example
//! `"224861","2019-08-15 13:58:10","http://asdklgb.ga/PurchaseOrder.exe","offline","malware_download","AgentTesla","https://urlhaus.abuse.ch/url/224861/","JayTHL"`
//! gives the domain indicator `asdklgb.ga`, threat `malware_download`, tag `AgentTesla`, first seen
//! 2019-08-15T13:58:10Z, reference `https://urlhaus.abuse.ch/url/224861/`.
//!
//! # Known limits
//! Columns are found by the header's names; without a header, the layout is chosen by the column
//! count of each row. One indicator per row: a host with many URLs gives many indicators, each with
//! its own reference. URLhaus gives no confidence and no family (families show up as tags).
//!
//! # References
//! abuse.ch URLhaus dumps; `../shared/docs/FORMATS.md` §7a.

use super::quoted_csv;
use crate::feed::{Loaded, feed_time, present, split_tags};
use crate::host::host_of_url;
use crate::indicator::Indicator;

const LAYOUT_2020: [&str; 8] = [
    "id",
    "dateadded",
    "url",
    "url_status",
    "threat",
    "tags",
    "urlhaus_link",
    "reporter",
];
const LAYOUT_CURRENT: [&str; 9] = [
    "id",
    "dateadded",
    "url",
    "url_status",
    "last_online",
    "threat",
    "tags",
    "urlhaus_link",
    "reporter",
];

/// Loads a URLhaus CSV dump.
pub fn load(text: &str, feed: &str) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    let mut header: Option<Vec<String>> = None;
    let mut rows = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') {
            if header.is_none() && trimmed.trim_start_matches(['#', ' ']).starts_with("id,") {
                header = Some(
                    quoted_csv::header(trimmed)
                        .map_err(|e| format!("line {number}: the header is not CSV ({e})"))?,
                );
            }
            continue;
        }
        rows += 1;
        match quoted_csv::split(trimmed) {
            Ok(fields) => row(&fields, header.as_deref(), feed, number, &mut loaded),
            Err(reason) => loaded.malformed(number, reason),
        }
    }
    if rows == 0 && header.is_none() {
        return Err("no header (`# id,dateadded,url,...`) and no rows".to_owned());
    }
    Ok(loaded)
}

fn row(fields: &[String], header: Option<&[String]>, feed: &str, line: usize, out: &mut Loaded) {
    let columns: Vec<&str> = match header {
        Some(names) => names.iter().map(String::as_str).collect(),
        None if fields.len() == LAYOUT_2020.len() => LAYOUT_2020.to_vec(),
        None => LAYOUT_CURRENT.to_vec(),
    };
    if fields.len() != columns.len() {
        out.malformed(
            line,
            format!(
                "{} columns where the header has {}",
                fields.len(),
                columns.len()
            ),
        );
        return;
    }
    let get = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|at| fields.get(at))
            .and_then(|field| present(field))
    };
    let Some(url) = get("url") else {
        out.malformed(line, "no url");
        return;
    };
    let value = match host_of_url(url) {
        Ok(value) => value,
        Err(reason) => {
            out.malformed(line, reason);
            return;
        }
    };
    let (first_seen, last_seen) = match (
        feed_time(get("dateadded").unwrap_or("")),
        feed_time(get("last_online").unwrap_or("")),
    ) {
        (Ok(first), Ok(last)) => (first, last),
        (Err(reason), _) | (_, Err(reason)) => {
            out.malformed(line, reason);
            return;
        }
    };
    let mut indicator = Indicator::new(feed, value, line);
    indicator.threat = get("threat").map(str::to_owned);
    indicator.tags = get("tags").map(split_tags).unwrap_or_default();
    indicator.first_seen = first_seen;
    indicator.last_seen = last_seen;
    indicator.reference = get("urlhaus_link").or_else(|| get("id")).map(str::to_owned);
    indicator.source_value = Some(url.to_owned());
    out.indicators.push(indicator);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::IndicatorType;

    const CURRENT: &str = "\
################################################################
# abuse.ch URLhaus Database Dump (CSV)                         #
################################################################
#
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
\"900001\",\"2024-08-28 10:00:00\",\"http://malware.example/bin.sh\",\"online\",\"2024-08-28 10:05:00\",\"malware_download\",\"elf,mips\",\"https://urlhaus.abuse.ch/url/900001/\",\"reporter1\"
\"900002\",\"2024-08-28 10:01:00\",\"http://user@[2001:db8::7]:8080/x,y\",\"offline\",\"\",\"malware_download\",\"None\",\"https://urlhaus.abuse.ch/url/900002/\",\"reporter2\"
\"900003\",\"2024-08-28 10:02:00\",\"http://bad host/\",\"offline\",\"\",\"malware_download\",\"None\",\"https://urlhaus.abuse.ch/url/900003/\",\"reporter2\"
\"900004\",\"2024-08-28\"
";

    #[test]
    fn reads_the_current_layout() {
        let loaded = load(CURRENT, "urlhaus").unwrap();
        assert_eq!(loaded.indicators.len(), 2);
        let first = &loaded.indicators[0];
        assert_eq!(first.indicator, "malware.example");
        assert_eq!(first.kind, IndicatorType::Domain);
        assert_eq!(first.tags, ["elf", "mips"]);
        assert_eq!(first.last_seen.as_deref(), Some("2024-08-28T10:05:00Z"));
        assert_eq!(first.line, 6);
        let second = &loaded.indicators[1];
        assert_eq!(second.indicator, "2001:db8::7");
        assert_eq!(second.kind, IndicatorType::Ip);
        assert!(second.tags.is_empty());
        assert_eq!(second.last_seen, None);
        let lines: Vec<usize> = loaded.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [8, 9]);
    }

    #[test]
    fn reads_the_2020_layout_without_a_header() {
        let text = "\"224861\",\"2019-08-15 13:58:10\",\"http://asdklgb.ga/PurchaseOrder.exe\",\"offline\",\"malware_download\",\"AgentTesla\",\"https://urlhaus.abuse.ch/url/224861/\",\"JayTHL\"\n";
        let loaded = load(text, "urlhaus").unwrap();
        let only = &loaded.indicators[0];
        assert_eq!(only.indicator, "asdklgb.ga");
        assert_eq!(only.tags, ["AgentTesla"]);
        assert_eq!(only.threat.as_deref(), Some("malware_download"));
        assert_eq!(only.first_seen.as_deref(), Some("2019-08-15T13:58:10Z"));
        assert_eq!(
            only.reference.as_deref(),
            Some("https://urlhaus.abuse.ch/url/224861/")
        );
        assert!(loaded.rejected.is_empty());
    }
}
