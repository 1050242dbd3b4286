//! ICAO 9303 Logical Data Structure for the Vietnamese chip ID card: the MRZ (TD1 with
//! Vietnamese usage, transliteration, a TD1/TD3 parser), and every file the issuer writes
//! (EF.COM, DG1, DG2, DG13, DG14, DG15, EF.CardAccess), each encoded and decoded byte for byte.
//!
//! The strict BER-TLV codec, the check digit, the file table and the object identifiers are the
//! ones of the `icao` crate, which every crate of the workspace shares; they are re-exported here
//! under their old paths ([`tlv`], [`FileId`], [`mrz::check_digit`], [`asn1::oids`]).
//!
//! ```no_run
//! # fn demo(record: &citizen::Record) -> Result<(), lds::LdsError> {
//! let set = lds::LdsSet::build(record, &lds::LdsOptions::default())?;
//! let dg1 = lds::Dg1::decode(&set.data_groups[&1])?;
//! assert_eq!(dg1.lines(), lds::mrz::td1_lines(record)?.to_vec());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub use icao::FileId;
pub use icao::tlv;

mod any;
pub mod asn1;
mod com;
mod dg1;
pub mod dg13;
pub mod dg2;
mod error;
pub mod mrz;
mod security_infos;
mod set;

pub use any::LdsFile;
pub use asn1::{KeyKind, Oid, SubjectPublicKeyInfo};
pub use com::Com;
pub use dg1::Dg1;
pub use dg2::{BiometricTemplate, Dg2, FaceImage, FaceRecord};
pub use dg13::{Dg13, Dg13Fields};
pub use error::LdsError;
pub use security_infos::{Dg15, SecurityInfo, SecurityInfos};
pub use set::{LdsOptions, LdsSet, PaceChoice, SecurityFiles};
