//! `pki list`: a serializable summary of the folder.

use super::{Pki, Revocation};
use crate::certs::from_x509_time;
use chrono::{DateTime, Utc};
use serde::Serialize;

impl Pki {
    /// A listing for `pki list`.
    pub fn listing(&self, now: DateTime<Utc>) -> PkiListing {
        PkiListing {
            version: 1,
            dir: self.dir.display().to_string(),
            country: self.meta.country.clone(),
            org: self.meta.org.clone(),
            curve: self.meta.curve.name().to_string(),
            key_store: match &self.meta.token {
                None => "encrypted PKCS#8 files".into(),
                Some(t) => format!("PKCS#11 token {:?} ({})", t.token_label, t.module.display()),
            },
            csca: CertSummary {
                serial: self.meta.csca_serial.clone(),
                subject: self.csca.tbs_certificate.subject.to_string(),
                not_before: from_x509_time(&self.csca.tbs_certificate.validity.not_before),
                not_after: from_x509_time(&self.csca.tbs_certificate.validity.not_after),
            },
            document_signers: self
                .meta
                .document_signers
                .iter()
                .map(|d| DsSummary {
                    serial: d.serial.clone(),
                    active: self.meta.active_ds.as_deref() == Some(d.serial.as_str()),
                    state: if let Some(r) = self.revocation(&d.serial) {
                        format!("revoked ({})", r.reason)
                    } else if now < d.key_usage_not_before {
                        "not yet valid".into()
                    } else if now > d.key_usage_not_after {
                        "key usage period ended".into()
                    } else {
                        "usable".into()
                    },
                    key_usage_not_before: d.key_usage_not_before,
                    key_usage_not_after: d.key_usage_not_after,
                    not_after: d.not_after,
                    fingerprint: d.fingerprint.clone(),
                })
                .collect(),
            crl_number: self.meta.crl_number,
            revoked: self.meta.revoked.clone(),
        }
    }
}

/// `pki list` output.
#[derive(Clone, Debug, Serialize)]
pub struct PkiListing {
    pub version: u32,
    pub dir: String,
    pub country: String,
    pub org: String,
    pub curve: String,
    pub key_store: String,
    pub csca: CertSummary,
    pub document_signers: Vec<DsSummary>,
    pub crl_number: u64,
    pub revoked: Vec<Revocation>,
}

/// A certificate line in the listing.
#[derive(Clone, Debug, Serialize)]
pub struct CertSummary {
    pub serial: String,
    pub subject: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// A DS line in the listing.
#[derive(Clone, Debug, Serialize)]
pub struct DsSummary {
    pub serial: String,
    pub active: bool,
    pub state: String,
    pub key_usage_not_before: DateTime<Utc>,
    pub key_usage_not_after: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub fingerprint: String,
}
