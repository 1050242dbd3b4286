//! The crate's one error type.

use std::path::PathBuf;

/// What went wrong outside the chip's own APDU processing (which answers with status words).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("vpcd frame of {len} bytes exceeds 65535")]
    FrameTooLong { len: usize },
    #[error("refusing to send an empty vpcd frame (vpcd would treat it as card removal)")]
    EmptyFrame,
    #[error("chip image {path}: {reason}")]
    Image { path: PathBuf, reason: String },
    #[error("firmware profile {profile}: {reason}")]
    Profile { profile: String, reason: String },
}

impl Error {
    pub(crate) fn io(what: String, source: std::io::Error) -> Self {
        Self::Io { what, source }
    }
}
