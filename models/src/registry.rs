//! The model registry, `home/registry/`: immutable numbered versions of a model (`dga` 1, 2,
//! 3, ...) and movable aliases (`champion`, `challenger`) whose every move is kept.
//!
//! Layout, all plain files written once:
//! - `registry/<model>/versions/<n>/` holds the artefact (`manifest.json`, `model.bin`) and
//!   `version.json`; a version is assembled in a hidden staging folder and renamed into place,
//!   so it appears whole or not at all, and a number is never reused;
//! - `registry/<model>/aliases/<alias>/<seq>.json` records each move of an alias; the highest
//!   sequence number is where it points now.
//!
//! Specs: `dga@champion` (an alias), `dga/3` (a version), `dga` (the latest version).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ModelsError, Result};
use crate::files;
use crate::model::Model;

const VERSION_FILE: &str = "version.json";

/// Which version of a model a spec asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The highest version number.
    Latest,
    /// One version.
    Version(u32),
    /// Where an alias points.
    Alias(String),
}

/// A parsed model spec: `dga`, `dga/3` or `dga@champion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    /// The model name.
    pub name: String,
    /// Which version.
    pub selector: Selector,
}

/// Model and alias names: lower-case letters, digits, `-` and `_`, starting with a letter.
fn check_name(kind: &str, name: &str) -> Result<()> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ModelsError::InvalidInput(format!(
            "`{name}` is not a valid {kind} name: use lower-case letters, digits, `-` and `_`, \
             starting with a letter"
        )))
    }
}

impl FromStr for ModelSpec {
    type Err = ModelsError;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = || {
            ModelsError::InvalidInput(format!(
                "`{spec}` is not a model spec; write `dga`, `dga/3` or `dga@champion`"
            ))
        };
        let (name, selector) = if let Some((name, alias)) = spec.split_once('@') {
            check_name("alias", alias).map_err(|_| bad())?;
            (name, Selector::Alias(alias.to_owned()))
        } else if let Some((name, version)) = spec.split_once('/') {
            let version: u32 = version.parse().map_err(|_| bad())?;
            if version == 0 {
                return Err(bad());
            }
            (name, Selector::Version(version))
        } else {
            (spec, Selector::Latest)
        };
        check_name("model", name).map_err(|_| bad())?;
        Ok(Self {
            name: name.to_owned(),
            selector,
        })
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.selector {
            Selector::Latest => write!(f, "{}", self.name),
            Selector::Version(v) => write!(f, "{}/{v}", self.name),
            Selector::Alias(a) => write!(f, "{}@{a}", self.name),
        }
    }
}

/// What the registry records about a version (`version.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    /// Model name.
    pub name: String,
    /// Version number, from 1.
    pub version: u32,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// The run that made it, if any.
    pub run_id: Option<String>,
    /// Algorithm id.
    pub algorithm: String,
    /// Feature schema id.
    pub feature_schema_id: String,
    /// Dataset manifest hash.
    pub dataset_manifest_hash: String,
    /// Headline test metrics.
    pub metrics: BTreeMap<String, f64>,
}

/// One move of an alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasRecord {
    /// The alias.
    pub alias: String,
    /// The version it points at from now on.
    pub version: u32,
    /// When it moved.
    pub set_at: DateTime<Utc>,
    /// Move number, from 1.
    pub sequence: u64,
}

/// The registry in a dnshunt home.
#[derive(Debug, Clone)]
pub struct Registry {
    root: PathBuf,
}

impl Registry {
    /// The registry in `home/registry` (created on first use).
    pub fn open(home: &Path) -> Self {
        Self {
            root: home.join("registry"),
        }
    }

    fn versions_dir(&self, name: &str) -> PathBuf {
        self.root.join(name).join("versions")
    }

    fn alias_dir(&self, name: &str, alias: &str) -> PathBuf {
        self.root.join(name).join("aliases").join(alias)
    }

    /// The artefact folder of a version.
    pub fn version_dir(&self, name: &str, version: u32) -> PathBuf {
        self.versions_dir(name).join(version.to_string())
    }

    /// Registers `model` as the next version of `name`.
    pub fn register(
        &self,
        name: &str,
        model: &Model,
        run_id: Option<&str>,
    ) -> Result<VersionRecord> {
        check_name("model", name)?;
        let versions = self.versions_dir(name);
        files::create_dir_all(&versions)?;
        let staging = files::temp_name(&versions.join(".staging"));
        model.write(&staging)?;
        let manifest = model.manifest();
        let metrics: BTreeMap<String, f64> = manifest
            .metrics
            .as_ref()
            .map(|m| {
                m.summary()
                    .into_iter()
                    .filter(|(key, _)| !key.starts_with("family_recall/"))
                    .collect()
            })
            .unwrap_or_default();
        let mut version = self.version_numbers(name)?.last().copied().unwrap_or(0) + 1;
        loop {
            let record = VersionRecord {
                name: name.to_owned(),
                version,
                registered_at: Utc::now(),
                run_id: run_id.map(str::to_owned),
                algorithm: manifest.algorithm.clone(),
                feature_schema_id: manifest.feature_schema_id.clone(),
                dataset_manifest_hash: manifest.dataset_manifest_hash.clone(),
                metrics: metrics.clone(),
            };
            let record_path = staging.join(VERSION_FILE);
            let _ = std::fs::remove_file(&record_path);
            files::write_new_json(&record_path, &record)?;
            let target = self.version_dir(name, version);
            // Renaming a folder onto an existing (non-empty) one fails: another writer took
            // this number, so take the next.
            if target.exists() {
                version += 1;
                continue;
            }
            match std::fs::rename(&staging, &target) {
                Ok(()) => return Ok(record),
                Err(_) if target.exists() => version += 1,
                Err(err) => return Err(ModelsError::io(&target)(err)),
            }
        }
    }

    /// Version numbers of `name`, ascending.
    pub fn version_numbers(&self, name: &str) -> Result<Vec<u32>> {
        let dir = self.versions_dir(name);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(ModelsError::io(&dir)(err)),
        };
        let mut numbers: Vec<u32> = entries
            .filter_map(std::result::Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect();
        numbers.sort_unstable();
        Ok(numbers)
    }

    /// Every version of `name`, ascending.
    pub fn versions(&self, name: &str) -> Result<Vec<VersionRecord>> {
        self.version_numbers(name)?
            .into_iter()
            .map(|v| files::read_json(&self.version_dir(name, v).join(VERSION_FILE)))
            .collect()
    }

    /// Model names in the registry.
    pub fn models(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(ModelsError::io(&self.root)(err)),
        };
        let mut names: Vec<String> = entries
            .filter_map(std::result::Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| check_name("model", name).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Points `alias` of `name` at `version`, which must exist; earlier moves are kept.
    pub fn set_alias(&self, name: &str, alias: &str, version: u32) -> Result<AliasRecord> {
        check_name("model", name)?;
        check_name("alias", alias)?;
        if !self.version_dir(name, version).join(VERSION_FILE).exists() {
            return Err(ModelsError::NotFound(format!(
                "{name} has no version {version}; list versions with `dnshunt-train versions`"
            )));
        }
        let dir = self.alias_dir(name, alias);
        files::create_dir_all(&dir)?;
        let mut sequence = self
            .alias_history(name, alias)?
            .last()
            .map_or(1, |r| r.sequence + 1);
        loop {
            let record = AliasRecord {
                alias: alias.to_owned(),
                version,
                set_at: Utc::now(),
                sequence,
            };
            match files::write_new_json(&dir.join(format!("{sequence:08}.json")), &record) {
                Ok(()) => return Ok(record),
                // Another writer moved the alias at the same moment; go after it.
                Err(ModelsError::AlreadyExists { .. }) => sequence += 1,
                Err(err) => return Err(err),
            }
        }
    }

    /// Every move of an alias, oldest first.
    pub fn alias_history(&self, name: &str, alias: &str) -> Result<Vec<AliasRecord>> {
        let dir = self.alias_dir(name, alias);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(ModelsError::io(&dir)(err)),
        };
        let mut files_found: Vec<PathBuf> = entries
            .filter_map(std::result::Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && p.file_stem()
                        .and_then(|s| s.to_str())
                        .is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        files_found.sort();
        files_found
            .iter()
            .map(|p| {
                files::read_json(p).map_err(|err| {
                    err.advise(
                        "remove this file (the alias then points where it did before) and \
                         promote again",
                    )
                })
            })
            .collect()
    }

    /// Where each alias of `name` points now.
    pub fn aliases(&self, name: &str) -> Result<BTreeMap<String, u32>> {
        let dir = self.root.join(name).join("aliases");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(err) => return Err(ModelsError::io(&dir)(err)),
        };
        let mut out = BTreeMap::new();
        for entry in entries.filter_map(std::result::Result::ok) {
            let Ok(alias) = entry.file_name().into_string() else {
                continue;
            };
            if let Some(last) = self.alias_history(name, &alias)?.last() {
                out.insert(alias, last.version);
            }
        }
        Ok(out)
    }

    /// The version a spec (or spec text) stands for.
    pub fn resolve(&self, spec: &ModelSpec) -> Result<u32> {
        let missing = |what: String| {
            ModelsError::NotFound(format!(
                "{what} in {}; list versions with `dnshunt-train versions`",
                self.root.display()
            ))
        };
        match &spec.selector {
            Selector::Latest => self
                .version_numbers(&spec.name)?
                .last()
                .copied()
                .ok_or_else(|| missing(format!("model `{}` has no versions", spec.name))),
            Selector::Version(v) => {
                if self.version_dir(&spec.name, *v).join(VERSION_FILE).exists() {
                    Ok(*v)
                } else {
                    Err(missing(format!("`{spec}` does not exist")))
                }
            }
            Selector::Alias(alias) => self
                .alias_history(&spec.name, alias)?
                .last()
                .map(|r| r.version)
                .ok_or_else(|| {
                    missing(format!(
                        "alias `{spec}` is not set (set it with `dnshunt-train promote {} VERSION \
                         --alias {alias}`, or name a version such as `{}/1`)",
                        spec.name, spec.name
                    ))
                }),
        }
    }

    /// Loads the model a spec stands for, with its version number; fails on a feature schema
    /// other than the running one.
    pub fn load(&self, spec: &str) -> Result<(Model, u32)> {
        let spec: ModelSpec = spec.parse()?;
        let version = self.resolve(&spec)?;
        let model = Model::read(&self.version_dir(&spec.name, version))?;
        Ok((model, version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print() {
        for text in ["dga", "dga/3", "dga@champion", "my_model-2@challenger"] {
            let spec: ModelSpec = text.parse().unwrap();
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!(
            "dga/3".parse::<ModelSpec>().unwrap().selector,
            Selector::Version(3)
        );
        for bad in [
            "", "dga/0", "dga/x", "dga@", "Dga", "../dga", "dga@../x", "dga/3/4",
        ] {
            assert!(bad.parse::<ModelSpec>().is_err(), "{bad}");
        }
    }
}
