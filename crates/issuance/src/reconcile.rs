//! Reconciliation of the signature audit log with the journal: every signature in the log has
//! exactly one outcome (issued or spoiled), and every issued card exactly one signature.

use crate::Result;
use crate::journal::{AuditEntryRef, JobId, JobState, Journal, SignatureRow};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The result of comparing the audit log with the journal. [`Reconciliation::is_clean`] is the
/// auditor's pass/fail; every list names what is wrong.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reconciliation {
    /// Entries read from the audit log.
    pub log_entries: usize,
    /// Signatures whose job ended issued / spoiled.
    pub issued: usize,
    pub spoiled: usize,
    /// Signatures the journal holds whose job has no outcome yet (in flight, or a crash not yet
    /// recovered).
    pub without_outcome: Vec<SignatureRow>,
    /// Entries in the log the journal never heard of.
    pub unknown_to_journal: Vec<AuditEntryRef>,
    /// Signatures the journal holds that are not in the log (the log lost an entry).
    pub missing_from_log: Vec<SignatureRow>,
    /// Same sequence number, different SOD hash.
    pub hash_mismatch: Vec<SignatureRow>,
    /// Issued jobs with no signature (impossible through the pipeline; a tampered journal).
    pub issued_without_signature: Vec<JobId>,
    /// Records issued more than once (impossible through the journal's unique index).
    pub issued_more_than_once: Vec<String>,
}

impl Reconciliation {
    pub fn is_clean(&self) -> bool {
        self.without_outcome.is_empty()
            && self.unknown_to_journal.is_empty()
            && self.missing_from_log.is_empty()
            && self.hash_mismatch.is_empty()
            && self.issued_without_signature.is_empty()
            && self.issued_more_than_once.is_empty()
    }

    /// One line per problem, for humans.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.without_outcome {
            out.push(format!(
                "audit entry {} (record {}, job {}): no outcome yet, job is {}",
                s.signature.audit_seq, s.id_number, s.job, s.state
            ));
        }
        for e in &self.unknown_to_journal {
            out.push(format!(
                "audit entry {} (document {}): not in the journal",
                e.seq, e.document_number
            ));
        }
        for s in &self.missing_from_log {
            out.push(format!(
                "audit entry {} (record {}, job {}): in the journal but not in the audit log",
                s.signature.audit_seq, s.id_number, s.job
            ));
        }
        for s in &self.hash_mismatch {
            out.push(format!(
                "audit entry {} (record {}, job {}): SOD hash differs between log and journal",
                s.signature.audit_seq, s.id_number, s.job
            ));
        }
        for j in &self.issued_without_signature {
            out.push(format!("job {j}: issued without a signature"));
        }
        for id in &self.issued_more_than_once {
            out.push(format!("record {id}: issued more than once"));
        }
        out
    }
}

/// Compare the audit log's entries with the journal.
pub fn reconcile(journal: &dyn Journal, log: &[AuditEntryRef]) -> Result<Reconciliation> {
    let mut r = Reconciliation {
        log_entries: log.len(),
        ..Reconciliation::default()
    };
    let sigs = journal.signatures()?;
    let by_seq: HashMap<u64, &SignatureRow> =
        sigs.iter().map(|s| (s.signature.audit_seq, s)).collect();
    let log_by_seq: HashMap<u64, &AuditEntryRef> = log.iter().map(|e| (e.seq, e)).collect();
    for e in log {
        match by_seq.get(&e.seq) {
            None => r.unknown_to_journal.push(e.clone()),
            Some(s) if !s.signature.sod_sha256.eq_ignore_ascii_case(&e.sod_sha256) => {
                r.hash_mismatch.push((*s).clone())
            }
            Some(s) => match s.state {
                JobState::Issued => r.issued += 1,
                JobState::Spoiled => r.spoiled += 1,
                _ => r.without_outcome.push((*s).clone()),
            },
        }
    }
    for s in &sigs {
        if !log_by_seq.contains_key(&s.signature.audit_seq) {
            r.missing_from_log.push(s.clone());
        }
    }
    let issued = journal.jobs_in(JobState::Issued, None)?;
    let mut per_record: BTreeMap<&str, usize> = BTreeMap::new();
    for j in &issued {
        if j.signature.is_none() {
            r.issued_without_signature.push(j.id);
        }
        *per_record.entry(j.id_number.as_str()).or_default() += 1;
    }
    r.issued_more_than_once = per_record
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_string())
        .collect();
    Ok(r)
}
