//! The issuance pipeline: one worker per encoder, each job's card through the
//! [card flow](crate::card_flow) (validate → render → chip keys → LDS → sign (audit entry first)
//! → write + lock → inspect → print → issued), every step recorded in the [`Journal`].
//!
//! Written once against traits: [`Encoder`] (PC/SC or in-process chips), [`SodSigning`] (the
//! `sign` crate's audited signer with a software or PKCS#11 key), [`Journal`] (SQLite now). The
//! workers are blocking code (PC/SC calls block) run with `tokio::task::spawn_blocking`, one per
//! encoder; a stop flag (Ctrl-C) lets every card in progress finish and then stops.
//!
//! Outcomes per job, one per [`CardFailure`](crate::card_flow::CardFailure) class: a bad record
//! (validation, LDS, layout) is **rejected** before any card is touched; a card failure before
//! signing **releases** the job (another card takes it); a card failure after signing **spoils**
//! the job and queues the record again on a fresh chip; a signer or journal failure stops the
//! run. No signature is ever left without an outcome: the journal records it right after the
//! audit entry is durable, and [`prepare`] adopts any entry a crash left between the two.
//!
//! - `context`: what a run needs ([`Context`]);
//! - `summary`: what it reports as it goes and at the end ([`Event`], [`Summary`]);
//! - `worker`: the loop of one encoder ([`run`]);
//! - `prepare`: crash recovery and queueing before a run ([`prepare`]);
//! - `pki`: the signing side of a station ([`open_pki`], [`audit_entries`]).
//!
//! [`Encoder`]: crate::encoder::Encoder
//! [`Journal`]: crate::journal::Journal

mod context;
mod pki;
mod prepare;
mod summary;
mod worker;

pub use crate::card_flow::{
    AuditedSigner, Printer, SodSigning, Stage, bac_mrz, compare_with_record,
};
pub use context::Context;
pub use pki::{OpenPki, audit_entries, open_pki};
pub use prepare::{Prepared, prepare};
pub use summary::{EncoderSummary, Event, Outcome, StageTime, Summary};
pub use worker::run;
