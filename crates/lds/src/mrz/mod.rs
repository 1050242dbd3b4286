//! Machine readable zone (ICAO Doc 9303 Parts 3, 4, 5): check digits, transliteration of
//! Vietnamese names, name truncation, the TD1 lines of a Vietnamese card, and a strict parser for
//! TD1 (3 × 30) and TD3 (2 × 44) zones.
//!
//! Vietnamese TD1 usage (vietnam-cccd.md §2): document code `ID`, issuing state `VNM`, document
//! number = the last 9 digits of the 12-digit personal ID number, optional data 1 = the full 12
//! digits, `<<`, and a check digit over those 12 digits.
//!
//! The code is split by what it holds: `transliteration` (Vietnamese names into MRZ characters
//! and the name field), `td1` (the Vietnamese TD1 zone built from a record) and `parse` (the
//! strict TD1/TD3 parser), all re-exported here. The check digit (Part 3 §4.9) is the one of the
//! `icao` crate, shared with the reader and PACE.

mod parse;
mod td1;
mod transliteration;

pub use icao::check_digit::{char_value, check_digit};
pub use parse::{Mrz, Td3, parse};
pub use td1::{MrzOptions, NoExpiryField, Td1, td1_lines, td1_lines_with};
pub use transliteration::{name_field, name_from_full_name, transliterate};

/// Characters per TD1 line.
pub const TD1_LINE_LEN: usize = 30;
/// Characters per TD3 line.
pub const TD3_LINE_LEN: usize = 44;
