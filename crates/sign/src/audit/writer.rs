//! Appending: [`AuditLog`] writes entries and checkpoints, chains them, and makes them durable
//! (per-entry fsync or group commit) before an append returns.

use super::entry::{AuditMeta, Entry, GENESIS, Receipt, checkpoint_message, key_fingerprint};
use crate::error::{Error, Result};
use crate::signer::{Signer, sha256_hex};
use chrono::{SecondsFormat, Utc};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

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
