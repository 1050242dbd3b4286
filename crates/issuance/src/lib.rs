//! The issuance pipeline: registry intake, journal and queue, workers per encoder, resume.
//!
//! - [`registry`]: the population-registry extract in SQLite (records and their photos), CSV/JSONL
//!   import, and deterministic synthetic citizens for demos and tests ([`seed`]).
//! - [`journal`]: the job queue and the durable record of every state change, behind the
//!   [`journal::Journal`] trait (SQLite now; PostgreSQL for several stations later).
//! - [`card_flow`]: one card from record to issued card (validate, render, chip keys, LDS, sign,
//!   write, inspect, print), with typed failures ([`card_flow::CardFailure`]); shared by the
//!   pipeline and `cccd chip write`.
//! - [`pipeline`]: one worker per [`encoder::Encoder`], each job's card through the card flow,
//!   every step in the journal; crash recovery before a run.
//! - [`reconcile`]: every audit-log signature has exactly one outcome, every issued card one
//!   signature.
//!
//! For integrators: `Registry::open(db)` + `import_file`/`seed`/`get`, `registry::Loader` (a
//! stored record validated today), `SqliteJournal::open(db)` (same file) behind `Journal`,
//! `pipeline::open_pki` (active DS + audit log + trust), `pipeline::prepare` (crash recovery,
//! orphan audit entries, queueing) then `pipeline::run(ctx, encoders).await` with
//! `encoder::PcscEncoder` or `encoder::InProcessEncoder`, and `reconcile::reconcile`.
//!
//! Known limits: a card without expiry (holder 58+) prints `<<<<<<` as MRZ expiry, which the
//! chip stack's BAC (`reader::bac::MrzInfo`) refuses today, so such records are rejected before
//! a card is used (and the seed draws holders under 58). A half-written card left in a `vchip
//! serve` encoder after a crash is not ejected by the encoder (it is neither locked nor read); the
//! operator removes it (restart the encoder).
#![forbid(unsafe_code)]

pub mod card_flow;
mod db;
pub mod encoder;
mod error;
pub mod journal;
pub mod pipeline;
pub mod reconcile;
pub mod registry;
pub mod seed;

pub use error::{Error, Result};
