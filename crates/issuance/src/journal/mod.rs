//! The issuance journal: the queue of jobs and the durable record of every state change.
//!
//! One job is one attempt to turn one registry record into one card. Its states
//! (architecture.md §1):
//!
//! ```text
//! pending → claimed → signed → written → verified → printed → issued
//!              │         │        │
//!              │         └────────┴──► spoiled  (a signed chip that failed or was torn; the record
//!              │                                 gets a fresh pending job on a new chip)
//!              ├──► rejected (bad record, never signed)
//!              └──► pending  (released: the encoder failed before anything was signed)
//! ```
//!
//! Every signature (one audit-log entry) belongs to exactly one job, and a job has at most one
//! signature, so "every signature has exactly one outcome" is "every signed job ends `issued` or
//! `spoiled`". At most one job per record is live (not `rejected`/`spoiled`), enforced by the
//! storage itself, so no record can be issued twice even by two stations racing.
//!
//! [`Journal`] is the seam for a PostgreSQL implementation serving several stations: every method
//! is one transaction, [`Journal::claim`] is atomic, and crash recovery ([`Journal::recover`]) only
//! touches the calling station's jobs. [`SqliteJournal`] is the embedded implementation.

mod sqlite;

pub use sqlite::SqliteJournal;

use crate::Result;
use serde::Serialize;
use std::fmt;

/// How many spoiled chips one record may cost before its next job is rejected instead of retried
/// (a record that reliably breaks chips must not eat the whole hopper).
pub const MAX_ATTEMPTS: u32 = 3;

/// The state of one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Pending,
    Claimed,
    Signed,
    Written,
    Verified,
    Printed,
    Issued,
    Rejected,
    Spoiled,
}

impl JobState {
    pub const ALL: [JobState; 9] = [
        JobState::Pending,
        JobState::Claimed,
        JobState::Signed,
        JobState::Written,
        JobState::Verified,
        JobState::Printed,
        JobState::Issued,
        JobState::Rejected,
        JobState::Spoiled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Claimed => "claimed",
            JobState::Signed => "signed",
            JobState::Written => "written",
            JobState::Verified => "verified",
            JobState::Printed => "printed",
            JobState::Issued => "issued",
            JobState::Rejected => "rejected",
            JobState::Spoiled => "spoiled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// No further change: the job's outcome is final.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Issued | JobState::Rejected | JobState::Spoiled
        )
    }

    /// The forward step of the happy path that follows `self`, if any.
    pub fn next(self) -> Option<JobState> {
        match self {
            JobState::Signed => Some(JobState::Written),
            JobState::Written => Some(JobState::Verified),
            JobState::Verified => Some(JobState::Printed),
            JobState::Printed => Some(JobState::Issued),
            _ => None,
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job's identity in the journal.
pub type JobId = i64;

/// The signature a job's chip carries: which audit-log entry, and the SOD it covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRef {
    /// The audit log's sequence number of the entry written for this signature.
    pub audit_seq: u64,
    /// SHA-256 of the EF.SOD, lowercase hex (as the audit entry holds it).
    pub sod_sha256: String,
    /// The document number the audit entry names.
    pub document_number: String,
}

/// One job as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: JobId,
    /// The registry record this job issues.
    pub id_number: String,
    pub state: JobState,
    /// The batch that queued (or last re-queued) the job.
    pub batch: String,
    /// Which station and encoder hold (or held) the job.
    pub station: Option<String>,
    pub encoder: Option<String>,
    /// 1 for the record's first job, +1 for every job that follows a spoiled one.
    pub attempt: u32,
    pub signature: Option<SignatureRef>,
    /// Why the job was rejected or spoiled.
    pub reason: Option<String>,
    /// Where the rendered card files are, once printed.
    pub artifacts: Option<String>,
}

/// What [`Journal::enqueue`] did with each requested record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    /// New pending jobs.
    pub created: Vec<JobId>,
    /// Records that already had a live job (moved into this batch when still pending).
    pub already_queued: Vec<String>,
    /// Records that already have an issued card: never issued twice.
    pub already_issued: Vec<String>,
}

/// What [`Journal::recover`] did after a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// Claimed but never signed: back to pending.
    pub released: Vec<JobId>,
    /// Caught between signed and verified: spoiled (the old chip), with the new pending job.
    pub spoiled: Vec<(JobId, Option<JobId>)>,
    /// Verified or printed: the chip is good; the pipeline finishes them (render, issue).
    pub to_finish: Vec<JobId>,
}

/// An entry of the signature audit log, reduced to what the journal reconciles against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntryRef {
    pub seq: u64,
    pub document_number: String,
    /// Lowercase hex.
    pub sod_sha256: String,
}

/// A signature the journal knows, with its job and the job's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRow {
    pub signature: SignatureRef,
    pub job: JobId,
    pub id_number: String,
    pub state: JobState,
}

/// Counts per state, for summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pending: u64,
    pub claimed: u64,
    pub signed: u64,
    pub written: u64,
    pub verified: u64,
    pub printed: u64,
    pub issued: u64,
    pub rejected: u64,
    pub spoiled: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, state: JobState, n: u64) {
        let slot = match state {
            JobState::Pending => &mut self.pending,
            JobState::Claimed => &mut self.claimed,
            JobState::Signed => &mut self.signed,
            JobState::Written => &mut self.written,
            JobState::Verified => &mut self.verified,
            JobState::Printed => &mut self.printed,
            JobState::Issued => &mut self.issued,
            JobState::Rejected => &mut self.rejected,
            JobState::Spoiled => &mut self.spoiled,
        };
        *slot += n;
    }
}

/// The journal and queue. Every method is one transaction: it either happens completely and
/// durably, or not at all.
pub trait Journal: Send + Sync {
    /// Queue a pending job in `batch` for every record that has no live job and no issued card.
    /// Records whose job is still pending are moved into `batch`.
    fn enqueue(&self, batch: &str, id_numbers: &[String]) -> Result<Enqueued>;

    /// Atomically take the oldest pending job (of `batch`, when given) for `station`/`encoder`.
    fn claim(&self, station: &str, encoder: &str, batch: Option<&str>) -> Result<Option<Job>>;

    /// claimed → pending: the encoder failed before anything was signed; the record is not at
    /// fault and another encoder may take it.
    fn release(&self, job: JobId, reason: &str) -> Result<()>;

    /// claimed → rejected: the record is bad; it is never signed.
    fn reject(&self, job: JobId, reason: &str) -> Result<()>;

    /// claimed → signed, holding the signature. Call right after the audit entry is durable.
    fn record_signature(&self, job: JobId, signature: &SignatureRef) -> Result<()>;

    /// One step forward on the happy path (signed → written → verified → printed → issued).
    /// `artifacts` is stored when given (the rendered card's folder, on printed).
    fn advance(&self, job: JobId, to: JobState, artifacts: Option<&str>) -> Result<()>;

    /// signed/written/verified/printed → spoiled: the chip is lost. Queues the record again on a
    /// fresh chip (in the same batch) and returns the new job, or rejects the record after
    /// [`MAX_ATTEMPTS`] spoiled chips (then `None`).
    fn spoil(&self, job: JobId, reason: &str) -> Result<Option<JobId>>;

    /// After a restart of `station`: resume every job it held from its last durable state
    /// (architecture.md §1).
    fn recover(&self, station: &str) -> Result<Recovery>;

    /// Audit-log entries the journal never heard of (the process died between the durable audit
    /// append and [`Journal::record_signature`]): give each one an outcome. An entry whose
    /// document number matches a claimed job without signature spoils that job (its chip was
    /// never written or never verified). Returns the entries that match no job at all.
    fn adopt_orphan_signatures(&self, entries: &[AuditEntryRef]) -> Result<Vec<AuditEntryRef>>;

    fn job(&self, job: JobId) -> Result<Job>;

    /// All jobs of a record, oldest first.
    fn jobs_for(&self, id_number: &str) -> Result<Vec<Job>>;

    /// All jobs in a state (of `batch`, when given), oldest first.
    fn jobs_in(&self, state: JobState, batch: Option<&str>) -> Result<Vec<Job>>;

    /// Every signature the journal knows, in audit order.
    fn signatures(&self) -> Result<Vec<SignatureRow>>;

    /// Jobs per state (of `batch`, when given).
    fn counts(&self, batch: Option<&str>) -> Result<Counts>;
}
