//! PACE version 2 with ECDH Generic Mapping (ICAO 9303-11 §4.4), both roles, and the ECDH
//! Integrated Mapping with AES-128 (§4.4.3.3.2: the terminal sends a nonce `t` in 81 instead of
//! a mapping key, the chip answers `7C 00`, and `G̃ = f_G(R_p(s, t))`).
//!
//! Each role is an explicit state machine driven by the four GENERAL AUTHENTICATE exchanges.
//! The caller moves bytes (the values of the `7C` data objects) between the machine and the card
//! interface; every step validates its input, and any error puts the machine into a failed
//! state from which only a new run (a new `PaceChip`/`PaceTerminal`) recovers, as the protocol
//! requires.
//!
//! ```text
//!  terminal (PaceTerminal)                              chip (PaceChip)
//!  MSE:Set AT (OID, password ref)  ─────────────────►  PaceChip::new(params, &password)
//!  GA1  7C 00                      ─────────────────►  encrypted_nonce(rng)           → z
//!  process_nonce(z, rng) → PK_PCD,map  ◄── 7C{80 z} ──
//!  GA2  7C{81 PK_PCD,map}          ─────────────────►  map_nonce(PK_PCD,map, rng)     → PK_IC,map
//!  process_mapping(PK_IC,map, rng) → PK_PCD  ◄── 7C{82 PK_IC,map}
//!  GA3  7C{83 PK_PCD}              ─────────────────►  key_agreement(PK_PCD, rng)     → PK_IC
//!  process_ephemeral(PK_IC) → T_PCD  ◄── 7C{84 PK_IC}
//!  GA4  7C{85 T_PCD}               ─────────────────►  verify_terminal_token(T_PCD)   → (T_IC, keys)
//!  verify_chip_token(T_IC) → keys  ◄── 7C{86 T_IC}
//! ```
//!
//! Every randomized step has a `_with_*` twin that takes the secret explicitly, so the ICAO
//! worked example (Appendix G.1) runs byte for byte.
//!
//! | module | holds |
//! |---|---|
//! | `keys` | [`SessionKeys`] and [`authentication_token`], shared with CA and secure messaging |
//! | `mapping` | what both roles compute alike: nonce encryption, the IM pseudo-random function, the step-3 key agreement |
//! | `chip` | [`PaceChip`], the PICC state machine |
//! | `terminal` | [`PaceTerminal`], the PCD state machine |
//! | `ga` | the GENERAL AUTHENTICATE drivers ([`ChipStep`], [`TerminalStep`]): data fields in, data fields out |

use crate::ec::EcPoint;
use crate::sym::SecretBytes;

/// Length of the nonce `s` the chip chooses: one AES block.
pub const NONCE_LEN: usize = 16;

/// What both roles remember; exposed read-only for diagnostics and the worked-example test.
#[derive(Debug, Default)]
struct Transcript {
    nonce: Option<SecretBytes>,
    mapping_point: Option<EcPoint>,
    generator: Option<EcPoint>,
    own_ephemeral: Option<EcPoint>,
    peer_ephemeral: Option<EcPoint>,
    shared_secret: Option<SecretBytes>,
    keys: Option<SessionKeys>,
}

macro_rules! transcript_accessors {
    () => {
        /// The nonce `s` (decrypted on the terminal, chosen on the chip). Secret.
        pub fn nonce(&self) -> Option<&[u8]> {
            self.t.nonce.as_ref().map(SecretBytes::as_bytes)
        }

        /// The mapping point `H = SK_map · PK_map(peer)`.
        pub fn mapping_point(&self) -> Option<&EcPoint> {
            self.t.mapping_point.as_ref()
        }

        /// The mapped generator `G̃ = s·G + H`.
        pub fn mapped_generator(&self) -> Option<&EcPoint> {
            self.t.generator.as_ref()
        }

        /// Our ephemeral public key on `G̃` (the chip's `PK_IC` is `ID_PICC` input for later
        /// protocols).
        pub fn ephemeral_public_key(&self) -> Option<&EcPoint> {
            self.t.own_ephemeral.as_ref()
        }

        /// The peer's ephemeral public key.
        pub fn peer_ephemeral_public_key(&self) -> Option<&EcPoint> {
            self.t.peer_ephemeral.as_ref()
        }

        /// The shared secret `K` (x-coordinate of the ECDH point). Secret.
        pub fn shared_secret(&self) -> Option<&[u8]> {
            self.t.shared_secret.as_ref().map(SecretBytes::as_bytes)
        }

        /// The session keys, once the key agreement ran.
        pub fn session_keys(&self) -> Option<&SessionKeys> {
            self.t.keys.as_ref()
        }

        /// The parameter set of this run.
        pub fn params(&self) -> PaceParams {
            self.params
        }
    };
}

mod chip;
mod ga;
mod keys;
mod mapping;
mod terminal;

pub use chip::{ChipOutcome, ChipState, PaceChip};
pub use ga::{ChipStep, TerminalStep};
pub use keys::{SessionKeys, authentication_token};
pub use terminal::{PaceTerminal, TerminalState};
