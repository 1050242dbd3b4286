//! The signature audit log: a JSON-lines file, one entry per line, hash-chained, with signed
//! checkpoints. Every EF.SOD signature appends an entry that is on disk (fsync) before the SOD
//! is handed to the caller.
//!
//! # Entry format (version 1)
//!
//! Each line is one JSON object; fields appear in this order. `prev` is the lower-case hex
//! SHA-256 of the previous line's bytes (without its `\n`); the first line has 64 zeros. The
//! **head** of the log is the SHA-256 of its last line.
//!
//! A signature entry:
//! ```json
//! {"type":"signature","seq":1,"time":"2026-11-28T02:00:00.123456Z","station":"st-01",
//!  "operator":"op-7","document":"001234567890","ds_serial":"4A…","ds_fingerprint":"<sha256 of DS cert>",
//!  "sod_sha256":"<sha256 of the EF.SOD file>","prev":"<sha256 of previous line>"}
//! ```
//! A checkpoint (every N entries, at close, and when a log that was not closed cleanly is
//! reopened):
//! ```json
//! {"type":"checkpoint","seq":1001,"time":"…","reason":"interval|close|reopen","signatures":1000,
//!  "key":"<sha256 of the audit public key SPKI>","prev":"…","sig":"<hex DER ECDSA signature>"}
//! ```
//! The checkpoint signature is made by the PKI's audit key over the UTF-8 text
//! `cccd-audit-checkpoint/1\n{seq}\n{time}\n{reason}\n{signatures}\n{prev}` — `prev` chains every
//! earlier line, so one signature vouches for the whole prefix.
//!
//! `seq` counts every line (signatures and checkpoints) from 1 without gaps, so a deleted,
//! inserted or reordered line shows up as a sequence break, and an edited line as a `prev`
//! mismatch in the next line. [`verify_log`] names the first bad sequence number.
//!
//! # Concurrency and durability
//! [`AuditLog`] is `Send + Sync`: workers share it through an `Arc`. Appends are serialized by a
//! mutex (the chain needs an order); with [`Durability::GroupCommit`] one appender fsyncs for
//! everyone who wrote before it started, and each caller returns only once its own line is
//! covered by a completed fsync.
//!
//! # Modules
//! `entry` (line types, checkpoint message), `writer` ([`AuditLog`]), `reader`
//! ([`AuditReader`]), `verify` ([`verify_log`]) and `summary` ([`report()`], [`check_signers`]);
//! everything is re-exported here.

mod entry;
mod reader;
mod summary;
mod verify;
mod writer;

pub use entry::{
    AuditMeta, Entry, GENESIS, Receipt, SignatureRecord, checkpoint_message, key_fingerprint,
};
pub use reader::{AuditReader, LogLine, log_head, read_signatures};
pub use summary::{AuditReport, check_signers, report};
pub use verify::{AuditProblem, AuditVerifyReport, ExpectedHead, verify_log};
pub use writer::{AuditLog, AuditOptions, Durability};
