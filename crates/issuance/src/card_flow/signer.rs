//! Signing a card's EF.SOD: the one step whose failure stops the whole run.

use crate::journal::SignatureRef;
use std::collections::BTreeMap;

/// Signs an EF.SOD over the data groups and returns it with its audit reference. The audit entry
/// must be durable before this returns.
pub trait SodSigning: Send + Sync {
    /// The signer's own failure as text: any signer (a test double, another signing service)
    /// can implement this one.
    fn sign(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), String>;

    /// What the card flow calls. A signer with a typed error overrides it to keep the error
    /// ([`AuditedSigner`] gives the `sign` crate's); the default wraps [`SodSigning::sign`]'s
    /// text, so a signer that only has text still works unchanged.
    fn sign_sod(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), SigningError> {
        self.sign(dgs, document_number)
            .map_err(SigningError::Signer)
    }
}

/// Why a signer failed. Renders as the signer's own message (the journal stores
/// `signing failed: <message>`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The `sign` crate's audited signer (key, token, audit log).
    #[error(transparent)]
    Sign(#[from] sign::Error),
    /// Another signer, with its message.
    #[error("{0}")]
    Signer(String),
}

/// The `sign` crate's audited signer, with the station and operator it records.
pub struct AuditedSigner {
    pub signer: sign::SodSigner,
    pub station: String,
    pub operator: String,
}

impl SodSigning for AuditedSigner {
    fn sign(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), String> {
        self.sign_sod(dgs, document_number)
            .map_err(|e| e.to_string())
    }

    fn sign_sod(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), SigningError> {
        let meta = sign::AuditMeta {
            station: self.station.clone(),
            operator: self.operator.clone(),
            document_number: document_number.to_string(),
        };
        let s = self.signer.sign(dgs, &meta)?;
        Ok((
            s.sod,
            SignatureRef {
                audit_seq: s.receipt.seq,
                sod_sha256: s.sod_sha256,
                document_number: document_number.to_string(),
            },
        ))
    }
}
