//! Where the engine's parts come from, and a fingerprint that changes when any of them does.
//!
//! Like `dnshunt detect` and `sql`, the service reads the home it is given: without `--brands`
//! the watchlist is `<home>/watchlist.txt` when there is one, and without `--intel` the feeds
//! are those `dnshunt intel load` kept in `<home>/intel/`.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use dnshunt_features::schema::stable_hash;
use dnshunt_intel::IntelIndex;
use dnshunt_intel::store::FeedStore;
use dnshunt_models::registry::{ModelSpec, Registry};
use dnshunt_typosquat::{LookalikeIndex, Watchlist};

use crate::config::Config;
use crate::engine::{Engine, LoadedModel};

/// Identifies the exact inputs an engine was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<(String, u64)>);

/// The fingerprint of what `config` points at now: the version the model spec resolves to and
/// the hash of its manifest.
pub fn fingerprint(config: &Config) -> Result<Fingerprint> {
    let mut parts = Vec::new();
    if config.model == "builtin" {
        parts.push(("builtin".to_owned(), 0));
    } else {
        let spec: ModelSpec = config.model.parse()?;
        let registry = Registry::open(&config.home);
        match registry.resolve(&spec) {
            Ok(version) => {
                let manifest = registry
                    .version_dir(&spec.name, version)
                    .join("manifest.json");
                let bytes = std::fs::read(&manifest)
                    .with_context(|| format!("{}: cannot read", manifest.display()))?;
                parts.push((format!("{}/{version}", spec.name), stable_hash(bytes)));
            }
            // Not resolvable yet: the built-in model serves until it is (see `load`).
            Err(_) => parts.push(("unresolved".to_owned(), 0)),
        }
    }
    for path in brands_path(config).iter().chain(&config.intel) {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        parts.push((path.display().to_string(), stable_hash(bytes)));
    }
    if config.intel.is_empty() {
        // A feed loaded again gets a new load time in its summary.
        let store = FeedStore::new(&config.home);
        parts.push((
            store.dir().display().to_string(),
            stable_hash(store.state()?),
        ));
    }
    Ok(Fingerprint(parts))
}

/// The configured watchlist, else the home's when it has one.
fn brands_path(config: &Config) -> Option<PathBuf> {
    Watchlist::chosen(&config.home, config.brands.as_deref())
}

/// Loads everything `config` points at.
pub fn load(config: &Config) -> Result<Engine> {
    let (model, version) = dnshunt_models::builtin::resolve(&config.home, &config.model)
        .with_context(|| format!("cannot load model `{}`", config.model))?;
    let origin = if version == "builtin" {
        "built into the binary".to_owned()
    } else {
        config.home.join("registry").display().to_string()
    };
    Ok(Engine {
        dga: LoadedModel {
            model,
            version,
            origin,
        },
        typosquat: brands_path(config)
            .as_deref()
            .map(load_brands)
            .transpose()?,
        intel: load_intel(config)?,
    })
}

fn load_brands(path: &Path) -> Result<(LookalikeIndex, Vec<String>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let watchlist = Watchlist::parse(&text, &path.display().to_string())?;
    let names = watchlist.brands.iter().map(|b| b.name.clone()).collect();
    Ok((LookalikeIndex::build(watchlist)?, names))
}

/// The configured feed files, else the feeds stored in the home; `None` when there are none.
fn load_intel(config: &Config) -> Result<Option<IntelIndex>> {
    if config.intel.is_empty() {
        let feeds = FeedStore::new(&config.home).feeds()?;
        return Ok((!feeds.is_empty()).then(|| IntelIndex::build(feeds)));
    }
    let mut feeds = Vec::new();
    for path in &config.intel {
        let name = dnshunt_intel::store::name_from_path(path);
        let feed = dnshunt_intel::load_file(path, None, &name, SystemTime::now())
            .with_context(|| format!("{}: cannot load the feed", path.display()))?;
        if !feed.rejected.is_empty() {
            tracing::warn!(feed = %path.display(), rejected = feed.rejected.len(), "some feed rows were not loaded");
        }
        feeds.push(feed);
    }
    Ok(Some(IntelIndex::build(feeds)))
}
