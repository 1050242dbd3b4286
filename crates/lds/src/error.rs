//! The one error type of the crate. Every variant says what failed and, for decoding, at which
//! byte offset of the input, because the inputs come from cards and files we do not trust.

use icao::{CheckDigitError, TlvError};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LdsError {
    /// The BER-TLV layer: a tag, length or value could not be read (the `icao` codec's error,
    /// kept as offset and text so that the variant and its message stay what they were).
    #[error("TLV error at byte {offset}: {reason}")]
    Tlv { offset: usize, reason: String },
    /// A machine readable zone line or field is malformed or fails a check digit.
    #[error("MRZ {field}: {reason}")]
    Mrz { field: &'static str, reason: String },
    /// The TLV structure is fine but the content of a file is not what Doc 9303 (or the
    /// Vietnamese DG13 layout) expects.
    #[error("{file} at byte {offset}: {reason}")]
    Content {
        file: &'static str,
        offset: usize,
        reason: String,
    },
    /// A file cannot be built from the given inputs (record, key, parameters).
    #[error("cannot build {file}: {reason}")]
    Build { file: &'static str, reason: String },
}

impl LdsError {
    pub(crate) fn tlv(offset: usize, reason: impl Into<String>) -> Self {
        LdsError::Tlv {
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn mrz(field: &'static str, reason: impl Into<String>) -> Self {
        LdsError::Mrz {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn content(file: &'static str, offset: usize, reason: impl Into<String>) -> Self {
        LdsError::Content {
            file,
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn build(file: &'static str, reason: impl Into<String>) -> Self {
        LdsError::Build {
            file,
            reason: reason.into(),
        }
    }

    /// The byte offset the error points at, when it comes from decoding.
    pub fn offset(&self) -> Option<usize> {
        match self {
            LdsError::Tlv { offset, .. } | LdsError::Content { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

impl From<TlvError> for LdsError {
    fn from(e: TlvError) -> Self {
        LdsError::Tlv {
            offset: e.offset(),
            reason: e.reason(),
        }
    }
}

impl From<CheckDigitError> for LdsError {
    fn from(e: CheckDigitError) -> Self {
        LdsError::mrz("check digit", e.to_string())
    }
}
