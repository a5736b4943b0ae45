//! Optional bearer-token authentication: tokens from a file (one a line) or from
//! `DNSHUNT_SERVE_TOKENS` (comma-separated), compared in constant time.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// The accepted tokens; empty means authentication is off.
#[derive(Debug, Default, Clone)]
pub struct Tokens(Vec<Vec<u8>>);

/// Environment variable holding comma-separated tokens.
pub const TOKENS_ENV: &str = "DNSHUNT_SERVE_TOKENS";

impl Tokens {
    /// Reads the tokens file, if any, and the environment variable.
    pub fn load(file: Option<&Path>) -> Result<Tokens> {
        let mut tokens = Vec::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the tokens file", path.display()))?;
            tokens.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| l.as_bytes().to_vec()),
            );
            if tokens.is_empty() {
                bail!("{}: the tokens file holds no token", path.display());
            }
        }
        if let Ok(value) = std::env::var(TOKENS_ENV) {
            tokens.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| t.as_bytes().to_vec()),
            );
        }
        if tokens.iter().any(|t| t.len() < 16) {
            bail!("bearer tokens must be at least 16 characters long");
        }
        Ok(Tokens(tokens))
    }

    /// Whether requests must carry a token.
    pub fn enabled(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whether an `Authorization` header value carries an accepted token. Every token is
    /// compared, whatever the outcome, and each comparison takes time independent of where the
    /// bytes differ.
    pub fn accepts(&self, header: Option<&[u8]>) -> bool {
        let Some(presented) = header.and_then(|h| h.strip_prefix(b"Bearer ")) else {
            return false;
        };
        self.0.iter().fold(false, |found, token| {
            found | constant_time_eq(token, presented)
        })
    }
}

/// Equality whose running time depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_exact_bearer_tokens() {
        let tokens = Tokens(vec![
            b"0123456789abcdef".to_vec(),
            b"fedcba9876543210".to_vec(),
        ]);
        assert!(tokens.accepts(Some(b"Bearer fedcba9876543210")));
        assert!(!tokens.accepts(Some(b"Bearer fedcba987654321")));
        assert!(!tokens.accepts(Some(b"Bearer fedcba98765432100")));
        assert!(!tokens.accepts(Some(b"bearer fedcba9876543210")));
        assert!(!tokens.accepts(Some(b"fedcba9876543210")));
        assert!(!tokens.accepts(None));
        assert!(!Tokens::default().enabled());
    }
}
