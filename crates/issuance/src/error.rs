//! The one error type of the issuance crate. Every variant names what failed.

use std::path::PathBuf;

/// Everything that can go wrong in registry intake, the journal and the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SQLite file could not be opened, or a statement failed.
    #[error("database {path}: {source}")]
    Db {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The file was opened but holds something we do not understand (a newer schema, a corrupt row).
    #[error("database {path}: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// An input file (CSV/JSONL, photo) could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An input file is not in a format we accept at all (not one bad record: the whole file).
    #[error("{path}: {reason}")]
    Input { path: PathBuf, reason: String },
    /// A record with this ID number is not in the registry.
    #[error("record {0}: not in the registry")]
    UnknownRecord(String),
    /// A journal job does not exist.
    #[error("journal job {0}: no such job")]
    UnknownJob(i64),
    /// A state change the job's current state does not allow (a bug in the caller, or another
    /// station changed the job under us).
    #[error("journal job {job}: cannot go from {from} to {to}")]
    Transition { job: i64, from: String, to: String },
    /// Drawing or encoding a synthetic portrait failed.
    #[error("portrait for {id_number}: {reason}")]
    Portrait { id_number: String, reason: String },
}

impl Error {
    pub(crate) fn db(path: &std::path::Path) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        move |source| Error::Db {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
