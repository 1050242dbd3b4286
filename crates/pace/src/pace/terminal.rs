//! The terminal (PCD) side of PACE: [`PaceTerminal`], one run from MSE:Set AT to the chip's
//! token, step by step. Separate from the chip because the two roles validate different inputs
//! and keep different secrets; what they compute alike lives in `mapping`. The GENERAL
//! AUTHENTICATE driver over these steps is in `ga`.

use super::Transcript;
use super::keys::{SessionKeys, authentication_token};
use super::mapping::{agree, check_nonce_len, im_prf_aes128, nonce_cipher, require_mapping};
use crate::ec::{EcPoint, EcPrivateKey, integrated_mapping_point};
use crate::error::{Error, Result};
use crate::params::{Mapping, PaceParams};
use crate::password::Password;
use crate::sym::{AES_BLOCK, SecretBytes, ct_eq};
use rand::{CryptoRng, RngCore};

/// States of the terminal side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalState {
    /// MSE:Set AT sent; waiting for the encrypted nonce.
    AwaitNonce,
    /// Mapping key sent; waiting for the chip's mapping key.
    AwaitMapping,
    /// Ephemeral key sent; waiting for the chip's ephemeral key.
    AwaitEphemeralKey,
    /// Token sent; waiting for the chip's token.
    AwaitToken,
    /// PACE succeeded: the chip is authenticated and secure messaging starts (SSC = 0).
    Established,
    /// A step failed; this run is over.
    Failed,
}

impl TerminalState {
    pub(super) fn name(self) -> &'static str {
        match self {
            TerminalState::AwaitNonce => "await-nonce",
            TerminalState::AwaitMapping => "await-mapping",
            TerminalState::AwaitEphemeralKey => "await-ephemeral-key",
            TerminalState::AwaitToken => "await-token",
            TerminalState::Established => "established",
            TerminalState::Failed => "failed",
        }
    }
}

/// The terminal (PCD) side of PACE-GM.
#[derive(Debug)]
pub struct PaceTerminal {
    pub(super) params: PaceParams,
    k_pi: SecretBytes,
    pub(super) state: TerminalState,
    map_key: Option<EcPrivateKey>,
    eph_key: Option<EcPrivateKey>,
    t: Transcript,
}

impl PaceTerminal {
    /// Starts a run with the parameters read from EF.CardAccess and the password the operator
    /// gave. Send MSE:Set AT with [`PaceParams::protocol_oid`] and the password reference, then
    /// GA step 1 with empty dynamic authentication data.
    pub fn new(params: PaceParams, password: &Password) -> Self {
        PaceTerminal {
            params,
            k_pi: password.key(params.cipher),
            state: TerminalState::AwaitNonce,
            map_key: None,
            eph_key: None,
            t: Transcript::default(),
        }
    }

    /// Current state.
    pub fn state(&self) -> TerminalState {
        self.state
    }

    transcript_accessors!();

    fn expect(&mut self, want: TerminalState, step: &'static str) -> Result<()> {
        if self.state == want {
            Ok(())
        } else {
            let state = self.state.name();
            self.state = TerminalState::Failed;
            Err(Error::OutOfOrder {
                role: "PACE terminal",
                step,
                state,
            })
        }
    }

    pub(super) fn fail<T>(&mut self, r: Result<T>) -> Result<T> {
        if r.is_err() {
            self.state = TerminalState::Failed;
        }
        r
    }

    /// After GA step 1: decrypts the nonce `z` (data object 80) with K_π, generates the mapping
    /// key pair and returns `PK_PCD,map` for data object 81 of GA step 2.
    pub fn process_nonce<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        z: &[u8],
        rng: &mut R,
    ) -> Result<EcPoint> {
        let key = EcPrivateKey::generate(self.params.curve, rng);
        let key = self.fail(key)?;
        self.process_nonce_with_key(z, key)
    }

    /// [`Self::process_nonce`] with an explicit mapping private key.
    pub fn process_nonce_with_key(
        &mut self,
        z: &[u8],
        sk_pcd_map: EcPrivateKey,
    ) -> Result<EcPoint> {
        self.expect(TerminalState::AwaitNonce, "process_nonce")?;
        let params = self.params;
        let r = (|| {
            require_mapping(params, Mapping::Generic, "process_nonce")?;
            check_nonce_len(z.len(), "PACE encrypted nonce z")?;
            let s = nonce_cipher(&self.k_pi)?.cbc_decrypt(
                &[0; AES_BLOCK],
                z,
                "PACE encrypted nonce z",
            )?;
            Ok((SecretBytes::new(s), sk_pcd_map.public_key()?))
        })();
        let (s, own) = self.fail(r)?;
        self.t.nonce = Some(s);
        self.map_key = Some(sk_pcd_map);
        self.state = TerminalState::AwaitMapping;
        Ok(own)
    }

    /// After GA step 2: takes `PK_IC,map` (data object 82), computes `H` and `G̃`, generates the
    /// ephemeral key pair and returns `PK_PCD` for data object 83 of GA step 3.
    pub fn process_mapping<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        pk_ic_map: &[u8],
        rng: &mut R,
    ) -> Result<EcPoint> {
        let key = EcPrivateKey::generate(self.params.curve, rng);
        let key = self.fail(key)?;
        self.process_mapping_with_key(pk_ic_map, key)
    }

    /// [`Self::process_mapping`] with an explicit ephemeral private key.
    pub fn process_mapping_with_key(
        &mut self,
        pk_ic_map: &[u8],
        sk_pcd: EcPrivateKey,
    ) -> Result<EcPoint> {
        self.expect(TerminalState::AwaitMapping, "process_mapping")?;
        let curve = self.params.curve;
        let params = self.params;
        let r = (|| {
            require_mapping(params, Mapping::Generic, "process_mapping")?;
            let (map_key, s) = match (&self.map_key, &self.t.nonce) {
                (Some(k), Some(s)) => (k, s),
                _ => {
                    return Err(Error::OutOfOrder {
                        role: "PACE terminal",
                        step: "process_mapping",
                        state: "no mapping key",
                    });
                }
            };
            let peer = EcPoint::from_sec1(curve, pk_ic_map, "PK_IC,map")?;
            let h = peer.mul(map_key)?;
            let g = h.add_generator_multiple(s.as_bytes())?;
            let own = sk_pcd.public_key_on(&g)?;
            Ok((h, g, own))
        })();
        let (h, g, own) = self.fail(r)?;
        self.t.mapping_point = Some(h);
        self.t.generator = Some(g);
        self.t.own_ephemeral = Some(own.clone());
        self.map_key = None;
        self.eph_key = Some(sk_pcd);
        self.state = TerminalState::AwaitEphemeralKey;
        Ok(own)
    }

    /// Integrated Mapping, after GA step 1: decrypts `z`, chooses the nonce `t` (one AES block)
    /// and computes `G̃`; returns `t` for data object 81 of GA step 2.
    pub fn process_nonce_integrated<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        z: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        let mut t = vec![0u8; AES_BLOCK];
        if rng.try_fill_bytes(&mut t).is_err() {
            self.state = TerminalState::Failed;
            return Err(Error::Rng);
        }
        self.process_nonce_integrated_with(z, &t)?;
        Ok(t)
    }

    /// [`Self::process_nonce_integrated`] with an explicit nonce `t`.
    pub fn process_nonce_integrated_with(&mut self, z: &[u8], t: &[u8]) -> Result<()> {
        self.expect(TerminalState::AwaitNonce, "process_nonce_integrated")?;
        let params = self.params;
        let r = (|| {
            require_mapping(params, Mapping::Integrated, "process_nonce_integrated")?;
            check_nonce_len(z.len(), "PACE encrypted nonce z")?;
            let s = nonce_cipher(&self.k_pi)?.cbc_decrypt(
                &[0; AES_BLOCK],
                z,
                "PACE encrypted nonce z",
            )?;
            let r = im_prf_aes128(&s, t)?;
            let g = integrated_mapping_point(params.curve, r.as_bytes())?.0;
            Ok((SecretBytes::new(s), g))
        })();
        let (s, g) = self.fail(r)?;
        self.t.nonce = Some(s);
        self.t.generator = Some(g);
        self.state = TerminalState::AwaitMapping;
        Ok(())
    }

    /// Integrated Mapping, after GA step 2 (whose response carries no mapping data): generates
    /// the ephemeral key pair on `G̃` and returns `PK_PCD` for data object 83.
    pub fn process_mapping_integrated<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<EcPoint> {
        let key = EcPrivateKey::generate(self.params.curve, rng);
        let key = self.fail(key)?;
        self.process_mapping_integrated_with_key(key)
    }

    /// [`Self::process_mapping_integrated`] with an explicit ephemeral private key.
    pub fn process_mapping_integrated_with_key(&mut self, sk_pcd: EcPrivateKey) -> Result<EcPoint> {
        self.expect(TerminalState::AwaitMapping, "process_mapping_integrated")?;
        let params = self.params;
        let r = (|| {
            require_mapping(params, Mapping::Integrated, "process_mapping_integrated")?;
            let g = self.t.generator.as_ref().ok_or(Error::OutOfOrder {
                role: "PACE terminal",
                step: "process_mapping_integrated",
                state: "no mapped generator",
            })?;
            sk_pcd.public_key_on(g)
        })();
        let own = self.fail(r)?;
        self.t.own_ephemeral = Some(own.clone());
        self.eph_key = Some(sk_pcd);
        self.state = TerminalState::AwaitEphemeralKey;
        Ok(own)
    }

    /// After GA step 3: takes `PK_IC` (data object 84), agrees on K and the session keys and
    /// returns T_PCD for data object 85 of GA step 4.
    pub fn process_ephemeral(&mut self, pk_ic: &[u8]) -> Result<[u8; 8]> {
        self.expect(TerminalState::AwaitEphemeralKey, "process_ephemeral")?;
        let params = self.params;
        let r = (|| {
            let sk = self.eph_key.as_ref().ok_or(Error::OutOfOrder {
                role: "PACE terminal",
                step: "process_ephemeral",
                state: "no ephemeral key",
            })?;
            let (_, peer, k) = agree(params, self.t.generator.as_ref(), pk_ic, sk, "PK_IC")?;
            let keys = SessionKeys::derive(k.as_bytes(), params.cipher);
            let token = authentication_token(&keys, params.protocol_oid(), &peer)?;
            Ok((peer, k, keys, token))
        })();
        let (peer, k, keys, token) = self.fail(r)?;
        self.t.peer_ephemeral = Some(peer);
        self.t.shared_secret = Some(k);
        self.t.keys = Some(keys);
        self.eph_key = None;
        self.state = TerminalState::AwaitToken;
        Ok(token)
    }

    /// After GA step 4: verifies T_IC (data object 86). On success the chip is authenticated
    /// and the returned keys start secure messaging with SSC = 0.
    pub fn verify_chip_token(&mut self, t_ic: &[u8]) -> Result<SessionKeys> {
        self.expect(TerminalState::AwaitToken, "verify_chip_token")?;
        let r = (|| {
            let (keys, own) = match (&self.t.keys, &self.t.own_ephemeral) {
                (Some(k), Some(o)) => (k, o),
                _ => {
                    return Err(Error::OutOfOrder {
                        role: "PACE terminal",
                        step: "verify_chip_token",
                        state: "no keys",
                    });
                }
            };
            let expected = authentication_token(keys, self.params.protocol_oid(), own)?;
            if ct_eq(&expected, t_ic) {
                Ok(keys.clone())
            } else {
                Err(Error::TokenMismatch { peer: "chip" })
            }
        })();
        let keys = self.fail(r)?;
        self.state = TerminalState::Established;
        Ok(keys)
    }
}
