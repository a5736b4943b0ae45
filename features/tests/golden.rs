//! Golden normalization results: every name of `golden_names.tsv` is normalized and each column
//! compared with the expectation written there.
//!
//! # File format
//!
//! One name a line, eight tab-separated columns:
//!
//! ```text
//! name  query  registered_domain  public_suffix  subdomain  domain_label  suffix_kind  validity
//! ```
//!
//! * `~` is `None`; `*` means "not checked" (the escaped query of a Unicode input).
//! * `validity` is `ok` or the [`InvalidReason`] id (`empty_label`, `idna`, ...); `suffix_kind` is
//!   the [`SuffixKind`] id.
//! * In every column `\\` is a backslash, `\t` `\n` `\r` are tab, newline and carriage return, and
//!   `\u{HEX}` is any code point (used for invisible characters). Nothing else is escaped, so
//!   trailing spaces of a name are kept as they are.
//! * Lines starting with `#` are comments; blank lines are ignored.
//!
//! The expectations were made with an independent oracle (Python `tldextract` and `idna`), and
//! every disagreement with the crate is explained in a comment above the name.

use dnshunt_features::{InvalidReason, Name, SuffixKind, normalize, normalize_one};

const GOLDEN: &str = include_str!("golden_names.tsv");

/// An expected column value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Any,
    None,
    Some(String),
}

impl Expect {
    fn parse(field: &str, line: usize) -> Self {
        match field {
            "*" => Self::Any,
            "~" => Self::None,
            _ => Self::Some(unescape(field, line)),
        }
    }

    fn check(&self, got: Option<&str>) -> bool {
        match self {
            Self::Any => true,
            Self::None => got.is_none(),
            Self::Some(want) => got == Some(want.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    /// 1-based line in the TSV.
    line: usize,
    name: String,
    query: Expect,
    registered_domain: Expect,
    public_suffix: Expect,
    subdomain: Expect,
    domain_label: Expect,
    suffix_kind: Expect,
    validity: Expect,
}

fn unescape(field: &str, line: usize) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => {
                assert_eq!(
                    chars.next(),
                    Some('{'),
                    "line {line}: `\\u` must be followed by `{{`"
                );
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16)
                    .unwrap_or_else(|_| panic!("line {line}: bad \\u{{{hex}}}"));
                out.push(
                    char::from_u32(code)
                        .unwrap_or_else(|| panic!("line {line}: \\u{{{hex}}} is no char")),
                );
            }
            other => panic!("line {line}: unknown escape \\{other:?} in {field:?}"),
        }
    }
    out
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (index, text) in GOLDEN.lines().enumerate() {
        let line = index + 1;
        if text.is_empty() {
            continue;
        }
        if text.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = text.split('\t').collect();
        assert_eq!(
            fields.len(),
            8,
            "line {line}: expected 8 tab-separated columns: {text:?}"
        );
        let expect = |at: usize| Expect::parse(fields[at], line);
        cases.push(Case {
            line,
            name: unescape(fields[0], line),
            query: expect(1),
            registered_domain: expect(2),
            public_suffix: expect(3),
            subdomain: expect(4),
            domain_label: expect(5),
            suffix_kind: expect(6),
            validity: expect(7),
        });
    }
    cases
}

/// Every column of `got` that differs from `case`, as one message a column.
fn mismatches(case: &Case, got: &Name<'_>) -> Vec<String> {
    let validity = got.invalid.map_or("ok", InvalidReason::as_str);
    let columns: [(&str, &Expect, Option<&str>); 7] = [
        ("query", &case.query, Some(got.query)),
        (
            "registered_domain",
            &case.registered_domain,
            got.registered_domain,
        ),
        ("public_suffix", &case.public_suffix, got.public_suffix),
        ("subdomain", &case.subdomain, got.subdomain),
        ("domain_label", &case.domain_label, got.domain_label),
        (
            "suffix_kind",
            &case.suffix_kind,
            Some(got.suffix_kind.as_str()),
        ),
        ("validity", &case.validity, Some(validity)),
    ];
    columns
        .into_iter()
        .filter(|(_, want, have)| !want.check(*have))
        .map(|(column, want, have)| {
            format!(
                "golden_names.tsv:{}: {:?}: {column}: expected {want:?}, got {have:?}",
                case.line, case.name
            )
        })
        .collect()
}

/// Normalizes the cases as one batch and returns every mismatch.
fn run(cases: &[&Case]) -> Vec<String> {
    let names: Vec<&str> = cases.iter().map(|case| case.name.as_str()).collect();
    let batch = normalize(&names);
    assert_eq!(batch.len(), cases.len());
    cases
        .iter()
        .zip(batch.iter())
        .flat_map(|(case, got)| mismatches(case, &got))
        .collect()
}

#[test]
fn golden_file_is_well_formed_and_broad() {
    let cases = cases();
    assert!(cases.len() >= 300, "only {} golden names", cases.len());
    let count = |what: &dyn Fn(&Case) -> bool| cases.iter().filter(|case| what(case)).count();
    let is = |expect: &Expect, value: &str| *expect == Expect::Some(value.to_owned());
    // The file must keep covering each kind of name, not only the common one.
    assert!(count(&|c| is(&c.suffix_kind, "private")) >= 20);
    assert!(count(&|c| is(&c.suffix_kind, "unknown")) >= 20);
    assert!(count(&|c| !is(&c.validity, "ok")) >= 20);
    assert!(count(&|c| !c.name.is_ascii()) >= 30);
    assert!(count(&|c| c.name.ends_with(' ')) >= 5);
    assert!(count(&|c| c.name.contains('_')) >= 5);
    assert!(count(&|c| c.public_suffix.check(Some("co.uk"))) >= 3);
    // Every invalid reason appears at least once.
    for reason in [
        InvalidReason::Empty,
        InvalidReason::ControlCharacter,
        InvalidReason::IpLiteral,
        InvalidReason::Idna,
        InvalidReason::InvalidCharacter,
        InvalidReason::EmptyLabel,
        InvalidReason::LabelTooLong,
        InvalidReason::NameTooLong,
    ] {
        assert!(
            count(&|c| is(&c.validity, reason.as_str())) > 0,
            "no golden name is {reason:?}"
        );
    }
    for kind in [
        SuffixKind::Icann,
        SuffixKind::Private,
        SuffixKind::Unknown,
        SuffixKind::None,
    ] {
        assert!(
            count(&|c| is(&c.suffix_kind, kind.as_str())) > 0,
            "no golden name is {kind:?}"
        );
    }
}

#[test]
fn golden_names_normalize_as_expected() {
    let cases = cases();
    let checked: Vec<&Case> = cases.iter().collect();
    let failures = run(&checked);
    assert!(
        failures.is_empty(),
        "{} mismatches in {} golden names:\n{}",
        failures.len(),
        checked.len(),
        failures.join("\n")
    );
}

#[test]
fn golden_names_one_at_a_time_match_the_batch() {
    let cases = cases();
    let names: Vec<&str> = cases.iter().map(|case| case.name.as_str()).collect();
    let batch = normalize(&names);
    for (case, in_batch) in cases.iter().zip(batch.iter()) {
        let single = normalize_one(&case.name);
        assert_eq!(single.len(), 1);
        assert_eq!(single.get(0), Some(in_batch), "line {}", case.line);
    }
}

#[test]
fn golden_queries_normalize_to_themselves() {
    let cases = cases();
    let names: Vec<&str> = cases.iter().map(|case| case.name.as_str()).collect();
    let batch = normalize(&names);
    let mut failures = Vec::new();
    for (case, first) in cases.iter().zip(batch.iter()) {
        // The root (`.`) is valid with an empty query, which on its own reads as an empty name.
        if !first.is_valid() || first.query.is_empty() {
            continue;
        }
        let again = normalize_one(first.query);
        let again = again.get(0).unwrap();
        let parts = |n: &Name<'_>| {
            (
                n.query.to_owned(),
                n.registered_domain.map(str::to_owned),
                n.public_suffix.map(str::to_owned),
                n.subdomain.map(str::to_owned),
                n.domain_label.map(str::to_owned),
                n.suffix_kind,
                n.invalid,
            )
        };
        if parts(&again) != parts(&first) {
            failures.push(format!(
                "line {}: {:?} -> {:?} -> {:?}",
                case.line, case.name, first, again
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
