//! Name normalization: lower case, trailing dot removed, IDNA to punycode, public suffix split.
//!
//! Every name that goes in comes out, in the same position: a name that is not a valid DNS name is
//! flagged with an [`InvalidReason`] and kept (with control bytes and invalid UTF-8 escaped), never
//! dropped. Results are stored column-wise in one string buffer, so a batch of a million names costs
//! two allocations, not a million.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::Serialize;
use unicode_security::MixedScript;

/// The longest name, in bytes of its ASCII form without the trailing dot (RFC 1035: 255 octets on
/// the wire, which leaves 253 characters of text).
pub const MAX_NAME_LEN: usize = 253;
/// The longest label, in bytes (RFC 1035).
pub const MAX_LABEL_LEN: usize = 63;

/// Why a name is not a valid DNS name. The name is still kept in its batch, flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// Nothing but white space.
    Empty,
    /// The bytes are not UTF-8 (only possible through [`normalize_bytes`]).
    InvalidUtf8,
    /// A NUL, tab, newline or other control character.
    ControlCharacter,
    /// An IPv4 or IPv6 address, not a name.
    IpLiteral,
    /// IDNA (UTS 46) refused the name: a disallowed code point or a broken `xn--` label.
    Idna,
    /// A character outside letters, digits, `-` and `_` in the ASCII form (space, `*`, `/`, ...).
    InvalidCharacter,
    /// Two dots in a row, or a leading dot.
    EmptyLabel,
    /// A label longer than 63 bytes.
    LabelTooLong,
    /// A name longer than 253 bytes.
    NameTooLong,
}

impl InvalidReason {
    /// The stable snake-case id used in tables and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::ControlCharacter => "control_character",
            Self::IpLiteral => "ip_literal",
            Self::Idna => "idna",
            Self::InvalidCharacter => "invalid_character",
            Self::EmptyLabel => "empty_label",
            Self::LabelTooLong => "label_too_long",
            Self::NameTooLong => "name_too_long",
        }
    }
}

/// Which section of the public suffix list the suffix came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuffixKind {
    /// A suffix run by a registry under ICANN (`com`, `co.uk`).
    Icann,
    /// A suffix under which a company hands out names (`blogspot.com`, `duckdns.org`).
    Private,
    /// Not on the list: the last label stands in as the suffix (`corp`, `local`, a typo).
    Unknown,
    /// The name is invalid, or the root: it has no suffix.
    None,
}

impl SuffixKind {
    /// The stable snake-case id used in tables and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Icann => "icann",
            Self::Private => "private",
            Self::Unknown => "unknown",
            Self::None => "none",
        }
    }
}

/// One normalized name, borrowed from its [`NormalizedBatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Name<'a> {
    /// Lower case, no trailing dot, punycode. For an invalid name: the input lower-cased, with
    /// control characters and invalid UTF-8 written as `\xNN` escapes.
    pub query: &'a str,
    /// The registered (registrable) domain: one label plus the public suffix.
    pub registered_domain: Option<&'a str>,
    /// The public suffix, private suffixes included (`co.uk`, `blogspot.com`).
    pub public_suffix: Option<&'a str>,
    /// Everything left of the registered domain, without its dot; `None` when there is nothing.
    pub subdomain: Option<&'a str>,
    /// The label left of the public suffix: what the lexical features look at.
    pub domain_label: Option<&'a str>,
    /// Which section of the public suffix list matched.
    pub suffix_kind: SuffixKind,
    /// Number of labels (0 for the root and for invalid names).
    pub label_count: u8,
    /// Length of the longest label in bytes.
    pub longest_label: u8,
    /// The name has internationalized labels (Unicode input or `xn--` labels).
    pub is_idn: bool,
    /// A label mixes scripts (Latin with Cyrillic, say): a homograph warning sign.
    pub mixed_script: bool,
    /// `None` for a valid name, else why it is not one.
    pub invalid: Option<InvalidReason>,
}

impl Name<'_> {
    /// Whether the name is a valid DNS name.
    pub fn is_valid(&self) -> bool {
        self.invalid.is_none()
    }
}

/// Where the parts of one name sit in the batch buffer.
#[derive(Debug, Clone, Copy)]
struct Row {
    start: usize,
    end: usize,
    /// Offset of the suffix within the name, or `NO_PART`.
    suffix_at: u16,
    /// Offset of the registered domain within the name, or `NO_PART`.
    registered_at: u16,
    suffix_kind: SuffixKind,
    label_count: u8,
    longest_label: u8,
    is_idn: bool,
    mixed_script: bool,
    invalid: Option<InvalidReason>,
}

const NO_PART: u16 = u16::MAX;

/// A batch of normalized names, stored column-wise in one buffer.
#[derive(Debug, Clone, Default)]
pub struct NormalizedBatch {
    text: String,
    rows: Vec<Row>,
}

impl NormalizedBatch {
    /// An empty batch with room for `names` names of about 24 bytes.
    pub fn with_capacity(names: usize) -> Self {
        Self {
            text: String::with_capacity(names * 24),
            rows: Vec::with_capacity(names),
        }
    }

    /// Number of names in the batch (always the number that went in).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch holds no names.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The name at `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<Name<'_>> {
        self.rows.get(index).map(|row| self.name(row))
    }

    /// The names in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Name<'_>> + '_ {
        self.rows.iter().map(|row| self.name(row))
    }

    /// The domain label of each name, `""` where there is none: the feature extractor's input,
    /// without building whole [`Name`]s.
    pub fn domain_labels(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.rows
            .iter()
            .map(|row| self.domain_label(row).unwrap_or(""))
    }

    /// What the lexical features and the DGA model look at, `""` where there is nothing: the
    /// domain label, or for a valid single label that is not a public suffix (`7ydbdehaaz`, a
    /// bare DGA label in a labelled list) the name itself, since it is all there is to judge.
    pub fn scoring_labels(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.rows.iter().map(|row| {
            self.domain_label(row).unwrap_or_else(|| {
                if row.label_count == 1 && row.suffix_kind == SuffixKind::Unknown {
                    &self.text[row.start..row.end]
                } else {
                    ""
                }
            })
        })
    }

    /// The label between the subdomain and the suffix, when the name has a registered domain.
    fn domain_label(&self, row: &Row) -> Option<&str> {
        if row.registered_at == NO_PART || row.suffix_at == NO_PART {
            return None;
        }
        let label = usize::from(row.registered_at)..usize::from(row.suffix_at) - 1;
        Some(&self.text[row.start + label.start..row.start + label.end])
    }

    fn name(&self, row: &Row) -> Name<'_> {
        let query = &self.text[row.start..row.end];
        let part = |at: u16| (at != NO_PART).then(|| &query[usize::from(at)..]);
        let public_suffix = part(row.suffix_at);
        let registered_domain = part(row.registered_at);
        let subdomain = registered_domain
            .and_then(|_| usize::from(row.registered_at).checked_sub(1))
            .map(|end| &query[..end]);
        Name {
            query,
            registered_domain,
            public_suffix,
            subdomain,
            domain_label: self.domain_label(row),
            suffix_kind: row.suffix_kind,
            label_count: row.label_count,
            longest_label: row.longest_label,
            is_idn: row.is_idn,
            mixed_script: row.mixed_script,
            invalid: row.invalid,
        }
    }

    /// Normalizes one name and appends it.
    pub fn push(&mut self, raw: &str) {
        self.push_text(raw.trim_ascii());
    }

    /// Normalizes one name given as bytes (as read from a log) and appends it.
    pub fn push_bytes(&mut self, raw: &[u8]) {
        let raw = raw.trim_ascii();
        if let Ok(text) = std::str::from_utf8(raw) {
            self.push_text(text);
        } else {
            let start = self.text.len();
            write_escaped(raw, &mut self.text);
            let mut row = Row::empty(start, self.text.len());
            row.invalid = Some(InvalidReason::InvalidUtf8);
            self.rows.push(row);
        }
    }

    fn push_text(&mut self, text: &str) {
        let start = self.text.len();
        let outcome = normalize_into(text, &mut self.text);
        let mut row = Row::empty(start, self.text.len());
        match outcome {
            Err(reason) => row.invalid = Some(reason),
            Ok(info) => {
                row.is_idn = info.is_idn;
                row.mixed_script = info.mixed_script;
                row.label_count = info.labels;
                row.longest_label = info.longest_label;
                split_suffix(&self.text[start..row.end], &mut row);
            }
        }
        self.rows.push(row);
    }
}

impl Row {
    fn empty(start: usize, end: usize) -> Self {
        Self {
            start,
            end,
            suffix_at: NO_PART,
            registered_at: NO_PART,
            suffix_kind: SuffixKind::None,
            label_count: 0,
            longest_label: 0,
            is_idn: false,
            mixed_script: false,
            invalid: None,
        }
    }
}

impl<'a> FromIterator<&'a str> for NormalizedBatch {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        let names = names.into_iter();
        let mut batch = Self::with_capacity(names.size_hint().0);
        for name in names {
            batch.push(name);
        }
        batch
    }
}

/// Normalizes a batch of names.
pub fn normalize<S: AsRef<str>>(names: &[S]) -> NormalizedBatch {
    let mut batch = NormalizedBatch::with_capacity(names.len());
    for name in names {
        batch.push(name.as_ref());
    }
    batch
}

/// Normalizes a batch of names given as bytes; invalid UTF-8 is flagged, not dropped.
pub fn normalize_bytes<B: AsRef<[u8]>>(names: &[B]) -> NormalizedBatch {
    let mut batch = NormalizedBatch::with_capacity(names.len());
    for name in names {
        batch.push_bytes(name.as_ref());
    }
    batch
}

/// Normalizes one name: a thin wrapper over the batch API.
pub fn normalize_one(name: &str) -> NormalizedBatch {
    normalize(&[name])
}

/// What normalization learnt about a valid name.
#[derive(Default)]
struct NameInfo {
    is_idn: bool,
    mixed_script: bool,
    labels: u8,
    longest_label: u8,
}

/// A trailing dot, or one of the full stops UTS 46 maps to it (ideographic, full-width, half-width).
const TRAILING_DOTS: [char; 4] = ['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'];

/// Writes the normalized form of `text` (UTF-8, trimmed) to `out`. On error, what was written is
/// the escaped input, for display.
fn normalize_into(text: &str, out: &mut String) -> Result<NameInfo, InvalidReason> {
    if text.is_empty() {
        return Err(InvalidReason::Empty);
    }
    let text = text.strip_suffix(TRAILING_DOTS).unwrap_or(text);
    if text.is_empty() {
        return Ok(NameInfo::default()); // the root
    }
    let start = out.len();
    let mut info = NameInfo::default();
    // The fast path: plain ASCII without punycode labels needs no IDNA, only lower-casing.
    let mut scan = None;
    if text.is_ascii() {
        out.push_str(text);
        if let Some(name) = out.get_mut(start..) {
            name.make_ascii_lowercase();
        }
        let ascii = scan_ascii(&out.as_bytes()[start..]);
        if ascii.punycode {
            out.truncate(start);
        } else {
            scan = Some(ascii);
        }
    }
    let scan = if let Some(scan) = scan {
        scan
    } else {
        if text.chars().any(char::is_control) {
            write_escaped(text.as_bytes(), out);
            return Err(InvalidReason::ControlCharacter);
        }
        let Some((ascii, unicode)) = to_idna(text) else {
            write_escaped(text.as_bytes(), out);
            return Err(InvalidReason::Idna);
        };
        out.push_str(&ascii);
        info.is_idn = true;
        info.mixed_script = unicode.split('.').any(|label| !label.is_single_script());
        scan_ascii(ascii.as_bytes())
    };
    if let Err(reason) = scan.verdict(&out[start..]) {
        out.truncate(start);
        write_escaped(text.as_bytes(), out);
        return Err(reason);
    }
    info.labels = scan.labels as u8;
    info.longest_label = scan.longest_label as u8;
    Ok(info)
}

/// One pass over a lower-cased ASCII name: characters, labels, lengths.
#[derive(Debug, Default)]
#[allow(clippy::struct_excessive_bools)] // independent findings of one pass, not a state machine
struct Scan {
    labels: usize,
    longest_label: usize,
    empty_label: bool,
    invalid_character: bool,
    control: bool,
    /// Only digits and dots, or a colon somewhere: worth trying to parse as an address.
    may_be_ip: bool,
    punycode: bool,
}

fn scan_ascii(name: &[u8]) -> Scan {
    let mut scan = Scan {
        labels: 1,
        ..Scan::default()
    };
    let (mut label_len, mut digits_and_dots, mut colon) = (0, true, false);
    for (at, &byte) in name.iter().enumerate() {
        match byte {
            b'.' => {
                scan.empty_label |= label_len == 0;
                scan.longest_label = scan.longest_label.max(label_len);
                scan.labels += 1;
                label_len = 0;
                continue;
            }
            b'0'..=b'9' => {}
            b'a'..=b'z' | b'-' | b'_' => digits_and_dots = false,
            b':' => colon = true,
            0..=0x1f | 0x7f => scan.control = true,
            _ => {
                scan.invalid_character = true;
                digits_and_dots = false;
            }
        }
        scan.punycode |= label_len == 0 && name[at..].starts_with(b"xn--");
        label_len += 1;
    }
    scan.empty_label |= label_len == 0;
    scan.longest_label = scan.longest_label.max(label_len);
    scan.invalid_character |= colon;
    scan.may_be_ip = digits_and_dots || colon;
    scan
}

impl Scan {
    /// The first reason, in a fixed order, that makes `name` invalid.
    fn verdict(&self, name: &str) -> Result<(), InvalidReason> {
        let reason = if self.control {
            InvalidReason::ControlCharacter
        } else if self.may_be_ip && is_ip_literal(name) {
            InvalidReason::IpLiteral
        } else if self.invalid_character {
            InvalidReason::InvalidCharacter
        } else if self.empty_label {
            InvalidReason::EmptyLabel
        } else if self.longest_label > MAX_LABEL_LEN {
            InvalidReason::LabelTooLong
        } else if name.len() > MAX_NAME_LEN {
            InvalidReason::NameTooLong
        } else {
            return Ok(());
        };
        Err(reason)
    }
}

/// The ASCII (punycode) and Unicode forms of a name, or `None` if IDNA refuses it.
fn to_idna(text: &str) -> Option<(String, String)> {
    let uts46 = Uts46::new();
    let ascii = uts46
        .to_ascii(
            text.as_bytes(),
            AsciiDenyList::EMPTY,
            Hyphens::Allow,
            DnsLength::Ignore,
        )
        .ok()?;
    let (unicode, result) =
        uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    result.ok()?;
    let unicode = unicode.into_owned();
    Some((ascii.into_owned(), unicode))
}

fn is_ip_literal(text: &str) -> bool {
    let unbracketed = text
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(text);
    text.parse::<Ipv4Addr>().is_ok() || unbracketed.parse::<Ipv6Addr>().is_ok()
}

/// Lower-cases and escapes input that failed, so it can be shown and stored safely.
fn write_escaped(raw: &[u8], out: &mut String) {
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            } else {
                out.extend(c.to_lowercase());
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
}

/// Fills in the public suffix split of a valid normalized name.
fn split_suffix(name: &str, row: &mut Row) {
    if name.is_empty() {
        return; // the root
    }
    let bytes = name.as_bytes();
    // One lookup gives both parts; only a bare suffix (`co.uk`) needs the second.
    let domain = psl::domain(bytes);
    let Some(suffix) = domain
        .as_ref()
        .map(psl::Domain::suffix)
        .or_else(|| psl::suffix(bytes))
    else {
        return;
    };
    row.suffix_kind = match suffix.typ() {
        Some(psl::Type::Icann) => SuffixKind::Icann,
        Some(psl::Type::Private) => SuffixKind::Private,
        None => SuffixKind::Unknown,
    };
    row.suffix_at = (name.len() - suffix.as_bytes().len()) as u16;
    if let Some(domain) = domain {
        row.registered_at = (name.len() - domain.as_bytes().len()) as u16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str) -> (String, Option<InvalidReason>) {
        let batch = normalize_one(name);
        let got = batch.get(0).unwrap();
        (got.query.to_owned(), got.invalid)
    }

    #[test]
    fn splits_a_plain_name() {
        let batch = normalize_one("NS1.AsdKlgb.CF.");
        let name = batch.get(0).unwrap();
        assert_eq!(name.query, "ns1.asdklgb.cf");
        assert_eq!(name.registered_domain, Some("asdklgb.cf"));
        assert_eq!(name.public_suffix, Some("cf"));
        assert_eq!(name.subdomain, Some("ns1"));
        assert_eq!(name.domain_label, Some("asdklgb"));
        assert_eq!(name.label_count, 3);
        assert_eq!(name.longest_label, 7);
        assert_eq!(name.suffix_kind, SuffixKind::Icann);
    }

    #[test]
    fn private_and_unknown_suffixes() {
        let batch = normalize(&["foo.blogspot.com", "host.corp", "co.uk", "localhost"]);
        let names: Vec<_> = batch.iter().collect();
        assert_eq!(names[0].public_suffix, Some("blogspot.com"));
        assert_eq!(names[0].suffix_kind, SuffixKind::Private);
        assert_eq!(names[1].registered_domain, Some("host.corp"));
        assert_eq!(names[1].suffix_kind, SuffixKind::Unknown);
        assert_eq!(names[2].registered_domain, None);
        assert_eq!(names[2].public_suffix, Some("co.uk"));
        assert_eq!(names[2].domain_label, None);
        assert_eq!(names[3].registered_domain, None);
        assert!(names.iter().all(Name::is_valid));
    }

    #[test]
    fn domain_labels_match_the_names() {
        let batch = normalize(&[
            "a.b.example.co.uk",
            "co.uk",
            ".",
            "bad..name",
            "x.blogspot.com",
            "Bücher.de",
        ]);
        let expected: Vec<&str> = batch.iter().map(|n| n.domain_label.unwrap_or("")).collect();
        assert_eq!(expected, ["example", "", "", "", "x", "xn--bcher-kva"]);
        assert_eq!(batch.domain_labels().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn unicode_goes_to_punycode() {
        let batch = normalize_one("Bücher.de");
        let name = batch.get(0).unwrap();
        assert_eq!(name.query, "xn--bcher-kva.de");
        assert!(name.is_idn);
        assert!(!name.mixed_script);
    }

    #[test]
    fn mixed_script_is_flagged() {
        // Cyrillic 'а' (U+0430) in an otherwise Latin label.
        let batch = normalize(&["p\u{0430}ypal.com", "xn--pypal-4ve.com"]);
        for name in batch.iter() {
            assert_eq!(name.query, "xn--pypal-4ve.com");
            assert!(name.mixed_script);
        }
    }

    #[test]
    fn bad_names_are_flagged_not_dropped() {
        let long_label = "a".repeat(64);
        let long_name = ["abcdefghi"; 26].join(".");
        let cases: [(&str, InvalidReason); 9] = [
            ("", InvalidReason::Empty),
            ("a\0b.com", InvalidReason::ControlCharacter),
            ("10.1.2.3", InvalidReason::IpLiteral),
            ("[::1]", InvalidReason::IpLiteral),
            ("xn--a.com", InvalidReason::Idna),
            ("a b.com", InvalidReason::InvalidCharacter),
            ("a..com", InvalidReason::EmptyLabel),
            (&format!("{long_label}.com"), InvalidReason::LabelTooLong),
            (&long_name, InvalidReason::NameTooLong),
        ];
        let names: Vec<&str> = cases.iter().map(|(name, _)| *name).collect();
        let batch = normalize(&names);
        assert_eq!(batch.len(), cases.len());
        for (name, (input, reason)) in batch.iter().zip(cases) {
            assert_eq!(name.invalid, Some(reason), "{input:?}");
            assert_eq!(name.registered_domain, None);
        }
    }

    #[test]
    fn escapes_what_it_cannot_keep() {
        assert_eq!(
            one("Evil\u{1b}[31m.com"),
            (
                "evil\\x1b[31m.com".to_owned(),
                Some(InvalidReason::ControlCharacter)
            )
        );
        let batch = normalize_bytes(&[b"ab\xffcd.com".as_slice()]);
        let name = batch.get(0).unwrap();
        assert_eq!(name.query, "ab\\xffcd.com");
        assert_eq!(name.invalid, Some(InvalidReason::InvalidUtf8));
    }

    #[test]
    fn service_labels_root_and_whitespace() {
        let batch = normalize(&["_ldap._tcp.dc.example.com", ".", " Example.COM  "]);
        let names: Vec<_> = batch.iter().collect();
        assert!(names[0].is_valid());
        assert_eq!(names[0].subdomain, Some("_ldap._tcp.dc"));
        assert_eq!(names[1].query, "");
        assert!(names[1].is_valid());
        assert_eq!(names[1].label_count, 0);
        assert_eq!(names[2].query, "example.com");
    }
}
