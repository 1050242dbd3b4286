//! The issuance pipeline: registry intake, journal and queue, workers per encoder, resume.
#![forbid(unsafe_code)]
