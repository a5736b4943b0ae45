//! The default DGA model compiled into the binaries, so scoring works with an empty home: the
//! champion of a reproducible `dnshunt-train fit --seed 0` (`make default-model` rebuilds it).

use std::path::Path;

use crate::error::{ModelsError, Result};
use crate::model::Model;
use crate::registry::{ModelSpec, Registry, Selector};

const MANIFEST: &[u8] = include_bytes!("../data/default-dga/manifest.json");
const WEIGHTS: &[u8] = include_bytes!("../data/default-dga/model.bin");

/// The built-in model. Fails only if the features changed since it was trained, which this
/// crate's tests catch before a release: then run `make default-model`.
pub fn model() -> Result<Model> {
    Model::from_parts(MANIFEST, WEIGHTS, Path::new("built-in"))
}

/// The model a user asked for, and its name (`dga/3`, `builtin`): `builtin`, a registry spec, or
/// an alias that is not set yet while nothing is registered under that model name, which falls
/// back to the built-in model so that a new home works out of the box.
pub fn resolve(home: &Path, spec: &str) -> Result<(Model, String)> {
    if spec == "builtin" {
        return Ok((model()?, "builtin".to_owned()));
    }
    let parsed: ModelSpec = spec.parse()?;
    let registry = Registry::open(home);
    match registry.load(spec) {
        Ok((model, version)) => Ok((model, format!("{}/{version}", parsed.name))),
        Err(ModelsError::NotFound(_))
            if matches!(parsed.selector, Selector::Alias(_))
                && registry.version_numbers(&parsed.name)?.is_empty() =>
        {
            Ok((model()?, "builtin".to_owned()))
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_against_the_running_features_and_scores_the_seed_verdicts() {
        let model = model().expect("run `make default-model` after changing the features");
        let names = [
            "ns1.asdklgb.cf.",
            "7ydbdehaaz",
            "google.com",
            "facebook.com",
            "wikipedia.org",
        ];
        let scores = model.score_names(&names);
        let verdicts: Vec<&str> = scores.iter().map(|&s| model.verdict(s).as_str()).collect();
        assert_eq!(
            verdicts,
            ["dga", "dga", "benign", "benign", "benign"],
            "{scores:?}"
        );
    }

    #[test]
    fn an_empty_home_falls_back_to_the_builtin_model_only_for_aliases() {
        let home = tempfile::tempdir().unwrap();
        let (_, name) = resolve(home.path(), "dga@champion").unwrap();
        assert_eq!(name, "builtin");
        assert!(resolve(home.path(), "dga/1").is_err());
        assert!(resolve(home.path(), "not a spec").is_err());
    }
}
