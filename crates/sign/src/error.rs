//! The crate's one error type. Each variant names what failed (file, key, data group, field) so an
//! operator can act on the message without a debugger.

use std::path::PathBuf;

/// Everything that can go wrong in `sign`.
///
/// Non-exhaustive: new failure kinds (a new key store, a new check) must not break callers, so
/// code outside this crate matches with a wildcard arm or uses the `Display` text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An encrypted key file did not decrypt: the passphrase is wrong or the file was altered.
    #[error("key file {path}: wrong passphrase or corrupted key file")]
    KeyDecrypt { path: PathBuf },
    /// A key file is not an encrypted PKCS#8 document we can use.
    #[error("key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    /// A PKCS#11 call failed.
    #[error("PKCS#11 {op}: {reason}")]
    Pkcs11 { op: &'static str, reason: String },
    /// A signature could not be produced.
    #[error("signing with {key}: {reason}")]
    Sign { key: String, reason: String },
    /// The PKI folder or its metadata is missing or inconsistent.
    #[error("PKI folder {dir}: {reason}")]
    Pki { dir: PathBuf, reason: String },
    /// The Document Signer may not sign (expired, not yet valid, revoked, unknown).
    #[error("Document Signer {serial}: {reason}")]
    DocumentSigner { serial: String, reason: String },
    /// A data group handed to the SOD builder is unusable.
    #[error("data group {dg}: {reason}")]
    DataGroup { dg: u8, reason: String },
    /// An EF.SOD could not be built or parsed.
    #[error("EF.SOD: {0}")]
    Sod(String),
    /// ASN.1 DER encoding or decoding failed.
    #[error("ASN.1 {what}: {source}")]
    Der {
        what: &'static str,
        source: der::Error,
    },
    /// The audit log could not be written or read.
    #[error("audit log {path}: {reason}")]
    Audit { path: PathBuf, reason: String },
    /// A passphrase or PIN could not be obtained.
    #[error("secret: {0}")]
    Secret(String),
    /// An algorithm we do not implement.
    #[error("unsupported algorithm: {0}")]
    Algorithm(String),
    /// A certificate or CRL given to us is unusable.
    #[error("{what}: {reason}")]
    Certificate { what: String, reason: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn der(what: &'static str) -> impl FnOnce(der::Error) -> Self {
        move |source| Error::Der { what, source }
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
