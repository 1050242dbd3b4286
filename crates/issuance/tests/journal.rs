//! The SQLite journal: state machine, atomic claims, crash recovery (simulated by dropping the
//! connection mid-job and reopening), and reconciliation with the audit log.

use issuance::journal::{
    AuditEntryRef, Job, JobState, Journal, MAX_ATTEMPTS, SignatureRef, SqliteJournal,
};
use issuance::reconcile::reconcile;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

const STATION: &str = "station-1";

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("0790950{i:05}")).collect()
}

fn sig(seq: u64, id: &str) -> SignatureRef {
    SignatureRef {
        audit_seq: seq,
        sod_sha256: format!("{seq:064x}"),
        document_number: id[3..].to_string(),
    }
}

fn entry(seq: u64, id: &str) -> AuditEntryRef {
    AuditEntryRef {
        seq,
        document_number: id[3..].to_string(),
        sod_sha256: format!("{seq:064x}"),
    }
}

/// The happy path of one job, from claimed to issued.
fn finish(j: &dyn Journal, job: i64, seq: u64, id: &str) {
    j.record_signature(job, &sig(seq, id)).unwrap();
    for st in [
        JobState::Written,
        JobState::Verified,
        JobState::Printed,
        JobState::Issued,
    ] {
        j.advance(job, st, Some("out/x")).unwrap();
    }
}

fn open(dir: &Path) -> SqliteJournal {
    SqliteJournal::open(&dir.join("station.db")).unwrap()
}

/// A journal in a new folder with a batch "b" of `n` records queued: the folder, the journal
/// and the IDs.
fn queued(n: usize) -> (tempfile::TempDir, SqliteJournal, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let j = open(dir.path());
    let all = ids(n);
    j.enqueue("b", &all).unwrap();
    (dir, j, all)
}

/// The next job, for encoder "e" of this station (there must be one).
fn claim(j: &SqliteJournal) -> Job {
    j.claim(STATION, "e", None).unwrap().unwrap()
}

/// Runs `sql` on the journal file through a connection of its own, then closes it: a
/// transaction left open dies with it, like a writer killed mid-way.
fn raw_sql(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// The station enqueues `batch`, claims one job and takes it to `stop_at` (claimed, or signed as
/// audit entry 1 and on to written or verified), then dies: the connection is dropped without
/// a word. The job's ID.
fn crash_at(dir: &Path, batch: &[String], stop_at: JobState) -> i64 {
    let j = open(dir);
    j.enqueue("b", batch).unwrap();
    let job = claim(&j);
    if stop_at >= JobState::Signed {
        j.record_signature(job.id, &sig(1, &job.id_number)).unwrap();
    }
    for st in [JobState::Written, JobState::Verified] {
        if st <= stop_at {
            j.advance(job.id, st, None).unwrap();
        }
    }
    job.id
}

#[test]
fn happy_path_issues_every_job_once_and_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let j = open(dir.path());
    let all = ids(5);
    let q = j.enqueue("b1", &all).unwrap();
    assert_eq!(q.created.len(), 5);
    let mut seq = 0;
    let mut log = Vec::new();
    while let Some(job) = j.claim(STATION, "enc-0", Some("b1")).unwrap() {
        assert_eq!(job.state, JobState::Claimed);
        assert_eq!(job.encoder.as_deref(), Some("enc-0"));
        seq += 1;
        log.push(entry(seq, &job.id_number));
        finish(&j, job.id, seq, &job.id_number);
    }
    let c = j.counts(Some("b1")).unwrap();
    assert_eq!(c.issued, 5);
    assert_eq!(c.pending, 0);
    let r = reconcile(&j, &log).unwrap();
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!(r.issued, 5);
    // Re-queuing issued records creates nothing.
    let again = j.enqueue("b2", &all).unwrap();
    assert!(again.created.is_empty());
    assert_eq!(again.already_issued.len(), 5);
}

#[test]
fn transitions_out_of_order_are_refused() {
    let (_dir, j, all) = queued(1);
    let id = &all[0];
    let job = claim(&j);
    // claimed → written skips signing.
    let err = j.advance(job.id, JobState::Written, None).unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot go from claimed to written"),
        "{err}"
    );
    // A claimed job was never signed: it cannot be spoiled.
    let err = j.spoil(job.id, "x").unwrap_err();
    assert!(err.to_string().contains("claimed to spoiled"), "{err}");
    j.record_signature(job.id, &sig(1, id)).unwrap();
    // A signed job can never be rejected (the signature must end issued or spoiled).
    let err = j.reject(job.id, "bad").unwrap_err();
    assert!(err.to_string().contains("signed to rejected"), "{err}");
    let err = j.release(job.id, "x").unwrap_err();
    assert!(err.to_string().contains("signed to pending"), "{err}");
    // Signing twice is refused.
    let err = j.record_signature(job.id, &sig(2, id)).unwrap_err();
    assert!(err.to_string().contains("signed to signed"), "{err}");
    let err = j.job(9999).unwrap_err();
    assert!(err.to_string().contains("job 9999"), "{err}");
}

#[test]
fn rejected_and_released_jobs() {
    let (_dir, j, all) = queued(2);
    let a = claim(&j);
    j.reject(a.id, "date_of_birth: in the future").unwrap();
    let got = j.job(a.id).unwrap();
    assert_eq!(got.state, JobState::Rejected);
    assert_eq!(got.reason.as_deref(), Some("date_of_birth: in the future"));
    let b = claim(&j);
    j.release(b.id, "encoder gone").unwrap();
    let again = j.claim(STATION, "e2", None).unwrap().unwrap();
    assert_eq!(again.id, b.id, "a released job is claimed again");
    assert_eq!(again.encoder.as_deref(), Some("e2"));
    // A rejected record can be queued again (e.g. after the registry fixed it).
    let q = j.enqueue("b2", std::slice::from_ref(&all[0])).unwrap();
    assert_eq!(q.created.len(), 1);
}

#[test]
fn spoiled_chip_requeues_the_record_until_max_attempts() {
    let (_dir, j, all) = queued(1);
    let id = &all[0];
    let mut log = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let job = claim(&j);
        assert_eq!(job.attempt, attempt);
        let seq = u64::from(attempt);
        j.record_signature(job.id, &sig(seq, id)).unwrap();
        log.push(entry(seq, id));
        j.advance(job.id, JobState::Written, None).unwrap();
        let next = j.spoil(job.id, "read-back mismatch").unwrap();
        assert_eq!(next.is_some(), attempt < MAX_ATTEMPTS);
    }
    assert!(j.claim(STATION, "e", None).unwrap().is_none());
    let jobs = j.jobs_for(id).unwrap();
    assert_eq!(jobs.len() as u32, MAX_ATTEMPTS + 1);
    let last = jobs.last().unwrap();
    assert_eq!(last.state, JobState::Rejected);
    assert!(
        last.reason
            .as_deref()
            .unwrap()
            .contains("read-back mismatch")
    );
    let r = reconcile(&j, &log).unwrap();
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!(r.spoiled as u32, MAX_ATTEMPTS);
}

#[test]
fn concurrent_claims_never_hand_out_a_job_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    let all = ids(200);
    SqliteJournal::open(&path)
        .unwrap()
        .enqueue("b", &all)
        .unwrap();
    // Two stations (two connections to the same file) with two encoders each.
    let stations: Vec<Arc<SqliteJournal>> = (0..2)
        .map(|_| Arc::new(SqliteJournal::open(&path).unwrap()))
        .collect();
    let mut handles = Vec::new();
    for (s, j) in stations.iter().enumerate() {
        for e in 0..2 {
            let j = Arc::clone(j);
            handles.push(std::thread::spawn(move || {
                let mut got = Vec::new();
                while let Some(job) = j.claim(&format!("s{s}"), &format!("e{e}"), None).unwrap() {
                    got.push(job.id_number);
                }
                got
            }));
        }
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for h in handles {
        for id in h.join().unwrap() {
            total += 1;
            assert!(seen.insert(id.clone()), "{id} claimed twice");
        }
    }
    assert_eq!(total, 200);
}

#[test]
fn crash_while_claimed_releases_the_job() {
    let dir = tempfile::tempdir().unwrap();
    // The process died while the job was claimed.
    crash_at(dir.path(), &ids(3), JobState::Claimed);
    let j = open(dir.path());
    // Another station's recovery does not touch our jobs.
    assert_eq!(j.recover("other").unwrap(), Default::default());
    let rec = j.recover(STATION).unwrap();
    assert_eq!(rec.released.len(), 1);
    assert!(rec.spoiled.is_empty());
    assert_eq!(j.counts(None).unwrap().pending, 3);
}

#[test]
fn crash_between_signed_and_verified_spoils_the_chip_and_redoes_the_record() {
    for stop_at in [JobState::Signed, JobState::Written] {
        let dir = tempfile::tempdir().unwrap();
        let id = ids(1).remove(0);
        let first = crash_at(dir.path(), std::slice::from_ref(&id), stop_at);
        let j = open(dir.path());
        let rec = j.recover(STATION).unwrap();
        assert_eq!(rec.spoiled.len(), 1, "{stop_at}");
        let (old, new) = rec.spoiled[0];
        assert_eq!(old, first);
        let old = j.job(old).unwrap();
        assert_eq!(old.state, JobState::Spoiled);
        assert!(old.reason.unwrap().contains(stop_at.as_str()));
        // The record is redone on a fresh chip with a new signature.
        let job = claim(&j);
        assert_eq!(Some(job.id), new);
        assert_eq!(job.attempt, 2);
        finish(&j, job.id, 2, &id);
        let r = reconcile(&j, &[entry(1, &id), entry(2, &id)]).unwrap();
        assert!(r.is_clean(), "{:?}", r.problems());
        assert_eq!((r.issued, r.spoiled), (1, 1));
        // Recovering again changes nothing.
        assert_eq!(j.recover(STATION).unwrap(), Default::default());
    }
}

#[test]
fn crash_after_verified_finishes_the_job_on_the_same_chip() {
    let dir = tempfile::tempdir().unwrap();
    let id = ids(1).remove(0);
    let first = crash_at(dir.path(), std::slice::from_ref(&id), JobState::Verified);
    let j = open(dir.path());
    let rec = j.recover(STATION).unwrap();
    assert_eq!(rec.to_finish, vec![first]);
    j.advance(first, JobState::Printed, Some("out/1")).unwrap();
    j.advance(first, JobState::Issued, None).unwrap();
    assert_eq!(j.job(first).unwrap().artifacts.as_deref(), Some("out/1"));
    assert!(reconcile(&j, &[entry(1, &id)]).unwrap().is_clean());
}

#[test]
fn uncommitted_transaction_is_rolled_back_on_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    let id = ids(1).remove(0);
    {
        let j = SqliteJournal::open(&path).unwrap();
        j.enqueue("b", std::slice::from_ref(&id)).unwrap();
    }
    // A writer that dies inside its transaction: half a state change must not survive.
    raw_sql(
        &path,
        "BEGIN IMMEDIATE; UPDATE jobs SET state = 'signed', audit_seq = 7 WHERE id = 1;",
    );
    let j = SqliteJournal::open(&path).unwrap();
    assert_eq!(j.job(1).unwrap().state, JobState::Pending);
    assert!(j.job(1).unwrap().signature.is_none());
}

#[test]
fn orphan_audit_entry_after_crash_gets_an_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let all = ids(2);
    // The SOD was signed and the audit entry made durable, then the process died before the
    // journal recorded the signature.
    crash_at(dir.path(), &all, JobState::Claimed);
    let j = open(dir.path());
    let log = vec![entry(1, &all[0]), entry(99, "001099000000")];
    let unmatched = j.adopt_orphan_signatures(&log).unwrap();
    assert_eq!(
        unmatched,
        vec![log[1].clone()],
        "an entry of no job is reported"
    );
    let jobs = j.jobs_for(&all[0]).unwrap();
    assert_eq!(jobs[0].state, JobState::Spoiled);
    assert_eq!(jobs[0].signature.as_ref().unwrap().audit_seq, 1);
    assert_eq!(jobs[1].state, JobState::Pending);
    // Adopting twice is a no-op.
    assert!(j.adopt_orphan_signatures(&log[..1]).unwrap().is_empty());
    assert_eq!(j.jobs_for(&all[0]).unwrap().len(), 2);
    let rec = j.recover(STATION).unwrap();
    assert!(rec.spoiled.is_empty());
    let r = reconcile(&j, &log[..1]).unwrap();
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!(r.spoiled, 1);
}

#[test]
fn reconciliation_names_every_kind_of_problem() {
    let (_dir, j, _) = queued(3);
    let a = claim(&j);
    finish(&j, a.id, 1, &a.id_number);
    let b = claim(&j);
    j.record_signature(b.id, &sig(2, &b.id_number)).unwrap();
    let c = claim(&j);
    finish(&j, c.id, 3, &c.id_number);
    let mut bad = entry(1, &a.id_number);
    bad.sod_sha256 = "ff".repeat(32);
    let log = vec![bad, entry(2, &b.id_number), entry(4, "001099000000")];
    let r = reconcile(&j, &log).unwrap();
    assert!(!r.is_clean());
    assert_eq!(r.hash_mismatch.len(), 1);
    assert_eq!(r.without_outcome.len(), 1);
    assert_eq!(r.unknown_to_journal.len(), 1);
    assert_eq!(r.missing_from_log.len(), 1);
    let problems = r.problems().join("\n");
    for expected in [
        "audit entry 1",
        "no outcome yet, job is signed",
        "audit entry 4 (document 099000000): not in the journal",
        "audit entry 3",
    ] {
        assert!(problems.contains(expected), "{problems}");
    }
}

#[test]
fn a_file_from_a_newer_cccd_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    drop(SqliteJournal::open(&path).unwrap());
    raw_sql(
        &path,
        "UPDATE meta SET value = '9' WHERE key = 'journal_schema'",
    );
    let err = SqliteJournal::open(&path).unwrap_err();
    assert!(err.to_string().contains("journal_schema is 9"), "{err}");
}

#[test]
fn an_unopenable_path_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/station.db");
    let err = SqliteJournal::open(&path).unwrap_err();
    assert!(err.to_string().contains("no/such/dir/station.db"), "{err}");
}
