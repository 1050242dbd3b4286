//! What `pki.json` records ([`PkiMeta`] and its parts) and the options of `pki init` and
//! `pki issue-ds`.

use crate::certs;
use crate::pkcs11::TokenRef;
use crate::signer::Curve;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a private key lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum KeyRef {
    /// An encrypted PKCS#8 file, relative to the PKI folder.
    File { path: String },
    /// An object on the PKI's PKCS#11 token.
    Pkcs11 { label: String, id: String },
}

/// A Document Signer recorded in the folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DsRecord {
    pub serial: String,
    pub cert: String,
    pub key: KeyRef,
    pub fingerprint: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub key_usage_not_before: DateTime<Utc>,
    pub key_usage_not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
}

/// A revocation recorded in the folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Revocation {
    pub serial: String,
    pub reason: String,
    pub time: DateTime<Utc>,
}

/// `pki.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PkiMeta {
    pub version: u32,
    pub country: String,
    pub org: String,
    pub curve: Curve,
    /// The token all `Pkcs11` keys live on; `None` for a software PKI.
    pub token: Option<TokenRef>,
    pub csca_serial: String,
    pub csca_key: KeyRef,
    pub audit_key: KeyRef,
    pub document_signers: Vec<DsRecord>,
    pub active_ds: Option<String>,
    pub revoked: Vec<Revocation>,
    pub crl_number: u64,
}

/// Options for `pki init`.
pub struct InitOptions {
    pub country: String,
    pub org: String,
    pub curve: Curve,
    pub token: Option<TokenRef>,
    pub now: DateTime<Utc>,
}

/// Options for `pki issue-ds`.
pub struct DsOptions {
    /// Start of validity and of the key usage period (default: now).
    pub not_before: Option<DateTime<Utc>>,
    /// Private key usage period in days (1..=92).
    pub key_usage_days: i64,
    /// Certificate validity in days (default: key usage + 10 years).
    pub validity_days: Option<i64>,
    /// Make it the active DS (default true).
    pub activate: bool,
    pub now: DateTime<Utc>,
}

impl Default for DsOptions {
    fn default() -> Self {
        DsOptions {
            not_before: None,
            key_usage_days: certs::MAX_DS_KEY_USAGE_DAYS,
            validity_days: None,
            activate: true,
            now: Utc::now(),
        }
    }
}
