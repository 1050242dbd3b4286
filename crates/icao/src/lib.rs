//! The ICAO 9303 card core: the pieces every crate of the workspace needs and that used to be
//! written once per crate.
//!
//! - [`tlv`]: one strict BER-TLV codec (ISO/IEC 7816-4 §5.2 / X.690 §8.1 as profiled by Doc 9303
//!   Part 10 §4.4), with the byte offset in every error;
//! - [`check_digit`]: the MRZ check digit of Doc 9303 Part 3 §4.9;
//! - [`file_id`]: the elementary files of the LDS1 eMRTD application (Part 10 §4.7, Table 38);
//! - [`oid`]: the ICAO and BSI object identifiers (Part 10, 11, 12; BSI TR-03110, TR-03111) and the
//!   standardized domain parameters (Part 11 §9.5.1), each written once as dotted text with its
//!   content octets derived at compile time.
//!
//! The crate depends on no other crate of the workspace so that all of them (LDS, reader, PACE,
//! signing, virtual chip) can use it.
//!
//! ```
//! use icao::tlv::{self, Rules};
//! let dg1 = tlv::encode(0x61, &tlv::encode(0x5F1F, b"P<UTO"));
//! let outer = tlv::decode_one(&dg1, Rules::Der)?;
//! let mrz = outer.children(Rules::Der).expect(0x5F1F, "MRZ")?;
//! assert_eq!(mrz.value, b"P<UTO");
//! assert_eq!(icao::check_digit::check_digit("520727"), Ok('3'));
//! assert_eq!(icao::FileId::Dg2.tag(), Some(0x75));
//! assert_eq!(icao::oid::ID_AA.dotted(), "2.23.136.1.1.5");
//! # Ok::<(), icao::tlv::TlvError>(())
//! ```
#![forbid(unsafe_code)]

pub mod check_digit;
pub mod file_id;
pub mod oid;
pub mod tlv;

pub use check_digit::CheckDigitError;
pub use file_id::FileId;
pub use oid::ObjectId;
pub use tlv::{Rules, Tlv, TlvError};
