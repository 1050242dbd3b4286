//! The issuance pipeline: registry intake, journal and queue, workers per encoder, resume.
//!
//! - [`registry`]: the population-registry extract in SQLite (records and their photos), CSV/JSONL
//!   import, and deterministic synthetic citizens for demos and tests ([`seed`]).
//! - [`journal`]: the job queue and the durable record of every state change, behind the
//!   [`journal::Journal`] trait (SQLite now; PostgreSQL for several stations later).
//! - [`reconcile`]: every audit-log signature has exactly one outcome, every issued card one
//!   signature.
#![forbid(unsafe_code)]

mod db;
mod error;
pub mod journal;
pub mod reconcile;
pub mod registry;
pub mod seed;

pub use error::{Error, Result};
