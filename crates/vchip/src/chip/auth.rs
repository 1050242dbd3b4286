//! The chip's half of PACE (ICAO 9303-11 §4.4), Chip Authentication (§6.2) and the CAN it
//! needs. All protocol computation is the `pace` crate's, shared with the terminal, so a
//! protocol bug cannot hide by being mirrored on both sides; this module only maps APDUs to its
//! calls and its errors to status words ([`pace::Error::chip_status_word`]), and keeps the
//! password retry counters in the persistent state.
//!
//! | APDU | answer |
//! |---|---|
//! | PUT DATA `00 DA 00 65`, `65 L { 04 L <6 digits> }` | 9000; 6A80 malformed or not 6 digits; 6A81 the profile has no CAN password; 6985 after the lock |
//! | MSE:Set AT `00 22 C1 A4` (plain) | 9000 and a run; 6A80 unknown OID / parameter ID / password (also a CAN never stored); 63C1 suspended; 6983 blocked; 6985 under secure messaging; 6A81 no PACE in the profile |
//! | GA `10 86 00 00` / `00 86 00 00` (plain) | 9000 + `7C ..`; after the last step AES secure messaging (SSC 0); 6300 wrong password; 6A80 bad data; 6985 no run |
//! | MSE:Set AT `0C 22 41 A4` | 9000; 6982 not under secure messaging; 6A88 no CA key (or a key ID: the chip's one key has none); 6A80 an OID it does not offer |
//! | GA `0C 86 00 00` | `7C 00` under the old keys, then the new channel; 6985 without MSE:Set AT |
//! | MSE:Set KAT `0C 22 41 A6` | 9000 under the old keys, then the new 3DES channel |
//!
//! Retry counters: an attempt is counted when MSE:Set AT starts it and written to the state at
//! once (the chip image is dirty), so pulling the card before the token check gives no free
//! guess; a success restores the counter. After a successful PACE with the CAN, a suspended
//! password gets one attempt (BSI TR-03110 "resume"); the resumption is volatile, a reset ends it.

use card::apdu::{Command, Response};
use card::profile::PacePassword;
use card::sm::SecureChannel;
use pace::params::Mapping;
use pace::{
    CaParams, ChipState, ChipStep, Cipher, Curve, EcPrivateKey, MseSetAt, PaceChip, PaceChipConfig,
    Password, PasswordKind, RetryStatus,
};
use zeroize::Zeroizing;

use super::{
    CONDITIONS_NOT_SATISFIED, Chip, FUNCTION_NOT_SUPPORTED, INCORRECT_DATA, INCORRECT_P1P2,
    NOT_ENOUGH_MEMORY, OK, REF_DATA_NOT_FOUND, SECURITY_NOT_SATISFIED, parse_wrapped_octets,
};
use crate::timing::Cost;

/// A PACE run between MSE:Set AT and its last GENERAL AUTHENTICATE: the protocol state and the
/// configuration whose counter it started, so a success restores exactly that counter.
pub(super) struct PaceRun {
    chip: PaceChip,
    config: PaceChipConfig,
}

/// The key of a password's counter in [`crate::PersistentState::pace_counters`].
fn counter_name(kind: PasswordKind) -> &'static str {
    match kind {
        PasswordKind::Mrz => "mrz",
        PasswordKind::Can => "can",
        PasswordKind::Pin => "pin",
        PasswordKind::Puk => "puk",
    }
}

/// The name `algorithms.secure_messaging` gives a cipher.
fn cipher_name(cipher: Cipher) -> &'static str {
    match cipher {
        Cipher::Tdes => "3des",
        Cipher::Aes128 => "aes-128",
        Cipher::Aes192 => "aes-192",
        Cipher::Aes256 => "aes-256",
    }
}

/// EC scalar multiplications the chip does to answer a GENERAL AUTHENTICATE in `state`, as the
/// profile's `ecdh_us` counts them: Generic Mapping generates the mapping key pair and computes
/// the mapping secret (2), then the ephemeral key pair on the mapped generator and the shared
/// secret (2). Integrated Mapping maps the nonce without a key agreement.
fn ec_muls(state: ChipState, mapping: Mapping) -> u32 {
    match (state, mapping) {
        (ChipState::AwaitMapping, Mapping::Generic) => 2,
        (ChipState::AwaitEphemeralKey, _) => 2,
        _ => 0,
    }
}

fn status(sw: u16) -> Response {
    Response::status(sw)
}

fn pace_status(e: &pace::Error) -> Response {
    Response::status(e.chip_status_word())
}

impl Chip {
    fn profile_lists(&self, password: PacePassword) -> bool {
        self.profile
            .pace
            .as_ref()
            .is_some_and(|p| p.passwords.contains(&password))
    }

    /// PUT DATA CAN: stores the PACE password CAN.
    pub(super) fn put_can(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
        if !self.profile.protocols.pace || !self.profile_lists(PacePassword::Can) {
            return status(FUNCTION_NOT_SUPPORTED);
        }
        let Some(value) = parse_wrapped_octets(&cmd.data, 0x65) else {
            return status(INCORRECT_DATA);
        };
        let Ok(text) = std::str::from_utf8(value) else {
            return status(INCORRECT_DATA);
        };
        // The same rule the terminal applies to a typed CAN: exactly 6 decimal digits.
        if Password::from_can(text).is_err() {
            return status(INCORRECT_DATA);
        }
        let previous = self.state.can.as_ref().map_or(0, |c| c.len());
        if !self.fits(text.len().saturating_sub(previous)) {
            return status(NOT_ENOUGH_MEMORY);
        }
        self.state.can = Some(Zeroizing::new(text.to_string()));
        // A new CAN starts with a full counter.
        self.state
            .pace_counters
            .remove(counter_name(PasswordKind::Can));
        self.dirty = true;
        cost.pages += 1;
        status(OK)
    }

    /// MANAGE SECURITY ENVIRONMENT: P1-P2 select PACE (`C1 A4`), CA with AES (`41 A4`) or CA
    /// with 3DES (`41 A6`).
    pub(super) fn manage_security_environment(
        &mut self,
        cmd: &Command,
        secured: bool,
        cost: &mut Cost,
    ) -> Response {
        match (cmd.p1, cmd.p2) {
            (0xC1, 0xA4) => self.pace_set_at(cmd, secured, cost),
            (0x41, 0xA4) => self.ca_set_at(cmd, secured),
            (0x41, 0xA6) => self.ca_set_kat(cmd, secured, cost),
            _ => status(INCORRECT_P1P2),
        }
    }

    /// GENERAL AUTHENTICATE: PACE in plain, Chip Authentication under secure messaging.
    pub(super) fn general_authenticate(
        &mut self,
        cmd: &Command,
        secured: bool,
        cost: &mut Cost,
    ) -> Response {
        if (cmd.p1, cmd.p2) != (0, 0) {
            return status(INCORRECT_P1P2);
        }
        if secured {
            self.ca_general_authenticate(cmd, cost)
        } else {
            self.pace_general_authenticate(cmd, cost)
        }
    }

    /// The PACE configuration as of now: the profile's offers, the passwords the chip holds
    /// (and the profile lists) with their policies, and the persisted counters.
    fn pace_config(&self) -> Result<PaceChipConfig, u16> {
        let pc = self.profile.pace.as_ref().ok_or(FUNCTION_NOT_SUPPORTED)?;
        let sw = |e: pace::Error| e.chip_status_word();
        let offers = pc
            .offers
            .iter()
            .map(|o| o.params())
            .collect::<Result<Vec<_>, _>>()
            .map_err(sw)?;
        let mut config = PaceChipConfig::new(offers);
        for listed in &pc.passwords {
            let (password, retry) = match listed {
                PacePassword::Can => match &self.state.can {
                    Some(can) => (Password::from_can(can), pc.can_retry),
                    None => continue,
                },
                PacePassword::Mrz => match &self.state.mrz_hash {
                    Some(hash) => (Password::from_mrz_hash(hash), pc.mrz_retry),
                    None => continue,
                },
            };
            let password = password.map_err(sw)?;
            let kind = password.kind();
            let mut policy = retry.policy();
            // A resumed password is not suspended for its one attempt; `PaceChipConfig` has no
            // resume of its own, and the counter value is all that persists anyway.
            if self.session.resumed.contains(&kind) {
                policy.suspend_at = None;
            }
            config = config.with_password(password, policy).map_err(sw)?;
            if let (Some(max), Some(&left)) = (
                policy.max_attempts,
                self.state.pace_counters.get(counter_name(kind)),
            ) {
                // A profile that lowered max_attempts since the value was stored: clamp.
                config.restore_counter(kind, left.min(max)).map_err(sw)?;
            }
        }
        Ok(config)
    }

    /// Persists the counter of `kind` when it changed (one EEPROM page).
    fn store_counter(&mut self, config: &PaceChipConfig, kind: PasswordKind, cost: &mut Cost) {
        let name = counter_name(kind);
        let remaining = config.counter(kind).and_then(|c| c.remaining());
        if remaining == self.state.pace_counters.get(name).copied() {
            return;
        }
        match remaining {
            Some(left) => self.state.pace_counters.insert(name.to_string(), left),
            None => self.state.pace_counters.remove(name),
        };
        self.dirty = true;
        cost.pages += 1;
    }

    /// MSE:Set AT for PACE.
    fn pace_set_at(&mut self, cmd: &Command, secured: bool, cost: &mut Cost) -> Response {
        // A new MSE:Set AT abandons a run in progress, whatever becomes of this one.
        self.session.pace = None;
        if !self.profile.protocols.pace {
            return status(FUNCTION_NOT_SUPPORTED);
        }
        // PACE starts a session; it is not nested in one (the terminal sends it in plain, which
        // ends any session).
        if secured {
            return status(CONDITIONS_NOT_SATISFIED);
        }
        let mut config = match self.pace_config() {
            Ok(c) => c,
            Err(sw) => return status(sw),
        };
        match config.mse_set_at(&cmd.data) {
            Ok(run) => {
                let kind = run.password_kind();
                self.session.resumed.retain(|k| *k != kind);
                self.store_counter(&config, kind, cost);
                self.session.pace = Some(PaceRun { chip: run, config });
                status(OK)
            }
            Err(e) => pace_status(&e),
        }
    }

    fn pace_general_authenticate(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
        let Some(mut run) = self.session.pace.take() else {
            return status(CONDITIONS_NOT_SATISFIED);
        };
        let muls = ec_muls(run.chip.state(), run.chip.params().mapping);
        match run
            .chip
            .general_authenticate(&cmd.data, &mut rand::rngs::OsRng)
        {
            Ok(ChipStep::Respond(data)) => {
                cost.ec_muls += muls;
                self.session.pace = Some(run);
                Response::ok(data)
            }
            Ok(ChipStep::Established { response, keys }) => {
                cost.ec_muls += muls;
                let channel = match SecureChannel::from_session_keys(&keys) {
                    Ok(c) => c,
                    Err(e) => return pace_status(&e),
                };
                let kind = run.chip.password_kind();
                run.config.record_success(kind);
                self.store_counter(&run.config, kind, cost);
                if kind == PasswordKind::Can {
                    // A password this session already resumed shows no suspension in `config`
                    // (see `pace_config`), so keep it resumed.
                    let already = std::mem::take(&mut self.session.resumed);
                    let suspended = |k: &PasswordKind| {
                        already.contains(k)
                            || run
                                .config
                                .counter(*k)
                                .is_some_and(|c| c.status() == RetryStatus::Suspended)
                    };
                    self.session.resumed = [PasswordKind::Mrz, PasswordKind::Pin]
                        .into_iter()
                        .filter(suspended)
                        .collect();
                }
                self.session.sm = Some(channel);
                self.session.current_ef = None;
                // In plain: the terminal needs T_IC to verify the chip before it trusts the keys.
                Response::ok(response)
            }
            // The run is over (dropped with `run`); a wrong password stays counted.
            Err(e) => pace_status(&e),
        }
    }

    /// The Chip Authentication private key, when the profile does CA and the chip has one.
    fn ca_private_key(&self) -> Result<EcPrivateKey, u16> {
        if !self.profile.protocols.chip_authentication {
            return Err(REF_DATA_NOT_FOUND);
        }
        let key = self.state.ca_key.as_ref().ok_or(REF_DATA_NOT_FOUND)?;
        EcPrivateKey::from_bytes(Curve::NistP256, &key.scalar(), "Chip Authentication key")
            .map_err(|e| e.chip_status_word())
    }

    fn offers_cipher(&self, cipher: Cipher) -> bool {
        let name = cipher_name(cipher);
        self.profile
            .algorithms
            .secure_messaging
            .iter()
            .any(|c| c == name)
    }

    /// MSE:Set AT for Chip Authentication with AES.
    fn ca_set_at(&mut self, cmd: &Command, secured: bool) -> Response {
        self.session.ca = None;
        if !secured {
            return status(SECURITY_NOT_SATISFIED);
        }
        if let Err(sw) = self.ca_private_key() {
            return status(sw);
        }
        let mse = match MseSetAt::decode(&cmd.data) {
            Ok(m) => m,
            Err(e) => return pace_status(&e),
        };
        if mse.password_ref.is_some() {
            return status(INCORRECT_DATA);
        }
        // DG14 announces the chip's one CA key without a keyId, so no key ID names it.
        if mse.key_ref.is_some() {
            return status(REF_DATA_NOT_FOUND);
        }
        let params = match CaParams::new(&mse.protocol_oid) {
            Ok(p) => p,
            Err(e) => return pace_status(&e),
        };
        // 3DES CA goes through MSE:Set KAT; other ciphers only when the profile has them.
        if params.cipher == Cipher::Tdes || !self.offers_cipher(params.cipher) {
            return status(INCORRECT_DATA);
        }
        self.session.ca = Some(params);
        status(OK)
    }

    /// Installs the channel Chip Authentication derived, to replace the current one after this
    /// answer.
    fn switch_after_answer(&mut self, keys: &pace::SessionKeys) -> Result<(), u16> {
        let channel = SecureChannel::from_session_keys(keys).map_err(|e| e.chip_status_word())?;
        self.session.pending_sm = Some(channel);
        Ok(())
    }

    fn ca_general_authenticate(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
        let Some(params) = self.session.ca.take() else {
            return status(CONDITIONS_NOT_SATISFIED);
        };
        let key = match self.ca_private_key() {
            Ok(k) => k,
            Err(sw) => return status(sw),
        };
        let (response, keys) = match pace::chip_general_authenticate(params, &key, &cmd.data) {
            Ok(r) => r,
            Err(e) => return pace_status(&e),
        };
        cost.ec_muls += 1;
        match self.switch_after_answer(&keys) {
            Ok(()) => Response::ok(response),
            Err(sw) => status(sw),
        }
    }

    /// MSE:Set KAT: Chip Authentication with 3DES in one command.
    fn ca_set_kat(&mut self, cmd: &Command, secured: bool, cost: &mut Cost) -> Response {
        self.session.ca = None;
        if !secured {
            return status(SECURITY_NOT_SATISFIED);
        }
        let key = match self.ca_private_key() {
            Ok(k) => k,
            Err(sw) => return status(sw),
        };
        if !self.offers_cipher(Cipher::Tdes) {
            return status(INCORRECT_DATA);
        }
        let (pk_pcd, key_id) = match pace::parse_mse_set_kat(&cmd.data) {
            Ok(v) => v,
            Err(e) => return pace_status(&e),
        };
        if key_id.is_some() {
            return status(REF_DATA_NOT_FOUND);
        }
        let keys = match CaParams::new(pace::params::ID_CA_ECDH_3DES)
            .and_then(|params| pace::chip_authenticate(params, &key, &pk_pcd))
        {
            Ok(k) => k,
            Err(e) => return pace_status(&e),
        };
        cost.ec_muls += 1;
        match self.switch_after_answer(&keys) {
            Ok(()) => status(OK),
            Err(sw) => status(sw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_mapping_costs_four_scalar_multiplications_integrated_two() {
        let steps = [
            ChipState::AwaitNonceRequest,
            ChipState::AwaitMapping,
            ChipState::AwaitEphemeralKey,
            ChipState::AwaitToken,
        ];
        let total = |m: Mapping| steps.iter().map(|s| ec_muls(*s, m)).sum::<u32>();
        assert_eq!(total(Mapping::Generic), 4);
        assert_eq!(total(Mapping::Integrated), 2);
    }

    #[test]
    fn counter_and_cipher_names() {
        assert_eq!(counter_name(PasswordKind::Can), "can");
        assert_eq!(counter_name(PasswordKind::Mrz), "mrz");
        // The names `algorithms.secure_messaging` uses in the shipped profiles.
        assert_eq!(cipher_name(Cipher::Tdes), "3des");
        assert_eq!(cipher_name(Cipher::Aes128), "aes-128");
        assert_eq!(cipher_name(Cipher::Aes256), "aes-256");
    }
}
