//! The log's line types ([`Entry`], one JSON object per line) and the two derived texts every
//! side must agree on: the checkpoint message and the audit key fingerprint.

use crate::signer::sha256_hex;
use chrono::{DateTime, Utc};
use der::Encode;
use serde::{Deserialize, Serialize};
use spki::SubjectPublicKeyInfoOwned;

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who signed what: recorded with each signature.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditMeta {
    pub station: String,
    pub operator: String,
    /// The document (card) number the SOD belongs to.
    pub document_number: String,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Entry {
    Signature {
        seq: u64,
        time: String,
        station: String,
        operator: String,
        document: String,
        ds_serial: String,
        ds_fingerprint: String,
        sod_sha256: String,
        prev: String,
    },
    Checkpoint {
        seq: u64,
        time: String,
        reason: String,
        signatures: u64,
        key: String,
        prev: String,
        sig: String,
    },
}

impl Entry {
    /// Sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            Entry::Signature { seq, .. } | Entry::Checkpoint { seq, .. } => *seq,
        }
    }
    /// Hash of the previous line.
    pub fn prev(&self) -> &str {
        match self {
            Entry::Signature { prev, .. } | Entry::Checkpoint { prev, .. } => prev,
        }
    }
}

/// A signature entry, parsed, for reconciliation with the issuance journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureRecord {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub station: String,
    pub operator: String,
    pub document_number: String,
    pub ds_serial: String,
    pub ds_fingerprint: String,
    pub sod_sha256: String,
    /// SHA-256 of this entry's line (what the next line's `prev` holds).
    pub entry_hash: String,
}

/// What an append returns: the entry's sequence number and line hash (the new head).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub seq: u64,
    pub entry_hash: String,
}

/// The text a checkpoint signature covers.
pub fn checkpoint_message(
    seq: u64,
    time: &str,
    reason: &str,
    signatures: u64,
    prev: &str,
) -> String {
    format!("cccd-audit-checkpoint/1\n{seq}\n{time}\n{reason}\n{signatures}\n{prev}")
}

/// SHA-256 (hex) of a public key's SPKI DER: the `key` field of checkpoints.
pub fn key_fingerprint(spki: &SubjectPublicKeyInfoOwned) -> String {
    sha256_hex(&spki.to_der().unwrap_or_default())
}
