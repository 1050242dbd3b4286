//! Issuing PKI, EF.SOD signing, passive authentication and the signature audit log.
//!
//! # For the issuance pipeline
//! ```no_run
//! use sign::{Pki, Secret, AuditOptions, AuditMeta};
//! use std::{collections::BTreeMap, path::Path};
//! # fn main() -> sign::Result<()> {
//! let pki = Pki::open(Path::new("pki"))?;
//! let secret = Secret::from_file_or_env(None)?.expect("CCCD_PASSPHRASE");
//! // The active DS (refused if expired, not yet valid or revoked) + the audit log PKI/audit.jsonl.
//! let (signer, audit) = pki.open_sod_signer(&secret, None, AuditOptions::default())?;
//! // `signer` is Send + Sync: share it (Arc) between encoder workers.
//! let dgs: BTreeMap<u8, Vec<u8>> = BTreeMap::new(); // DG number -> full DG file (61…, 75…)
//! let meta = AuditMeta { station: "st-1".into(), operator: "op-1".into(), document_number: "001234567890".into() };
//! let signed = signer.sign(&dgs, &meta)?; // the audit entry is durable before this returns
//! # let _ = signed.sod; audit.close()?; Ok(()) }
//! ```
//! Verification: [`verify_sod`] (passive authentication), [`verify_log`], [`AuditReader`] /
//! [`read_signatures`] for reconciliation. The audit entry format is documented in [`audit`].
#![forbid(unsafe_code)]

pub mod adapter;
pub mod audit;
pub mod certs;
pub mod ec;
mod error;
pub mod oids;
pub mod pa;
pub mod pkcs11;
pub mod pki;
mod secret;
pub mod signer;
pub mod sigverify;
pub mod sod;
pub mod sodsigner;
pub mod softkey;
mod tlv;

pub use audit::{
    AuditLog, AuditMeta, AuditOptions, AuditReader, AuditVerifyReport, Durability, Entry,
    ExpectedHead, Receipt, SignatureRecord, log_head, read_signatures, verify_log,
};
pub use error::{Error, Result};
pub use pa::{Check, PaInput, PaReport, Status, verify_sod};
pub use pkcs11::{Pkcs11Signer, TokenRef};
pub use pki::{DsOptions, InitOptions, KeyRef, Pki, PkiListing};
pub use secret::{PASSPHRASE_ENV, Secret};
pub use signer::{Curve, Signer};
pub use sod::{build_lds_security_object, build_sod, dg_tag};
pub use sodsigner::{DocumentSigner, SignedSod, SodSigner};
pub use softkey::SoftwareSigner;
