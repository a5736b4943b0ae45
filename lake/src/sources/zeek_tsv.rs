//! Zeek `dns.log` in its tab-separated form: the schema comes from each file's `#fields` line.

use super::Source;
use crate::event::{Event, Parsed};

/// The Zeek TSV parser; it learns the columns from the `#fields` header.
#[derive(Default)]
pub struct ZeekTsv {
    columns: Option<Columns>,
    set_separator: Option<u8>,
}

/// Positions of the columns dnshunt reads.
struct Columns {
    count: usize,
    ts: Option<usize>,
    query: Option<usize>,
    orig_h: Option<usize>,
    resp_h: Option<usize>,
    qtype_name: Option<usize>,
    qtype: Option<usize>,
    rcode_name: Option<usize>,
    rcode: Option<usize>,
    answers: Option<usize>,
}

impl Columns {
    fn from_header(names: &[&str]) -> Self {
        let find = |name: &str| names.iter().position(|n| *n == name);
        Self {
            count: names.len(),
            ts: find("ts"),
            query: find("query"),
            orig_h: find("id.orig_h"),
            resp_h: find("id.resp_h"),
            qtype_name: find("qtype_name"),
            qtype: find("qtype"),
            rcode_name: find("rcode_name"),
            rcode: find("rcode"),
            answers: find("answers"),
        }
    }
}

impl Source for ZeekTsv {
    fn parse(&mut self, line: &str) -> Parsed {
        if let Some(header) = line.strip_prefix('#') {
            self.header(header);
            return Parsed::Skip;
        }
        if line.is_empty() {
            return Parsed::Skip;
        }
        let Some(columns) = &self.columns else {
            return Parsed::reject("data row before any `#fields` header line");
        };
        let (Some(ts), Some(query)) = (columns.ts, columns.query) else {
            return Parsed::reject("the `#fields` header has no `ts` or no `query` column");
        };
        let values: Vec<&str> = line.split('\t').collect();
        if values.len() != columns.count {
            return Parsed::Reject(format!(
                "{} tab-separated values, the `#fields` header names {}",
                values.len(),
                columns.count
            ));
        }
        let Some(event_time) = parse_ts(values[ts]) else {
            return Parsed::Reject(format!("`ts` is not an epoch time: {}", values[ts]));
        };
        let text = |index: Option<usize>| {
            index
                .and_then(|i| value(values[i]))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        };
        let separator = self.set_separator.unwrap_or(b',');
        let answers = columns
            .answers
            .map(|i| values[i])
            .filter(|raw| *raw != "-" && *raw != "(empty)")
            .map(|raw| {
                raw.split(char::from(separator))
                    .map(|item| String::from_utf8_lossy(&unescape(item)).into_owned())
                    .collect()
            })
            .unwrap_or_default();
        Parsed::Event(Box::new(Event {
            event_time,
            count: Some(1),
            client_ip: text(columns.orig_h),
            server_ip: text(columns.resp_h),
            query_raw: value(values[query]).unwrap_or_default(),
            qtype: text(columns.qtype_name).or_else(|| text(columns.qtype)),
            rcode: text(columns.rcode_name).or_else(|| text(columns.rcode)),
            answers,
            ..Event::default()
        }))
    }
}

impl ZeekTsv {
    fn header(&mut self, header: &str) {
        let mut parts = header.splitn(2, ['\t', ' ']);
        let key = parts.next().unwrap_or_default();
        let rest = parts.next().unwrap_or_default();
        match key {
            "fields" => {
                let names: Vec<&str> = rest.split('\t').collect();
                self.columns = Some(Columns::from_header(&names));
            }
            "set_separator" => self.set_separator = unescape(rest).first().copied(),
            _ => {}
        }
    }
}

fn parse_ts(raw: &str) -> Option<i64> {
    super::epoch_micros(raw.parse().ok()?)
}

/// A field's bytes: `None` for unset (`-`), empty for `(empty)`, escapes decoded otherwise.
fn value(raw: &str) -> Option<Vec<u8>> {
    match raw {
        "-" => None,
        "(empty)" => Some(Vec::new()),
        _ => Some(unescape(raw)),
    }
}

/// Decodes Zeek's `\xNN` escapes; a backslash not followed by two hex digits stays as it is.
fn unescape(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && bytes.get(i + 1) == Some(&b'x')
            && let Some(hex) = bytes.get(i + 2..i + 4)
            && let Ok(text) = std::str::from_utf8(hex)
            && let Ok(byte) = u8::from_str_radix(text, 16)
        {
            out.push(byte);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_unset_and_empty() {
        assert_eq!(unescape(r"a\x09b\x5c\xZZ"), b"a\tb\\\\xZZ");
        assert_eq!(value("-"), None);
        assert_eq!(value("(empty)"), Some(Vec::new()));
        assert_eq!(value(r"\x2d"), Some(b"-".to_vec()));
    }

    #[test]
    fn rows_need_a_fields_header_with_matching_width() {
        let mut p = ZeekTsv::default();
        assert!(matches!(p.parse("1.0\tx"), Parsed::Reject(r) if r.contains("#fields")));
        assert_eq!(p.parse("#fields\tts\tquery\tanswers"), Parsed::Skip);
        assert!(matches!(p.parse("1.0\tx"), Parsed::Reject(r) if r.contains("2 tab-separated")));
        let Parsed::Event(e) = p.parse("1.5\tWWW.Example.com\ta\\x2cb,c") else {
            panic!()
        };
        assert_eq!(e.event_time, 1_500_000);
        assert_eq!(e.answers, ["a,b", "c"]);
        assert!(matches!(p.parse("#fields\tuid\tquery"), Parsed::Skip));
        assert!(matches!(p.parse("u\tq"), Parsed::Reject(r) if r.contains("no `ts`")));
    }
}
