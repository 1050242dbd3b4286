//! The audit log: hash chain, checkpoints, durability under concurrency, and tamper detection
//! (edit, delete, insert, reorder, truncate, forged checkpoint), each named at the right entry.

mod common;

use common::{Store, new_pki};
use sign::audit::{AuditReader, Entry, report};
use sign::{
    AuditLog, AuditMeta, AuditOptions, Curve, Durability, ExpectedHead, Pki, Secret, log_head,
    verify_log,
};
use std::path::Path;
use std::sync::Arc;

fn meta(i: usize) -> AuditMeta {
    AuditMeta {
        station: format!("st-{}", i % 2),
        operator: "op-1".into(),
        document_number: format!("0012345678{:02}", i % 9),
    }
}

/// 10 signatures with a checkpoint every 4 entries, closed: lines
/// 1-4 sig, 5 cp, 6-9 sig, 10 cp, 11-12 sig, 13 close cp.
fn build_log(pki: &Pki, secret: &Secret, path: &Path, close: bool) -> (u64, String) {
    let log = AuditLog::open(
        path,
        pki.audit_signer(secret).expect("audit"),
        AuditOptions {
            checkpoint_every: 4,
            durability: Durability::EveryEntry,
        },
    )
    .expect("open");
    for i in 0..10 {
        let r = log
            .append_signature(&meta(i), "0A1B", "ff00", &format!("{:064x}", i))
            .expect("append");
        assert!(r.seq > 0);
    }
    if close {
        log.close().expect("close")
    } else {
        let h = log.head();
        std::mem::forget(log);
        h
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .map(String::from)
        .collect()
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

fn verify(pki: &Pki, path: &Path, expect: Option<&str>) -> sign::AuditVerifyReport {
    let e = expect.map(|e| ExpectedHead::parse(e).expect("head"));
    verify_log(path, &pki.audit_public_key().expect("pub"), e.as_ref()).expect("verify")
}

#[test]
fn intact_log_verifies_and_reads() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    let (seq, head) = build_log(&pki, &s, &path, true);
    assert_eq!(seq, 13);
    let l = lines(&path);
    assert_eq!(l.len(), 13);
    let r = verify(&pki, &path, None);
    assert!(r.ok, "{r:#?}");
    assert_eq!(
        (r.signatures, r.checkpoints, r.last_seq, r.closed_cleanly),
        (10, 3, 13, true)
    );
    assert_eq!(r.head, head);
    assert_eq!(log_head(&path).expect("head"), (13, head.clone()));
    assert!(verify(&pki, &path, Some(&head)).ok);
    assert!(verify(&pki, &path, Some(&format!("13:{head}"))).ok);
    // Every line is standalone JSON.
    for line in &l {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        assert!(v["seq"].is_u64() && v["prev"].is_string());
    }
    let recs = sign::read_signatures(&path).expect("records");
    assert_eq!(recs.len(), 10);
    assert_eq!(
        recs.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 6, 7, 8, 9, 11, 12]
    );
    assert_eq!(recs[0].document_number, "001234567800");
    assert_eq!(
        recs[1].entry_hash,
        sign::signer::sha256_hex(l[1].as_bytes())
    );
    assert_eq!(AuditReader::open(&path).expect("reader").count(), 13);
    let rep = report(&path).expect("report");
    assert_eq!(rep.signatures, 10);
    assert_eq!(rep.per_ds.get("0A1B"), Some(&10));
    // Documents 0 and 9 share number ...00 (i % 9).
    assert_eq!(rep.duplicates.get("001234567800"), Some(&vec![1, 12]));
    // Reopening a cleanly closed log continues the chain without a reopen checkpoint.
    let log = AuditLog::open(
        &path,
        pki.audit_signer(&s).expect("k"),
        AuditOptions::default(),
    )
    .expect("reopen");
    assert_eq!(
        log.append_signature(&meta(1), "0A1B", "ff", "aa")
            .expect("append")
            .seq,
        14
    );
    log.close().expect("close");
    let r = verify(&pki, &path, None);
    assert!(r.ok && r.warnings.is_empty(), "{r:#?}");
}

/// Changes one field of a JSON line (key order may change too: any byte change must be caught).
fn edit(line: &str, field: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).expect("json");
    assert!(v.get(field).is_some(), "no {field} in {line}");
    v[field] = value.into();
    let out = serde_json::to_string(&v).expect("json");
    assert_ne!(out, line);
    out
}

fn tampered(edit: impl FnOnce(&mut Vec<String>), expect: Option<&str>) -> sign::AuditVerifyReport {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    build_log(&pki, &s, &path, true);
    let mut l = lines(&path);
    edit(&mut l);
    write(&path, &l);
    verify(&pki, &path, expect)
}

fn assert_bad(r: &sign::AuditVerifyReport, seq: u64, kind: &str) {
    assert!(!r.ok, "{r:#?}");
    assert_eq!(r.first_bad_seq, Some(seq), "{r:#?}");
    assert_eq!(r.problems[0].kind, kind, "{r:#?}");
}

#[test]
fn edited_entry_is_named() {
    let r = tampered(|l| l[6] = edit(&l[6], "document", "999999999999"), None);
    assert_bad(&r, 7, "edited");
    // The entry right before a checkpoint (the checkpoint's signature proves it is intact).
    let r = tampered(|l| l[3] = edit(&l[3], "operator", "op-X"), None);
    assert_bad(&r, 4, "edited");
    // The first entry.
    let r = tampered(|l| l[0] = edit(&l[0], "station", "st-9"), None);
    assert_bad(&r, 1, "edited");
}

#[test]
fn deleted_entry_is_named() {
    let r = tampered(
        |l| {
            l.remove(5);
        },
        None,
    );
    assert_bad(&r, 6, "deleted");
}

#[test]
fn inserted_entry_is_named() {
    // A forged entry that copies entry 7 with its seq: the chain shows a duplicate at 7.
    let r = tampered(
        |l| {
            let forged = edit(&l[6], "document", "123123123123");
            l.insert(7, forged);
        },
        None,
    );
    assert_bad(&r, 8, "inserted");
    // A well-formed forged entry that chains to entry 7 and claims seq 8: entry 8 no longer follows.
    let r = tampered(
        |l| {
            let prev = sign::signer::sha256_hex(l[6].as_bytes());
            let mut v: serde_json::Value = serde_json::from_str(&l[7]).expect("json");
            v["prev"] = prev.into();
            v["document"] = "777777777777".into();
            l.insert(7, v.to_string());
        },
        None,
    );
    assert_bad(&r, 8, "inserted");
}

#[test]
fn reordered_entries_are_named() {
    let r = tampered(|l| l.swap(1, 2), None);
    assert_bad(&r, 2, "reordered");
    let r = tampered(|l| l.swap(6, 7), None);
    assert_bad(&r, 7, "reordered");
}

#[test]
fn forged_checkpoint_is_named() {
    // Checkpoint at seq 5 with its signature altered.
    let r = tampered(
        |l| {
            let mut v: serde_json::Value = serde_json::from_str(&l[4]).expect("json");
            let sig = v["sig"].as_str().expect("sig").to_string();
            let flipped = format!(
                "{}{}",
                &sig[..sig.len() - 2],
                if sig.ends_with("00") { "01" } else { "00" }
            );
            v["sig"] = flipped.into();
            l[4] = serde_json::to_string(&v).expect("json");
        },
        None,
    );
    assert_bad(&r, 5, "bad-checkpoint");
    // A checkpoint lying about the number of signatures, re-signed by a foreign key.
    let r = tampered(
        |l| {
            let mut v: serde_json::Value = serde_json::from_str(&l[4]).expect("json");
            v["key"] = "00".repeat(32).into();
            l[4] = serde_json::to_string(&v).expect("json");
        },
        None,
    );
    assert_bad(&r, 5, "bad-checkpoint");
}

#[test]
fn truncated_tail_is_named() {
    // Cut after seq 7: no closing checkpoint any more.
    let r = tampered(|l| l.truncate(7), None);
    assert_bad(&r, 8, "truncated");
    assert!(r.problems[0].detail.contains("after seq 5"), "{r:#?}");
    // A torn last line.
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    build_log(&pki, &s, &path, true);
    let data = std::fs::read(&path).expect("read");
    std::fs::write(&path, &data[..data.len() - 20]).expect("write");
    let r = verify(&pki, &path, None);
    assert_bad(&r, 13, "truncated");
    // Refuses to append to a torn log.
    let err = common::fails(
        AuditLog::open(
            &path,
            pki.audit_signer(&s).expect("k"),
            AuditOptions::default(),
        ),
        "torn",
    );
    assert!(err.to_string().contains("incomplete"), "{err}");
}

#[test]
fn truncation_after_the_last_checkpoint_is_caught_by_the_expected_head() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    // A running log (not closed): 12 lines, last checkpoint at 10.
    let (seq, head) = build_log(&pki, &s, &path, false);
    assert_eq!(seq, 12);
    let r = verify(&pki, &path, Some(&head));
    assert!(r.ok, "{r:#?}");
    assert!(!r.warnings.is_empty());
    // Without the head, an unclosed log is flagged.
    assert_bad(&verify(&pki, &path, None), 13, "truncated");
    // Drop seq 12: the checkpoint at 10 still verifies; the expected head does not.
    let mut l = lines(&path);
    l.truncate(11);
    write(&path, &l);
    let r = verify(&pki, &path, Some(&head));
    assert_bad(&r, 12, "truncated");
    let r = verify(&pki, &path, Some(&format!("12:{head}")));
    assert_bad(&r, 12, "truncated");
    assert!(
        r.problems[0].detail.contains("entries 12..12 were removed"),
        "{r:#?}"
    );
}

#[test]
fn reopen_after_crash_is_recorded() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    build_log(&pki, &s, &path, false);
    let log = AuditLog::open(
        &path,
        pki.audit_signer(&s).expect("k"),
        AuditOptions::default(),
    )
    .expect("reopen");
    log.append_signature(&meta(3), "0A1B", "ff", "bb")
        .expect("append");
    log.close().expect("close");
    let r = verify(&pki, &path, None);
    assert!(r.ok, "{r:#?}");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("not closed cleanly before seq 13")),
        "{r:#?}"
    );
    // Refuses to append to a tampered log.
    let mut l = lines(&path);
    l[2] = edit(&l[2], "operator", "op-2");
    write(&path, &l);
    let err = common::fails(
        AuditLog::open(
            &path,
            pki.audit_signer(&s).expect("k"),
            AuditOptions::default(),
        ),
        "tampered",
    );
    assert!(err.to_string().contains("chain broken"), "{err}");
}

#[test]
fn concurrent_group_commit_keeps_one_chain() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    let log = Arc::new(
        AuditLog::open(
            &path,
            pki.audit_signer(&s).expect("k"),
            AuditOptions {
                checkpoint_every: 25,
                durability: Durability::GroupCommit,
            },
        )
        .expect("open"),
    );
    let mut handles = Vec::new();
    for t in 0..4 {
        let log = log.clone();
        handles.push(std::thread::spawn(move || {
            let mut seqs = Vec::new();
            for i in 0..40 {
                let m = AuditMeta {
                    station: format!("st-{t}"),
                    operator: "op".into(),
                    document_number: format!("{t:02}{i:010}"),
                };
                seqs.push(
                    log.append_signature(&m, "01", "02", "03")
                        .expect("append")
                        .seq,
                );
            }
            seqs
        }));
    }
    let mut all: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    log.close().expect("close");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 160);
    let r = verify(&pki, &path, None);
    assert!(r.ok, "{r:#?}");
    assert_eq!(r.signatures, 160);
    assert_eq!(r.checkpoints, 160 / 25 + 1);
    let rep = report(&path).expect("report");
    assert_eq!(rep.per_station.len(), 4);
    assert!(rep.duplicates.is_empty());
    // Closed logs refuse appends.
    assert!(log.append_signature(&meta(0), "a", "b", "c").is_err());
    let _ = Entry::Signature {
        seq: 0,
        time: String::new(),
        station: String::new(),
        operator: String::new(),
        document: String::new(),
        ds_serial: String::new(),
        ds_fingerprint: String::new(),
        sod_sha256: String::new(),
        prev: String::new(),
    };
}

#[test]
fn softhsm_audit_checkpoints_verify() {
    let (_d, pki, s) = new_pki(Store::SoftHsm, Curve::P256);
    let path = pki.default_audit_log();
    build_log(&pki, &s, &path, true);
    let r = verify(&pki, &path, None);
    assert!(r.ok, "{r:#?}");
    assert_eq!(r.checkpoints, 3);
}

#[test]
fn expected_head_parsing() {
    assert!(ExpectedHead::parse("abc").is_err());
    assert!(ExpectedHead::parse(&format!("x:{}", "a".repeat(64))).is_err());
    let h = ExpectedHead::parse(&format!("12:{}", "A".repeat(64))).expect("ok");
    assert_eq!((h.seq, h.hash), (Some(12), "a".repeat(64)));
}

#[test]
fn signatures_by_a_foreign_document_signer_are_flagged() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let path = pki.default_audit_log();
    let (signer, log) = pki
        .open_sod_signer(&s, None, AuditOptions::default())
        .expect("signer");
    signer.sign(&common::sample_dgs(), &meta(1)).expect("sign");
    log.append_signature(&meta(2), "0A1B", "ff00", "aa")
        .expect("foreign entry");
    log.close().expect("close");
    let known: Vec<(String, String)> = pki
        .meta()
        .document_signers
        .iter()
        .map(|d| (d.serial.clone(), d.fingerprint.clone()))
        .collect();
    let p = sign::audit::check_signers(&path, &known).expect("check");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!((p[0].seq, p[0].kind.as_str()), (2, "unknown-signer"));
}
