//! Detector settings: which detectors run and their thresholds, from `<home>/detect.toml`.
//!
//! Every key is optional; a missing file means the defaults below.
//!
//! ```toml
//! [dga]
//! threshold = 0.8          # default: the model's own threshold (FPR 1e-3 on validation)
//! max_clients = 20         # domains resolved by more clients are popular, not generated
//! popularity_days = 7      # ... counted from this many days before the events judged (0: all)
//! [dns_tunnel]
//! window_minutes = 60
//! min_distinct_subdomains = 30
//! [newly_seen]
//! baseline_hours = 24
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::LakeError;

/// All detector settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectConfig {
    /// `dga_domain`.
    pub dga: DgaConfig,
    /// `typosquat_domain`.
    pub typosquat: Toggle,
    /// `intel_match`.
    pub intel: Toggle,
    /// `dns_tunnel`.
    pub dns_tunnel: TunnelConfig,
    /// `newly_seen_domain`.
    pub newly_seen: NewlySeenConfig,
}

/// A detector with no settings but on/off.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Toggle {
    /// Whether it runs.
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// `dga_domain` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DgaConfig {
    /// Whether it runs.
    pub enabled: bool,
    /// Scores at or above this are DGA; `None` takes the model's default threshold.
    pub threshold: Option<f32>,
    /// A registered domain resolved by more than this many distinct clients is a popular
    /// service, not a generated name (generated names reach only infected hosts): its high
    /// scores are counted but not reported. Intel matches on it still are.
    pub max_clients: u32,
    /// Clients are counted from this many days before the oldest event judged on, so that a
    /// stream's or a daily `--since` run's check costs the same in a lake's first week and its
    /// third year; 0 counts the whole lake.
    pub popularity_days: u32,
}

impl Default for DgaConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold: None,
            max_clients: 20,
            popularity_days: 7,
        }
    }
}

/// `dns_tunnel` settings: a client's queries under one registered domain in one window are a
/// tunnel when they use many distinct, long, random-looking subdomains.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TunnelConfig {
    /// Whether it runs.
    pub enabled: bool,
    /// Window length.
    pub window_minutes: u32,
    /// Fewest distinct subdomains in a window.
    pub min_distinct_subdomains: u32,
    /// Shortest mean subdomain length, in characters.
    pub min_mean_length: f64,
    /// Lowest Shannon entropy of the subdomain characters, in bits per character.
    pub min_entropy: f64,
    /// A share of TXT, NULL and CNAME queries at least this high strengthens the finding.
    pub txt_share: f64,
}

impl Default for TunnelConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            window_minutes: 60,
            min_distinct_subdomains: 30,
            min_mean_length: 20.0,
            min_entropy: 3.5,
            txt_share: 0.5,
        }
    }
}

/// `newly_seen_domain` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewlySeenConfig {
    /// Whether it runs.
    pub enabled: bool,
    /// A domain is new when first seen at least this long after the lake's first event: before
    /// that, everything is new.
    pub baseline_hours: u32,
    /// A new domain queried by at most this many clients is rare: it raises other signals and,
    /// alone, gives an `info` finding.
    pub max_clients: u32,
}

impl Default for NewlySeenConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            baseline_hours: 24,
            max_clients: 2,
        }
    }
}

impl DetectConfig {
    /// The file the settings are read from.
    pub fn path(home: &Path) -> std::path::PathBuf {
        home.join("detect.toml")
    }

    /// Reads `<home>/detect.toml`, or the defaults when there is none.
    pub fn load(home: &Path) -> Result<Self, LakeError> {
        let path = Self::path(home);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(LakeError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// Parses settings; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, LakeError> {
        toml::from_str(text).map_err(|e| {
            LakeError::Config(format!(
                "{}: {e}; see docs/detection.md for the keys",
                path.display()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_keep_the_other_defaults_and_typos_are_errors() {
        let config =
            DetectConfig::parse("[dns_tunnel]\nwindow_minutes = 10\n", Path::new("d.toml"))
                .unwrap();
        assert_eq!(config.dns_tunnel.window_minutes, 10);
        assert_eq!(config.dns_tunnel.min_distinct_subdomains, 30);
        assert!(config.dga.enabled && config.dga.threshold.is_none());
        let err =
            DetectConfig::parse("[dga]\nthreshhold = 0.5\n", Path::new("d.toml")).unwrap_err();
        assert!(
            err.to_string().contains("d.toml") && err.to_string().contains("threshhold"),
            "{err}"
        );
    }
}
