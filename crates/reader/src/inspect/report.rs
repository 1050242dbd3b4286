//! What an inspection gives back: the files read ([`Inspection`]) and the report naming every
//! check with its status and reason ([`InspectReport`], serialized as JSON by `cccd verify`).
//! Kept apart so the report's shape — a public, versioned format — is in one place.

use crate::access::PaceRun;
use crate::files::LdsFiles;
use sign::pa::{Check, PaReport, Status};

/// One file read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRead {
    pub ef: String,
    pub fid: String,
    pub bytes: usize,
    pub sha256: String,
}

/// The inspection report: every check with its status and reason.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InspectReport {
    pub version: u32,
    /// The access protocol that succeeded ("PACE" or "BAC"), if any.
    pub access: Option<String>,
    /// What PACE ran with, when it succeeded.
    pub pace: Option<PaceRun>,
    /// The secure-messaging cipher files were read under ("AES-128", "3DES").
    pub secure_messaging: Option<String>,
    /// The Chip Authentication that succeeded ("ECDH NIST P-256 AES-128"), if any.
    pub chip_authentication: Option<String>,
    pub files: Vec<FileRead>,
    pub checks: Vec<Check>,
    /// The full passive-authentication report, when a CSCA was given.
    pub passive_authentication: Option<PaReport>,
    /// The Active Authentication key, if DG15 was read.
    pub aa_key: Option<String>,
}

impl InspectReport {
    pub(super) fn new() -> Self {
        InspectReport {
            version: 1,
            access: None,
            pace: None,
            secure_messaging: None,
            chip_authentication: None,
            files: Vec::new(),
            checks: Vec::new(),
            passive_authentication: None,
            aa_key: None,
        }
    }

    /// True when no check failed.
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    pub(super) fn push(
        &mut self,
        id: impl Into<String>,
        status: Status,
        detail: impl Into<String>,
    ) {
        self.checks.push(Check {
            id: id.into(),
            status,
            detail: detail.into(),
        });
    }
}

/// The files read and the report.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub files: LdsFiles,
    pub report: InspectReport,
}
