//! Passphrases and PINs. They come from the environment (`CCCD_PASSPHRASE`), a file, or a prompt
//! (the CLI's job) — never from argv, where `ps` and shell history would show them.

use crate::error::{Error, Result};
use std::path::Path;
use zeroize::Zeroizing;

/// Name of the environment variable holding the PKI secret.
pub const PASSPHRASE_ENV: &str = "CCCD_PASSPHRASE";

/// A passphrase (software keys) or user PIN (PKCS#11 tokens). Zeroized on drop; `Debug` is redacted.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// Wraps a secret string (for example from a prompt).
    pub fn new(s: String) -> Self {
        Secret(Zeroizing::new(s))
    }

    /// The secret bytes, for the key store only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Reads the secret from a file: the first line, without its line ending.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?);
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            return Err(Error::Secret(format!(
                "passphrase file {} is empty",
                path.display()
            )));
        }
        Ok(Secret::new(line.to_string()))
    }

    /// Reads `CCCD_PASSPHRASE`, if set and non-empty.
    pub fn from_env() -> Option<Self> {
        match std::env::var(PASSPHRASE_ENV) {
            Ok(v) if !v.is_empty() => Some(Secret::new(v)),
            _ => None,
        }
    }

    /// The non-interactive sources in order: an explicit file beats the environment.
    /// `Ok(None)` means the caller should prompt.
    pub fn from_file_or_env(file: Option<&Path>) -> Result<Option<Self>> {
        match file {
            Some(p) => Ok(Some(Secret::from_file(p)?)),
            None => Ok(Secret::from_env()),
        }
    }
}
