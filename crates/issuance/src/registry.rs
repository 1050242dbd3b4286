//! The population-registry extract: raw citizen records and their portraits in one SQLite file
//! (WAL), so a station's registry is self-contained and can be copied as one file.
//!
//! Records are stored in the registry wire format ([`citizen::RawRecord`] as JSON) and the photo
//! bytes beside them. Validation is the `citizen` crate's, run at import (bad records are
//! reported and skipped) and again when a record is loaded for issuance (rules such as "not in
//! the future" depend on the day, and the file may have been edited by other tools).

use crate::db;
use crate::seed::Generator;
use crate::{Error, Result};
use chrono::NaiveDate;
use citizen::{RawRecord, Record, RecordError, Rules};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS citizens(
    id_number TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    photo BLOB,
    photo_sha256 TEXT,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
";

/// What happened to one record written to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Put {
    New,
    Unchanged,
    Updated,
}

/// A record as the registry stores it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub raw: RawRecord,
    pub photo: Option<Vec<u8>>,
    /// Where it came from (input file and line, or `seed:S`).
    pub source: String,
    pub imported_at: String,
}

impl std::fmt::Debug for StoredRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredRecord")
            .field("raw", &self.raw)
            .field("photo_len", &self.photo.as_ref().map(Vec::len))
            .field("source", &self.source)
            .finish()
    }
}

/// One record an import skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRecord {
    /// 1-based line of the input file (JSONL, CSV), or the position in a JSON array.
    pub line: Option<usize>,
    pub id_number: Option<String>,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Stable rule code from the citizen crate (`id.sex`, `photo.format`, `batch.duplicate_id`…).
    pub rule: String,
    /// The full message, naming the record, field and reason.
    pub reason: String,
}

impl BadRecord {
    fn from_error(line: Option<usize>, e: &RecordError) -> BadRecord {
        let id_number = e.record().and_then(|r| r.id_number.clone());
        BadRecord {
            line,
            id_number,
            field: e.field().map(str::to_string),
            rule: e.rule().to_string(),
            reason: e.to_string(),
        }
    }
}

/// The outcome of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub new: usize,
    pub unchanged: usize,
    pub updated: usize,
    pub bad: Vec<BadRecord>,
}

/// The registry: a handle on the SQLite file. Safe to share between threads.
pub struct Registry {
    path: PathBuf,
    conn: Mutex<Connection>,
    rules: Rules,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("path", &self.path)
            .finish()
    }
}

impl Registry {
    /// Open (creating when absent) the registry tables in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Registry> {
        let conn = db::open(path)?;
        db::check_schema(&conn, path, "registry_schema", 1)?;
        conn.execute_batch(SCHEMA).map_err(Error::db(path))?;
        Ok(Registry {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            rules: Rules::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The validation rules used at import and load (the citizen crate's defaults).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Import a CSV, JSONL or JSON file. Every record is validated (photos relative to `photos`,
    /// or to the input file's folder); a bad record is reported with its reason and skipped, a
    /// second record with an ID number already seen in the same file is a duplicate. Importing the
    /// same file again changes nothing.
    pub fn import_file(
        &self,
        input: &Path,
        photos: Option<&Path>,
        today: NaiveDate,
    ) -> Result<ImportReport> {
        let entries = citizen::read_file(input).map_err(|e| Error::Input {
            path: input.to_path_buf(),
            reason: match e {
                RecordError::File { reason, .. } => reason,
                other => other.to_string(),
            },
        })?;
        let base = match photos {
            Some(p) => p.to_path_buf(),
            None => input
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let mut report = ImportReport::default();
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        let mut good = Vec::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let line = entry.line.or(Some(i + 1));
            let checked = entry.raw.and_then(|raw| {
                citizen::validate_with(&raw, &base, today, &self.rules).map(|rec| (raw, rec))
            });
            let (raw, rec) = match checked {
                Ok(x) => x,
                Err(e) => {
                    let e = match entry.line {
                        Some(l) => e.at_line(l),
                        None => e,
                    };
                    report.bad.push(BadRecord::from_error(line, &e));
                    continue;
                }
            };
            if let Some(first) = seen.get(&rec.id_number) {
                let where_ = first.map_or("earlier in the file".to_string(), |l| {
                    format!("on line {l}")
                });
                report.bad.push(BadRecord {
                    line,
                    id_number: Some(rec.id_number.clone()),
                    field: Some("id_number".into()),
                    rule: "batch.duplicate_id".into(),
                    reason: format!(
                        "record {}: id_number: the same ID number is already {where_} [batch.duplicate_id]",
                        rec.id_number
                    ),
                });
                continue;
            }
            seen.insert(rec.id_number.clone(), line);
            let source = match line {
                Some(l) => format!("{}:{l}", input.display()),
                None => input.display().to_string(),
            };
            good.push((normalized(raw, &rec), rec.photo.map(|p| p.bytes), source));
        }
        for chunk in good.chunks(500) {
            for put in self.put_many(chunk)? {
                match put {
                    Put::New => report.new += 1,
                    Put::Unchanged => report.unchanged += 1,
                    Put::Updated => report.updated += 1,
                }
            }
        }
        Ok(report)
    }

    /// Write records (raw form, photo bytes, source) in one transaction.
    pub fn put_many(&self, items: &[(RawRecord, Option<Vec<u8>>, String)]) -> Result<Vec<Put>> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::db(&self.path))?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut out = Vec::with_capacity(items.len());
        for (raw, photo, source) in items {
            let json = raw.to_json();
            let hash = photo.as_ref().map(|p| hex::encode(Sha256::digest(p)));
            let existing: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT record, photo_sha256 FROM citizens WHERE id_number = ?1",
                    [&raw.id_number],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(Error::db(&self.path))?;
            let put = match existing {
                Some((rec, h)) if rec == json && h == hash => Put::Unchanged,
                Some(_) => {
                    tx.execute(
                        "UPDATE citizens SET record = ?2, photo = ?3, photo_sha256 = ?4, source = ?5, updated_at = ?6
                         WHERE id_number = ?1",
                        params![raw.id_number, json, photo, hash, source, now],
                    )
                    .map_err(Error::db(&self.path))?;
                    Put::Updated
                }
                None => {
                    tx.execute(
                        "INSERT INTO citizens(id_number, record, photo, photo_sha256, source, imported_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        params![raw.id_number, json, photo, hash, source, now],
                    )
                    .map_err(Error::db(&self.path))?;
                    Put::New
                }
            };
            out.push(put);
        }
        tx.commit().map_err(Error::db(&self.path))?;
        Ok(out)
    }

    /// Add `count` deterministic synthetic citizens (see [`crate::seed`]), each validated by the
    /// citizen crate like an import. `progress` is called after each chunk with the number done.
    pub fn seed(
        &self,
        count: usize,
        seed: u64,
        today: NaiveDate,
        mut progress: impl FnMut(usize),
    ) -> Result<ImportReport> {
        let mut generator = Generator::new(seed);
        let mut report = ImportReport::default();
        let scratch = Scratch::new()?;
        let mut done = 0;
        while done < count {
            let n = (count - done).min(500);
            let mut chunk = Vec::with_capacity(n);
            for _ in 0..n {
                let c = generator.next_citizen()?;
                let raw: RawRecord = serde_json::from_value(serde_json::Value::Object(c.record))
                    .map_err(|e| Error::Input {
                        path: PathBuf::from(format!("seed:{seed}")),
                        reason: format!("record {}: {e}", c.id_number),
                    })?;
                // A synthetic record the validator refuses is a bug in the generator: stop.
                scratch
                    .validate(&raw, Some(&c.photo), today, &self.rules)
                    .map_err(|e| Error::Input {
                        path: PathBuf::from(format!("seed:{seed}")),
                        reason: e.to_string(),
                    })?;
                chunk.push((raw, Some(c.photo), format!("seed:{seed}")));
            }
            for put in self.put_many(&chunk)? {
                match put {
                    Put::New => report.new += 1,
                    Put::Unchanged => report.unchanged += 1,
                    Put::Updated => report.updated += 1,
                }
            }
            done += n;
            progress(done);
        }
        Ok(report)
    }

    /// The stored form of a record, if present.
    pub fn get(&self, id_number: &str) -> Result<Option<StoredRecord>> {
        let row: Option<(String, Option<Vec<u8>>, String, String)> = self
            .conn()
            .query_row(
                "SELECT record, photo, source, imported_at FROM citizens WHERE id_number = ?1",
                [id_number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(Error::db(&self.path))?;
        let Some((json, photo, source, imported_at)) = row else {
            return Ok(None);
        };
        let raw = RawRecord::from_json(&json).map_err(|e| Error::Corrupt {
            path: self.path.clone(),
            reason: format!("record {id_number}: stored JSON unreadable: {e}"),
        })?;
        Ok(Some(StoredRecord {
            raw,
            photo,
            source,
            imported_at,
        }))
    }

    /// Every ID number in the registry, sorted.
    pub fn ids(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id_number FROM citizens ORDER BY id_number")
            .map_err(Error::db(&self.path))?;
        let ids = stmt
            .query_map([], |r| r.get(0))
            .map_err(Error::db(&self.path))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(Error::db(&self.path))?;
        Ok(ids)
    }

    pub fn count(&self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM citizens", [], |r| r.get(0))
            .map_err(Error::db(&self.path))?;
        Ok(n.max(0) as u64)
    }
}

/// A record loaded for issuance: validated now, with the photo from the registry.
pub struct Loader {
    scratch: Scratch,
}

impl Loader {
    pub fn new() -> Result<Loader> {
        Ok(Loader {
            scratch: Scratch::new()?,
        })
    }

    /// Validate a stored record as of `today`. The outer error is the registry's (not found,
    /// unreadable); the inner one is the record's (it is rejected with that reason).
    pub fn load(
        &self,
        registry: &Registry,
        id_number: &str,
        today: NaiveDate,
    ) -> Result<Result<Record, RecordError>> {
        let stored = registry
            .get(id_number)?
            .ok_or_else(|| Error::UnknownRecord(id_number.to_string()))?;
        Ok(self.scratch.validate(
            &stored.raw,
            stored.photo.as_deref(),
            today,
            registry.rules(),
        ))
    }
}

/// The citizen crate validates a photo by reading its file; registry photos live in the
/// database, so each is written to a private scratch folder for the moment of validation.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Result<Scratch> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cccd-registry-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Scratch { dir })
    }

    fn validate(
        &self,
        raw: &RawRecord,
        photo: Option<&[u8]>,
        today: NaiveDate,
        rules: &Rules,
    ) -> Result<Record, RecordError> {
        let original = raw.photo.clone();
        let mut raw = raw.clone();
        let file = match (photo, &raw.photo) {
            (Some(bytes), Some(_)) => {
                // One file per call: workers on several threads share a Loader.
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let name = format!("{n}.img");
                let path = self.dir.join(&name);
                std::fs::write(&path, bytes).map_err(|e| RecordError::Invalid {
                    record: citizen::RecordRef {
                        id_number: Some(raw.id_number.clone()),
                        line: None,
                    },
                    field: "photo",
                    rule: "photo.read",
                    reason: format!("{}: {e}", path.display()),
                })?;
                raw.photo = Some(name);
                Some(path)
            }
            // A photo named but not stored: let the validator report it as unreadable.
            (None, Some(p)) => {
                raw.photo = Some(format!("missing-from-registry/{p}"));
                None
            }
            _ => None,
        };
        let result = citizen::validate_with(&raw, &self.dir, today, rules);
        if let Some(f) = file {
            let _ = std::fs::remove_file(f);
        }
        result.map(|mut r| {
            if let (Some(p), Some(name)) = (r.photo.as_mut(), original) {
                p.path = PathBuf::from(name);
            }
            r
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The raw form to store: as given, with the photo named by its file name only (the bytes are in
/// the registry now) and text NFC-normalized like the validated record.
fn normalized(mut raw: RawRecord, rec: &Record) -> RawRecord {
    raw.photo = rec.photo.as_ref().map(|p| {
        p.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("{}.jpg", rec.id_number))
    });
    raw.full_name = rec.full_name.clone();
    raw.id_number = rec.id_number.clone();
    raw
}
