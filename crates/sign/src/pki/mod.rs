//! The PKI folder: CSCA, audit key, Document Signers, revocations and CRLs, described by
//! `pki.json`. Keys are either encrypted PKCS#8 files under `keys/` or objects on one PKCS#11
//! token. One secret unlocks the folder: the passphrase of the key files, or the token user PIN.
//!
//! Layout:
//! - `pki.json`: the metadata ([`PkiMeta`]);
//! - `csca.der`, `csca.pem`: the CSCA certificate (give `csca.pem` to verifiers);
//! - `ds-<serial>.der`, `ds-<serial>.pem`: Document Signer certificates;
//! - `crl.der`, `crl.pem`: the current CRL;
//! - `audit-key.pem`: public key of the audit checkpoint key;
//! - `keys/*.key`: encrypted private keys (software PKI only);
//! - `audit.jsonl`: the default signature audit log.
//!
//! The code is split by concern: `meta` (what `pki.json` holds and the options), this module
//! (creating, opening, keys, Document Signers), `crl` (revocation and CRLs) and `listing`
//! (`pki list`).

mod crl;
mod listing;
mod meta;

pub use listing::{CertSummary, DsSummary, PkiListing};
pub use meta::{DsOptions, DsRecord, InitOptions, KeyRef, PkiMeta, Revocation};

use crate::certs::{
    CscaParams, DsParams, csca_certificate, ds_certificate, from_x509_time, parse_certificate,
    private_key_usage_period, serial_hex, to_pem,
};
use crate::error::{Error, Result};
use crate::pkcs11::Pkcs11Signer;
use crate::secret::Secret;
use crate::signer::{Signer, sha256_hex};
use crate::sodsigner::DocumentSigner;
use crate::softkey::SoftwareSigner;
use der::{Decode, Encode};
use spki::SubjectPublicKeyInfoOwned;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use x509_cert::Certificate;

/// An opened PKI folder.
pub struct Pki {
    dir: PathBuf,
    meta: PkiMeta,
    csca: Certificate,
}

const META: &str = "pki.json";

/// Sessions opened per PKCS#11 key beyond the first.
const PKCS11_EXTRA_SESSIONS: usize = 3;

fn rand_id() -> Result<Vec<u8>> {
    use ring::rand::SecureRandom;
    let mut id = vec![0u8; 8];
    ring::rand::SystemRandom::new()
        .fill(&mut id)
        .map_err(|_| Error::Sod("no randomness".into()))?;
    Ok(id)
}

fn write_file(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(data)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

impl Pki {
    /// Creates a PKI folder: CSCA key + self-signed certificate, audit key, empty CRL.
    pub fn init(dir: &Path, opts: &InitOptions, secret: &Secret) -> Result<Pki> {
        let pki_err = |reason: String| Error::Pki {
            dir: dir.to_path_buf(),
            reason,
        };
        if dir.join(META).exists() {
            return Err(pki_err("already initialized (pki.json exists)".into()));
        }
        std::fs::create_dir_all(dir.join("keys")).map_err(|e| Error::io(dir, e))?;
        let make_key = |name: &str| -> Result<(KeyRef, Arc<dyn Signer>)> {
            match &opts.token {
                None => {
                    let rel = format!("keys/{name}.key");
                    let s = SoftwareSigner::generate_to_file(opts.curve, &dir.join(&rel), secret)?;
                    Ok((KeyRef::File { path: rel }, Arc::new(s)))
                }
                Some(t) => {
                    let id = rand_id()?;
                    let label = format!("cccd-{name}");
                    let s = Pkcs11Signer::generate(t, secret, opts.curve, &label, &id)?;
                    Ok((
                        KeyRef::Pkcs11 {
                            label,
                            id: hex::encode(id),
                        },
                        Arc::new(s),
                    ))
                }
            }
        };
        let (csca_key, csca_signer) = make_key("csca")?;
        let csca = csca_certificate(
            csca_signer.as_ref(),
            &CscaParams {
                country: &opts.country,
                org: &opts.org,
                not_before: opts.now,
                validity_days: 15 * 365 + 4,
                key_usage_days: 5 * 365 + 1,
            },
        )?;
        let (audit_key, audit_signer) = make_key("audit")?;
        let der = csca.to_der().map_err(Error::der("CSCA certificate"))?;
        write_file(&dir.join("csca.der"), &der)?;
        write_file(
            &dir.join("csca.pem"),
            to_pem("CERTIFICATE", &der)?.as_bytes(),
        )?;
        let audit_pub = audit_signer
            .public_key()
            .to_der()
            .map_err(Error::der("audit key"))?;
        write_file(
            &dir.join("audit-key.pem"),
            to_pem("PUBLIC KEY", &audit_pub)?.as_bytes(),
        )?;
        let meta = PkiMeta {
            version: 1,
            country: opts.country.to_ascii_uppercase(),
            org: opts.org.clone(),
            curve: opts.curve,
            token: opts.token.clone(),
            csca_serial: serial_hex(&csca.tbs_certificate.serial_number),
            csca_key,
            audit_key,
            document_signers: Vec::new(),
            active_ds: None,
            revoked: Vec::new(),
            crl_number: 0,
        };
        let mut pki = Pki {
            dir: dir.to_path_buf(),
            meta,
            csca,
        };
        pki.save()?;
        pki.write_crl_with(csca_signer.as_ref(), opts.now, &dir.join("crl.der"))?;
        Ok(pki)
    }

    /// Opens an existing folder (no secret needed: certificates and metadata only).
    pub fn open(dir: &Path) -> Result<Pki> {
        let path = dir.join(META);
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Pki {
                dir: dir.to_path_buf(),
                reason: "not a PKI folder (no pki.json); run `cccd pki init`".into(),
            },
            _ => Error::io(&path, e),
        })?;
        let meta: PkiMeta = serde_json::from_str(&text).map_err(|e| Error::Pki {
            dir: dir.to_path_buf(),
            reason: format!("pki.json: {e}"),
        })?;
        if meta.version != 1 {
            return Err(Error::Pki {
                dir: dir.to_path_buf(),
                reason: format!("pki.json version {} is not supported", meta.version),
            });
        }
        let csca_path = dir.join("csca.der");
        let csca = parse_certificate(
            &std::fs::read(&csca_path).map_err(|e| Error::io(&csca_path, e))?,
            "csca.der",
        )?;
        Ok(Pki {
            dir: dir.to_path_buf(),
            meta,
            csca,
        })
    }

    fn save(&self) -> Result<()> {
        let text = serde_json::to_string_pretty(&self.meta).map_err(|e| Error::Pki {
            dir: self.dir.clone(),
            reason: e.to_string(),
        })?;
        write_file(&self.dir.join(META), text.as_bytes())
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The metadata.
    pub fn meta(&self) -> &PkiMeta {
        &self.meta
    }
    /// The CSCA certificate.
    pub fn csca(&self) -> &Certificate {
        &self.csca
    }
    /// The default audit log path, `DIR/audit.jsonl`.
    pub fn default_audit_log(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }

    /// Loads a private key.
    pub fn load_key(&self, key: &KeyRef, secret: &Secret) -> Result<Arc<dyn Signer>> {
        match key {
            KeyRef::File { path } => Ok(Arc::new(SoftwareSigner::open_file(
                self.meta.curve,
                &self.dir.join(path),
                secret,
            )?)),
            KeyRef::Pkcs11 { label, id } => {
                let token = self.meta.token.as_ref().ok_or_else(|| Error::Pki {
                    dir: self.dir.clone(),
                    reason: "a PKCS#11 key but no token in pki.json".into(),
                })?;
                let id = hex::decode(id).map_err(|e| Error::Pki {
                    dir: self.dir.clone(),
                    reason: format!("key id: {e}"),
                })?;
                // Extra sessions let concurrent workers sign in parallel on the token.
                Ok(Arc::new(
                    Pkcs11Signer::open(token, secret, self.meta.curve, label, &id)?.with_sessions(
                        token,
                        secret,
                        PKCS11_EXTRA_SESSIONS,
                    )?,
                ))
            }
        }
    }

    /// The CSCA key.
    pub fn csca_signer(&self, secret: &Secret) -> Result<Arc<dyn Signer>> {
        let s = self.load_key(&self.meta.csca_key, secret)?;
        if s.public_key() != &self.csca.tbs_certificate.subject_public_key_info {
            return Err(Error::Pki {
                dir: self.dir.clone(),
                reason: "the CSCA key does not match csca.der".into(),
            });
        }
        Ok(s)
    }

    /// The audit checkpoint key.
    pub fn audit_signer(&self, secret: &Secret) -> Result<Arc<dyn Signer>> {
        let s = self.load_key(&self.meta.audit_key, secret)?;
        if s.public_key() != &self.audit_public_key()? {
            return Err(Error::Pki {
                dir: self.dir.clone(),
                reason: "the audit key does not match audit-key.pem".into(),
            });
        }
        Ok(s)
    }

    /// The audit checkpoint public key (`audit-key.pem`).
    pub fn audit_public_key(&self) -> Result<SubjectPublicKeyInfoOwned> {
        let path = self.dir.join("audit-key.pem");
        let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let (label, der) = der::pem::decode_vec(&text).map_err(|e| Error::Pki {
            dir: self.dir.clone(),
            reason: format!("audit-key.pem: {e}"),
        })?;
        if label != "PUBLIC KEY" {
            return Err(Error::Pki {
                dir: self.dir.clone(),
                reason: format!("audit-key.pem has label {label:?}"),
            });
        }
        SubjectPublicKeyInfoOwned::from_der(&der).map_err(Error::der("audit-key.pem"))
    }

    /// Issues a new Document Signer (new key, certificate signed by the CSCA).
    pub fn issue_ds(&mut self, secret: &Secret, opts: &DsOptions) -> Result<DsRecord> {
        let csca_signer = self.csca_signer(secret)?;
        let n = self.meta.document_signers.len() + 1;
        let (key, signer): (KeyRef, Arc<dyn Signer>) = match &self.meta.token {
            None => {
                let rel = format!("keys/ds-{n}-{}.key", hex::encode(rand_id()?));
                let s = SoftwareSigner::generate_to_file(
                    self.meta.curve,
                    &self.dir.join(&rel),
                    secret,
                )?;
                (KeyRef::File { path: rel }, Arc::new(s))
            }
            Some(t) => {
                let id = rand_id()?;
                let label = format!("cccd-ds-{n}");
                let s = Pkcs11Signer::generate(t, secret, self.meta.curve, &label, &id)?;
                (
                    KeyRef::Pkcs11 {
                        label,
                        id: hex::encode(id),
                    },
                    Arc::new(s),
                )
            }
        };
        let not_before = opts.not_before.unwrap_or(opts.now);
        let validity_days = opts
            .validity_days
            .unwrap_or(opts.key_usage_days + 10 * 365 + 3);
        let cn = format!("Document Signer {} {n}", self.meta.country);
        let cert = ds_certificate(
            csca_signer.as_ref(),
            &self.csca,
            signer.public_key().clone(),
            &DsParams {
                country: &self.meta.country,
                org: &self.meta.org,
                common_name: &cn,
                not_before,
                key_usage_days: opts.key_usage_days,
                validity_days,
            },
        )?;
        let der = cert.to_der().map_err(Error::der("DS certificate"))?;
        let serial = serial_hex(&cert.tbs_certificate.serial_number);
        let file = format!("ds-{serial}.der");
        write_file(&self.dir.join(&file), &der)?;
        write_file(
            &self.dir.join(format!("ds-{serial}.pem")),
            to_pem("CERTIFICATE", &der)?.as_bytes(),
        )?;
        let (pnb, pna) = private_key_usage_period(&cert).unwrap_or((None, None));
        let rec = DsRecord {
            serial: serial.clone(),
            cert: file,
            key,
            fingerprint: sha256_hex(&der),
            not_before: from_x509_time(&cert.tbs_certificate.validity.not_before),
            not_after: from_x509_time(&cert.tbs_certificate.validity.not_after),
            key_usage_not_before: pnb.unwrap_or(not_before),
            key_usage_not_after: pna.unwrap_or(not_before),
            issued_at: opts.now,
        };
        self.meta.document_signers.push(rec.clone());
        if opts.activate {
            self.meta.active_ds = Some(serial);
        }
        self.save()?;
        Ok(rec)
    }

    /// Makes `serial` the active Document Signer.
    pub fn activate(&mut self, serial: &str) -> Result<()> {
        let rec = self.find_ds(serial)?;
        self.meta.active_ds = Some(rec.serial.clone());
        self.save()
    }

    fn find_ds(&self, serial: &str) -> Result<&DsRecord> {
        let want = normalize_serial(serial);
        self.meta
            .document_signers
            .iter()
            .find(|d| normalize_serial(&d.serial) == want)
            .ok_or_else(|| Error::DocumentSigner {
                serial: serial.to_string(),
                reason: format!("not a Document Signer of {}", self.dir.display()),
            })
    }

    /// A Document Signer's certificate.
    pub fn ds_certificate(&self, serial: &str) -> Result<Certificate> {
        let rec = self.find_ds(serial)?;
        let p = self.dir.join(&rec.cert);
        parse_certificate(&std::fs::read(&p).map_err(|e| Error::io(&p, e))?, &rec.cert)
    }

    /// Opens the active Document Signer (or `serial`) for signing. Refuses a revoked DS; the
    /// validity checks happen in [`DocumentSigner::check_usable`].
    pub fn document_signer(&self, secret: &Secret, serial: Option<&str>) -> Result<DocumentSigner> {
        let serial = match serial {
            Some(s) => s.to_string(),
            None => self.meta.active_ds.clone().ok_or_else(|| Error::Pki {
                dir: self.dir.clone(),
                reason: "no active Document Signer; run `cccd pki issue-ds`".into(),
            })?,
        };
        let rec = self.find_ds(&serial)?.clone();
        if let Some(r) = self.revocation(&rec.serial) {
            return Err(Error::DocumentSigner {
                serial: rec.serial,
                reason: format!(
                    "revoked on {} ({}); issue a new one with `cccd pki issue-ds`",
                    r.time, r.reason
                ),
            });
        }
        let cert = self.ds_certificate(&rec.serial)?;
        let signer = self.load_key(&rec.key, secret)?;
        DocumentSigner::new(signer, cert)
    }

    /// Everything the issuance pipeline needs in one call: the active Document Signer (checked
    /// for validity and revocation) and the audit log (`DIR/audit.jsonl` unless `audit_log` is
    /// given) opened with the audit key. Share the returned `SodSigner` between workers; call
    /// `close()` on the log at shutdown to write the closing checkpoint.
    pub fn open_sod_signer(
        &self,
        secret: &Secret,
        audit_log: Option<&Path>,
        opts: crate::audit::AuditOptions,
    ) -> Result<(crate::sodsigner::SodSigner, Arc<crate::audit::AuditLog>)> {
        let ds = self.document_signer(secret, None)?;
        let path = audit_log
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.default_audit_log());
        let log = Arc::new(crate::audit::AuditLog::open(
            &path,
            self.audit_signer(secret)?,
            opts,
        )?);
        let signer = crate::sodsigner::SodSigner::new(ds, log.clone())?;
        Ok((signer, log))
    }
}

/// Serial numbers compare case-insensitively and without leading zero bytes.
fn normalize_serial(s: &str) -> String {
    let s = s.trim().trim_start_matches("0x").to_ascii_uppercase();
    let t = s.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.to_string()
    }
}
