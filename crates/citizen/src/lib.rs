//! The citizen record: the unit of work of the whole issuance pipeline.
//!
//! The population registry hands records over as JSON (one object), JSONL (batches) or CSV with
//! the same column names. This crate parses them and validates every field against the rules of
//! the card generation (Law on Citizen Identification 2014 for `cccd-2021`, Law on Identity 2023
//! for `cancuoc-2024`). A [`Record`] that exists has passed validation: downstream crates (LDS,
//! signing, printing) never re-check it.
#![forbid(unsafe_code)]

mod record;

pub use record::{CardGeneration, Expiry, Photo, PhotoFormat, Record, Sex};
