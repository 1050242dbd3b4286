//! Side-agnostic eMRTD chip-security core for cccd: PACE (ECDH Generic Mapping), Chip
//! Authentication, ECDSA Active Authentication, AES secure-messaging primitives and a password
//! retry counter, as pure computation (no I/O).
//!
//! The virtual chip (`vchip`) and the terminal (`reader`) both call this crate, so a protocol
//! bug cannot hide by being mirrored on both sides; the APDU plumbing (MSE:Set AT, GENERAL
//! AUTHENTICATE, secure-messaging framing) stays with them.
//!
//! References: ICAO Doc 9303-11 (8th ed.) §4.4 (PACE), §6.1 (AA), §6.2 (CA), §9 (crypto
//! specifications), Appendix G.1 (the worked example this crate reproduces byte for byte);
//! BSI TR-03111 (plain ECDSA signatures).
//!
//! Timing: see [`ec`] — brainpoolP256r1 arithmetic is variable-time here.
#![forbid(unsafe_code)]

pub mod aa;
pub mod ca;
pub mod ec;
pub mod error;
pub mod pace;
pub mod params;
pub mod password;
pub mod retry;
pub mod sm;
pub mod sym;
pub mod tlv;

pub use aa::{AaHash, AaSigner, SignatureForm};
pub use ca::{CaTerminal, chip_authenticate, mse_set_kat_data, parse_mse_set_kat};
pub use ec::{Curve, EcPoint, EcPrivateKey};
pub use error::{Error, Result};
pub use pace::{
    ChipOutcome, ChipState, ChipStep, PaceChip, PaceTerminal, SessionKeys, TerminalState,
    TerminalStep, authentication_token,
};
pub use params::{CaParams, PaceParams};
pub use password::{Password, PasswordKind, check_digit, mrz_information, vietnam_can};
pub use retry::{RetryCounter, RetryPolicy, RetryStatus};
pub use sm::{AesCipher, AesSm};
pub use sym::{Cipher, SecretBytes};
pub use tlv::{DynamicAuthData, MseSetAt, public_key_data_object};
