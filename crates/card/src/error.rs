//! The crate's error type. Specific enums (APDU encoding, secure messaging, BAC) are joined here
//! by `From`, so a caller matches on one type and still learns what failed and where.

use crate::apdu::ApduError;
use crate::bac::BacError;
use crate::sm::SmError;
use crate::sw::StatusWord;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Apdu(#[from] ApduError),
    #[error(transparent)]
    Sm(#[from] SmError),
    #[error(transparent)]
    Bac(#[from] BacError),
    /// PACE, Chip Authentication or a PACE password (the `pace` crate's computation).
    #[error(transparent)]
    Pace(#[from] pace::Error),
    /// The card left the reader (or the connection to it broke) in the middle of an operation.
    #[error("the card was removed or the connection to it was lost")]
    CardRemoved,
    /// Any other transport failure.
    #[error("transport: {reason}")]
    Transport { reason: String },
    /// A PC/SC call failed.
    #[error("PC/SC {operation} on reader {reader:?}: {reason}")]
    Pcsc {
        reader: String,
        operation: &'static str,
        reason: String,
    },
    /// The card answered a command with an unexpected status word.
    #[error("{command}: card answered {sw}")]
    Status { command: String, sw: StatusWord },
    /// A firmware profile could not be read or is inconsistent.
    #[error("firmware profile {path}: {reason}")]
    Profile { path: String, reason: String },
    /// Personalization input or outcome is wrong (e.g. a file too large for the profile, a
    /// read-back mismatch).
    #[error("personalization: {file}: {reason}")]
    Perso { file: String, reason: String },
    /// The card's contents are not what inspection expects.
    #[error("inspection: {file}: {reason}")]
    Inspect { file: String, reason: String },
    /// Host-side key material (AA key generation, encoding).
    #[error("key {purpose}: {reason}")]
    Key {
        purpose: &'static str,
        reason: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl Error {
    /// True when the status word of a card answer was `sw` (for tests and callers that branch
    /// on, e.g., 6985 "already locked").
    pub fn is_status(&self, sw: u16) -> bool {
        matches!(self, Error::Status { sw: s, .. } if s.to_u16() == sw)
    }
}
