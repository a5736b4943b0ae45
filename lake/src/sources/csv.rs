//! CSV query logs with a header line, from whatever tool exported them: which column holds which
//! field comes from [`CsvColumns`], whose defaults know the common column names.

use super::Source;
use crate::event::{Event, Parsed};

/// The event fields a CSV file can fill, in [`CsvColumns`] order.
pub const FIELDS: [&str; 7] = [
    "time", "query", "client", "server", "qtype", "rcode", "answers",
];

/// Header names tried for each field when no mapping names the column, in [`FIELDS`] order.
const DEFAULT_NAMES: [&[&str]; 7] = [
    &["time", "ts", "timestamp", "event_time", "date"],
    &["query", "qname", "domain", "name", "rrname", "query_name"],
    &[
        "client",
        "client_ip",
        "src_ip",
        "source_ip",
        "src",
        "id.orig_h",
    ],
    &[
        "server",
        "server_ip",
        "dst_ip",
        "resolver",
        "dst",
        "id.resp_h",
    ],
    &["qtype", "type", "query_type", "rrtype", "qtype_name"],
    &["rcode", "response_code", "rcode_name", "status"],
    &["answers", "answer", "rdata", "response"],
];

/// Which header column holds each field; `None` uses the default names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvColumns {
    columns: [Option<String>; 7],
}

impl CsvColumns {
    /// Maps `field` (one of [`FIELDS`]) to the column `column`: `set("query", "qname")`.
    pub fn set(&mut self, field: &str, column: &str) -> Result<(), String> {
        let at = FIELDS.iter().position(|f| *f == field).ok_or_else(|| {
            format!(
                "unknown CSV field `{field}`; use one of {}",
                FIELDS.join(", ")
            )
        })?;
        self.columns[at] = Some(column.trim().to_ascii_lowercase());
        Ok(())
    }

    /// Parses `field=column` pairs, as `--csv-column query=qname` gives them.
    pub fn parse_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Self, String> {
        let mut columns = Self::default();
        for pair in pairs {
            let pair = pair.as_ref();
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` should be FIELD=COLUMN, e.g. query=qname"))?;
            columns.set(field.trim(), column)?;
        }
        Ok(columns)
    }

    /// Whether a header line names a query column (for `--format auto`).
    pub fn header_has_query(&self, line: &str) -> bool {
        let header: Vec<String> = split(line)
            .into_iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        self.positions(&header)[1].is_some()
    }

    fn positions(&self, header: &[String]) -> [Option<usize>; 7] {
        std::array::from_fn(|field| match &self.columns[field] {
            Some(name) => header.iter().position(|h| h == name),
            None => DEFAULT_NAMES[field]
                .iter()
                .find_map(|name| header.iter().position(|h| h == name)),
        })
    }
}

/// The CSV parser: the first non-blank line is the header.
pub struct Csv {
    columns: CsvColumns,
    /// Column positions per field, and the header's width, once the header is read.
    layout: Option<([Option<usize>; 7], usize)>,
}

impl Csv {
    /// A parser with this mapping.
    pub fn new(columns: CsvColumns) -> Self {
        Self {
            columns,
            layout: None,
        }
    }
}

impl Source for Csv {
    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim().is_empty() {
            return Parsed::Skip;
        }
        let values = split(line);
        let Some((positions, width)) = self.layout else {
            let header: Vec<String> = values
                .iter()
                .map(|v| v.trim().to_ascii_lowercase())
                .collect();
            let positions = self.columns.positions(&header);
            self.layout = Some((positions, header.len()));
            return Parsed::Skip;
        };
        let (Some(time_at), Some(query_at)) = (positions[0], positions[1]) else {
            return Parsed::reject(
                "the CSV header has no time or no query column; name them with --csv-column time=COLUMN --csv-column query=COLUMN",
            );
        };
        if values.len() != width {
            return Parsed::Reject(format!(
                "{} values, the header names {width} columns",
                values.len()
            ));
        }
        let field = |at: Option<usize>| {
            at.map(|i| values[i].trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let event_time = match parse_time(values[time_at].trim()) {
            Ok(t) => t,
            Err(reason) => return Parsed::Reject(reason),
        };
        let answers = field(positions[6])
            .map(|a| {
                a.split([';', '|', ',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Parsed::Event(Box::new(Event {
            event_time,
            count: Some(1),
            client_ip: field(positions[2]),
            server_ip: field(positions[3]),
            query_raw: values[query_at].trim().as_bytes().to_vec(),
            qtype: field(positions[4]),
            rcode: field(positions[5]),
            answers,
            ..Event::default()
        }))
    }
}

/// Splits one CSV line: commas separate, double quotes group, `""` is a quote inside quotes.
/// Records spanning lines are not supported: each line is one record.
fn split(line: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => values.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    values.push(current);
    values
}

/// Epoch seconds (milliseconds when above 10^11, which no date before 5138 reaches in seconds),
/// or an RFC 3339 / `YYYY-MM-DD HH:MM:SS[.fff]` time (UTC when it has no offset).
fn parse_time(raw: &str) -> Result<i64, String> {
    if let Ok(number) = raw.parse::<f64>() {
        let seconds = if number.abs() > 1e11 {
            number / 1e3
        } else {
            number
        };
        return super::epoch_micros(seconds)
            .ok_or_else(|| format!("time `{raw}` is outside years 1970–9999"));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return super::check_time(t.timestamp_micros(), raw);
    }
    for pattern in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(raw, pattern) {
            return super::check_time(t.and_utc().timestamp_micros(), raw);
        }
    }
    Err(format!(
        "time `{raw}` is neither epoch seconds nor an ISO 8601 / RFC 3339 time"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_and_quotes() {
        let mut csv = Csv::new(CsvColumns::default());
        assert_eq!(
            csv.parse("Timestamp,Client_IP,QName,QType,Answers"),
            Parsed::Skip
        );
        let Parsed::Event(e) =
            csv.parse("2024-05-01T10:00:00Z,10.1.2.3,ns1.asdklgb.cf.,A,\"1.2.3.4;5.6.7.8\"")
        else {
            panic!("not an event")
        };
        assert_eq!(e.event_time, 1_714_557_600_000_000);
        assert_eq!(e.client_ip.as_deref(), Some("10.1.2.3"));
        assert_eq!(e.query_raw, b"ns1.asdklgb.cf.");
        assert_eq!(e.answers, ["1.2.3.4", "5.6.7.8"]);
        assert!(matches!(csv.parse("x,1,2"), Parsed::Reject(r) if r.contains("3 values")));
        assert!(
            matches!(csv.parse("yesterday,a,b,c,d"), Parsed::Reject(r) if r.contains("yesterday"))
        );
        assert_eq!(split("a,\"b,\"\"c\"\"\",d"), ["a", "b,\"c\"", "d"]);
    }

    #[test]
    fn explicit_mapping_and_epoch_milliseconds() {
        let columns = CsvColumns::parse_pairs(&["time=when", "query=host"]).unwrap();
        let mut csv = Csv::new(columns);
        csv.parse("when,host");
        let Parsed::Event(e) = csv.parse("1714557600123,example.com") else {
            panic!("not an event")
        };
        assert_eq!(e.event_time, 1_714_557_600_123_000);
        assert!(CsvColumns::parse_pairs(&["colour=x"]).is_err());
        assert!(CsvColumns::parse_pairs(&["query"]).is_err());
        let mut missing = Csv::new(CsvColumns::default());
        missing.parse("a,b");
        assert!(matches!(missing.parse("1,2"), Parsed::Reject(r) if r.contains("--csv-column")));
    }
}
