//! Card-reader I/O: APDUs, transports (PC/SC, in-process), secure messaging (3DES, AES), BAC,
//! PACE ([`access`]), Chip Authentication ([`chip_auth`]) and Active Authentication ([`aa`]) on
//! the terminal side, personalization by firmware profile and inspection. The protocol
//! arithmetic of PACE and CA is the `pace` crate's, shared with the chip side.
//!
//! Shared with the chip side (`vchip`): [`apdu`] (the one APDU encoder/parser), [`sw`],
//! [`sm`] (secure messaging, both directions), [`bac`] (terminal and chip halves), [`profile`]
//! (firmware profiles) and the [`transport`] traits the in-process chip implements.
#![forbid(unsafe_code)]

pub mod aa;
pub mod access;
pub mod apdu;
pub mod bac;
pub mod can;
pub mod chip_auth;
pub mod crypto;
pub mod error;
pub mod files;
pub mod inspect;
pub mod pcsc;
pub mod perso;
pub mod profile;
pub mod script;
pub mod session;
pub mod sm;
pub mod sw;
pub mod tlv;
pub mod trace;
pub mod transport;

pub use apdu::{Command, Response};
pub use can::Can;
pub use error::Error;
pub use profile::Profile;
pub use sm::SecureChannel;
pub use sw::StatusWord;
pub use transport::{Exchange, Transmit, Transport};
