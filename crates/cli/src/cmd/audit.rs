//! `cccd audit`: verify, print the head of, and summarize the signature audit log.

use anyhow::Context;
use sign::{ExpectedHead, Pki, log_head, verify_log};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Verify the hash chain, checkpoint signatures and the tail.
    Verify {
        #[arg(long)]
        log: PathBuf,
        /// The PKI folder holding the audit public key (audit-key.pem).
        #[arg(long)]
        pki: PathBuf,
        /// A head recorded earlier (`cccd audit head`): HASH or SEQ:HASH.
        #[arg(long)]
        expect_head: Option<String>,
        /// The station database: also reconcile the log with its issuance journal (every
        /// signature has exactly one outcome, issued or spoiled; every issued card one signature).
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print the head hash (SHA-256 of the last line) to record elsewhere.
    Head {
        #[arg(long)]
        log: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Signatures per Document Signer and station, time range, documents signed twice.
    Report {
        #[arg(long)]
        log: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Verify {
            log,
            pki,
            expect_head,
            db,
            json,
        } => {
            let pki = Pki::open(&pki)?;
            let key = pki.audit_public_key()?;
            let expect = expect_head
                .as_deref()
                .map(ExpectedHead::parse)
                .transpose()?;
            let mut rep = verify_log(&log, &key, expect.as_ref())
                .with_context(|| format!("verifying {}", log.display()))?;
            if rep.ok {
                let known: Vec<(String, String)> = pki
                    .meta()
                    .document_signers
                    .iter()
                    .map(|d| (d.serial.clone(), d.fingerprint.clone()))
                    .collect();
                let foreign = sign::audit::check_signers(&log, &known)?;
                if let Some(first) = foreign.first() {
                    rep.ok = false;
                    rep.first_bad_seq = Some(first.seq);
                }
                rep.problems.extend(foreign);
            }
            let reconciliation = match &db {
                Some(db) => Some(reconcile_with_journal(&log, db)?),
                None => None,
            };
            let reconciled = reconciliation.as_ref().is_none_or(|r| r.is_clean());
            if json {
                let mut v = serde_json::to_value(&rep)?;
                if let (Some(r), Some(obj)) = (&reconciliation, v.as_object_mut()) {
                    obj.insert("reconciliation".into(), serde_json::to_value(r)?);
                    obj.insert("reconciled".into(), reconciled.into());
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for p in &rep.problems {
                    println!(
                        "BAD   seq {} (line {}): {}: {}",
                        p.seq, p.line, p.kind, p.detail
                    );
                }
                for w in &rep.warnings {
                    println!("WARN  {w}");
                }
                println!(
                    "{} lines, {} signatures, {} checkpoints, head {} (seq {}){}",
                    rep.lines,
                    rep.signatures,
                    rep.checkpoints,
                    rep.head,
                    rep.last_seq,
                    if rep.closed_cleanly { ", closed" } else { "" }
                );
                match rep.first_bad_seq {
                    None => println!("audit log OK"),
                    Some(s) => println!("audit log FAILED: first bad sequence number {s}"),
                }
                if let Some(r) = &reconciliation {
                    for p in r.problems() {
                        println!("BAD   journal: {p}");
                    }
                    println!(
                        "journal: {} signatures, {} issued, {} spoiled: {}",
                        r.log_entries,
                        r.issued,
                        r.spoiled,
                        if reconciled {
                            "reconciled"
                        } else {
                            "NOT reconciled"
                        }
                    );
                }
            }
            Ok(if rep.ok && reconciled {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Head { log, json } => {
            let (seq, hash) = log_head(&log)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"version": 1, "seq": seq, "head": hash, "expect_head": format!("{seq}:{hash}")})
                );
            } else {
                println!("{hash}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Report { log, json } => {
            let rep = sign::audit::report(&log)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rep)?);
            } else {
                println!(
                    "{} signatures, {} checkpoints, {} .. {}",
                    rep.signatures,
                    rep.checkpoints,
                    rep.first_time.as_deref().unwrap_or("-"),
                    rep.last_time.as_deref().unwrap_or("-")
                );
                for (ds, n) in &rep.per_ds {
                    println!("DS {ds}: {n}");
                }
                for (st, n) in &rep.per_station {
                    println!("station {st}: {n}");
                }
                if rep.duplicates.is_empty() {
                    println!("no document signed more than once");
                }
                for (doc, seqs) in &rep.duplicates {
                    println!("document {doc} signed {} times: seq {seqs:?}", seqs.len());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Compares the audit log's signatures with the outcomes the station journal recorded.
fn reconcile_with_journal(
    log: &std::path::Path,
    db: &std::path::Path,
) -> anyhow::Result<issuance::reconcile::Reconciliation> {
    anyhow::ensure!(db.exists(), "no station database at {}", db.display());
    let journal = issuance::journal::SqliteJournal::open(db)
        .with_context(|| format!("opening the journal in {}", db.display()))?;
    let entries = issuance::pipeline::audit_entries(log)?;
    Ok(issuance::reconcile::reconcile(&journal, &entries)?)
}
