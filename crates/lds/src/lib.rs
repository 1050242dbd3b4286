//! ICAO 9303 Logical Data Structure for the Vietnamese chip ID card: a strict BER-TLV codec, the
//! MRZ (TD1 with Vietnamese usage, transliteration, check digits, a TD1/TD3 parser), and every
//! file the issuer writes (EF.COM, DG1, DG2, DG13, DG14, DG15, EF.CardAccess), each encoded and
//! decoded byte for byte.
#![forbid(unsafe_code)]

mod error;
pub mod mrz;

pub use error::LdsError;
