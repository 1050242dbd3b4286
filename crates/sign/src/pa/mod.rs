//! Passive authentication (ICAO 9303 Part 11 §5.1): parse the EF.SOD, check the data group
//! hashes, the SOD signature, the Document Signer certificate against the CSCA (signature,
//! validity at the given time, key usage) and the CRL. Every check is reported — pass, fail,
//! warning (accepted real-world deviation) or skipped — so a verifier sees why a document
//! failed, not only that it failed.
//!
//! | module | holds |
//! |---|---|
//! | (here) | [`PaInput`] and [`verify_sod`]: parse EF.SOD, then the checks below, in this order |
//! | `report` | [`Status`], [`Check`], [`PaReport`]: what a verifier gets back |
//! | `sod` | the SignedData, the LDSSecurityObject, the data group hashes, the DS certificate it carries |
//! | `signature` | the signed attributes and the SOD signature |
//! | `chain` | the DS certificate against the CSCA: validity, key usage, signature |
//! | `crl` | the CRL: its signature, freshness, and whether it revokes the DS |

use crate::sod::parse_signed_data;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

mod chain;
mod crl;
mod report;
mod signature;
mod sod;

pub use report::{Check, PaReport, Status};
use sod::check_signed_data;

/// Inputs of passive authentication.
pub struct PaInput<'a> {
    /// The EF.SOD file (with its `77` tag).
    pub sod: &'a [u8],
    /// Data group files read from the chip (full TLV), keyed by DG number; `None` checks only the
    /// signature and the chain.
    pub dgs: Option<&'a BTreeMap<u8, Vec<u8>>>,
    /// Trusted CSCA certificates.
    pub cscas: &'a [Certificate],
    /// The CSCA's CRL, if any.
    pub crl: Option<&'a CertificateList>,
    /// Time at which certificate validity is judged.
    pub at: DateTime<Utc>,
}

/// Runs passive authentication and reports every check.
pub fn verify_sod(input: &PaInput<'_>) -> PaReport {
    let mut rep = PaReport {
        version: 1,
        at: input.at,
        ds_serial: None,
        ds_subject: None,
        dgs_in_sod: Vec::new(),
        checks: Vec::new(),
    };
    let sd = match parse_signed_data(input.sod) {
        Ok(sd) => {
            rep.push(
                "sod.parse",
                Status::Pass,
                "EF.SOD parses as ContentInfo/SignedData",
            );
            sd
        }
        Err(e) => {
            rep.push("sod.parse", Status::Fail, e.to_string());
            return rep;
        }
    };
    check_signed_data(&sd, input, &mut rep);
    rep
}
