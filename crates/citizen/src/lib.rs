//! The citizen record: the unit of work of the whole issuance pipeline.
//!
//! The population registry hands records over as JSON (one object), JSONL (batches) or CSV with
//! the same column names ([`RawRecord`], read whole by [`read_file`], or one at a time by
//! [`open_file`], which streams CSV through [`CsvReader`]). [`validate`] checks every field
//! against the rules of the card generation (Law on Citizen Identification 2014 for `cccd-2021`,
//! Law on Identity 2023 for `cancuoc-2024`) and gives a [`Record`]. A [`Record`] that exists has
//! passed validation: downstream crates (LDS, signing, printing) never re-check it.
//!
//! ```no_run
//! # use std::path::Path;
//! let today = chrono::Local::now().date_naive();
//! for entry in citizen::read_file(Path::new("batch.jsonl")).unwrap() {
//!     match entry.raw.and_then(|raw| citizen::validate(&raw, Path::new("."), today)) {
//!         Ok(record) => println!("{}", citizen::qr_payload(&record)),
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! ```
#![forbid(unsafe_code)]

mod batch;
mod csv_format;
mod error;
pub mod photo;
mod qr;
mod raw;
mod record;
pub mod tables;
mod validate;

pub use batch::{CheckedEntry, check_file};
pub use csv_format::{CsvReader, csv_header, read_csv};
pub use error::{RecordError, RecordRef};
pub use qr::qr_payload;
pub use raw::{
    Entry, FileEntries, Format, KEYS, RawRecord, open_file, read_file, read_json, read_jsonl,
};
pub use record::{CardGeneration, Expiry, Photo, PhotoFormat, Record, Sex};
pub use validate::{Rules, age_on, birthday, expiry_for, load_photo, validate, validate_with};
