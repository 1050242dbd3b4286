//! The embedded journal: SQLite in WAL mode, `synchronous=FULL`, every method one
//! `BEGIN IMMEDIATE` transaction. It lives in the same file as the registry, so one file is the
//! whole state of a station.

use super::{
    AuditEntryRef, Counts, Enqueued, Job, JobId, JobState, Journal, MAX_ATTEMPTS, Recovery,
    SignatureRef, SignatureRow,
};
use crate::db;
use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    id_number TEXT NOT NULL,
    state TEXT NOT NULL,
    batch TEXT NOT NULL,
    station TEXT,
    encoder TEXT,
    attempt INTEGER NOT NULL,
    audit_seq INTEGER UNIQUE,
    sod_sha256 TEXT,
    document_number TEXT,
    reason TEXT,
    artifacts TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- At most one live job per record, issued included: no record is ever issued twice, whoever races.
CREATE UNIQUE INDEX IF NOT EXISTS jobs_one_live ON jobs(id_number)
    WHERE state NOT IN ('rejected', 'spoiled');
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, batch, id);
CREATE TABLE IF NOT EXISTS job_events(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job INTEGER NOT NULL REFERENCES jobs(id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    station TEXT,
    detail TEXT,
    at TEXT NOT NULL
);
";

const JOB_COLUMNS: &str = "id, id_number, state, batch, station, encoder, attempt, audit_seq, \
                           sod_sha256, document_number, reason, artifacts";

/// The SQLite journal. Safe to share between worker threads (one connection behind a mutex:
/// journal writes are tiny next to a card's I/O).
pub struct SqliteJournal {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteJournal")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteJournal {
    /// Open (creating when absent) the journal tables in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<SqliteJournal> {
        let conn = db::open(path)?;
        db::check_schema(&conn, path, "journal_schema", 1)?;
        conn.execute_batch(SCHEMA).map_err(Error::db(path))?;
        Ok(SqliteJournal {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one immediate transaction (the write lock is taken up front, so two stations
    /// never both read "pending" and both claim).
    fn tx<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        // A poisoned mutex only means another worker panicked mid-call; SQLite rolled its
        // transaction back, so the connection is still consistent.
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::db(&self.path))?;
        let out = f(&tx)?;
        tx.commit().map_err(Error::db(&self.path))?;
        Ok(out)
    }

    fn e(&self) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        Error::db(&self.path)
    }

    fn load(&self, tx: &Transaction<'_>, job: JobId) -> Result<Job> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
        let row = tx
            .query_row(&sql, [job], read_row)
            .optional()
            .map_err(self.e())?;
        match row {
            Some(r) => r.into_job(&self.path),
            None => Err(Error::UnknownJob(job)),
        }
    }

    fn set_state(
        &self,
        tx: &Transaction<'_>,
        job: &Job,
        to: JobState,
        reason: Option<&str>,
    ) -> Result<()> {
        let now = now();
        tx.execute(
            "UPDATE jobs SET state = ?2, reason = COALESCE(?3, reason), updated_at = ?4 WHERE id = ?1",
            params![job.id, to.as_str(), reason, now],
        )
        .map_err(self.e())?;
        event(tx, &self.path, job.id, Some(job.state), to, None, reason)
    }

    /// Spoil `job` inside `tx` and queue its successor (or reject the record after too many).
    fn spoil_in(&self, tx: &Transaction<'_>, job: &Job, reason: &str) -> Result<Option<JobId>> {
        self.set_state(tx, job, JobState::Spoiled, Some(reason))?;
        let now = now();
        let attempt = job.attempt + 1;
        let exhausted = attempt > MAX_ATTEMPTS;
        let (state, why) = if exhausted {
            (
                JobState::Rejected,
                Some(format!(
                    "{MAX_ATTEMPTS} chips spoiled for this record; last: {reason}"
                )),
            )
        } else {
            (JobState::Pending, None)
        };
        tx.execute(
            "INSERT INTO jobs(id_number, state, batch, attempt, reason, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![job.id_number, state.as_str(), job.batch, attempt, why, now],
        )
        .map_err(self.e())?;
        let new = tx.last_insert_rowid();
        event(
            tx,
            &self.path,
            new,
            None,
            state,
            None,
            Some(&format!("follows spoiled job {}", job.id)),
        )?;
        Ok((!exhausted).then_some(new))
    }

    fn expect(&self, job: &Job, allowed: &[JobState], to: JobState) -> Result<()> {
        if allowed.contains(&job.state) {
            Ok(())
        } else {
            Err(Error::Transition {
                job: job.id,
                from: job.state.to_string(),
                to: to.to_string(),
            })
        }
    }

    fn query_jobs(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Job>> {
        self.tx(|tx| {
            let mut stmt = tx.prepare(sql).map_err(self.e())?;
            let rows = stmt
                .query_map(params, read_row)
                .map_err(self.e())?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(self.e())?;
            rows.into_iter().map(|r| r.into_job(&self.path)).collect()
        })
    }
}

impl Journal for SqliteJournal {
    fn enqueue(&self, batch: &str, id_numbers: &[String]) -> Result<Enqueued> {
        self.tx(|tx| {
            let mut out = Enqueued::default();
            let now = now();
            let mut live = tx
                .prepare("SELECT id, state FROM jobs WHERE id_number = ?1 AND state NOT IN ('rejected','spoiled')")
                .map_err(self.e())?;
            for id in id_numbers {
                let existing: Option<(JobId, String)> = live
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(self.e())?;
                match existing {
                    Some((_, state)) if state == "issued" => out.already_issued.push(id.clone()),
                    Some((job, state)) => {
                        if state == "pending" {
                            tx.execute(
                                "UPDATE jobs SET batch = ?2, updated_at = ?3 WHERE id = ?1",
                                params![job, batch, now],
                            )
                            .map_err(self.e())?;
                        }
                        out.already_queued.push(id.clone());
                    }
                    None => {
                        let attempt: u32 = tx
                            .query_row(
                                "SELECT COUNT(*) FROM jobs WHERE id_number = ?1 AND state = 'spoiled'",
                                [id],
                                |r| r.get(0),
                            )
                            .map_err(self.e())?;
                        tx.execute(
                            "INSERT INTO jobs(id_number, state, batch, attempt, created_at, updated_at)
                             VALUES (?1, 'pending', ?2, ?3, ?4, ?4)",
                            params![id, batch, attempt + 1, now],
                        )
                        .map_err(self.e())?;
                        let job = tx.last_insert_rowid();
                        event(tx, &self.path, job, None, JobState::Pending, None, Some(batch))?;
                        out.created.push(job);
                    }
                }
            }
            Ok(out)
        })
    }

    fn claim(&self, station: &str, encoder: &str, batch: Option<&str>) -> Result<Option<Job>> {
        self.tx(|tx| {
            let id: Option<JobId> = tx
                .query_row(
                    "SELECT id FROM jobs WHERE state = 'pending' AND (?1 IS NULL OR batch = ?1)
                     ORDER BY id LIMIT 1",
                    [batch],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.e())?;
            let Some(id) = id else { return Ok(None) };
            tx.execute(
                "UPDATE jobs SET state = 'claimed', station = ?2, encoder = ?3, updated_at = ?4
                 WHERE id = ?1 AND state = 'pending'",
                params![id, station, encoder, now()],
            )
            .map_err(self.e())?;
            event(
                tx,
                &self.path,
                id,
                Some(JobState::Pending),
                JobState::Claimed,
                Some(station),
                Some(encoder),
            )?;
            self.load(tx, id).map(Some)
        })
    }

    fn release(&self, job: JobId, reason: &str) -> Result<()> {
        self.tx(|tx| {
            let j = self.load(tx, job)?;
            self.expect(&j, &[JobState::Claimed], JobState::Pending)?;
            tx.execute(
                "UPDATE jobs SET station = NULL, encoder = NULL WHERE id = ?1",
                [job],
            )
            .map_err(self.e())?;
            self.set_state(tx, &j, JobState::Pending, Some(reason))
        })
    }

    fn reject(&self, job: JobId, reason: &str) -> Result<()> {
        self.tx(|tx| {
            let j = self.load(tx, job)?;
            self.expect(&j, &[JobState::Claimed], JobState::Rejected)?;
            self.set_state(tx, &j, JobState::Rejected, Some(reason))
        })
    }

    fn record_signature(&self, job: JobId, sig: &SignatureRef) -> Result<()> {
        self.tx(|tx| {
            let j = self.load(tx, job)?;
            self.expect(&j, &[JobState::Claimed], JobState::Signed)?;
            let seq = i64::try_from(sig.audit_seq).map_err(|_| Error::Corrupt {
                path: self.path.clone(),
                reason: format!("audit sequence number {} out of range", sig.audit_seq),
            })?;
            tx.execute(
                "UPDATE jobs SET audit_seq = ?2, sod_sha256 = ?3, document_number = ?4 WHERE id = ?1",
                params![job, seq, sig.sod_sha256, sig.document_number],
            )
            .map_err(self.e())?;
            self.set_state(tx, &j, JobState::Signed, None)
        })
    }

    fn advance(&self, job: JobId, to: JobState, artifacts: Option<&str>) -> Result<()> {
        self.tx(|tx| {
            let j = self.load(tx, job)?;
            if j.state.next() != Some(to) {
                return Err(Error::Transition {
                    job,
                    from: j.state.to_string(),
                    to: to.to_string(),
                });
            }
            if let Some(a) = artifacts {
                tx.execute(
                    "UPDATE jobs SET artifacts = ?2 WHERE id = ?1",
                    params![job, a],
                )
                .map_err(self.e())?;
            }
            self.set_state(tx, &j, to, None)
        })
    }

    fn spoil(&self, job: JobId, reason: &str) -> Result<Option<JobId>> {
        self.tx(|tx| {
            let j = self.load(tx, job)?;
            self.expect(
                &j,
                &[
                    JobState::Signed,
                    JobState::Written,
                    JobState::Verified,
                    JobState::Printed,
                ],
                JobState::Spoiled,
            )?;
            self.spoil_in(tx, &j, reason)
        })
    }

    fn recover(&self, station: &str) -> Result<Recovery> {
        self.tx(|tx| {
            let sql = format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE station = ?1
                 AND state IN ('claimed','signed','written','verified','printed') ORDER BY id"
            );
            let mut stmt = tx.prepare(&sql).map_err(self.e())?;
            let jobs = stmt
                .query_map([station], read_row)
                .map_err(self.e())?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(self.e())?
                .into_iter()
                .map(|r| r.into_job(&self.path))
                .collect::<Result<Vec<_>>>()?;
            let mut out = Recovery::default();
            for j in jobs {
                match j.state {
                    JobState::Claimed => {
                        tx.execute(
                            "UPDATE jobs SET station = NULL, encoder = NULL WHERE id = ?1",
                            [j.id],
                        )
                        .map_err(self.e())?;
                        self.set_state(
                            tx,
                            &j,
                            JobState::Pending,
                            Some("released after a restart (nothing was signed)"),
                        )?;
                        out.released.push(j.id);
                    }
                    JobState::Signed | JobState::Written => {
                        let reason = format!(
                            "interrupted in state {} (chip signed but not verified); redone on a fresh chip",
                            j.state
                        );
                        let new = self.spoil_in(tx, &j, &reason)?;
                        out.spoiled.push((j.id, new));
                    }
                    _ => out.to_finish.push(j.id),
                }
            }
            Ok(out)
        })
    }

    fn adopt_orphan_signatures(&self, entries: &[AuditEntryRef]) -> Result<Vec<AuditEntryRef>> {
        self.tx(|tx| {
            let mut unmatched = Vec::new();
            for e in entries {
                let seq = i64::try_from(e.seq).unwrap_or(i64::MAX);
                let known: bool = tx
                    .query_row("SELECT COUNT(*) FROM jobs WHERE audit_seq = ?1", [seq], |r| {
                        r.get::<_, i64>(0)
                    })
                    .map_err(self.e())?
                    > 0;
                if known {
                    continue;
                }
                // The MRZ document number is the last 9 digits of the ID number; accept both.
                let candidate: Option<JobId> = tx
                    .query_row(
                        "SELECT id FROM jobs WHERE state = 'claimed' AND audit_seq IS NULL
                         AND (id_number = ?1 OR substr(id_number, 4) = ?1) ORDER BY id LIMIT 1",
                        [&e.document_number],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(self.e())?;
                let Some(id) = candidate else {
                    unmatched.push(e.clone());
                    continue;
                };
                tx.execute(
                    "UPDATE jobs SET audit_seq = ?2, sod_sha256 = ?3, document_number = ?4 WHERE id = ?1",
                    params![id, seq, e.sod_sha256, e.document_number],
                )
                .map_err(self.e())?;
                let j = self.load(tx, id)?;
                self.set_state(tx, &j, JobState::Signed, Some("signature found in the audit log after a restart"))?;
                let j = self.load(tx, id)?;
                self.spoil_in(
                    tx,
                    &j,
                    "signed, then interrupted before the journal recorded it; chip not verified",
                )?;
            }
            Ok(unmatched)
        })
    }

    fn job(&self, job: JobId) -> Result<Job> {
        self.tx(|tx| self.load(tx, job))
    }

    fn jobs_for(&self, id_number: &str) -> Result<Vec<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id_number = ?1 ORDER BY id");
        self.query_jobs(&sql, [id_number])
    }

    fn jobs_in(&self, state: JobState, batch: Option<&str>) -> Result<Vec<Job>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state = ?1 AND (?2 IS NULL OR batch = ?2) ORDER BY id"
        );
        self.query_jobs(&sql, params![state.as_str(), batch])
    }

    fn signatures(&self) -> Result<Vec<SignatureRow>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE audit_seq IS NOT NULL ORDER BY audit_seq"
        );
        let jobs = self.query_jobs(&sql, [])?;
        Ok(jobs
            .into_iter()
            .filter_map(|j| {
                j.signature.clone().map(|signature| SignatureRow {
                    signature,
                    job: j.id,
                    id_number: j.id_number,
                    state: j.state,
                })
            })
            .collect())
    }

    fn counts(&self, batch: Option<&str>) -> Result<Counts> {
        self.tx(|tx| {
            let mut stmt = tx
                .prepare(
                    "SELECT state, COUNT(*) FROM jobs WHERE (?1 IS NULL OR batch = ?1) GROUP BY state",
                )
                .map_err(self.e())?;
            let rows = stmt
                .query_map([batch], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(self.e())?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(self.e())?;
            let mut c = Counts::default();
            for (state, n) in rows {
                let st = JobState::parse(&state).ok_or_else(|| Error::Corrupt {
                    path: self.path.clone(),
                    reason: format!("unknown job state {state:?}"),
                })?;
                c.add(st, n.max(0) as u64);
            }
            Ok(c)
        })
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn event(
    tx: &Transaction<'_>,
    path: &Path,
    job: JobId,
    from: Option<JobState>,
    to: JobState,
    station: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO job_events(job, from_state, to_state, station, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![job, from.map(JobState::as_str), to.as_str(), station, detail, now()],
    )
    .map_err(Error::db(path))?;
    Ok(())
}

/// A row as stored, before its text columns are checked.
struct Row {
    id: JobId,
    id_number: String,
    state: String,
    batch: String,
    station: Option<String>,
    encoder: Option<String>,
    attempt: i64,
    audit_seq: Option<i64>,
    sod_sha256: Option<String>,
    document_number: Option<String>,
    reason: Option<String>,
    artifacts: Option<String>,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        id_number: r.get(1)?,
        state: r.get(2)?,
        batch: r.get(3)?,
        station: r.get(4)?,
        encoder: r.get(5)?,
        attempt: r.get(6)?,
        audit_seq: r.get(7)?,
        sod_sha256: r.get(8)?,
        document_number: r.get(9)?,
        reason: r.get(10)?,
        artifacts: r.get(11)?,
    })
}

impl Row {
    fn into_job(self, path: &Path) -> Result<Job> {
        let corrupt = |reason: String| Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("job {}: {reason}", self.id),
        };
        let state = JobState::parse(&self.state)
            .ok_or_else(|| corrupt(format!("unknown state {:?}", self.state)))?;
        let attempt = u32::try_from(self.attempt)
            .map_err(|_| corrupt(format!("attempt {}", self.attempt)))?;
        let signature = match (self.audit_seq, self.sod_sha256, self.document_number) {
            (Some(seq), Some(sod_sha256), Some(document_number)) => Some(SignatureRef {
                audit_seq: u64::try_from(seq)
                    .map_err(|_| corrupt(format!("audit sequence {seq}")))?,
                sod_sha256,
                document_number,
            }),
            (None, None, None) => None,
            _ => return Err(corrupt("partial signature columns".into())),
        };
        Ok(Job {
            id: self.id,
            id_number: self.id_number,
            state,
            batch: self.batch,
            station: self.station,
            encoder: self.encoder,
            attempt,
            signature,
            reason: self.reason,
            artifacts: self.artifacts,
        })
    }
}
