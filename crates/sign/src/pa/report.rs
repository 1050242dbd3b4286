//! What passive authentication gives back: every check by a stable identifier with its status
//! and reason ([`PaReport`]). Serialized as part of `cccd verify`'s report and of the reader's
//! inspection report, so its shape is kept in one place.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warning,
    Fail,
    Skipped,
}

/// One named check with its reason.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Stable identifier, e.g. `sod.signature`, `dg.2.hash`, `ds.chain`.
    pub id: String,
    pub status: Status,
    pub detail: String,
}

/// The result of passive authentication.
#[derive(Clone, Debug, Serialize)]
pub struct PaReport {
    pub version: u32,
    /// The time certificates were checked at.
    pub at: DateTime<Utc>,
    /// DS serial (hex), if the SOD carried a certificate.
    pub ds_serial: Option<String>,
    pub ds_subject: Option<String>,
    /// DG numbers listed in the SOD.
    pub dgs_in_sod: Vec<u8>,
    pub checks: Vec<Check>,
}

impl PaReport {
    /// True when no check failed (warnings and skipped checks allowed).
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }
    /// Finds a check by id.
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
