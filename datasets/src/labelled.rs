//! Loaders for labelled domains a user brings: a list of one family's domains, a CSV of
//! `domain,label[,family]`, and `dga_domains_header.txt`-style lists (a header line, trailing
//! spaces).
//!
//! Every line is accounted for: it is loaded, skipped as a comment or header, or reported as a
//! duplicate or malformed with its line number. Names are normalized with `dnshunt-features` and
//! deduplicated by registered domain, because the classifier only ever sees the domain label.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::path::Path;

use dnshunt_features::normalize_one;
use serde::{Deserialize, Serialize};

use crate::DatasetsError;

/// The class of a labelled domain.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// A legitimate domain.
    #[default]
    Benign,
    /// A name made by a domain generation algorithm.
    Dga,
}

impl Label {
    /// `benign` or `dga`, as written in datasets and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Benign => "benign",
            Label::Dga => "dga",
        }
    }

    /// Reads the spellings labelled files use in the field.
    pub fn parse(text: &str) -> Option<Label> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dga" | "malicious" | "malware" | "bad" | "1" | "true" => Some(Label::Dga),
            "benign" | "legit" | "legitimate" | "good" | "clean" | "0" | "false" => {
                Some(Label::Benign)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of every benign row.
pub const BENIGN_FAMILY: &str = "benign";

/// One labelled registered domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// The registered domain (lower case, punycode), or a bare label when the file had no suffix:
    /// the model judges the domain label either way.
    pub domain: String,
    /// Benign or DGA.
    pub label: Label,
    /// The family: `benign` for benign rows, the malware family (or `unknown`) for DGA rows.
    pub family: String,
}

/// A line that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// What became of every line of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    /// The file, as given.
    pub file: String,
    /// Lines read, including comments, blanks and the header.
    pub lines: usize,
    /// Rows loaded.
    pub loaded: usize,
    /// Comment, blank and header lines.
    pub skipped: usize,
    /// Lines whose registered domain was already loaded from an earlier line.
    pub duplicates: Vec<Rejected>,
    /// Lines that could not be read as a labelled domain.
    pub malformed: Vec<Rejected>,
}

impl LoadReport {
    /// Every line is loaded, skipped, a duplicate or malformed.
    pub fn is_balanced(&self) -> bool {
        self.lines == self.loaded + self.skipped + self.duplicates.len() + self.malformed.len()
    }

    /// A one-line summary naming the first few problem lines, for people.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{}: {} lines, {} loaded, {} duplicates, {} malformed",
            self.file,
            self.lines,
            self.loaded,
            self.duplicates.len(),
            self.malformed.len()
        );
        for problem in self.malformed.iter().take(3) {
            let _ = write!(text, "; line {}: {}", problem.line, problem.reason);
        }
        text
    }
}

/// The rows of one file and what happened to each line.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The loaded rows, in file order.
    pub rows: Vec<Labelled>,
    /// Line accounting.
    pub report: LoadReport,
}

/// Words a domain list or CSV may carry as its first line.
const HEADER_WORDS: [&str; 7] = [
    "domain",
    "raw_domain",
    "domains",
    "name",
    "query",
    "host",
    "fqdn",
];

/// Checks a family name a user gives (`--add-family NAME=FILE`, the CSV family column).
pub fn check_family_name(name: &str) -> Result<String, String> {
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "family name `{}` must be 1 to 64 letters, digits, `-` or `_`",
            escape(&name)
        ));
    }
    Ok(name)
}

/// [`check_family_name`] for a DGA family, which `benign` cannot be.
fn check_dga_family(name: &str) -> Result<String, String> {
    let name = check_family_name(name)?;
    if name == BENIGN_FAMILY {
        return Err(format!(
            "`{BENIGN_FAMILY}` names the benign rows, not a DGA family: name the family otherwise"
        ));
    }
    Ok(name)
}

/// Loads a text file of one DGA family's domains, one a line. A first line naming a column
/// (`raw_domain`, `domain`, ...) is a header; `#` lines are comments; surrounding spaces are
/// ignored.
pub fn load_family_list(path: &Path, family: &str) -> Result<Loaded, DatasetsError> {
    let family = check_dga_family(family).map_err(|reason| DatasetsError::Data {
        file: path.display().to_string(),
        reason,
    })?;
    let text = read_text(path)?;
    Ok(parse_family_list(
        &text,
        &path.display().to_string(),
        &family,
    ))
}

/// [`load_family_list`] over text already in memory.
pub fn parse_family_list(text: &str, file: &str, family: &str) -> Loaded {
    let mut loader = Loader::new(file);
    for (index, line) in without_bom(text).lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || (index == 0 && HEADER_WORDS.contains(&line.to_ascii_lowercase().as_str()))
        {
            loader.skip();
            continue;
        }
        loader.add(index + 1, line, Label::Dga, family);
    }
    loader.finish()
}

/// Loads a CSV of `domain,label[,family]` with an optional header line. Labels may be written
/// `dga`/`benign`, `malicious`/`legit`, `1`/`0` and the like; fields may be double-quoted.
pub fn load_csv(path: &Path) -> Result<Loaded, DatasetsError> {
    let text = read_text(path)?;
    Ok(parse_csv(&text, &path.display().to_string()))
}

/// [`load_csv`] over text already in memory.
pub fn parse_csv(text: &str, file: &str) -> Loaded {
    let mut loader = Loader::new(file);
    for (index, line) in without_bom(text).lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            loader.skip();
            continue;
        }
        let fields = match split_csv_line(trimmed) {
            Ok(fields) => fields,
            Err(reason) => {
                loader.reject(number, reason);
                continue;
            }
        };
        if index == 0
            && fields
                .first()
                .is_some_and(|f| HEADER_WORDS.contains(&f.to_ascii_lowercase().as_str()))
        {
            loader.skip();
            continue;
        }
        if !(2..=3).contains(&fields.len()) {
            loader.reject(
                number,
                format!(
                    "expected `domain,label[,family]`, found {} fields",
                    fields.len()
                ),
            );
            continue;
        }
        let Some(label) = Label::parse(&fields[1]) else {
            loader.reject(
                number,
                format!("label `{}` is neither dga nor benign", escape(&fields[1])),
            );
            continue;
        };
        let family = match (label, fields.get(2).map(|f| f.trim())) {
            (Label::Benign, _) => BENIGN_FAMILY.to_owned(),
            (Label::Dga, None | Some("")) => "unknown".to_owned(),
            (Label::Dga, Some(name)) => match check_dga_family(name) {
                Ok(name) => name,
                Err(reason) => {
                    loader.reject(number, reason);
                    continue;
                }
            },
        };
        loader.add(number, &fields[0], label, &family);
    }
    loader.finish()
}

/// Splits one CSV line, honouring double quotes (`""` inside quotes is a quote).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field).trim().to_owned()),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_owned());
    }
    fields.push(field.trim().to_owned());
    Ok(fields)
}

/// Reads a file as text; invalid UTF-8 is replaced so that the bad line is reported as malformed
/// instead of failing the whole file.
fn read_text(path: &Path) -> Result<String, DatasetsError> {
    let bytes = std::fs::read(path).map_err(|err| DatasetsError::Data {
        file: path.display().to_string(),
        reason: format!("cannot read: {err}; check the path"),
    })?;
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()))
}

/// `text` without the byte-order mark some editors and spreadsheet exports write first.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Shows hostile text safely in a report.
fn escape(text: &str) -> String {
    text.chars().take(80).flat_map(char::escape_debug).collect()
}

/// Line accounting shared by the loaders.
struct Loader {
    loaded: Loaded,
    first_line: HashMap<String, usize>,
}

impl Loader {
    fn new(file: &str) -> Self {
        Loader {
            loaded: Loaded {
                rows: Vec::new(),
                report: LoadReport {
                    file: file.to_owned(),
                    ..LoadReport::default()
                },
            },
            first_line: HashMap::new(),
        }
    }

    fn skip(&mut self) {
        self.loaded.report.lines += 1;
        self.loaded.report.skipped += 1;
    }

    fn reject(&mut self, line: usize, reason: String) {
        self.loaded.report.lines += 1;
        self.loaded.report.malformed.push(Rejected { line, reason });
    }

    fn add(&mut self, line: usize, raw: &str, label: Label, family: &str) {
        let batch = normalize_one(raw);
        let Some(name) = batch.get(0) else {
            self.reject(line, "the name could not be normalized".to_owned());
            return;
        };
        if let Some(reason) = name.invalid {
            self.reject(
                line,
                format!(
                    "`{}` is not a valid domain name ({})",
                    name.query,
                    reason.as_str()
                ),
            );
            return;
        }
        // A bare label (lists of DGA labels often drop the suffix) is kept as it is: the model
        // judges the label, and a single-label name is scored on itself.
        let domain = match name
            .registered_domain
            .filter(|_| name.domain_label.is_some())
        {
            Some(domain) => domain,
            None if name.label_count == 1 => name.query,
            None => {
                self.reject(
                    line,
                    format!("`{}` is a public suffix, not a domain", name.query),
                );
                return;
            }
        };
        self.loaded.report.lines += 1;
        if let Some(first) = self.first_line.get(domain) {
            self.loaded.report.duplicates.push(Rejected {
                line,
                reason: format!("registered domain {domain} already loaded from line {first}"),
            });
            return;
        }
        self.first_line.insert(domain.to_owned(), line);
        self.loaded.report.loaded += 1;
        self.loaded.rows.push(Labelled {
            domain: domain.to_owned(),
            label,
            family: family.to_owned(),
        });
    }

    fn finish(self) -> Loaded {
        self.loaded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_list_with_header_trailing_spaces_duplicates_and_junk() {
        let text = "raw_domain\nabcdefgh.info \n# comment\n\nABCDEFGH.info\nwww.abcdefgh.info\nbad..name\nco.uk\nxyzzyq.ga\nqwrtzpsk\n";
        let loaded = parse_family_list(text, "list.txt", "newfam");
        let report = &loaded.report;
        assert_eq!(report.lines, 10);
        assert_eq!(report.skipped, 3);
        assert_eq!(report.loaded, 3);
        let duplicate_lines: Vec<usize> = report.duplicates.iter().map(|d| d.line).collect();
        assert_eq!(duplicate_lines, [5, 6]);
        assert!(report.duplicates[0].reason.contains("line 2"));
        let malformed_lines: Vec<usize> = report.malformed.iter().map(|d| d.line).collect();
        assert_eq!(malformed_lines, [7, 8]);
        assert!(report.is_balanced());
        assert_eq!(loaded.rows[0].domain, "abcdefgh.info");
        assert_eq!(loaded.rows[1].family, "newfam");
        assert_eq!(loaded.rows[2].domain, "qwrtzpsk", "a bare label is kept");
        assert!(report.summary().contains("line 7"));
    }

    #[test]
    fn seed_header_list_loads_every_line() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/seed-data/dga_domains_header.txt");
        let Ok(loaded) = load_family_list(&path, "seed") else {
            eprintln!("skipping: {} is not beside the checkout", path.display());
            return;
        };
        let report = &loaded.report;
        assert!(report.is_balanced(), "{report:?}");
        assert_eq!(report.lines, 2670);
        assert_eq!(report.skipped, 1, "the header");
        assert!(report.loaded > 2_500, "{}", report.summary());
        assert!(loaded.rows.iter().all(|row| row.label == Label::Dga));
    }

    #[test]
    fn csv_labels_families_quotes_and_errors() {
        let text = "domain,label,family\n\
                    google.com,benign\n\
                    \"qwkjhasd.net\",malicious,Necurs\n\
                    sdfkjh.biz,1\n\
                    ex.com,maybe\n\
                    \"open.com,dga\n\
                    a.com,dga,bad family!\n\
                    one,two,three,four\n\
                    b.com,dga,benign\n";
        let loaded = parse_csv(text, "l.csv");
        let report = &loaded.report;
        assert!(report.is_balanced(), "{report:?}");
        assert_eq!(report.loaded, 3);
        assert_eq!(
            loaded.rows,
            [
                Labelled {
                    domain: "google.com".into(),
                    label: Label::Benign,
                    family: "benign".into()
                },
                Labelled {
                    domain: "qwkjhasd.net".into(),
                    label: Label::Dga,
                    family: "necurs".into()
                },
                Labelled {
                    domain: "sdfkjh.biz".into(),
                    label: Label::Dga,
                    family: "unknown".into()
                },
            ]
        );
        let malformed: Vec<usize> = report.malformed.iter().map(|m| m.line).collect();
        assert_eq!(malformed, [5, 6, 7, 8, 9]);
    }

    #[test]
    fn hostile_lines_never_panic_and_are_escaped() {
        let text = "\u{0}\u{7}evil\u{1b}[31m.com,dga\n\u{202e}moc.lapyap,benign\n";
        let loaded = parse_csv(text, "x.csv");
        assert!(loaded.report.is_balanced());
        for problem in &loaded.report.malformed {
            assert!(!problem.reason.contains('\u{1b}'), "{}", problem.reason);
        }
        let family = parse_csv("a.com,dga,\u{1b}]0;pwned\u{7}\n", "x.csv");
        let reason = &family.report.malformed[0].reason;
        assert!(
            !reason.contains('\u{1b}') && reason.contains("\\u{1b}"),
            "{reason}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_header() {
        let list = parse_family_list("\u{feff}raw_domain\nqwkjhasd.net\n", "f.txt", "x");
        let domains: Vec<&str> = list.rows.iter().map(|r| r.domain.as_str()).collect();
        assert_eq!(domains, ["qwkjhasd.net"]);
        let csv = parse_csv("\u{feff}domain,label\nqwkjhasd.net,dga\n", "f.csv");
        assert!(
            csv.report.malformed.is_empty(),
            "{:?}",
            csv.report.malformed
        );
        assert_eq!(csv.rows.len(), 1);
    }

    #[test]
    fn benign_is_no_family_name_for_a_list_of_dga_domains() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, "qwkjhasd.net\n").unwrap();
        let err = load_family_list(&path, "benign").unwrap_err();
        assert!(err.to_string().contains("not a DGA family"), "{err}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = load_csv(Path::new("/no/such/file.csv")).unwrap_err();
        assert!(err.to_string().contains("/no/such/file.csv"));
    }
}
