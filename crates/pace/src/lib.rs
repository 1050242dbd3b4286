//! Side-agnostic eMRTD chip-security core for cccd: PACE (ECDH Generic Mapping with
//! AES-128/192/256, ECDH Integrated Mapping with AES-128), Chip
//! Authentication, ECDSA Active Authentication, AES secure-messaging primitives and a password
//! retry counter, as pure computation (no I/O, no dependency on `reader` or `vchip`).
//!
//! The virtual chip (`vchip`) and the terminal (`reader`) both call this crate, so a protocol
//! bug cannot hide by being mirrored on both sides; the APDU plumbing (MSE:Set AT, GENERAL
//! AUTHENTICATE, secure-messaging framing) stays with them.
//!
//! References: ICAO Doc 9303-11 (8th ed.) §4.4 (PACE), §6.1 (AA), §6.2 (CA), §9 (crypto
//! specifications), Appendices G.1 and H.1 (the worked examples the tests reproduce byte for
//! byte); BSI TR-03111 (plain ECDSA signatures).
//!
//! **Timing**: P-256 goes through the constant-time `p256` crate; brainpoolP256r1 goes through
//! `bp256`'s variable-time backend (see [`ec`]). Fine for a terminal and the virtual test chip;
//! a production chip would need constant-time brainpool arithmetic.
//!
//! # Chip side (vchip)
//!
//! | APDU | call |
//! |---|---|
//! | personalization / power-up | [`PaceChipConfig::new`]`(offered PaceParams)` `.with_password(`[`Password::from_can`]` / `[`Password::from_mrz_hash`]`, profile's `[`RetryPolicy`]`)`, [`PaceChipConfig::restore_counter`] from the image |
//! | `00 22 C1 A4` MSE:Set AT | [`PaceChipConfig::mse_set_at`]`(data)` → a [`PaceChip`] run (counts the attempt), or an error (6A80, 63C1, 6983) |
//! | `10 86 00 00` / `00 86 00 00` GENERAL AUTHENTICATE | [`PaceChip::general_authenticate`]`(data, rng)`: [`ChipStep::Respond`] → 9000 + data; [`ChipStep::Established`] → 9000 + data in plain, then [`PaceChipConfig::record_success`]`(run.password_kind())`, persist the counter, and secure messaging with [`AesCipher::new`]`(&keys)`, SSC = 0 |
//! | `0C 22 41 A4` (CA, AES) | [`MseSetAt::decode`] → [`CaParams::new`]`(&oid)` |
//! | `0C 86 00 00` (CA, AES) | [`chip_general_authenticate`]`(params, &static_key, data)` → (`7C 00`, keys); answer under the old keys, then switch, SSC = 0 |
//! | `0C 22 41 A6` (CA, 3DES) | [`parse_mse_set_kat`] → [`chip_authenticate`]`(params, &static_key, &pk_pcd)`; same switch |
//! | `00 88 00 00` INTERNAL AUTHENTICATE (ECDSA) | [`AaSigner::sign`]`(AaHash::Sha256, rnd_ifd, rng)` → 64-byte `r||s` |
//!
//! Map any [`Error`] to a status word with [`Error::chip_status_word`]; after any PACE error the
//! run is over (drop the `PaceChip`).
//!
//! # Terminal side (reader)
//!
//! 1. Read EF.CardAccess (`lds::SecurityInfos::decode_card_access`), take PACEInfo's
//!    `protocol.0` and `parameter_id` → [`PaceParams::new`]; skip PACEInfos it refuses.
//! 2. Password: [`Password::from_vietnam_id_number`] / [`Password::from_can`] (`--can`) or
//!    [`Password::from_mrz`]; MSE:Set AT data = [`MseSetAt`] `{ protocol_oid, password_ref:
//!    Some(kind.reference()), key_ref: None }.encode()`.
//! 3. `let mut t = PaceTerminal::new(params, &pw); let mut step = PaceTerminal::first_command();`
//!    then loop: send GA with `data` (CLA `10` when `chained`, else `00`), feed the response data
//!    to [`PaceTerminal::next_step`] until [`TerminalStep::Established`]`(keys)`. A non-9000
//!    status or an `Err` means PACE failed: fall back to BAC.
//! 4. Secure messaging with [`AesCipher::new`]`(&keys)` and a 16-byte zero SSC.
//! 5. CA: the DG14 key as [`EcPoint::from_spki_parts`]`(spki.parameters, &spki.key, ..)`
//!    (named or explicit parameters), then
//!    [`CaTerminal::new`]`(CaParams::new(&chip_auth_info.protocol.0)?, &point, rng)`, send
//!    [`CaTerminal::commands`]`(key_id)` ([`CaCommands`]: MSE:Set KAT for 3DES, MSE:Set AT +
//!    GENERAL AUTHENTICATE for AES), restart SM with [`CaTerminal::session_keys`]; the next
//!    protected response proves the chip (a clone fails its MAC).
//! 6. AA: [`aa::verify`]`(&dg15_point, AaHash::from_signature_oid(dg14_oid)?, rnd_ifd, sig)`
//!    returns [`SignatureForm::Der`] for chips that answer in X9.62 DER (report a warning).
//!
//! ```
//! use pace::{PaceChip, PaceTerminal, PaceParams, Password, ChipStep, TerminalStep};
//! use pace::params::ID_PACE_ECDH_GM_AES_128;
//!
//! let mut rng = rand::thread_rng();
//! let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13)?; // brainpoolP256r1
//! let can = Password::from_vietnam_id_number("001099012345")?; // CAN "012345"
//! let mut chip = PaceChip::new(params, &can);
//! let mut terminal = PaceTerminal::new(params, &can);
//!
//! let mut step = PaceTerminal::first_command();
//! let terminal_keys = loop {
//!     match step {
//!         TerminalStep::Send { data, .. } => {
//!             let response = match chip.general_authenticate(&data, &mut rng)? {
//!                 ChipStep::Respond(r) | ChipStep::Established { response: r, .. } => r,
//!             };
//!             step = terminal.next_step(&response, &mut rng)?;
//!         }
//!         TerminalStep::Established(keys) => break keys,
//!     }
//! };
//! assert_eq!(Some(&terminal_keys), chip.session_keys());
//! # Ok::<(), pace::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod aa;
pub mod ca;
pub mod chip;
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
pub use ca::{
    CaCommands, CaTerminal, chip_authenticate, chip_general_authenticate, mse_set_kat_data,
    parse_mse_set_kat,
};
pub use chip::PaceChipConfig;
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
