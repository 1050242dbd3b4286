//! The signing side of a station, opened from a PKI folder, and its audit log read back.

use crate::card_flow::AuditedSigner;
use crate::journal::AuditEntryRef;
use crate::{Error, Result};
use reader::inspect::Trust;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The signing side of a station, opened from a PKI folder.
pub struct OpenPki {
    pub signer: Arc<AuditedSigner>,
    pub audit: Arc<sign::AuditLog>,
    pub audit_path: PathBuf,
    /// CSCA and current CRL, for inspecting every written card.
    pub trust: Trust,
}

/// Open the PKI at `dir` with `secret`: the active Document Signer (refused when expired or
/// revoked), the audit log (default `DIR/audit.jsonl`, or `audit_log`), the CSCA and CRL.
pub fn open_pki(
    dir: &Path,
    secret: &sign::Secret,
    audit_log: Option<&Path>,
    station: &str,
    operator: &str,
) -> Result<OpenPki> {
    let err = |source: sign::Error| Error::Pki {
        path: dir.to_path_buf(),
        source,
    };
    let pki = sign::Pki::open(dir).map_err(err)?;
    let ds = pki.document_signer(secret, None).map_err(err)?;
    let audit_path = audit_log
        .map(Path::to_path_buf)
        .unwrap_or_else(|| pki.default_audit_log());
    let audit = Arc::new(
        sign::AuditLog::open(
            &audit_path,
            pki.audit_signer(secret).map_err(err)?,
            sign::AuditOptions::default(),
        )
        .map_err(err)?,
    );
    let signer = sign::SodSigner::new(ds, Arc::clone(&audit)).map_err(err)?;
    let csca = dir.join("csca.pem");
    let mut trust = Trust::load(&csca).map_err(|source| Error::Trust {
        path: csca.clone(),
        source,
    })?;
    trust.crl = pki.current_crl().ok();
    Ok(OpenPki {
        signer: Arc::new(AuditedSigner {
            signer,
            station: station.to_string(),
            operator: operator.to_string(),
        }),
        audit,
        audit_path,
        trust,
    })
}

/// Reads the audit log's signature entries for the journal (reconciliation, orphan adoption).
pub fn audit_entries(log: &Path) -> Result<Vec<AuditEntryRef>> {
    if !log.exists() {
        return Ok(Vec::new());
    }
    let sigs = sign::read_signatures(log).map_err(|source| Error::AuditLog {
        path: log.to_path_buf(),
        source,
    })?;
    Ok(sigs
        .into_iter()
        .map(|s| AuditEntryRef {
            seq: s.seq,
            document_number: s.document_number,
            sod_sha256: s.sod_sha256,
        })
        .collect())
}
