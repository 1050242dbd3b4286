//! Card-reader I/O: APDUs, transports (PC/SC, in-process), secure messaging (3DES, AES), BAC,
//! PACE ([`access`]), Chip Authentication ([`chip_auth`]) and Active Authentication ([`aa`]) on
//! the terminal side, personalization by firmware profile and inspection. The protocol
//! arithmetic of PACE and CA is the `pace` crate's, shared with the chip side.
//!
//! What the chip side (`vchip`) shares with this crate — APDUs, status words, secure messaging,
//! BAC, file ids, firmware profiles, the transport traits — is the `card` crate, re-exported here
//! under its old paths; the PC/SC backend is `card-pcsc`, re-exported as [`pcsc`] with the
//! default feature `pcsc`.
#![forbid(unsafe_code)]

pub mod aa;
pub mod access;
pub mod can;
pub mod chip_auth;
pub mod inspect;
pub mod perso;
pub mod script;
pub mod session;

// The card core, re-exported under the paths this crate always had, so callers keep writing
// `reader::apdu::Command` whether they need only the core or the terminal too.
pub use card::{apdu, bac, crypto, error, files, profile, sm, sw, tlv, trace, transport};
/// The PC/SC backend (`card-pcsc`), behind the default feature `pcsc`.
#[cfg(feature = "pcsc")]
pub use card_pcsc as pcsc;

pub use apdu::{Command, Response};
pub use can::Can;
pub use error::Error;
pub use profile::Profile;
pub use sm::SecureChannel;
pub use sw::StatusWord;
pub use transport::{Exchange, Transmit, Transport};
