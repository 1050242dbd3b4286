//! Revocation and CRLs: revoking a Document Signer and issuing the CSCA's CRL.

use super::{Pki, Revocation, normalize_serial, write_file};
use crate::certs::{self, RevokedEntry, build_crl, to_pem};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::signer::Signer;
use chrono::{DateTime, Utc};
use der::Encode;
use std::path::Path;
use x509_cert::crl::CertificateList;

impl Pki {
    /// The revocation of `serial`, if any.
    pub fn revocation(&self, serial: &str) -> Option<&Revocation> {
        let want = normalize_serial(serial);
        self.meta
            .revoked
            .iter()
            .find(|r| normalize_serial(&r.serial) == want)
    }

    /// Revokes a certificate of this PKI and writes a new CRL to `DIR/crl.der` (+ `.pem`).
    pub fn revoke(
        &mut self,
        secret: &Secret,
        serial: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<CertificateList> {
        let reason = certs::parse_reason(reason)?;
        let rec = self.find_ds(serial)?.serial.clone();
        if self.revocation(&rec).is_some() {
            return Err(Error::DocumentSigner {
                serial: rec,
                reason: "already revoked".into(),
            });
        }
        let signer = self.csca_signer(secret)?;
        self.meta.revoked.push(Revocation {
            serial: rec,
            reason: certs::reason_name(reason).to_string(),
            time: now,
        });
        let crl = self.write_crl_with(signer.as_ref(), now, &self.dir.join("crl.der"))?;
        Ok(crl)
    }

    /// Issues a fresh CRL (next number), writes it to `out` (DER; PEM when `out` ends in
    /// `.pem`) and to `DIR/crl.der`.
    pub fn issue_crl(
        &mut self,
        secret: &Secret,
        now: DateTime<Utc>,
        out: &Path,
    ) -> Result<CertificateList> {
        let signer = self.csca_signer(secret)?;
        let crl = self.write_crl_with(signer.as_ref(), now, &self.dir.join("crl.der"))?;
        if out != self.dir.join("crl.der") {
            let der = crl.to_der().map_err(Error::der("CRL"))?;
            if out.extension().is_some_and(|e| e == "pem") {
                write_file(out, to_pem("X509 CRL", &der)?.as_bytes())?;
            } else {
                write_file(out, &der)?;
            }
        }
        Ok(crl)
    }

    pub(super) fn write_crl_with(
        &mut self,
        signer: &dyn Signer,
        now: DateTime<Utc>,
        path: &Path,
    ) -> Result<CertificateList> {
        let mut entries = Vec::new();
        for r in &self.meta.revoked {
            entries.push(RevokedEntry {
                serial: hex::decode(&r.serial).map_err(|e| Error::Pki {
                    dir: self.dir.clone(),
                    reason: format!("revoked serial {}: {e}", r.serial),
                })?,
                time: r.time,
                reason: certs::parse_reason(&r.reason)?,
            });
        }
        self.meta.crl_number += 1;
        let crl = build_crl(
            signer,
            &self.csca,
            &entries,
            self.meta.crl_number,
            now,
            now + chrono::Duration::days(90),
        )?;
        let der = crl.to_der().map_err(Error::der("CRL"))?;
        write_file(path, &der)?;
        write_file(
            &path.with_extension("pem"),
            to_pem("X509 CRL", &der)?.as_bytes(),
        )?;
        self.save()?;
        Ok(crl)
    }

    /// The current CRL (`DIR/crl.der`).
    pub fn current_crl(&self) -> Result<CertificateList> {
        let p = self.dir.join("crl.der");
        certs::parse_crl(&std::fs::read(&p).map_err(|e| Error::io(&p, e))?, "crl.der")
    }
}
