//! Settings: defaults, then `--config dnshunt.toml`, then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// Everything the service needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Home holding the registry (`registry/`).
    pub home: PathBuf,
    /// Model to serve: `dga@champion`, `dga/3`, `dga`, or `builtin`.
    pub model: String,
    /// Brand watchlist for the typosquat check; none: `<home>/watchlist.txt`, when present.
    pub brands: Option<PathBuf>,
    /// Threat-intel feed files; none: the feeds kept in `<home>/intel`.
    pub intel: Vec<PathBuf>,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Most domains in one request.
    pub max_batch: usize,
    /// Longest accepted name in bytes (DNS allows 253; a little slack for a trailing dot and
    /// Unicode before IDNA).
    pub max_name_bytes: usize,
    /// Whole-request timeout in milliseconds.
    pub timeout_ms: u64,
    /// Batches scored at once; the others wait (within the timeout) for a free slot. A request
    /// that times out mid-scoring keeps its slot until the scoring ends, so a flood of requests
    /// cannot pile up abandoned work on the blocking pool.
    pub scoring_slots: usize,
    /// How often, in milliseconds, the registry alias and the brand and intel files are checked.
    pub reload_interval_ms: u64,
    /// File of bearer tokens, one a line; with none here and no `DNSHUNT_SERVE_TOKENS`, no auth.
    pub tokens_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            home: PathBuf::from("dnshunt-home"),
            model: "dga@champion".to_owned(),
            brands: None,
            intel: Vec::new(),
            max_body_bytes: 1 << 20,
            max_batch: 1_000,
            max_name_bytes: 1_024,
            timeout_ms: 10_000,
            scoring_slots: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            reload_interval_ms: 2_000,
            tokens_file: None,
        }
    }
}

impl Config {
    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the config file", path.display()))?;
        let config: Config = toml::from_str(&text)
            .with_context(|| format!("{}: not a valid dnshunt-serve config", path.display()))?;
        config.check()?;
        Ok(config)
    }

    /// Refuses settings that cannot work.
    pub fn check(&self) -> Result<()> {
        if self.max_batch == 0
            || self.max_body_bytes < 64
            || self.max_name_bytes == 0
            || self.scoring_slots == 0
        {
            bail!(
                "max_batch, max_body_bytes (at least 64), max_name_bytes and scoring_slots must be positive"
            );
        }
        if self.timeout_ms == 0 || self.reload_interval_ms == 0 {
            bail!("timeout_ms and reload_interval_ms must be positive");
        }
        Ok(())
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The reload check interval.
    pub fn reload_interval(&self) -> Duration {
        Duration::from_millis(self.reload_interval_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_cannot_work_are_refused() {
        assert!(Config::default().check().is_ok());
        for text in ["scoring_slots = 0", "max_batch = 0", "timeout_ms = 0"] {
            let config: Config = toml::from_str(text).unwrap();
            assert!(config.check().is_err(), "{text}");
        }
        assert!(toml::from_str::<Config>("scoring_slot = 4").is_err());
        let config: Config = toml::from_str("scoring_slots = 1").unwrap();
        assert_eq!((config.scoring_slots, config.max_batch), (1, 1_000));
    }
}
