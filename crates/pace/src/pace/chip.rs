//! The chip (PICC) side of PACE: [`PaceChip`], one run from MSE:Set AT to the terminal's token,
//! step by step. Separate from the terminal because the two roles validate different inputs and
//! keep different secrets; what they compute alike lives in `mapping`. The GENERAL
//! AUTHENTICATE driver over these steps is in `ga`; the password and retry-counter bookkeeping
//! around a run is [`crate::chip::PaceChipConfig`].

use super::NONCE_LEN;
use super::Transcript;
use super::keys::{SessionKeys, authentication_token};
use super::mapping::{agree, check_nonce_len, im_prf_aes128, nonce_cipher, require_mapping};
use crate::ec::{EcPoint, EcPrivateKey, integrated_mapping_point};
use crate::error::{Error, Result};
use crate::params::{Mapping, PaceParams};
use crate::password::{Password, PasswordKind};
use crate::sym::{AES_BLOCK, SecretBytes, ct_eq};
use rand::{CryptoRng, RngCore};

/// States of the chip side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipState {
    /// Created by MSE:Set AT; waiting for GA step 1.
    AwaitNonceRequest,
    /// Nonce sent; waiting for the terminal's mapping data (GA step 2).
    AwaitMapping,
    /// Generator mapped; waiting for the terminal's ephemeral key (GA step 3).
    AwaitEphemeralKey,
    /// Keys agreed; waiting for the terminal's token (GA step 4).
    AwaitToken,
    /// PACE succeeded: secure messaging with the session keys starts (SSC = 0).
    Established,
    /// A step failed; this run is over.
    Failed,
}

impl ChipState {
    pub(super) fn name(self) -> &'static str {
        match self {
            ChipState::AwaitNonceRequest => "await-nonce-request",
            ChipState::AwaitMapping => "await-mapping",
            ChipState::AwaitEphemeralKey => "await-ephemeral-key",
            ChipState::AwaitToken => "await-token",
            ChipState::Established => "established",
            ChipState::Failed => "failed",
        }
    }
}

/// The chip (PICC) side of PACE-GM.
#[derive(Debug)]
pub struct PaceChip {
    pub(super) params: PaceParams,
    password: PasswordKind,
    k_pi: SecretBytes,
    pub(super) state: ChipState,
    map_key: Option<EcPrivateKey>,
    eph_key: Option<EcPrivateKey>,
    t: Transcript,
}

/// The result of a successful PACE run on the chip.
#[derive(Debug, Clone)]
pub struct ChipOutcome {
    /// T_IC, to return in data object 86.
    pub token: [u8; 8],
    /// Keys for secure messaging (SSC starts at zero).
    pub keys: SessionKeys,
}

impl PaceChip {
    /// Starts a run after MSE:Set AT selected `params` and the password (the chip looks the
    /// password up by its reference; the retry counter is checked before this).
    pub fn new(params: PaceParams, password: &Password) -> Self {
        PaceChip {
            params,
            password: password.kind(),
            k_pi: password.key(params.cipher),
            state: ChipState::AwaitNonceRequest,
            map_key: None,
            eph_key: None,
            t: Transcript::default(),
        }
    }

    /// Current state.
    pub fn state(&self) -> ChipState {
        self.state
    }

    /// Which password this run checks (for the retry counter after success).
    pub fn password_kind(&self) -> PasswordKind {
        self.password
    }

    transcript_accessors!();

    fn expect(&mut self, want: ChipState, step: &'static str) -> Result<()> {
        if self.state == want {
            Ok(())
        } else {
            let state = self.state.name();
            self.state = ChipState::Failed;
            Err(Error::OutOfOrder {
                role: "PACE chip",
                step,
                state,
            })
        }
    }

    pub(super) fn fail<T>(&mut self, r: Result<T>) -> Result<T> {
        if r.is_err() {
            self.state = ChipState::Failed;
        }
        r
    }

    /// GA step 1: chooses a random nonce `s` and returns `z = E(K_π, s)` for data object 80.
    pub fn encrypted_nonce<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        let mut s = vec![0u8; NONCE_LEN];
        if rng.try_fill_bytes(&mut s).is_err() {
            self.state = ChipState::Failed;
            return Err(Error::Rng);
        }
        self.encrypted_nonce_from(&SecretBytes::new(s))
    }

    /// GA step 1 with an explicit nonce (16 or 32 bytes).
    pub fn encrypted_nonce_from(&mut self, s: &SecretBytes) -> Result<Vec<u8>> {
        self.expect(ChipState::AwaitNonceRequest, "encrypted_nonce")?;
        let r = (|| {
            check_nonce_len(s.len(), "PACE nonce s")?;
            nonce_cipher(&self.k_pi)?.cbc_encrypt(&[0; AES_BLOCK], s.as_bytes(), "PACE nonce s")
        })();
        let z = self.fail(r)?;
        self.t.nonce = Some(s.clone());
        self.state = ChipState::AwaitMapping;
        Ok(z)
    }

    /// GA step 2: takes the terminal's mapping key (data object 81, `04||X||Y`), generates the
    /// chip's mapping key pair, computes `G̃`, returns `PK_IC,map` for data object 82.
    pub fn map_nonce<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        pk_pcd_map: &[u8],
        rng: &mut R,
    ) -> Result<EcPoint> {
        let key = EcPrivateKey::generate(self.params.curve, rng);
        let key = self.fail(key)?;
        self.map_nonce_with_key(pk_pcd_map, key)
    }

    /// GA step 2 with an explicit mapping private key.
    pub fn map_nonce_with_key(
        &mut self,
        pk_pcd_map: &[u8],
        sk_ic_map: EcPrivateKey,
    ) -> Result<EcPoint> {
        self.expect(ChipState::AwaitMapping, "map_nonce")?;
        let curve = self.params.curve;
        let nonce = self.t.nonce.clone();
        let params = self.params;
        let r = (|| {
            require_mapping(params, Mapping::Generic, "map_nonce")?;
            let peer = EcPoint::from_sec1(curve, pk_pcd_map, "PK_PCD,map")?;
            let own = sk_ic_map.public_key()?;
            let h = peer.mul(&sk_ic_map)?;
            let s = nonce.ok_or(Error::OutOfOrder {
                role: "PACE chip",
                step: "map_nonce",
                state: "no nonce",
            })?;
            let g = h.add_generator_multiple(s.as_bytes())?;
            Ok((own, h, g))
        })();
        let (own, h, g) = self.fail(r)?;
        self.t.mapping_point = Some(h);
        self.t.generator = Some(g);
        self.map_key = Some(sk_ic_map);
        self.state = ChipState::AwaitEphemeralKey;
        Ok(own)
    }

    /// GA step 2 of the Integrated Mapping: takes the terminal's nonce `t` (data object 81) and
    /// computes `G̃ = f_G(R_p(s, t))`; the response carries no mapping data (`7C 00`).
    pub fn map_nonce_integrated(&mut self, t: &[u8]) -> Result<()> {
        self.expect(ChipState::AwaitMapping, "map_nonce_integrated")?;
        let (params, nonce) = (self.params, self.t.nonce.clone());
        let r = (|| {
            require_mapping(params, Mapping::Integrated, "map_nonce_integrated")?;
            let s = nonce.ok_or(Error::OutOfOrder {
                role: "PACE chip",
                step: "map_nonce_integrated",
                state: "no nonce",
            })?;
            let r = im_prf_aes128(s.as_bytes(), t)?;
            Ok(integrated_mapping_point(params.curve, r.as_bytes())?.0)
        })();
        let g = self.fail(r)?;
        self.t.generator = Some(g);
        self.state = ChipState::AwaitEphemeralKey;
        Ok(())
    }

    /// GA step 3: takes the terminal's ephemeral key (data object 83), generates the chip's
    /// ephemeral key pair on `G̃`, agrees on K and the session keys; returns `PK_IC` for 84.
    pub fn key_agreement<R: RngCore + CryptoRng + ?Sized>(
        &mut self,
        pk_pcd: &[u8],
        rng: &mut R,
    ) -> Result<EcPoint> {
        let key = EcPrivateKey::generate(self.params.curve, rng);
        let key = self.fail(key)?;
        self.key_agreement_with_key(pk_pcd, key)
    }

    /// GA step 3 with an explicit ephemeral private key.
    pub fn key_agreement_with_key(
        &mut self,
        pk_pcd: &[u8],
        sk_ic: EcPrivateKey,
    ) -> Result<EcPoint> {
        self.expect(ChipState::AwaitEphemeralKey, "key_agreement")?;
        let r = agree(
            self.params,
            self.t.generator.as_ref(),
            pk_pcd,
            &sk_ic,
            "PK_PCD",
        );
        let (own, peer, k) = self.fail(r)?;
        self.t.keys = Some(SessionKeys::derive(k.as_bytes(), self.params.cipher));
        self.t.shared_secret = Some(k);
        self.t.own_ephemeral = Some(own.clone());
        self.t.peer_ephemeral = Some(peer);
        self.eph_key = Some(sk_ic);
        self.map_key = None;
        self.state = ChipState::AwaitToken;
        Ok(own)
    }

    /// GA step 4: verifies the terminal's token T_PCD (data object 85). On success returns T_IC
    /// for data object 86 and the session keys; on failure the run is over (and the caller
    /// counts a failed password attempt).
    pub fn verify_terminal_token(&mut self, t_pcd: &[u8]) -> Result<ChipOutcome> {
        self.expect(ChipState::AwaitToken, "verify_terminal_token")?;
        let r = (|| {
            let (keys, own, peer) =
                match (&self.t.keys, &self.t.own_ephemeral, &self.t.peer_ephemeral) {
                    (Some(k), Some(o), Some(p)) => (k, o, p),
                    _ => {
                        return Err(Error::OutOfOrder {
                            role: "PACE chip",
                            step: "verify_terminal_token",
                            state: "no keys",
                        });
                    }
                };
            let oid = self.params.protocol_oid();
            let expected = authentication_token(keys, oid, own)?;
            if !ct_eq(&expected, t_pcd) {
                return Err(Error::TokenMismatch { peer: "terminal" });
            }
            Ok(ChipOutcome {
                token: authentication_token(keys, oid, peer)?,
                keys: keys.clone(),
            })
        })();
        let out = self.fail(r)?;
        self.eph_key = None;
        self.state = ChipState::Established;
        Ok(out)
    }
}
