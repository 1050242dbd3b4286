//! Inspection, the core of `cccd chip read` and `cccd verify`, done like a border-control
//! reader (ICAO 9303-11 §4.2, §6): read EF.CardAccess in plain; PACE with the CAN or the MRZ
//! when the chip offers it; BAC when PACE is absent or fails (with a card reset between
//! attempts: a failed attempt may leave the chip in any state); EF.COM and every data group it
//! lists, EF.SOD; passive authentication (with a CSCA, and the CRL when given); Chip
//! Authentication when DG14 offers it, else Active Authentication; and a report naming every
//! check, which protocols ran, and why any failed.
//!
//! Everything read from the card is untrusted input: lengths, TLVs, keys and OIDs are checked
//! before use, and a malformed file is a failed check, never a panic.
//!
//! | module | holds |
//! |---|---|
//! | `options` | what to do: [`InspectOptions`], [`Trust`], [`AaPolicy`] |
//! | `attempts` | [`inspect()`]: EF.CardAccess, then the access protocols in order, with fallback |
//! | `files` | reading EF.COM, the data groups it lists and EF.SOD under secure messaging |
//! | `checks` | passive authentication, EF.CardAccess against DG14, Active and Chip Authentication |
//! | `report` | what comes back: [`Inspection`], [`InspectReport`], [`FileRead`] |

use crate::error::Error;

mod attempts;
mod checks;
mod files;
mod options;
mod report;

pub use attempts::inspect;
pub use files::com_data_groups;
pub use options::{AaPolicy, InspectOptions, Trust};
pub use report::{FileRead, InspectReport, Inspection};

/// Card and transport failures end an inspection; everything else is a check.
fn is_fatal(e: &Error) -> bool {
    matches!(
        e,
        Error::CardRemoved | Error::Transport { .. } | Error::Pcsc { .. }
    )
}
