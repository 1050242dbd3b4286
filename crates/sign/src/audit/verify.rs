//! Verification: [`verify_log`] checks sequence, hash chain, checkpoint signatures and counts,
//! the tail, and optionally an expected head, naming the first bad sequence number.

use super::entry::{Entry, GENESIS, checkpoint_message, key_fingerprint};
use crate::error::{Error, Result};
use crate::signer::sha256_hex;
use crate::sigverify::verify_signature;
use serde::Serialize;
use spki::SubjectPublicKeyInfoOwned;
use std::path::{Path, PathBuf};

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
    let sig_alg = crate::ec::KnownCurve::by_oid(
        &audit_key
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
            .unwrap_or(crate::oids::P256),
    )
    .map(|c| match c.id {
        crate::ec::CurveId::P384 => crate::oids::ECDSA_SHA384,
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
