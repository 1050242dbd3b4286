//! The one error type of the issuance crate. Every variant names what failed, and a failure of
//! another crate keeps its typed source (no stringified errors behind made-up paths).

use std::path::PathBuf;

/// Everything that can go wrong in registry intake, the journal and the pipeline.
///
/// A card that fails is not an `Error`: it is a [`crate::card_flow::CardFailure`] (rejected,
/// released or spoiled), and only its fatal class carries an `Error` (the journal or the signer
/// failed, so no further card can be issued).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The PKI folder could not be opened: the Document Signer (expired, revoked, wrong
    /// passphrase), the audit signer or the audit log.
    #[error("{path}: {source}")]
    Pki {
        path: PathBuf,
        #[source]
        source: sign::Error,
    },
    /// The trust anchors for inspecting written cards (the CSCA certificates) could not be loaded.
    #[error("{path}: {source}")]
    Trust {
        path: PathBuf,
        #[source]
        source: reader::Error,
    },
    /// The signature audit log could not be read back (reconciliation, orphan adoption).
    #[error("{path}: {source}")]
    AuditLog {
        path: PathBuf,
        #[source]
        source: sign::Error,
    },
    /// A card template could not be loaded. (Boxed: a print error is rare and large, and every
    /// `Result` of this crate would carry its size.)
    #[error("{path}: {source}")]
    Template {
        path: PathBuf,
        #[source]
        source: Box<print::PrintError>,
    },
    /// A rendered card could not be written to its folder.
    #[error("{path}: {source}")]
    CardOutput {
        path: PathBuf,
        #[source]
        source: Box<print::PrintError>,
    },
    /// The signer could not sign an EF.SOD: fatal for the whole run (no card can be issued
    /// without it), unlike a card's failure.
    #[error("signing the SOD of {document_number} failed: {source}")]
    Signing {
        document_number: String,
        #[source]
        source: crate::card_flow::SigningError,
    },
    /// A worker thread panicked (a bug, or a simulated crash in a test).
    #[error("a worker panicked: {0}")]
    WorkerPanicked(#[from] tokio::task::JoinError),
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
