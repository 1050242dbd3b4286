//! The issuance pipeline: registry intake, journal and queue, workers per encoder, resume.
//!
//! - [`registry`]: the population-registry extract in SQLite (records and their photos), CSV/JSONL
//!   import, and deterministic synthetic citizens for demos and tests ([`seed`]).
//! - [`journal`]: the job queue and the durable record of every state change, behind the
//!   [`journal::Journal`] trait (SQLite now; PostgreSQL for several stations later).
//! - [`pipeline`]: one worker per [`encoder::Encoder`], each card validated, signed, written,
//!   inspected and printed, every step in the journal; crash recovery before a run.
//! - [`reconcile`]: every audit-log signature has exactly one outcome, every issued card one
//!   signature.
#![forbid(unsafe_code)]

mod db;
pub mod encoder;
mod error;
pub mod journal;
pub mod pipeline;
pub mod reconcile;
pub mod registry;
pub mod seed;

pub use error::{Error, Result};
