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

use crate::ec::{EcPoint, EcPrivateKey, integrated_mapping_point};
use crate::error::{Error, Result};
use crate::params::{Mapping, PaceParams};
use crate::password::{Password, PasswordKind};
use crate::sym::{AES_BLOCK, Aes, Cipher, KDF_ENC, KDF_MAC, SecretBytes, aes_cmac8, ct_eq, kdf};
use crate::tlv::{DynamicAuthData, public_key_data_object};
use rand::{CryptoRng, RngCore};

/// Length of the nonce `s` the chip chooses: one AES block.
pub const NONCE_LEN: usize = 16;

/// Session keys K_enc and K_mac of a secure-messaging session, derived from a shared secret
/// with KDF counters 1 and 2. Zeroized on drop; `Debug` is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKeys {
    cipher: Cipher,
    k_enc: SecretBytes,
    k_mac: SecretBytes,
}

impl SessionKeys {
    /// `K_enc = KDF(K, 1)`, `K_mac = KDF(K, 2)` for `cipher`.
    pub fn derive(shared_secret: &[u8], cipher: Cipher) -> Self {
        SessionKeys {
            cipher,
            k_enc: kdf(shared_secret, KDF_ENC, cipher),
            k_mac: kdf(shared_secret, KDF_MAC, cipher),
        }
    }

    /// Builds keys from known values (e.g. a vector); lengths must match the cipher.
    pub fn from_keys(cipher: Cipher, k_enc: &[u8], k_mac: &[u8]) -> Result<Self> {
        for (what, k) in [("K_enc", k_enc), ("K_mac", k_mac)] {
            if k.len() != cipher.key_len() {
                return Err(Error::BadLength {
                    what,
                    expected: cipher.key_len().to_string(),
                    actual: k.len(),
                });
            }
        }
        Ok(SessionKeys {
            cipher,
            k_enc: SecretBytes::new(k_enc.to_vec()),
            k_mac: SecretBytes::new(k_mac.to_vec()),
        })
    }

    /// The cipher these keys are for.
    pub fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// The encryption key K_enc.
    pub fn k_enc(&self) -> &[u8] {
        self.k_enc.as_bytes()
    }

    /// The MAC key K_mac.
    pub fn k_mac(&self) -> &[u8] {
        self.k_mac.as_bytes()
    }
}

/// Authentication token `T = MAC(K_mac, 7F49{06 OID, 86 PK})` truncated to 8 bytes, computed
/// over the *other* party's ephemeral public key (AES-CMAC; ICAO 9303-11 §4.4.3.4).
pub fn authentication_token(
    keys: &SessionKeys,
    protocol_oid: &[u8],
    peer_ephemeral: &EcPoint,
) -> Result<[u8; 8]> {
    aes_cmac8(
        keys.k_mac(),
        &public_key_data_object(protocol_oid, peer_ephemeral),
    )
}

/// Decrypts or encrypts the nonce: AES-CBC with a zero IV under K_π.
fn nonce_cipher(k_pi: &SecretBytes) -> Result<Aes> {
    Aes::new(k_pi.as_bytes(), "K_pi")
}

fn check_nonce_len(len: usize, what: &'static str) -> Result<()> {
    if len == 0 || !len.is_multiple_of(AES_BLOCK) || len > 2 * AES_BLOCK {
        return Err(Error::BadLength {
            what,
            expected: "16 or 32".into(),
            actual: len,
        });
    }
    Ok(())
}

/// Constants of the AES pseudo-random function of the Integrated Mapping (ICAO 9303-11
/// §4.4.3.3.2), AES-128.
const IM_C0_AES128: [u8; AES_BLOCK] = [
    0xA6, 0x68, 0x89, 0x2A, 0x7C, 0x41, 0xE3, 0xCA, 0x73, 0x9F, 0x40, 0xB0, 0x57, 0xD8, 0x59, 0x04,
];
const IM_C1_AES128: [u8; AES_BLOCK] = [
    0xA4, 0xE1, 0x36, 0xAC, 0x72, 0x5F, 0x73, 0x8B, 0x01, 0xC1, 0xF6, 0x02, 0x17, 0xC1, 0x88, 0xAD,
];

/// `R(s, t)` of the Integrated Mapping with AES-128: `k = E(t, s)`, then
/// `n = ceil((log2 p + 64) / 128) = 3` rounds of `out ||= E(k, c1); k = E(k, c0)`.
pub(crate) fn im_prf_aes128(s: &[u8], t: &[u8]) -> Result<SecretBytes> {
    for (what, v) in [("PACE nonce s", s), ("PACE IM nonce t", t)] {
        if v.len() != AES_BLOCK {
            return Err(Error::BadLength {
                what,
                expected: "16".into(),
                actual: v.len(),
            });
        }
    }
    let mut key = [0u8; AES_BLOCK];
    key.copy_from_slice(s);
    Aes::new(t, "PACE IM nonce t")?.encrypt_block(&mut key);
    let mut out = Vec::with_capacity(3 * AES_BLOCK);
    for _ in 0..3 {
        let cipher = Aes::new(&key, "IM key")?;
        let mut block = IM_C1_AES128;
        cipher.encrypt_block(&mut block);
        out.extend_from_slice(&block);
        key = IM_C0_AES128;
        cipher.encrypt_block(&mut key);
    }
    key.fill(0);
    Ok(SecretBytes::new(out))
}

fn require_mapping(params: PaceParams, want: Mapping, step: &'static str) -> Result<()> {
    if params.mapping == want {
        Ok(())
    } else {
        Err(Error::BadInput {
            what: "PACE mapping",
            reason: format!(
                "{step} does not belong to the {:?} mapping of these parameters",
                params.mapping
            ),
        })
    }
}

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
    fn name(self) -> &'static str {
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
    params: PaceParams,
    password: PasswordKind,
    k_pi: SecretBytes,
    state: ChipState,
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

    fn fail<T>(&mut self, r: Result<T>) -> Result<T> {
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

/// Step 3 shared by both roles: validate the peer's ephemeral key, compute ours on `G̃`, refuse a
/// reflected key, and return (own public, peer public, K = x(SK · PK_peer)).
fn agree(
    params: PaceParams,
    generator: Option<&EcPoint>,
    peer_bytes: &[u8],
    sk: &EcPrivateKey,
    what: &'static str,
) -> Result<(EcPoint, EcPoint, SecretBytes)> {
    let g = generator.ok_or(Error::OutOfOrder {
        role: "PACE",
        step: "key agreement",
        state: "no mapped generator",
    })?;
    let peer = EcPoint::from_sec1(params.curve, peer_bytes, what)?;
    let own = sk.public_key_on(g)?;
    if own == peer {
        return Err(Error::ReflectedPublicKey);
    }
    let shared = peer.mul(sk)?;
    Ok((own, peer, SecretBytes::new(shared.x().to_vec())))
}

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
    fn name(self) -> &'static str {
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
    params: PaceParams,
    k_pi: SecretBytes,
    state: TerminalState,
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

    fn fail<T>(&mut self, r: Result<T>) -> Result<T> {
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

// ---------------------------------------------------------------------------------------------
// GENERAL AUTHENTICATE drivers: the whole exchange as "bytes in, bytes out", so the chip's APDU
// handler and the terminal's inspection loop only move data fields and map errors.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn im_pseudo_random_function_appendix_h1() {
        let s = hex::decode("2923BE84E16CD6AE529049F1F1BBE9EB").unwrap();
        let t = hex::decode("5DD4CBFC96F5453B130D890A1CDBAE32").unwrap();
        assert_eq!(
            hex::encode_upper(im_prf_aes128(&s, &t).unwrap().as_bytes()),
            "E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA\
             8DA0FF397ED8C445D3E421E4FEB57322"
        );
        assert!(matches!(
            im_prf_aes128(&s, &t[..8]),
            Err(Error::BadLength { .. })
        ));
    }
}
