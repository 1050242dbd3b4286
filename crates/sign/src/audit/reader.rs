//! Reading: [`AuditReader`] parses a log lazily, line by line, for reconciliation and reports.

use super::entry::{Entry, GENESIS, SignatureRecord};
use crate::error::{Error, Result};
use crate::signer::sha256_hex;
use chrono::{DateTime, Utc};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One raw line of a log file, with its parse result.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// 1-based line number.
    pub line_no: usize,
    pub raw: String,
    pub entry: std::result::Result<Entry, String>,
}

/// Reads a log file line by line (lazily). A final line without `\n` is returned too, and
/// flagged by [`verify_log`](super::verify_log).
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
