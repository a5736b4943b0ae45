//! The watchlist: the brands to protect and the domains each owns (never flagged).
//!
//! File format, one brand a line, `#` starts a comment:
//!
//! ```text
//! # [name:] owned domains; every domain is permuted, `label.*` owns the label under any suffix
//! google: google.com youtube.com google.*
//! paypal.com paypal.me
//! ```
//!
//! Without a name the brand is called after the label of its first domain.

use std::path::{Path, PathBuf};

use dnshunt_features::normalize;

use crate::error::{Result, data_error};

/// One brand and what it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// What matches are reported under.
    pub name: String,
    /// Owned registered domains (normalized, punycode); each is permuted.
    pub domains: Vec<String>,
    /// Labels owned under every suffix (`google.*`).
    pub any_suffix: Vec<String>,
}

/// The brands to protect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watchlist {
    /// The brands, in file order.
    pub brands: Vec<Brand>,
}

impl Watchlist {
    /// Where a home keeps its watchlist: `<home>/watchlist.txt`.
    pub fn home_file(home: &Path) -> PathBuf {
        home.join("watchlist.txt")
    }

    /// The watchlist to match against: the one `given`, else the home's when there is one.
    pub fn chosen(home: &Path, given: Option<&Path>) -> Option<PathBuf> {
        let default = Self::home_file(home);
        given
            .map(Path::to_path_buf)
            .or_else(|| default.is_file().then_some(default))
    }

    /// Parses a watchlist; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        let mut brands = Vec::new();
        for (at, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (name, rest) = match line.split_once(':') {
                Some((name, rest)) => (Some(name.trim()), rest),
                None => (None, line),
            };
            brands
                .push(parse_brand(name, rest).map_err(|reason| data_error(file, at + 1, reason))?);
        }
        if brands.is_empty() {
            return Err(data_error(
                file,
                0,
                "the watchlist has no brands; write one brand a line, e.g. `paypal: paypal.com paypal.me`",
            ));
        }
        Ok(Self { brands })
    }

    /// One brand per domain (each owning just that domain).
    pub fn from_domains<S: AsRef<str>>(domains: &[S]) -> Result<Self> {
        let text: Vec<&str> = domains.iter().map(AsRef::as_ref).collect();
        Self::parse(&text.join("\n"), "watchlist")
    }
}

fn parse_brand(name: Option<&str>, rest: &str) -> Result<Brand, String> {
    let mut domains = Vec::new();
    let mut any_suffix = Vec::new();
    let words: Vec<&str> = rest.split_whitespace().collect();
    let concrete: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !w.ends_with(".*"))
        .collect();
    let batch = normalize(&concrete);
    for (word, normalized) in concrete.iter().zip(batch.iter()) {
        match (normalized.invalid, normalized.registered_domain) {
            (None, Some(registered)) if registered == normalized.query => {
                domains.push(registered.to_owned());
            }
            (None, Some(registered)) => {
                return Err(format!(
                    "{word:?} is not a registered domain; did you mean {registered}?"
                ));
            }
            _ => return Err(format!("{word:?} is not a registrable domain name")),
        }
    }
    for word in words.iter().filter_map(|w| w.strip_suffix(".*")) {
        let batch = normalize(&[format!("{word}.com")]);
        match batch
            .get(0)
            .and_then(|n| n.domain_label.filter(|_| n.is_valid()))
        {
            Some(label) if !word.contains('.') => any_suffix.push(label.to_owned()),
            _ => return Err(format!("{word:?}.* should be one label followed by .*")),
        }
    }
    let Some(first) = domains.first() else {
        return Err("a brand needs at least one domain it owns (e.g. paypal.com)".to_owned());
    };
    let name = match name {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => first.split('.').next().unwrap_or(first).to_owned(),
    };
    Ok(Brand {
        name,
        domains,
        any_suffix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_domains_and_wildcards() {
        let list = Watchlist::parse(
            "# brands\ngoogle: google.com YouTube.com google.*\npaypal.com paypal.me # comment\n",
            "w.txt",
        )
        .unwrap();
        assert_eq!(list.brands.len(), 2);
        assert_eq!(list.brands[0].name, "google");
        assert_eq!(list.brands[0].domains, ["google.com", "youtube.com"]);
        assert_eq!(list.brands[0].any_suffix, ["google"]);
        assert_eq!(list.brands[1].name, "paypal");
    }

    #[test]
    fn errors_name_the_line() {
        let err = Watchlist::parse("google.com\nwww.paypal.com\n", "w.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "w.txt, line 2: \"www.paypal.com\" is not a registered domain; did you mean paypal.com?"
        );
        assert!(Watchlist::parse("x: \n", "w.txt").is_err());
        assert!(Watchlist::parse("# nothing\n", "w.txt").is_err());
    }
}
