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

use crate::error::{Error, Result};
use crate::signer::{Signer, sha256_hex};
use crate::sigverify::verify_signature;
use chrono::{DateTime, SecondsFormat, Utc};
use der::Encode;
use serde::{Deserialize, Serialize};
use spki::SubjectPublicKeyInfoOwned;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who signed what: recorded with each signature.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditMeta {
    pub station: String,
    pub operator: String,
    /// The document (card) number the SOD belongs to.
    pub document_number: String,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Entry {
    Signature {
        seq: u64,
        time: String,
        station: String,
        operator: String,
        document: String,
        ds_serial: String,
        ds_fingerprint: String,
        sod_sha256: String,
        prev: String,
    },
    Checkpoint {
        seq: u64,
        time: String,
        reason: String,
        signatures: u64,
        key: String,
        prev: String,
        sig: String,
    },
}

impl Entry {
    /// Sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            Entry::Signature { seq, .. } | Entry::Checkpoint { seq, .. } => *seq,
        }
    }
    /// Hash of the previous line.
    pub fn prev(&self) -> &str {
        match self {
            Entry::Signature { prev, .. } | Entry::Checkpoint { prev, .. } => prev,
        }
    }
}

/// A signature entry, parsed, for reconciliation with the issuance journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureRecord {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub station: String,
    pub operator: String,
    pub document_number: String,
    pub ds_serial: String,
    pub ds_fingerprint: String,
    pub sod_sha256: String,
    /// SHA-256 of this entry's line (what the next line's `prev` holds).
    pub entry_hash: String,
}

/// What an append returns: the entry's sequence number and line hash (the new head).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub seq: u64,
    pub entry_hash: String,
}

/// When an append is made durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// One fsync per entry, under the log lock.
    EveryEntry,
    /// Concurrent appenders share fsyncs; nobody returns before their line is synced.
    GroupCommit,
    /// No fsync at all: only for benchmarks that measure the signing path without the disk.
    NoSyncBenchmarkOnly,
}

/// Options of an open log.
#[derive(Clone, Copy, Debug)]
pub struct AuditOptions {
    /// A signed checkpoint after this many entries (0: only at close).
    pub checkpoint_every: u64,
    pub durability: Durability,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            checkpoint_every: 1000,
            durability: Durability::GroupCommit,
        }
    }
}

struct Inner {
    file: File,
    next_seq: u64,
    head: String,
    signatures: u64,
    since_checkpoint: u64,
    written_seq: u64,
    durable_seq: u64,
    syncing: bool,
    closed: bool,
    failed: Option<String>,
}

/// An append-only audit log open for writing. Share it with `Arc<AuditLog>`.
pub struct AuditLog {
    path: PathBuf,
    inner: Mutex<Inner>,
    synced: Condvar,
    sync_handle: File,
    signer: Arc<dyn Signer>,
    key_fp: String,
    opts: AuditOptions,
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The text a checkpoint signature covers.
pub fn checkpoint_message(
    seq: u64,
    time: &str,
    reason: &str,
    signatures: u64,
    prev: &str,
) -> String {
    format!("cccd-audit-checkpoint/1\n{seq}\n{time}\n{reason}\n{signatures}\n{prev}")
}

/// SHA-256 (hex) of a public key's SPKI DER: the `key` field of checkpoints.
pub fn key_fingerprint(spki: &SubjectPublicKeyInfoOwned) -> String {
    sha256_hex(&spki.to_der().unwrap_or_default())
}

impl AuditLog {
    /// Opens (creating if needed) the log at `path`. An existing log is read first: its chain
    /// must be intact up to the last line, and its last line complete; if it was not closed
    /// cleanly, a `reopen` checkpoint records that before new entries.
    pub fn open(path: &Path, signer: Arc<dyn Signer>, opts: AuditOptions) -> Result<AuditLog> {
        let audit_err = |reason: String| Error::Audit {
            path: path.to_path_buf(),
            reason,
        };
        let mut next_seq = 1;
        let mut head = GENESIS.to_string();
        let mut signatures = 0;
        let mut closed_cleanly = true;
        let mut since_checkpoint = 0;
        if path.exists() {
            let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            if !data.is_empty() && data.last() != Some(&b'\n') {
                return Err(audit_err(
                    "the last line is incomplete (torn write or truncation); run `cccd audit verify` and repair before appending".into(),
                ));
            }
            for (i, line) in data.split(|&b| b == b'\n').enumerate() {
                if line.is_empty() {
                    continue;
                }
                let e: Entry = serde_json::from_slice(line)
                    .map_err(|e| audit_err(format!("line {} does not parse: {e}", i + 1)))?;
                if e.seq() != next_seq || e.prev() != head {
                    return Err(audit_err(format!(
                        "chain broken at line {} (seq {}); run `cccd audit verify` before appending",
                        i + 1,
                        e.seq()
                    )));
                }
                match &e {
                    Entry::Signature { .. } => {
                        signatures += 1;
                        since_checkpoint += 1;
                        closed_cleanly = false;
                    }
                    Entry::Checkpoint { reason, .. } => {
                        since_checkpoint = 0;
                        closed_cleanly = reason == "close";
                    }
                }
                head = sha256_hex(line);
                next_seq += 1;
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let sync_handle = file.try_clone().map_err(|e| Error::io(path, e))?;
        let key_fp = key_fingerprint(signer.public_key());
        let log = AuditLog {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                file,
                next_seq,
                head,
                signatures,
                since_checkpoint,
                written_seq: next_seq - 1,
                durable_seq: next_seq - 1,
                syncing: false,
                closed: false,
                failed: None,
            }),
            synced: Condvar::new(),
            sync_handle,
            signer,
            key_fp,
            opts,
        };
        if !closed_cleanly {
            log.checkpoint_now("reopen")?;
        }
        Ok(log)
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current head (SHA-256 of the last line) and the last sequence number.
    pub fn head(&self) -> (u64, String) {
        let g = self.lock();
        (g.next_seq - 1, g.head.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self, reason: String) -> Error {
        Error::Audit {
            path: self.path.clone(),
            reason,
        }
    }

    /// Writes one line (under the lock) and advances the chain.
    fn write_line(&self, g: &mut Inner, line: &str) -> Result<String> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        if let Err(e) = g.file.write_all(&buf) {
            let reason = format!("write failed: {e}; the log refuses further appends");
            g.failed = Some(reason.clone());
            return Err(self.err(reason));
        }
        let h = sha256_hex(line.as_bytes());
        g.head = h.clone();
        g.written_seq = g.next_seq;
        g.next_seq += 1;
        Ok(h)
    }

    fn checkpoint_line(&self, g: &mut Inner, reason: &str) -> Result<()> {
        let seq = g.next_seq;
        let time = now_text();
        let msg = checkpoint_message(seq, &time, reason, g.signatures, &g.head);
        let sig = self.signer.sign(msg.as_bytes())?;
        let e = Entry::Checkpoint {
            seq,
            time,
            reason: reason.to_string(),
            signatures: g.signatures,
            key: self.key_fp.clone(),
            prev: g.head.clone(),
            sig: hex::encode(sig),
        };
        let line = serde_json::to_string(&e).map_err(|e| self.err(e.to_string()))?;
        self.write_line(g, &line)?;
        g.since_checkpoint = 0;
        Ok(())
    }

    fn checkpoint_now(&self, reason: &str) -> Result<()> {
        let seq = {
            let mut g = self.lock();
            self.checkpoint_line(&mut g, reason)?;
            g.written_seq
        };
        self.make_durable(seq, Durability::EveryEntry)
    }

    /// Appends a signature entry; returns once it is durable (per the log's [`Durability`]).
    pub fn append_signature(
        &self,
        meta: &AuditMeta,
        ds_serial: &str,
        ds_fingerprint: &str,
        sod_sha256: &str,
    ) -> Result<Receipt> {
        let (seq, hash, last) = {
            let mut g = self.lock();
            if let Some(f) = &g.failed {
                return Err(self.err(f.clone()));
            }
            if g.closed {
                return Err(self.err("the log is closed".into()));
            }
            let seq = g.next_seq;
            let e = Entry::Signature {
                seq,
                time: now_text(),
                station: meta.station.clone(),
                operator: meta.operator.clone(),
                document: meta.document_number.clone(),
                ds_serial: ds_serial.to_string(),
                ds_fingerprint: ds_fingerprint.to_string(),
                sod_sha256: sod_sha256.to_string(),
                prev: g.head.clone(),
            };
            let line = serde_json::to_string(&e).map_err(|e| self.err(e.to_string()))?;
            let hash = self.write_line(&mut g, &line)?;
            g.signatures += 1;
            g.since_checkpoint += 1;
            if self.opts.checkpoint_every > 0 && g.since_checkpoint >= self.opts.checkpoint_every {
                self.checkpoint_line(&mut g, "interval")?;
            }
            (seq, hash, g.written_seq)
        };
        self.make_durable(last, self.opts.durability)?;
        Ok(Receipt {
            seq,
            entry_hash: hash,
        })
    }

    /// Blocks until everything up to `seq` is synced.
    fn make_durable(&self, seq: u64, mode: Durability) -> Result<()> {
        match mode {
            Durability::NoSyncBenchmarkOnly => Ok(()),
            Durability::EveryEntry => {
                let mut g = self.lock();
                if g.durable_seq >= seq {
                    return Ok(());
                }
                let target = g.written_seq;
                match g.file.sync_data() {
                    Ok(()) => {
                        g.durable_seq = g.durable_seq.max(target);
                        Ok(())
                    }
                    Err(e) => {
                        let reason = format!("fsync failed: {e}; the log refuses further appends");
                        g.failed = Some(reason.clone());
                        Err(self.err(reason))
                    }
                }
            }
            Durability::GroupCommit => {
                let mut g = self.lock();
                loop {
                    if g.durable_seq >= seq {
                        return Ok(());
                    }
                    if let Some(f) = &g.failed {
                        return Err(self.err(f.clone()));
                    }
                    if g.syncing {
                        g = self.synced.wait(g).unwrap_or_else(|p| p.into_inner());
                        continue;
                    }
                    // Become the syncer for everything written so far.
                    g.syncing = true;
                    let target = g.written_seq;
                    drop(g);
                    let res = self.sync_handle.sync_data();
                    g = self.lock();
                    g.syncing = false;
                    match res {
                        Ok(()) => g.durable_seq = g.durable_seq.max(target),
                        Err(e) => {
                            g.failed = Some(format!(
                                "fsync failed: {e}; the log refuses further appends"
                            ))
                        }
                    }
                    self.synced.notify_all();
                }
            }
        }
    }

    /// Writes the closing checkpoint and syncs; returns the final head.
    pub fn close(&self) -> Result<(u64, String)> {
        {
            let g = self.lock();
            if g.closed {
                return Ok((g.next_seq - 1, g.head.clone()));
            }
            if let Some(f) = &g.failed {
                return Err(self.err(f.clone()));
            }
        }
        self.checkpoint_now("close")?;
        let mut g = self.lock();
        g.closed = true;
        Ok((g.next_seq - 1, g.head.clone()))
    }
}

impl Drop for AuditLog {
    /// Best effort: a log dropped without `close` still gets its closing checkpoint.
    fn drop(&mut self) {
        let open = {
            let g = self.lock();
            !g.closed && g.failed.is_none()
        };
        if open {
            let _ = self.close();
        }
    }
}

/// One raw line of a log file, with its parse result.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// 1-based line number.
    pub line_no: usize,
    pub raw: String,
    pub entry: std::result::Result<Entry, String>,
}

/// Reads a log file line by line (lazily). A final line without `\n` is returned too, and
/// flagged by [`verify_log`].
pub struct AuditReader {
    lines: std::iter::Enumerate<std::io::Split<BufReader<File>>>,
    path: PathBuf,
}

impl AuditReader {
    /// Opens a log for reading.
    pub fn open(path: &Path) -> Result<Self> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        Ok(AuditReader {
            lines: BufReader::new(f).split(b'\n').enumerate(),
            path: path.to_path_buf(),
        })
    }

    /// Only the signature entries, parsed (for reconciliation with the issuance journal).
    /// Stops at the first unparsable line with an error naming it.
    pub fn signatures(self) -> impl Iterator<Item = Result<SignatureRecord>> {
        self.filter_map(|l| {
            let l = match l {
                Ok(l) => l,
                Err(e) => return Some(Err(e)),
            };
            match l.entry {
                Err(e) => Some(Err(Error::Audit {
                    path: PathBuf::new(),
                    reason: format!("line {}: {e}", l.line_no),
                })),
                Ok(Entry::Checkpoint { .. }) => None,
                Ok(Entry::Signature {
                    seq,
                    time,
                    station,
                    operator,
                    document,
                    ds_serial,
                    ds_fingerprint,
                    sod_sha256,
                    ..
                }) => Some(
                    DateTime::parse_from_rfc3339(&time)
                        .map_err(|e| Error::Audit {
                            path: PathBuf::new(),
                            reason: format!("line {}: time {time:?}: {e}", l.line_no),
                        })
                        .map(|t| SignatureRecord {
                            seq,
                            time: t.with_timezone(&Utc),
                            station,
                            operator,
                            document_number: document,
                            ds_serial,
                            ds_fingerprint,
                            sod_sha256,
                            entry_hash: sha256_hex(l.raw.as_bytes()),
                        }),
                ),
            }
        })
    }
}

impl Iterator for AuditReader {
    type Item = Result<LogLine>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, r) = self.lines.next()?;
            let bytes = match r {
                Ok(b) => b,
                Err(e) => return Some(Err(Error::io(&self.path, e))),
            };
            if bytes.is_empty() {
                continue;
            }
            let raw = String::from_utf8_lossy(&bytes).into_owned();
            let entry = serde_json::from_slice::<Entry>(&bytes).map_err(|e| e.to_string());
            return Some(Ok(LogLine {
                line_no: i + 1,
                raw,
                entry,
            }));
        }
    }
}

/// Reads every signature entry of a log.
pub fn read_signatures(path: &Path) -> Result<Vec<SignatureRecord>> {
    AuditReader::open(path)?.signatures().collect()
}

/// The head of a log file: (last seq, SHA-256 of the last line).
pub fn log_head(path: &Path) -> Result<(u64, String)> {
    let mut last = (0, GENESIS.to_string());
    for l in AuditReader::open(path)? {
        let l = l?;
        let seq = l.entry.as_ref().map(|e| e.seq()).unwrap_or(last.0 + 1);
        last = (seq, sha256_hex(l.raw.as_bytes()));
    }
    Ok(last)
}

/// One problem found by [`verify_log`].
#[derive(Clone, Debug, Serialize)]
pub struct AuditProblem {
    /// The first sequence number the problem concerns.
    pub seq: u64,
    /// The line where it was noticed.
    pub line: usize,
    pub kind: String,
    pub detail: String,
}

/// The result of [`verify_log`].
#[derive(Clone, Debug, Serialize)]
pub struct AuditVerifyReport {
    pub version: u32,
    pub ok: bool,
    pub lines: usize,
    pub signatures: u64,
    pub checkpoints: u64,
    pub last_seq: u64,
    pub head: String,
    pub last_checkpoint_seq: Option<u64>,
    pub closed_cleanly: bool,
    /// The first bad sequence number, if any.
    pub first_bad_seq: Option<u64>,
    pub problems: Vec<AuditProblem>,
    pub warnings: Vec<String>,
}

impl AuditVerifyReport {
    fn problem(&mut self, seq: u64, line: usize, kind: &str, detail: String) {
        self.ok = false;
        if self.first_bad_seq.is_none() {
            self.first_bad_seq = Some(seq);
        }
        self.problems.push(AuditProblem {
            seq,
            line,
            kind: kind.into(),
            detail,
        });
    }
}

/// An expected head: a hash, optionally with the sequence number it was taken at (`SEQ:HASH`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedHead {
    pub seq: Option<u64>,
    pub hash: String,
}

impl ExpectedHead {
    /// Parses `HASH` or `SEQ:HASH`.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let (seq, hash) = match s.split_once(':') {
            Some((a, b)) => (
                Some(a.parse::<u64>().map_err(|_| {
                    Error::Secret(format!("expected head {s:?}: bad sequence number"))
                })?),
                b,
            ),
            None => (None, s),
        };
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Audit {
                path: PathBuf::new(),
                reason: format!("expected head {s:?} is not a SHA-256 hex value"),
            });
        }
        Ok(ExpectedHead { seq, hash })
    }
}

/// Verifies a log: parse, sequence, hash chain, checkpoint signatures (with `audit_key`),
/// checkpoint counts, the tail against the last checkpoint, and (optionally) the expected head.
pub fn verify_log(
    path: &Path,
    audit_key: &SubjectPublicKeyInfoOwned,
    expect: Option<&ExpectedHead>,
) -> Result<AuditVerifyReport> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let key_fp = key_fingerprint(audit_key);
    let sig_alg = crate::ecgeneric::KnownCurve::by_oid(
        &audit_key
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
            .unwrap_or(crate::oids::P256),
    )
    .map(|c| match c.id {
        crate::ecgeneric::CurveId::P384 => crate::oids::ECDSA_SHA384,
        _ => crate::oids::ECDSA_SHA256,
    })
    .unwrap_or(crate::oids::ECDSA_SHA256);
    let alg = spki::AlgorithmIdentifierOwned {
        oid: sig_alg,
        parameters: None,
    };
    let torn = !data.is_empty() && data.last() != Some(&b'\n');
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let hashes: Vec<String> = lines.iter().map(|l| sha256_hex(l)).collect();
    let parsed: Vec<std::result::Result<Entry, String>> = lines
        .iter()
        .map(|l| serde_json::from_slice::<Entry>(l).map_err(|e| e.to_string()))
        .collect();
    let check_cp = |e: &Entry| -> std::result::Result<(), String> {
        if let Entry::Checkpoint {
            seq,
            time,
            reason,
            signatures,
            key,
            prev,
            sig,
        } = e
        {
            if key != &key_fp {
                return Err(format!(
                    "checkpoint key {key} is not the PKI's audit key {key_fp}"
                ));
            }
            let sig =
                hex::decode(sig).map_err(|e| format!("checkpoint signature is not hex: {e}"))?;
            let msg = checkpoint_message(*seq, time, reason, *signatures, prev);
            verify_signature(audit_key, &alg, None, msg.as_bytes(), &sig)
                .map(|_| ())
                .map_err(|e| format!("checkpoint signature: {e}"))
        } else {
            Ok(())
        }
    };

    let mut rep = AuditVerifyReport {
        version: 1,
        ok: true,
        lines: lines.len(),
        signatures: 0,
        checkpoints: 0,
        last_seq: 0,
        head: hashes
            .last()
            .cloned()
            .unwrap_or_else(|| GENESIS.to_string()),
        last_checkpoint_seq: None,
        closed_cleanly: false,
        first_bad_seq: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };

    let mut prev = GENESIS.to_string();
    let mut signatures = 0u64;
    for (i, entry) in parsed.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        let line_no = i + 1;
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let kind = if torn && i + 1 == lines.len() {
                    "truncated"
                } else {
                    "unparsable"
                };
                rep.problem(
                    expected_seq,
                    line_no,
                    kind,
                    format!("line {line_no} does not parse: {err}"),
                );
                break;
            }
        };
        if e.seq() != expected_seq {
            let got = e.seq();
            let seq_at = |k: usize| parsed.get(k).and_then(|p| p.as_ref().ok()).map(|e| e.seq());
            if got > expected_seq {
                // Entry `expected_seq` is either later in the file (reordered) or gone (deleted).
                let later = (i + 1..parsed.len()).find(|&k| seq_at(k) == Some(expected_seq));
                match later {
                    Some(k) => rep.problem(expected_seq, line_no, "reordered", format!("line {line_no} has seq {got} where seq {expected_seq} was expected; seq {expected_seq} is at line {} (entries reordered)", k + 1)),
                    None => rep.problem(expected_seq, line_no, "deleted", format!("line {line_no} has seq {got} where seq {expected_seq} was expected: entries {expected_seq}..{} are missing", got - 1)),
                }
            } else {
                // A repeated seq: one of the two lines claiming it was inserted. The genuine one is
                // the one the following line chains to.
                let this_genuine = matches!(parsed.get(i + 1), Some(Ok(next)) if next.seq() == got + 1 && next.prev() == hashes[i]);
                let earlier_line = line_no - (expected_seq - got) as usize;
                if this_genuine {
                    rep.problem(got, earlier_line, "inserted", format!("line {earlier_line} claims seq {got} but the chain continues from line {line_no}: line {earlier_line} was inserted"));
                } else {
                    rep.problem(expected_seq, line_no, "inserted", format!("line {line_no} repeats seq {got} where seq {expected_seq} was expected: an entry was inserted"));
                }
            }
            break;
        }
        if e.prev() != prev {
            // Either the previous line was edited, or this line's `prev` was. This line is intact
            // if the next line chains to it, or if it is a checkpoint whose signature holds.
            let this_intact = match hashes.get(i + 1).zip(parsed.get(i + 1)) {
                Some((_, Ok(next))) => next.prev() == hashes[i],
                _ => matches!(e, Entry::Checkpoint { .. }) && check_cp(e).is_ok(),
            };
            if this_intact && expected_seq > 1 {
                rep.problem(expected_seq - 1, line_no - 1, "edited", format!("entry seq {} (line {}) was altered: its hash does not match the prev of seq {expected_seq}", expected_seq - 1, line_no - 1));
            } else {
                rep.problem(expected_seq, line_no, "edited", format!("entry seq {expected_seq} (line {line_no}) was altered: its prev does not match the line before"));
            }
            break;
        }
        match e {
            Entry::Signature { .. } => signatures += 1,
            Entry::Checkpoint {
                reason,
                signatures: n,
                ..
            } => {
                rep.checkpoints += 1;
                if let Err(err) = check_cp(e) {
                    rep.problem(expected_seq, line_no, "bad-checkpoint", err);
                    break;
                }
                if *n != signatures {
                    rep.problem(
                        expected_seq,
                        line_no,
                        "bad-checkpoint",
                        format!("checkpoint counts {n} signatures, the log has {signatures}"),
                    );
                    break;
                }
                if reason == "reopen" {
                    rep.warnings.push(format!("the log was not closed cleanly before seq {expected_seq} (writer crashed, or the tail was truncated before reopening)"));
                }
                rep.last_checkpoint_seq = Some(expected_seq);
            }
        }
        prev = hashes[i].clone();
        rep.last_seq = expected_seq;
    }
    rep.signatures = signatures;
    if rep.ok {
        if torn {
            let n = lines.len();
            rep.problem(
                rep.last_seq + 1,
                n,
                "truncated",
                "the last line is incomplete".into(),
            );
        }
        let last_is_close = matches!(parsed.last(), Some(Ok(Entry::Checkpoint { reason, .. })) if reason == "close");
        rep.closed_cleanly = last_is_close;
        match expect {
            Some(x) => {
                let pos = hashes.iter().position(|h| *h == x.hash);
                match (pos, x.seq) {
                    (Some(p), Some(s)) if p as u64 + 1 != s => {
                        let at = s.min(p as u64 + 1);
                        rep.problem(
                            at,
                            p + 1,
                            "expected-head",
                            format!(
                                "expected head is line {} but was recorded at seq {s}",
                                p + 1
                            ),
                        );
                    }
                    (Some(p), _) => {
                        if p + 1 < lines.len() {
                            rep.warnings.push(format!(
                                "{} entries were appended after the expected head",
                                lines.len() - p - 1
                            ));
                        }
                    }
                    (None, Some(s)) if s > rep.last_seq => {
                        rep.problem(rep.last_seq + 1, lines.len(), "truncated", format!("the log ends at seq {} but the expected head was taken at seq {s}: entries {}..{s} were removed", rep.last_seq, rep.last_seq + 1));
                    }
                    (None, Some(s)) => {
                        rep.problem(
                            s,
                            s as usize,
                            "edited",
                            format!("entry seq {s} does not match the expected head"),
                        );
                    }
                    (None, None) => {
                        rep.problem(rep.last_seq + 1, lines.len(), "truncated", format!("the expected head is not in the log: entries after seq {} were removed (or the last entry altered)", rep.last_seq));
                    }
                }
                if !last_is_close && rep.ok {
                    rep.warnings.push("the log does not end with a closing checkpoint; its tail is vouched for by --expect-head".into());
                }
            }
            None if !last_is_close && !lines.is_empty() => {
                let after = rep.last_checkpoint_seq.unwrap_or(0);
                rep.problem(rep.last_seq + 1, lines.len(), "truncated", format!("the log does not end with a closing checkpoint: entries after seq {after} are not covered by a signature (truncated tail, or a writer still running/crashed; pass --expect-head to vouch for the tail)"));
            }
            None => {}
        }
    }
    Ok(rep)
}

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

/// Summarizes a log (no verification; run [`verify_log`] for that).
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
