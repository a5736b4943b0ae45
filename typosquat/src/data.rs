//! The domain knowledge the fuzzers and the matcher use, loaded from the data files in
//! `typosquat/data/` (sources and licences in its README): word lists, TLD lists, keyboard
//! layouts, homoglyph tables, keywords, homophones, second-level labels, dynamic-DNS suffixes.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Result, data_error};

const GLYPHS: &str = include_str!("../data/glyphs.txt");
const KEYBOARDS: &str = include_str!("../data/keyboards.txt");
const DICTIONARY: &str = include_str!("../data/dictionary.txt");
const TLDS: &str = include_str!("../data/tlds.txt");
const KEYWORDS: &str = include_str!("../data/keywords.txt");
const HOMOPHONES: &str = include_str!("../data/homophones.txt");
const SECOND_LEVEL: &str = include_str!("../data/second_level.txt");
const DYNDNS: &str = include_str!("../data/dyndns.txt");

/// Homoglyphs of one TLD's registry policy: what may replace one character or a two-character
/// window (`rn` → `m`).
#[derive(Debug, Clone, Default)]
pub struct GlyphTable {
    /// Replacements for one character.
    pub single: FxHashMap<char, Vec<String>>,
    /// Replacements for a two-character window.
    pub pair: FxHashMap<[char; 2], Vec<String>>,
}

impl GlyphTable {
    fn merge(&mut self, other: &Self) {
        for (key, glyphs) in &other.single {
            let slot = self.single.entry(*key).or_default();
            slot.extend(
                glyphs
                    .iter()
                    .filter(|g| !slot.contains(g))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        for (key, glyphs) in &other.pair {
            let slot = self.pair.entry(*key).or_default();
            slot.extend(
                glyphs
                    .iter()
                    .filter(|g| !slot.contains(g))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }

    fn insert(&mut self, key: &str, glyphs: Vec<String>) -> bool {
        let chars: Vec<char> = key.chars().collect();
        match chars[..] {
            [one] => self.single.entry(one).or_default().extend(glyphs),
            [first, second] => self.pair.entry([first, second]).or_default().extend(glyphs),
            _ => return false,
        }
        true
    }
}

/// A keyboard layout: its name and the keys around each key.
pub type Layout = (String, FxHashMap<char, Vec<char>>);

/// All the tables, parsed once.
#[derive(Debug, Clone)]
pub struct Data {
    /// Per keyboard layout (qwerty, qwertz, azerty), the keys around each key.
    pub keyboards: Vec<Layout>,
    /// ASCII look-alikes merged with the default Unicode table (for TLDs without their own).
    pub default_glyphs: GlyphTable,
    /// ASCII look-alikes merged with each registry's IDN table.
    pub idn_glyphs: Vec<GlyphTable>,
    /// TLD → index in `idn_glyphs`.
    pub idn_by_tld: FxHashMap<String, usize>,
    /// Latin letter → Cyrillic look-alike, in file order (the cyrillic fuzzer applies them in turn).
    pub cyrillic: Vec<(char, char)>,
    /// Letter → digit it is swapped for (`o` → `0`).
    pub numerals: Vec<(char, char)>,
    /// Words the dictionary fuzzer joins to the label.
    pub dictionary: Vec<String>,
    /// Suffixes the tld-swap fuzzer substitutes.
    pub tlds: Vec<String>,
    /// Words phishing pairs with a brand.
    pub keywords: Vec<String>,
    /// Groups of spellings that sound alike.
    pub homophones: Vec<Vec<String>>,
    /// Second-level labels for the wrong-sld fuzzer.
    pub second_level: Vec<String>,
    /// Dynamic-DNS suffixes.
    pub dyndns: Vec<String>,
    adjacent: FxHashSet<(char, char)>,
}

/// One `[section]` of a sectioned file: its header words and its lines (1-based number, words).
type Section<'a> = (Vec<&'a str>, Vec<(usize, Vec<&'a str>)>);

/// Splits a file into `[header words]` sections of whitespace-separated lines; `#` lines and blank
/// lines are skipped.
fn sections<'a>(text: &'a str, file: &str) -> Result<Vec<Section<'a>>> {
    let mut out: Vec<Section<'a>> = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header
                .strip_suffix(']')
                .ok_or_else(|| data_error(file, at + 1, "a section header ends with ']'"))?;
            out.push((header.split_whitespace().collect(), Vec::new()));
            continue;
        }
        let section = out
            .last_mut()
            .ok_or_else(|| data_error(file, at + 1, "a line before the first [section]"))?;
        section.1.push((at + 1, line.split_whitespace().collect()));
    }
    Ok(out)
}

/// One entry a line: lower-case DNS labels, dots allowed.
fn list(text: &str, file: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        {
            return Err(data_error(
                file,
                at + 1,
                format!("{line:?} is not a lower-case DNS name (a-z, 0-9, '-', '.')"),
            ));
        }
        if !out.iter().any(|known| known == line) {
            out.push(line.to_owned());
        }
    }
    Ok(out)
}

fn glyph_line(file: &str, at: usize, words: &[&str]) -> Result<(String, Vec<String>)> {
    match words {
        [key, glyphs @ ..] if !glyphs.is_empty() => Ok((
            (*key).to_owned(),
            glyphs.iter().map(|g| (*g).to_owned()).collect(),
        )),
        _ => Err(data_error(
            file,
            at,
            "expected a key and at least one glyph",
        )),
    }
}

fn one_char(file: &str, at: usize, word: &str) -> Result<char> {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(data_error(
            file,
            at,
            format!("{word:?} should be one character"),
        )),
    }
}

fn pairs(file: &str, lines: &[(usize, Vec<&str>)]) -> Result<Vec<(char, char)>> {
    lines
        .iter()
        .map(|(at, words)| match words[..] {
            [from, to] => Ok((one_char(file, *at, from)?, one_char(file, *at, to)?)),
            _ => Err(data_error(file, *at, "expected two characters")),
        })
        .collect()
}

struct Glyphs {
    default: GlyphTable,
    idn: Vec<GlyphTable>,
    idn_by_tld: FxHashMap<String, usize>,
    cyrillic: Vec<(char, char)>,
    numerals: Vec<(char, char)>,
}

fn parse_glyphs(text: &str, file: &str) -> Result<Glyphs> {
    let mut ascii = GlyphTable::default();
    let mut unicode = GlyphTable::default();
    let mut idn: Vec<GlyphTable> = Vec::new();
    let mut idn_by_tld = FxHashMap::default();
    let mut cyrillic = Vec::new();
    let mut numerals = Vec::new();
    for (header, lines) in sections(text, file)? {
        let table = match header[..] {
            ["ascii"] => &mut ascii,
            ["unicode"] => &mut unicode,
            ["idn", ref tlds @ ..] => {
                for tld in tlds {
                    idn_by_tld.insert((*tld).to_owned(), idn.len());
                }
                idn.push(GlyphTable::default());
                let Some(last) = idn.last_mut() else {
                    continue;
                };
                last
            }
            ["cyrillic"] => {
                cyrillic = pairs(file, &lines)?;
                continue;
            }
            ["numeral"] => {
                numerals = pairs(file, &lines)?;
                continue;
            }
            _ => {
                return Err(data_error(
                    file,
                    0,
                    format!("unknown section [{}]", header.join(" ")),
                ));
            }
        };
        for (at, words) in &lines {
            let (key, glyphs) = glyph_line(file, *at, words)?;
            if !table.insert(&key, glyphs) {
                return Err(data_error(file, *at, "a key is one or two characters"));
            }
        }
    }
    let mut default = ascii.clone();
    default.merge(&unicode);
    for table in &mut idn {
        let mut merged = ascii.clone();
        merged.merge(table);
        *table = merged;
    }
    Ok(Glyphs {
        default,
        idn,
        idn_by_tld,
        cyrillic,
        numerals,
    })
}

fn parse_keyboards(text: &str, file: &str) -> Result<Vec<Layout>> {
    let mut layouts = Vec::new();
    for (header, lines) in sections(text, file)? {
        let name = header.join(" ");
        let mut keys = FxHashMap::default();
        for (at, words) in lines {
            let [key, around] = words[..] else {
                return Err(data_error(
                    file,
                    at,
                    "expected a key and the keys around it",
                ));
            };
            keys.insert(one_char(file, at, key)?, around.chars().collect());
        }
        layouts.push((name, keys));
    }
    Ok(layouts)
}

fn parse_homophones(text: &str, file: &str) -> Result<Vec<Vec<String>>> {
    let mut groups = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let group: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        if group.len() < 2
            || !group
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        {
            return Err(data_error(
                file,
                at + 1,
                "a group is two or more lower-case spellings",
            ));
        }
        groups.push(group);
    }
    Ok(groups)
}

impl Data {
    /// The tables shipped in `typosquat/data/`, parsed once per process.
    pub fn builtin() -> Result<&'static Self> {
        static BUILTIN: OnceLock<Result<Data>> = OnceLock::new();
        BUILTIN
            .get_or_init(Self::parse_builtin)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn parse_builtin() -> Result<Self> {
        let glyphs = parse_glyphs(GLYPHS, "glyphs.txt")?;
        let keyboards = parse_keyboards(KEYBOARDS, "keyboards.txt")?;
        let adjacent = keyboards
            .iter()
            .flat_map(|(_, keys)| {
                keys.iter()
                    .flat_map(|(key, around)| around.iter().map(move |near| (*key, *near)))
            })
            .collect();
        Ok(Self {
            keyboards,
            default_glyphs: glyphs.default,
            idn_glyphs: glyphs.idn,
            idn_by_tld: glyphs.idn_by_tld,
            cyrillic: glyphs.cyrillic,
            numerals: glyphs.numerals,
            dictionary: list(DICTIONARY, "dictionary.txt")?,
            tlds: list(TLDS, "tlds.txt")?,
            keywords: list(KEYWORDS, "keywords.txt")?,
            homophones: parse_homophones(HOMOPHONES, "homophones.txt")?,
            second_level: list(SECOND_LEVEL, "second_level.txt")?,
            dyndns: list(DYNDNS, "dyndns.txt")?,
            adjacent,
        })
    }

    /// The same tables with another dictionary (one word a line, as dnstwist's `--dictionary`).
    pub fn with_dictionary(mut self, text: &str, file: &str) -> Result<Self> {
        self.dictionary = list(text, file)?;
        Ok(self)
    }

    /// The same tables with another TLD list (one suffix a line, as dnstwist's `--tld`).
    pub fn with_tlds(mut self, text: &str, file: &str) -> Result<Self> {
        self.tlds = list(text, file)?;
        Ok(self)
    }

    /// The homoglyph table for a suffix: the registry's IDN table when it has one.
    pub fn glyphs_for(&self, tld: &str) -> &GlyphTable {
        self.idn_by_tld
            .get(tld)
            .and_then(|&at| self.idn_glyphs.get(at))
            .unwrap_or(&self.default_glyphs)
    }

    /// The keys around `key` on any layout, in layout order (repeats kept; callers deduplicate).
    pub fn keys_around(&self, key: char) -> impl Iterator<Item = char> + '_ {
        self.keyboards
            .iter()
            .filter_map(move |(_, keys)| keys.get(&key))
            .flatten()
            .copied()
    }

    /// Whether two keys touch on some layout.
    pub fn adjacent(&self, a: char, b: char) -> bool {
        self.adjacent.contains(&(a, b)) || self.adjacent.contains(&(b, a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_parses() {
        let data = Data::builtin().unwrap();
        assert_eq!(data.keyboards.len(), 3);
        assert!(data.default_glyphs.pair.contains_key(&['r', 'n']));
        assert_eq!(data.glyphs_for("de").single[&'a'].len(), 9);
        assert!(!data.glyphs_for("uk").single.contains_key(&'a'));
        assert!(data.adjacent('q', 'w') && !data.adjacent('q', 'p'));
        assert!(data.tlds.contains(&"co.uk".to_owned()));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = list("ok\nNot Valid\n", "tlds.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "tlds.txt, line 2: \"Not Valid\" is not a lower-case DNS name (a-z, 0-9, '-', '.')"
        );
        let err = parse_glyphs("a b\n", "glyphs.txt").err().unwrap();
        assert!(err.to_string().starts_with("glyphs.txt, line 1:"), "{err}");
    }
}
