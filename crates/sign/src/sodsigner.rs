//! Signing EF.SODs with the active Document Signer, one durable audit entry per signature.

use crate::audit::{AuditLog, AuditMeta, Receipt};
use crate::certs::{from_x509_time, private_key_usage_period, serial_hex};
use crate::error::{Error, Result};
use crate::signer::{Signer, sha256_hex};
use crate::sod::build_sod;
use chrono::{DateTime, Utc};
use der::Encode;
use std::collections::BTreeMap;
use std::sync::Arc;
use x509_cert::Certificate;

/// A Document Signer key with its certificate.
pub struct DocumentSigner {
    signer: Arc<dyn Signer>,
    cert: Certificate,
    serial: String,
    fingerprint: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    usage_not_before: Option<DateTime<Utc>>,
    usage_not_after: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for DocumentSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentSigner")
            .field("serial", &self.serial)
            .field("key", &self.signer.describe())
            .finish()
    }
}

impl DocumentSigner {
    /// Pairs a key with its certificate; refuses a key that does not match.
    pub fn new(signer: Arc<dyn Signer>, cert: Certificate) -> Result<Self> {
        let serial = serial_hex(&cert.tbs_certificate.serial_number);
        if signer.public_key() != &cert.tbs_certificate.subject_public_key_info {
            return Err(Error::DocumentSigner {
                serial,
                reason: format!("key {} does not match the certificate", signer.describe()),
            });
        }
        let der = cert.to_der().map_err(Error::der("DS certificate"))?;
        let (unb, una) = private_key_usage_period(&cert).unwrap_or((None, None));
        Ok(DocumentSigner {
            fingerprint: sha256_hex(&der),
            not_before: from_x509_time(&cert.tbs_certificate.validity.not_before),
            not_after: from_x509_time(&cert.tbs_certificate.validity.not_after),
            usage_not_before: unb,
            usage_not_after: una,
            signer,
            cert,
            serial,
        })
    }

    /// Serial number (hex).
    pub fn serial(&self) -> &str {
        &self.serial
    }
    /// SHA-256 of the certificate DER (hex).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }
    /// The key.
    pub fn signer(&self) -> &Arc<dyn Signer> {
        &self.signer
    }

    /// Refuses to sign outside the certificate validity or the private key usage period.
    pub fn check_usable(&self, now: DateTime<Utc>) -> Result<()> {
        let refuse = |reason: String| {
            Err(Error::DocumentSigner {
                serial: self.serial.clone(),
                reason,
            })
        };
        if now < self.not_before {
            return refuse(format!(
                "not yet valid: certificate valid from {}",
                self.not_before
            ));
        }
        if now > self.not_after {
            return refuse(format!(
                "expired: certificate valid until {}",
                self.not_after
            ));
        }
        if let Some(t) = self.usage_not_before.filter(|t| now < *t) {
            return refuse(format!(
                "not yet valid: private key usage period starts {t}"
            ));
        }
        if let Some(t) = self.usage_not_after.filter(|t| now > *t) {
            return refuse(format!(
                "expired: private key usage period ended {t}; issue a new one with `cccd pki issue-ds`"
            ));
        }
        Ok(())
    }

    /// Builds and signs an EF.SOD (no audit entry: use [`SodSigner`] in issuance).
    pub fn sign_sod_unaudited(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        self.check_usable(now)?;
        build_sod(dgs, self.signer.as_ref(), &self.cert, now)
    }
}

/// An EF.SOD and its audit receipt.
#[derive(Clone, Debug)]
pub struct SignedSod {
    /// The EF.SOD file, starting with tag `77`.
    pub sod: Vec<u8>,
    /// SHA-256 of `sod` (hex), as written in the audit entry.
    pub sod_sha256: String,
    /// The durable audit entry.
    pub receipt: Receipt,
    /// DS serial (hex).
    pub ds_serial: String,
}

/// The signing service the issuance pipeline shares between workers (`Send + Sync`): the active
/// DS plus the audit log. `sign` returns only after the audit entry is durable.
pub struct SodSigner {
    ds: DocumentSigner,
    audit: Arc<AuditLog>,
}

impl SodSigner {
    /// Checks that the DS may sign now.
    pub fn new(ds: DocumentSigner, audit: Arc<AuditLog>) -> Result<Self> {
        ds.check_usable(Utc::now())?;
        Ok(SodSigner { ds, audit })
    }

    /// The Document Signer.
    pub fn document_signer(&self) -> &DocumentSigner {
        &self.ds
    }
    /// The audit log.
    pub fn audit_log(&self) -> &Arc<AuditLog> {
        &self.audit
    }

    /// Signs the SOD over `dgs` (DG number → complete DG file) and appends the audit entry; the
    /// SOD is returned only once the entry is on disk.
    pub fn sign(&self, dgs: &BTreeMap<u8, Vec<u8>>, meta: &AuditMeta) -> Result<SignedSod> {
        let now = Utc::now();
        let sod = self.ds.sign_sod_unaudited(dgs, now)?;
        let sod_sha256 = sha256_hex(&sod);
        let receipt = self.audit.append_signature(
            meta,
            &self.ds.serial,
            &self.ds.fingerprint,
            &sod_sha256,
        )?;
        Ok(SignedSod {
            sod,
            sod_sha256,
            receipt,
            ds_serial: self.ds.serial.clone(),
        })
    }
}
