//! Summaries of a log that do not verify it: counts per DS and station, duplicate documents
//! ([`report`]), and signatures by keys foreign to the PKI ([`check_signers`]).

use super::entry::Entry;
use super::reader::{AuditReader, read_signatures};
use super::verify::AuditProblem;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `audit report` output.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub version: u32,
    pub signatures: u64,
    pub checkpoints: u64,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub per_ds: BTreeMap<String, u64>,
    pub per_station: BTreeMap<String, u64>,
    /// Document numbers signed more than once, with the seqs.
    pub duplicates: BTreeMap<String, Vec<u64>>,
}

/// Summarizes a log (no verification; run [`verify_log`](super::verify_log) for that).
pub fn report(path: &Path) -> Result<AuditReport> {
    let mut rep = AuditReport {
        version: 1,
        signatures: 0,
        checkpoints: 0,
        first_time: None,
        last_time: None,
        per_ds: BTreeMap::new(),
        per_station: BTreeMap::new(),
        duplicates: BTreeMap::new(),
    };
    let mut docs: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for l in AuditReader::open(path)? {
        let l = l?;
        match l.entry {
            Err(e) => {
                return Err(Error::Audit {
                    path: path.to_path_buf(),
                    reason: format!("line {}: {e}", l.line_no),
                });
            }
            Ok(Entry::Checkpoint { .. }) => rep.checkpoints += 1,
            Ok(Entry::Signature {
                seq,
                time,
                station,
                document,
                ds_serial,
                ..
            }) => {
                rep.signatures += 1;
                if rep.first_time.is_none() {
                    rep.first_time = Some(time.clone());
                }
                rep.last_time = Some(time);
                *rep.per_ds.entry(ds_serial).or_default() += 1;
                *rep.per_station.entry(station).or_default() += 1;
                docs.entry(document).or_default().push(seq);
            }
        }
    }
    rep.duplicates = docs.into_iter().filter(|(_, v)| v.len() > 1).collect();
    Ok(rep)
}

/// Checks that every signature entry names a Document Signer of the PKI (serial and certificate
/// fingerprint), so a log cannot silently mix in signatures by a foreign key. `known` holds
/// (serial hex, fingerprint hex) pairs, e.g. from `Pki::meta().document_signers`.
pub fn check_signers(path: &Path, known: &[(String, String)]) -> Result<Vec<AuditProblem>> {
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
    let mut out = Vec::new();
    for rec in read_signatures(path)? {
        let ok = known.iter().any(|(s, f)| {
            norm(s) == norm(&rec.ds_serial) && f.eq_ignore_ascii_case(&rec.ds_fingerprint)
        });
        if !ok {
            out.push(AuditProblem {
                seq: rec.seq,
                line: 0,
                kind: "unknown-signer".into(),
                detail: format!(
                    "seq {} was signed by DS {} (fingerprint {}), which is not a Document Signer of this PKI",
                    rec.seq, rec.ds_serial, rec.ds_fingerprint
                ),
            });
        }
    }
    Ok(out)
}
