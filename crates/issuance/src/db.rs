//! Opening the station's SQLite file: one file holds the registry and the journal.

use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::time::Duration;

/// Open `path` (created when absent) in WAL mode with full fsync on commit: a state change the
/// journal reports has reached the disk.
pub(crate) fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(Error::db(path))?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(Error::db(path))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(Error::db(path))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("cannot switch to WAL mode (got {mode})"),
        });
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    )
    .map_err(Error::db(path))?;
    Ok(conn)
}

/// Record the schema version of one part of the file, refusing a file written by a newer cccd.
pub(crate) fn check_schema(conn: &Connection, path: &Path, key: &str, version: u32) -> Result<()> {
    let found: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(Error::db(path))?;
    match found {
        None => {
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)",
                rusqlite::params![key, version.to_string()],
            )
            .map_err(Error::db(path))?;
            Ok(())
        }
        Some(v) if v == version.to_string() => Ok(()),
        Some(v) => Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("{key} is {v}; this cccd understands {version}"),
        }),
    }
}
