//! Assembles a labelled dataset from the benign list, the DGA generators and user files, splits
//! it by registered domain and describes it in a manifest.
//!
//! The rules, which the manifest also states:
//! - benign: every HSTS preload domain outside the language-model quarter (see [`crate::partition`]),
//!   plus benign rows from user CSVs;
//! - DGA: every built-in family and every user family contributes at most `per_family` distinct
//!   registered domains, so no family dominates; generators spread their names over
//!   [`GENERATION_DATES`], and user files contribute their first `per_family` rows;
//! - a DGA name that is also a benign domain is dropped from the DGA side (dictionary generators
//!   do make real words), and a DGA name claimed by two families keeps the first;
//! - the split is a keyed hash of the registered domain: 80 % train, 10 % validation, 10 % test.
//!   A domain is in exactly one split, whatever order the inputs come in.
//!
//! Nothing depends on the clock or on hash-map order, so one seed gives the same bytes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DatasetsError;
use crate::benign::hsts_preload_domains;
use crate::dga::hashed::digest::{hex, sha256};
use crate::dga::{self, RESERVED, Style};
use crate::labelled::{BENIGN_FAMILY, Label, Labelled, Loaded};
use crate::partition::{is_language_model_domain, mixed_hash};

/// The dataset layout version written into manifests.
pub const FORMAT_VERSION: u32 = 1;

/// Default number of registered domains per DGA family.
pub const DEFAULT_PER_FAMILY: usize = 5_000;

/// Days on which the generators are run: spread over two years so that date-seeded families show
/// more than one day's output.
pub const GENERATION_DATES: [(i32, u32, u32); 8] = [
    (2023, 1, 5),
    (2023, 4, 11),
    (2023, 7, 19),
    (2023, 10, 27),
    (2024, 2, 2),
    (2024, 5, 14),
    (2024, 8, 21),
    (2024, 11, 29),
];

/// Which part of the data a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Fitting.
    Train,
    /// Calibration and threshold choice.
    Validation,
    /// The reported metrics.
    Test,
}

impl Split {
    /// Every split, in order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    /// `train`, `validation` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }

    /// The split of a registered domain under `seed`.
    pub fn of(seed: u64, registered_domain: &str) -> Split {
        match mixed_hash(seed, registered_domain) % 10 {
            0..=7 => Split::Train,
            8 => Split::Validation,
            _ => Split::Test,
        }
    }
}

/// A user file of labelled domains to add to the built-in sources.
#[derive(Debug, Clone)]
pub struct UserSource {
    /// What the user called it (`--add-family NAME=FILE`: `NAME=FILE`).
    pub name: String,
    /// The rows and their line accounting.
    pub loaded: Loaded,
    /// SHA-256 of the file as read, so the manifest pins its content.
    pub content_sha256: String,
}

impl UserSource {
    /// Loads `--add-family NAME=FILE`: a list of one family's domains.
    pub fn family_file(family: &str, path: &Path) -> Result<UserSource, DatasetsError> {
        let loaded = crate::labelled::load_family_list(path, family)?;
        Self::with_hash(format!("{family}={}", path.display()), loaded, path)
    }

    /// Loads a CSV of `domain,label[,family]`.
    pub fn csv_file(path: &Path) -> Result<UserSource, DatasetsError> {
        let loaded = crate::labelled::load_csv(path)?;
        Self::with_hash(path.display().to_string(), loaded, path)
    }

    fn with_hash(name: String, loaded: Loaded, path: &Path) -> Result<UserSource, DatasetsError> {
        let bytes = std::fs::read(path).map_err(|err| DatasetsError::Data {
            file: path.display().to_string(),
            reason: format!("cannot read: {err}"),
        })?;
        Ok(UserSource {
            name,
            loaded,
            content_sha256: hex(&sha256(&bytes)),
        })
    }
}

/// How to build a dataset.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Keys the split (and nothing else), so two seeds give two different partitions.
    pub seed: u64,
    /// Registered domains per DGA family at most.
    pub per_family: usize,
    /// Only these built-in families (all when `None`); used by tests and quick experiments.
    pub families: Option<Vec<String>>,
    /// At most this many benign domains from the built-in list (all when `None`), chosen by a
    /// keyed hash; for quick experiments and tests.
    pub max_benign: Option<usize>,
    /// User files.
    pub user_sources: Vec<UserSource>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            seed: 0,
            per_family: DEFAULT_PER_FAMILY,
            families: None,
            max_benign: None,
            user_sources: Vec::new(),
        }
    }
}

/// One row of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Registered domain.
    pub domain: String,
    /// Benign or DGA.
    pub label: Label,
    /// `benign` or the DGA family.
    pub family: String,
    /// Where it belongs.
    pub split: Split,
}

/// Counts of one family per split.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCounts {
    /// The family (`benign` for the benign class).
    pub name: String,
    /// `benign` or `dga`.
    pub label: Label,
    /// `arithmetic`, `hash`, `wordlist`, `user` or `benign`.
    pub style: String,
    /// Where its names came from.
    pub source: String,
    /// Generator seed, for built-in families.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub generator_seed: Option<u64>,
    /// Rows in train.
    pub train: usize,
    /// Rows in validation.
    pub validation: usize,
    /// Rows in test.
    pub test: usize,
    /// Names dropped because a benign domain or an earlier family already had them.
    pub dropped_collisions: usize,
}

impl FamilyCounts {
    /// Rows in all splits.
    pub fn total(&self) -> usize {
        self.train + self.validation + self.test
    }
}

/// A source and what it contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The source's name.
    pub name: String,
    /// SHA-256 of its content (for generators: of the names they produced).
    pub content_sha256: String,
    /// Rows it offered before deduplication, balancing and collisions.
    pub rows: usize,
    /// Its loader's report, for user files.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub load_report: Option<serde_json::Value>,
}

/// Everything needed to say what a dataset holds and to rebuild it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version.
    pub format_version: u32,
    /// The split seed.
    pub seed: u64,
    /// Names per DGA family at most.
    pub per_family: usize,
    /// The balancing and exclusion rules, in words.
    pub rules: Vec<String>,
    /// Dates the generators ran on.
    pub generation_dates: Vec<String>,
    /// Inputs, with content hashes.
    pub sources: Vec<SourceRecord>,
    /// Counts per family and split (benign first, then DGA families by name).
    pub families: Vec<FamilyCounts>,
    /// Benign domains left out because the n-gram feature's language model was fitted on them.
    pub excluded_language_model: usize,
    /// SHA-256 of `dataset.csv`.
    pub content_sha256: String,
}

impl Manifest {
    /// SHA-256 of the manifest's canonical JSON: the dataset's identity in model artefacts.
    pub fn hash(&self) -> String {
        hex(&sha256(self.to_json().as_bytes()))
    }

    /// Pretty JSON, ending with a newline; the byte form written to `manifest.json`.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The DGA families the dataset trains on.
    pub fn dga_families(&self) -> Vec<&str> {
        self.families
            .iter()
            .filter(|f| f.label == Label::Dga)
            .map(|f| f.name.as_str())
            .collect()
    }
}

/// A built dataset: rows sorted by split, label, family and domain, and their manifest.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The rows.
    pub rows: Vec<Row>,
    /// What they are.
    pub manifest: Manifest,
}

/// File names inside a dataset folder.
pub const DATA_FILE: &str = "dataset.csv";
/// The manifest's file name.
pub const MANIFEST_FILE: &str = "manifest.json";

impl Dataset {
    /// Builds the dataset the options describe.
    pub fn build(options: &BuildOptions) -> Result<Dataset, DatasetsError> {
        refuse_reserved(options)?;
        let mut sources = Vec::new();
        let mut families: BTreeMap<String, FamilyCounts> = BTreeMap::new();

        let hsts = hsts_preload_domains()?;
        sources.push(SourceRecord {
            name: "hsts_preload_domains.txt.gz".to_owned(),
            content_sha256: hex(&sha256(crate::benign::HSTS_PRELOAD_GZ)),
            rows: hsts.len(),
            load_report: None,
        });
        let (mut benign, excluded_language_model) = benign_rows(options, hsts);
        families.insert(
            BENIGN_FAMILY.to_owned(),
            FamilyCounts {
                name: BENIGN_FAMILY.to_owned(),
                label: Label::Benign,
                style: "benign".to_owned(),
                source: "HSTS preload list, minus the language-model quarter".to_owned(),
                ..FamilyCounts::default()
            },
        );

        let generated = generated(options, &mut sources, &mut families);
        // A user's own names of a family go before the generator's: they fill its cap first.
        let mut candidates = from_user_files(options, &mut sources, &mut families, &mut benign);
        candidates.extend(generated);
        let mut rows = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for row in benign {
            if taken.insert(row.domain.clone()) {
                rows.push(row);
            }
        }
        let mut per_family_count: HashMap<String, usize> = HashMap::new();
        for (family, offered) in candidates {
            let counts = per_family_count.entry(family.clone()).or_default();
            for row in offered {
                if *counts >= options.per_family {
                    break;
                }
                if taken.insert(row.domain.clone()) {
                    *counts += 1;
                    rows.push(row);
                } else if let Some(entry) = families.get_mut(&family) {
                    entry.dropped_collisions += 1;
                }
            }
        }

        let mut rows: Vec<Row> = rows
            .into_iter()
            .map(|row| Row {
                split: Split::of(options.seed, &row.domain),
                domain: row.domain,
                label: row.label,
                family: row.family,
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.split, a.label, &a.family, &a.domain).cmp(&(b.split, b.label, &b.family, &b.domain))
        });
        for row in &rows {
            if let Some(entry) = families.get_mut(&row.family) {
                match row.split {
                    Split::Train => entry.train += 1,
                    Split::Validation => entry.validation += 1,
                    Split::Test => entry.test += 1,
                }
            }
        }

        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            seed: options.seed,
            per_family: options.per_family,
            rules: rules(options.per_family, options.max_benign),
            generation_dates: generation_dates()
                .iter()
                .map(NaiveDate::to_string)
                .collect(),
            sources,
            families: benign_first(families),
            excluded_language_model,
            content_sha256: hex(&sha256(&csv_bytes(&rows))),
        };
        Ok(Dataset { rows, manifest })
    }

    /// The rows of one split.
    pub fn split(&self, split: Split) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(move |row| row.split == split)
    }

    /// Writes `dataset.csv` and `manifest.json` into `dir`, creating it.
    pub fn write(&self, dir: &Path) -> Result<(), DatasetsError> {
        let failed = |err: std::io::Error| DatasetsError::Data {
            file: dir.display().to_string(),
            reason: format!("cannot write the dataset: {err}"),
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        write_new(&dir.join(DATA_FILE), &csv_bytes(&self.rows)).map_err(failed)?;
        write_new(&dir.join(MANIFEST_FILE), self.manifest.to_json().as_bytes()).map_err(failed)?;
        Ok(())
    }

    /// Reads the manifest of a dataset folder.
    pub fn read_manifest(dir: &Path) -> Result<Manifest, DatasetsError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|err| DatasetsError::Data {
            file: path.display().to_string(),
            reason: format!("cannot read: {err}; build one with `dnshunt-train dataset build`"),
        })?;
        serde_json::from_str(&text).map_err(|err| DatasetsError::Data {
            file: path.display().to_string(),
            reason: format!("not a dataset manifest: {err}"),
        })
    }
}

/// The built-in benign domains outside the language-model quarter (capped by `max_benign`), and
/// how many the quarter took.
fn benign_rows(options: &BuildOptions, hsts: Vec<String>) -> (Vec<Labelled>, usize) {
    let mut excluded_language_model = 0;
    let mut benign: Vec<Labelled> = Vec::new();
    for domain in hsts {
        if is_language_model_domain(&domain) {
            excluded_language_model += 1;
        } else {
            benign.push(Labelled {
                domain,
                label: Label::Benign,
                family: BENIGN_FAMILY.to_owned(),
            });
        }
    }
    if let Some(limit) = options.max_benign {
        // The high half of the split seed's hash: independent of the split itself.
        benign.sort_by_key(|row| (mixed_hash(!options.seed, &row.domain), row.domain.clone()));
        benign.truncate(limit);
    }
    (benign, excluded_language_model)
}

/// User files may not train on the families kept for independent evaluation.
fn refuse_reserved(options: &BuildOptions) -> Result<(), DatasetsError> {
    for source in &options.user_sources {
        if let Some(row) = source
            .loaded
            .rows
            .iter()
            .find(|row| RESERVED.contains(&row.family.as_str()))
        {
            return Err(DatasetsError::Data {
                file: source.name.clone(),
                reason: format!(
                    "family `{}` is reserved for independent evaluation and never trained \
                     on; pass its file to `dnshunt-train eval --data` instead",
                    row.family
                ),
            });
        }
    }
    Ok(())
}

/// Names of the built-in generators, one candidate list per family.
fn generated(
    options: &BuildOptions,
    sources: &mut Vec<SourceRecord>,
    families: &mut BTreeMap<String, FamilyCounts>,
) -> Vec<(String, Vec<Labelled>)> {
    let mut candidates = Vec::new();
    for family in dga::families() {
        if options
            .families
            .as_ref()
            .is_some_and(|chosen| !chosen.iter().any(|c| c == family.name()))
        {
            continue;
        }
        let names = generate_spread(family, options.per_family);
        let mut content = Vec::new();
        for name in &names {
            content.extend_from_slice(name.as_bytes());
            content.push(b'\n');
        }
        sources.push(SourceRecord {
            name: format!("generator:{}", family.name()),
            content_sha256: hex(&sha256(&content)),
            rows: names.len(),
            load_report: None,
        });
        families.insert(
            family.name().to_owned(),
            FamilyCounts {
                name: family.name().to_owned(),
                label: Label::Dga,
                style: style_name(family.style()).to_owned(),
                source: "built-in generator".to_owned(),
                generator_seed: Some(family.default_seed()),
                ..FamilyCounts::default()
            },
        );
        let rows = registered_domains(&names)
            .into_iter()
            .map(|domain| Labelled {
                domain,
                label: Label::Dga,
                family: family.name().to_owned(),
            })
            .collect();
        candidates.push((family.name().to_owned(), rows));
    }
    candidates
}

/// Rows of the user files: benign rows join `benign`, DGA rows become one candidate list per
/// family.
fn from_user_files(
    options: &BuildOptions,
    sources: &mut Vec<SourceRecord>,
    families: &mut BTreeMap<String, FamilyCounts>,
    benign: &mut Vec<Labelled>,
) -> Vec<(String, Vec<Labelled>)> {
    let mut candidates = Vec::new();
    for source in &options.user_sources {
        sources.push(SourceRecord {
            name: source.name.clone(),
            content_sha256: source.content_sha256.clone(),
            rows: source.loaded.rows.len(),
            load_report: serde_json::to_value(&source.loaded.report).ok(),
        });
        let mut per_family: BTreeMap<&str, Vec<Labelled>> = BTreeMap::new();
        for row in &source.loaded.rows {
            if row.label == Label::Benign {
                benign.push(row.clone());
            } else {
                per_family.entry(&row.family).or_default().push(row.clone());
            }
        }
        for (family, rows) in per_family {
            families
                .entry(family.to_owned())
                .and_modify(|known| {
                    // A built-in family the user also has names of: theirs come first.
                    known.source = format!("{}, then {}", source.name, known.source);
                })
                .or_insert_with(|| FamilyCounts {
                    name: family.to_owned(),
                    label: Label::Dga,
                    style: "user".to_owned(),
                    source: source.name.clone(),
                    ..FamilyCounts::default()
                });
            candidates.push((family.to_owned(), rows));
        }
    }

    candidates
}

fn benign_first(mut families: BTreeMap<String, FamilyCounts>) -> Vec<FamilyCounts> {
    let benign = families.remove(BENIGN_FAMILY);
    benign.into_iter().chain(families.into_values()).collect()
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_extension("partial");
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

/// The CSV form of the rows: `domain,label,family,split`.
fn csv_bytes(rows: &[Row]) -> Vec<u8> {
    let mut out = b"domain,label,family,split\n".to_vec();
    for row in rows {
        for part in [
            row.domain.as_str(),
            row.label.as_str(),
            row.family.as_str(),
            row.split.as_str(),
        ] {
            out.extend_from_slice(part.as_bytes());
            out.push(b',');
        }
        out.pop();
        out.push(b'\n');
    }
    out
}

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Arithmetic => "arithmetic",
        Style::Hash => "hash",
        Style::Wordlist => "wordlist",
    }
}

fn generation_dates() -> Vec<NaiveDate> {
    GENERATION_DATES
        .iter()
        .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .collect()
}

/// `count` distinct names of a family, taken in turn from each generation date so that a cap
/// keeps every date represented. Each date is asked for `count` names because some families
/// (banjori) do not depend on the date, and then one date must supply them all.
fn generate_spread(family: &dyn dga::Family, count: usize) -> Vec<String> {
    let per_date: Vec<Vec<String>> = generation_dates()
        .iter()
        .map(|&date| family.generate(family.default_seed(), date, count))
        .collect();
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(count);
    for index in 0..count {
        for name in per_date.iter().filter_map(|day| day.get(index)) {
            if names.len() < count && seen.insert(name.as_str()) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Distinct registered domains of generated names, in first-seen order.
fn registered_domains(names: &[String]) -> Vec<String> {
    let batch = dnshunt_features::normalize(names);
    let mut seen = HashSet::new();
    batch
        .iter()
        .filter(|name| name.is_valid() && name.domain_label.is_some())
        .filter_map(|name| name.registered_domain)
        .filter(|domain| seen.insert(*domain))
        .map(str::to_owned)
        .collect()
}

fn rules(per_family: usize, max_benign: Option<usize>) -> Vec<String> {
    let mut rules = vec![
        "benign: HSTS preload registered domains outside the language-model quarter, plus benign rows of user files".to_owned(),
        format!("dga: at most {per_family} distinct registered domains per family, generators spread evenly over the generation dates, user files in file order"),
        "a registered domain appears once: benign wins over dga, an earlier family over a later one".to_owned(),
        "split: keyed hash of seed and registered domain, 80% train / 10% validation / 10% test".to_owned(),
    ];
    if let Some(limit) = max_benign {
        rules.push(format!(
            "benign: at most {limit} built-in domains, the first by a hash keyed with the seed"
        ));
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u64) -> BuildOptions {
        BuildOptions {
            seed,
            per_family: 300,
            families: Some(vec![
                "banjori".into(),
                "necurs".into(),
                "dict-pair".into(),
                "murofet".into(),
            ]),
            max_benign: None,
            user_sources: Vec::new(),
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_split() {
        let a = Dataset::build(&small(7)).unwrap();
        let b = Dataset::build(&small(7)).unwrap();
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.manifest.hash(), b.manifest.hash());
        let c = Dataset::build(&small(8)).unwrap();
        assert_ne!(a.manifest.content_sha256, c.manifest.content_sha256);
    }

    #[test]
    fn no_domain_twice_no_benign_in_dga_no_language_model_domain() {
        let dataset = Dataset::build(&small(0)).unwrap();
        let benign_family = &dataset.manifest.families[0];
        let share = |n: usize| n as f64 / benign_family.total() as f64;
        assert!(
            (share(benign_family.validation) - 0.1).abs() < 0.01,
            "{benign_family:?}"
        );
        assert!(
            (share(benign_family.test) - 0.1).abs() < 0.01,
            "{benign_family:?}"
        );
        let mut seen = HashMap::new();
        for row in &dataset.rows {
            assert!(
                seen.insert(row.domain.as_str(), row.split).is_none(),
                "{} twice",
                row.domain
            );
            if row.label == Label::Benign {
                assert!(!is_language_model_domain(&row.domain), "{}", row.domain);
            }
        }
        let benign: HashSet<String> = hsts_preload_domains().unwrap().into_iter().collect();
        for row in dataset.rows.iter().filter(|r| r.label == Label::Dga) {
            assert!(
                !benign.contains(&row.domain),
                "benign {} in dga",
                row.domain
            );
        }
    }

    #[test]
    fn families_are_capped_and_counted_per_split() {
        let dataset = Dataset::build(&small(3)).unwrap();
        let manifest = &dataset.manifest;
        assert_eq!(
            manifest.dga_families(),
            ["banjori", "dict-pair", "murofet", "necurs"]
        );
        for family in &manifest.families {
            let rows = dataset
                .rows
                .iter()
                .filter(|r| r.family == family.name)
                .count();
            assert_eq!(family.total(), rows, "{}", family.name);
            if family.label == Label::Dga {
                assert!(family.total() <= 300 && family.total() > 250, "{family:?}");
                assert!(family.train > family.test, "{family:?}");
            }
        }
        let benign = &manifest.families[0];
        assert_eq!(benign.name, "benign");
        assert_eq!(
            benign.total() + manifest.excluded_language_model,
            manifest.sources[0].rows
        );
    }

    fn counts<'a>(dataset: &'a Dataset, family: &str) -> &'a FamilyCounts {
        dataset
            .manifest
            .families
            .iter()
            .find(|f| f.name == family)
            .unwrap()
    }

    #[test]
    fn user_family_is_added_and_reserved_family_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newfam.txt");
        std::fs::write(
            &path,
            "raw_domain\nqzxkwpvbn.com\nqzxkwpvbn.com\nyhgtrfvcde.net\n",
        )
        .unwrap();
        let mut options = small(0);
        options.user_sources = vec![UserSource::family_file("newfam", &path).unwrap()];
        let dataset = Dataset::build(&options).unwrap();
        let family = counts(&dataset, "newfam");
        assert_eq!((family.total(), family.style.as_str()), (2, "user"));
        let source = dataset.manifest.sources.last().unwrap();
        assert_eq!(source.rows, 2);
        assert_eq!(
            source.load_report.as_ref().unwrap()["duplicates"][0]["line"],
            3
        );

        options.user_sources = vec![UserSource::family_file("gozi", &path).unwrap()];
        let err = Dataset::build(&options).unwrap_err().to_string();
        assert!(err.contains("reserved"), "{err}");
    }

    #[test]
    fn a_users_names_of_a_built_in_family_come_before_the_generators() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("necurs.txt");
        let names = (0..400).fold(String::new(), |names, i| {
            names + &format!("qzxkwpvbn{i}.com\n")
        });
        std::fs::write(&path, names).unwrap();
        let mut options = small(0);
        options.user_sources = vec![UserSource::family_file("necurs", &path).unwrap()];
        let dataset = Dataset::build(&options).unwrap();
        let necurs: Vec<&Row> = dataset
            .rows
            .iter()
            .filter(|r| r.family == "necurs")
            .collect();
        assert_eq!(necurs.len(), 300);
        assert!(necurs.iter().all(|r| r.domain.starts_with("qzxkwpvbn")));
        let family = counts(&dataset, "necurs");
        assert!(
            family
                .source
                .ends_with("necurs.txt, then built-in generator"),
            "{}",
            family.source
        );
    }

    #[test]
    fn write_then_read_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let dataset = Dataset::build(&small(2)).unwrap();
        dataset.write(dir.path()).unwrap();
        let read = Dataset::read_manifest(dir.path()).unwrap();
        assert_eq!(read, dataset.manifest);
        let csv = std::fs::read(dir.path().join(DATA_FILE)).unwrap();
        assert_eq!(hex(&sha256(&csv)), read.content_sha256);
    }
}
