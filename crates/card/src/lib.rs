//! The card core: what the chip side (`vchip`) and the terminal side (`reader`) share, written
//! once so a bug cannot hide by being mirrored — [`apdu`] (the one APDU encoder/parser), [`sw`]
//! (status words), [`sm`] (secure messaging, both directions), [`bac`] (terminal and chip
//! halves), [`files`] (the eMRTD files by FID/SFI/tag), [`profile`] (firmware profiles), the
//! [`transport`] traits every backend implements and the [`trace`] wrapper.
//!
//! This crate knows no PC/SC: the `pcsc` backend is the `card-pcsc` crate, so the virtual chip,
//! the protocol crate (`pace`) and everything that only needs card logic build and test without
//! libpcsclite. The protocol arithmetic (PACE, CA, AA, AES secure messaging) is `pace`'s.
#![forbid(unsafe_code)]

pub mod apdu;
pub mod bac;
pub mod crypto;
pub mod error;
pub mod files;
pub mod profile;
pub mod sm;
pub mod sw;
pub mod tlv;
pub mod trace;
pub mod transport;

pub use apdu::{Command, Response};
pub use error::Error;
pub use profile::Profile;
pub use sm::SecureChannel;
pub use sw::StatusWord;
pub use transport::{Exchange, Transmit, Transport};
