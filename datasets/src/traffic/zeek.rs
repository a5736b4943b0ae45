//! Zeek `dns.log` in its tab-separated form: the header, one line per DNS transaction, the
//! closing line.
//!
//! Lines follow what Zeek's `base/protocols/dns/main.zeek` logs: `rtt`, `AA` and `RA` are only
//! set when the reply carried answers (Zeek sets them while logging an answer), so an NXDOMAIN
//! or a reply without answers has `rtt` unset (`-`) and `RA` false; TXT answers read
//! `TXT <length> <string>`; types Zeek does not parse (NULL) read `<unknown type=10>`. Values are
//! escaped as Zeek's ASCII writer does: `\xNN` for control bytes, the backslash, the tab and,
//! inside the `answers` set, the comma; `(empty)` for an empty string; `-` for unset.

use std::io::Write;
use std::net::Ipv6Addr;

/// The `#fields` of a default Zeek `dns.log` (no optional scripts loaded).
pub(super) const FIELDS: [&str; 24] = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "trans_id",
    "rtt",
    "query",
    "qclass",
    "qclass_name",
    "qtype",
    "qtype_name",
    "rcode",
    "rcode_name",
    "AA",
    "TC",
    "RD",
    "RA",
    "Z",
    "answers",
    "TTLs",
    "rejected",
];

/// The `#types` matching [`FIELDS`].
pub(super) const TYPES: [&str; 24] = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "count",
    "interval",
    "string",
    "count",
    "string",
    "count",
    "string",
    "count",
    "string",
    "bool",
    "bool",
    "bool",
    "bool",
    "count",
    "vector[string]",
    "vector[interval]",
    "bool",
];

/// The resolver every client asks.
pub(super) const RESOLVER: [u8; 4] = [10, 0, 0, 53];

/// A query type the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QType {
    A,
    Aaaa,
    Cname,
    Null,
    Mx,
    Txt,
    Https,
}

impl QType {
    fn code(self) -> u16 {
        match self {
            Self::A => 1,
            Self::Cname => 5,
            Self::Null => 10,
            Self::Mx => 15,
            Self::Txt => 16,
            Self::Aaaa => 28,
            Self::Https => 65,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::Cname => "CNAME",
            Self::Null => "NULL",
            Self::Mx => "MX",
            Self::Txt => "TXT",
            Self::Aaaa => "AAAA",
            Self::Https => "HTTPS",
        }
    }
}

/// A response code the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rcode {
    NoError,
    NxDomain,
}

/// One answer's data, as Zeek prints it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Rdata<'a> {
    /// A target name (CNAME, MX).
    Name(&'a str),
    V4([u8; 4]),
    V6([u16; 8]),
    /// One TXT string.
    Txt(&'a str),
    /// A type Zeek does not parse, by number.
    Unknown(u16),
}

/// One answer and its TTL.
#[derive(Debug, Clone, Copy)]
pub(super) struct Answer<'a> {
    pub(super) data: Rdata<'a>,
    pub(super) ttl_secs: u32,
}

/// One logged DNS transaction.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'a> {
    pub(super) time_us: i64,
    /// The connection's UID (96 bits used).
    pub(super) uid: u128,
    pub(super) client: [u8; 4],
    pub(super) client_port: u16,
    pub(super) trans_id: u16,
    /// Query to first answer; logged only when there are answers.
    pub(super) rtt_us: u32,
    pub(super) query: &'a str,
    pub(super) qtype: QType,
    pub(super) rcode: Rcode,
    pub(super) answers: &'a [Answer<'a>],
}

/// Zeek's header lines for a log opened at `open_secs`.
pub(super) fn write_header(out: &mut Vec<u8>, open_secs: i64) -> std::io::Result<()> {
    out.extend_from_slice(
        b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n",
    );
    writeln!(out, "#open\t{}", header_time(open_secs))?;
    writeln!(out, "#fields\t{}", FIELDS.join("\t"))?;
    writeln!(out, "#types\t{}", TYPES.join("\t"))
}

/// Zeek's closing line for a log closed at `close_secs`.
pub(super) fn write_close(out: &mut Vec<u8>, close_secs: i64) -> std::io::Result<()> {
    writeln!(out, "#close\t{}", header_time(close_secs))
}

/// `YYYY-MM-DD-HH-MM-SS` in UTC, as Zeek's `#open` and `#close` lines write it.
fn header_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d-%H-%M-%S")
        .to_string()
}

/// One log line, newline included. Written byte by byte rather than through `format!`: this is
/// the generator's hot loop.
pub(super) fn write_row(out: &mut Vec<u8>, row: &Row<'_>) -> std::io::Result<()> {
    let answered = !row.answers.is_empty();
    push_decimal(out, row.time_us.div_euclid(1_000_000).unsigned_abs());
    out.push(b'.');
    push_micros(out, row.time_us.rem_euclid(1_000_000).unsigned_abs());
    out.push(b'\t');
    write_uid(out, row.uid);
    out.push(b'\t');
    push_v4(out, row.client);
    out.push(b'\t');
    push_decimal(out, u64::from(row.client_port));
    out.push(b'\t');
    push_v4(out, RESOLVER);
    out.extend_from_slice(b"\t53\tudp\t");
    push_decimal(out, u64::from(row.trans_id));
    out.push(b'\t');
    if answered {
        push_decimal(out, u64::from(row.rtt_us / 1_000_000));
        out.push(b'.');
        push_micros(out, u64::from(row.rtt_us % 1_000_000));
    } else {
        out.push(b'-');
    }
    out.push(b'\t');
    write_escaped(out, row.query, false);
    out.extend_from_slice(b"\t1\tC_INTERNET\t");
    push_decimal(out, u64::from(row.qtype.code()));
    out.push(b'\t');
    out.extend_from_slice(row.qtype.name().as_bytes());
    out.extend_from_slice(match row.rcode {
        Rcode::NoError => b"\t0\tNOERROR\tF\tF\tT\t",
        Rcode::NxDomain => b"\t3\tNXDOMAIN\tF\tF\tT\t",
    });
    if answered {
        out.extend_from_slice(b"T\t0\t");
        for (at, answer) in row.answers.iter().enumerate() {
            if at > 0 {
                out.push(b',');
            }
            write_rdata(out, answer.data)?;
        }
        out.push(b'\t');
        for (at, answer) in row.answers.iter().enumerate() {
            if at > 0 {
                out.push(b',');
            }
            push_decimal(out, u64::from(answer.ttl_secs));
            out.extend_from_slice(b".000000");
        }
    } else {
        out.extend_from_slice(b"F\t0\t-\t-");
    }
    out.extend_from_slice(b"\tF\n");
    Ok(())
}

fn write_rdata(out: &mut Vec<u8>, data: Rdata<'_>) -> std::io::Result<()> {
    match data {
        Rdata::Name(name) => write_escaped(out, name, true),
        Rdata::V4(address) => push_v4(out, address),
        Rdata::V6(segments) => write!(out, "{}", Ipv6Addr::from(segments))?,
        Rdata::Txt(text) => {
            out.extend_from_slice(b"TXT ");
            push_decimal(out, text.len() as u64);
            out.push(b' ');
            write_escaped(out, text, true);
        }
        Rdata::Unknown(code) => write!(out, "<unknown type={code}>")?,
    }
    Ok(())
}

/// `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `micros` (below 1,000,000) as the six decimals of a Zeek time or interval.
fn push_micros(out: &mut Vec<u8>, micros: u64) {
    let mut digits = [b'0'; 6];
    let mut n = micros;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&digits);
}

fn push_v4(out: &mut Vec<u8>, address: [u8; 4]) {
    for (at, octet) in address.into_iter().enumerate() {
        if at > 0 {
            out.push(b'.');
        }
        push_decimal(out, u64::from(octet));
    }
}

/// `C` and base-62 digits of the UID's low 96 bits (bits 64–95, then the low 64 bits in eleven
/// digits): mostly 17 or 18 characters, as Zeek's connection UIDs are.
fn write_uid(out: &mut Vec<u8>, uid: u128) {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut digits = [b'0'; 17];
    let mut low = uid as u64;
    for digit in digits[6..].iter_mut().rev() {
        *digit = DIGITS[(low % 62) as usize];
        low /= 62;
    }
    let mut high = (uid >> 64) as u32;
    let mut first = 6;
    while high > 0 {
        first -= 1;
        digits[first] = DIGITS[(high % 62) as usize];
        high /= 62;
    }
    out.push(b'C');
    out.extend_from_slice(&digits[first..]);
}

/// A string value with Zeek's escapes; `container` also escapes the set separator.
fn write_escaped(out: &mut Vec<u8>, text: &str, container: bool) {
    if text.is_empty() {
        out.extend_from_slice(b"(empty)");
        return;
    }
    let needs =
        |byte: u8| byte < 0x20 || byte == 0x7F || byte == b'\\' || (container && byte == b',');
    let bytes = text.as_bytes();
    let literal = text == "-" || text == "(empty)";
    if !literal && !bytes.iter().any(|&byte| needs(byte)) {
        out.extend_from_slice(bytes);
        return;
    }
    for (at, &byte) in bytes.iter().enumerate() {
        if needs(byte) || (literal && at == 0) {
            out.extend_from_slice(format!("\\x{byte:02x}").as_bytes());
        } else {
            out.push(byte);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(row: &Row<'_>) -> String {
        let mut out = Vec::new();
        write_row(&mut out, row).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_look_like_zeek() {
        let answers = [
            Answer {
                data: Rdata::Name("cdn.example.net"),
                ttl_secs: 300,
            },
            Answer {
                data: Rdata::V4([203, 0, 113, 7]),
                ttl_secs: 60,
            },
        ];
        let mut row = Row {
            time_us: 1_724_840_121_123_456,
            uid: 12_345_678_901_234_567_890,
            client: [192, 0, 2, 10],
            client_port: 53412,
            trans_id: 4660,
            rtt_us: 12_000,
            query: "www.example.com",
            qtype: QType::A,
            rcode: Rcode::NoError,
            answers: &answers,
        };
        let text = line(&row);
        let fields: Vec<&str> = text.trim_end().split('\t').collect();
        assert_eq!(fields.len(), FIELDS.len());
        assert_eq!(fields[0], "1724840121.123456");
        assert!(
            fields[1].starts_with('C') && fields[1].len() >= 12,
            "{}",
            fields[1]
        );
        assert_eq!(
            fields[2..].join("\t"),
            "192.0.2.10\t53412\t10.0.0.53\t53\tudp\t4660\t0.012000\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\tcdn.example.net,203.0.113.7\t300.000000,60.000000\tF"
        );
        row.rcode = Rcode::NxDomain;
        row.answers = &[];
        let text = line(&row);
        assert!(
            text.ends_with(
                "\t-\twww.example.com\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\tF\tF\tT\tF\t0\t-\t-\tF\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn escapes_like_zeek() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a,b\t\\", true);
        write_escaped(&mut out, "a,b", false);
        write_escaped(&mut out, "-", false);
        write_escaped(&mut out, "", false);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r"a\x2cb\x09\x5ca,b\x2d(empty)"
        );
        let mut out = Vec::new();
        write_rdata(&mut out, Rdata::Txt("v=DMARC1; rua=a,b")).unwrap();
        write_rdata(&mut out, Rdata::Unknown(10)).unwrap();
        write_rdata(&mut out, Rdata::V6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r"TXT 17 v=DMARC1; rua=a\x2cb<unknown type=10>2001:db8::1"
        );
    }

    #[test]
    fn header_and_close() {
        let mut out = Vec::new();
        write_header(&mut out, 1_793_577_600).unwrap();
        write_close(&mut out, 1_793_664_000).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], r"#separator \x09");
        assert_eq!(lines[5], "#open\t2026-11-02-00-00-00");
        assert_eq!(lines[6].split('\t').count(), 25);
        assert_eq!(lines[7].split('\t').count(), 25);
        assert_eq!(lines[8], "#close\t2026-11-03-00-00-00");
    }
}
