//! The GENERAL AUTHENTICATE drivers: the whole PACE exchange as "bytes in, bytes out", so the
//! chip's APDU handler and the terminal's inspection loop only move data fields and map errors.
//! Kept apart from the step-by-step state machines (`chip`, `terminal`), which the worked
//! example and the tests drive directly; this layer only decodes and encodes the `7C` dynamic
//! authentication data and picks the step for the current state.

use super::chip::{ChipState, PaceChip};
use super::keys::SessionKeys;
use super::terminal::{PaceTerminal, TerminalState};
use crate::error::{Error, Result};
use crate::params::Mapping;
use crate::tlv::DynamicAuthData;
use rand::{CryptoRng, RngCore};

/// What the chip answers to one GENERAL AUTHENTICATE.
#[derive(Debug, Clone)]
pub enum ChipStep {
    /// Response data field (`7C ...`) of steps 1 to 3; status 9000.
    Respond(Vec<u8>),
    /// Step 4 succeeded: send `response` (`7C{86 T_IC}`) with 9000 in plain, then start secure
    /// messaging with `keys` and SSC = 0.
    Established {
        /// The response data field.
        response: Vec<u8>,
        /// The session keys.
        keys: SessionKeys,
    },
}

impl PaceChip {
    /// Handles the data field of one GENERAL AUTHENTICATE (`10 86 00 00` for steps 1-3,
    /// `00 86 00 00` for step 4) in the current state. Errors: [`Error::Tlv`] /
    /// [`Error::MissingDataObject`] for malformed data (status 6A80), [`Error::OutOfOrder`]
    /// (6985), [`Error::TokenMismatch`] (6300, count a failed attempt), others 6A80. Any error
    /// ends the run.
    pub fn general_authenticate<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        command_data: &[u8],
        rng: &mut R,
    ) -> Result<ChipStep> {
        let decoded = DynamicAuthData::decode(command_data);
        let data = self.fail(decoded)?;
        match self.state {
            ChipState::AwaitNonceRequest => {
                if !data.is_empty() {
                    self.state = ChipState::Failed;
                    return Err(Error::Tlv {
                        context: "GENERAL AUTHENTICATE step 1",
                        reason: "expected empty dynamic authentication data",
                        offset: 2,
                    });
                }
                let z = self.encrypted_nonce(rng)?;
                Ok(ChipStep::Respond(
                    DynamicAuthData::new().with(0x80, &z).encode(),
                ))
            }
            ChipState::AwaitMapping => {
                let mapping_data = self.fail(data.require(0x81))?;
                if self.params.mapping == Mapping::Integrated {
                    self.map_nonce_integrated(mapping_data)?;
                    return Ok(ChipStep::Respond(DynamicAuthData::new().encode()));
                }
                let own = self.map_nonce(mapping_data, rng)?;
                Ok(ChipStep::Respond(
                    DynamicAuthData::new().with(0x82, own.to_sec1()).encode(),
                ))
            }
            ChipState::AwaitEphemeralKey => {
                let pk = self.fail(data.require(0x83))?;
                let own = self.key_agreement(pk, rng)?;
                Ok(ChipStep::Respond(
                    DynamicAuthData::new().with(0x84, own.to_sec1()).encode(),
                ))
            }
            ChipState::AwaitToken => {
                let token = self.fail(data.require(0x85))?;
                let out = self.verify_terminal_token(token)?;
                Ok(ChipStep::Established {
                    response: DynamicAuthData::new().with(0x86, &out.token).encode(),
                    keys: out.keys,
                })
            }
            ChipState::Established | ChipState::Failed => {
                let state = self.state.name();
                self.state = ChipState::Failed;
                Err(Error::OutOfOrder {
                    role: "PACE chip",
                    step: "general_authenticate",
                    state,
                })
            }
        }
    }
}

/// What the terminal does next.
#[derive(Debug, Clone)]
pub enum TerminalStep {
    /// Send GENERAL AUTHENTICATE with this data field; `chained` selects CLA `10` (steps 1-3)
    /// or `00` (step 4).
    Send {
        /// The command data field (`7C ...`).
        data: Vec<u8>,
        /// Command chaining bit.
        chained: bool,
    },
    /// The chip's token verified: start secure messaging with these keys and SSC = 0.
    Established(SessionKeys),
}

impl PaceTerminal {
    /// The data field of GA step 1 (`7C 00`), sent with CLA `10` after MSE:Set AT.
    pub fn first_command() -> TerminalStep {
        TerminalStep::Send {
            data: DynamicAuthData::new().encode(),
            chained: true,
        }
    }

    /// Consumes the chip's response data field (status 9000) and says what to send next.
    /// A status other than 9000 ends the run on the caller's side (wrong password shows as
    /// 6300 at step 4 on most chips).
    pub fn next_step<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        response_data: &[u8],
        rng: &mut R,
    ) -> Result<TerminalStep> {
        let decoded = DynamicAuthData::decode(response_data);
        let data = self.fail(decoded)?;
        let send = |tag: u8, value: &[u8], chained: bool| TerminalStep::Send {
            data: DynamicAuthData::new().with(tag, value).encode(),
            chained,
        };
        match self.state {
            TerminalState::AwaitNonce => {
                let z = self.fail(data.require(0x80))?;
                if self.params.mapping == Mapping::Integrated {
                    let t = self.process_nonce_integrated(z, rng)?;
                    return Ok(send(0x81, &t, true));
                }
                let own = self.process_nonce(z, rng)?;
                Ok(send(0x81, own.to_sec1(), true))
            }
            TerminalState::AwaitMapping if self.params.mapping == Mapping::Integrated => {
                let own = self.process_mapping_integrated(rng)?;
                Ok(send(0x83, own.to_sec1(), true))
            }
            TerminalState::AwaitMapping => {
                let pk = self.fail(data.require(0x82))?;
                let own = self.process_mapping(pk, rng)?;
                Ok(send(0x83, own.to_sec1(), true))
            }
            TerminalState::AwaitEphemeralKey => {
                let pk = self.fail(data.require(0x84))?;
                let token = self.process_ephemeral(pk)?;
                Ok(send(0x85, &token, false))
            }
            TerminalState::AwaitToken => {
                let token = self.fail(data.require(0x86))?;
                Ok(TerminalStep::Established(self.verify_chip_token(token)?))
            }
            TerminalState::Established | TerminalState::Failed => {
                let state = self.state.name();
                self.state = TerminalState::Failed;
                Err(Error::OutOfOrder {
                    role: "PACE terminal",
                    step: "next_step",
                    state,
                })
            }
        }
    }
}
