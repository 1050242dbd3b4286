//! The arithmetic between the GA messages that both roles run identically: the nonce
//! encryption under K_π, the pseudo-random function of the Integrated Mapping, the mapping
//! check, and the key agreement of step 3. Kept apart from the two state machines so the chip
//! and the terminal cannot drift: each calls the one copy here.

use crate::ec::{EcPoint, EcPrivateKey};
use crate::error::{Error, Result};
use crate::params::{Mapping, PaceParams};
use crate::sym::{AES_BLOCK, Aes, SecretBytes};

/// Decrypts or encrypts the nonce: AES-CBC with a zero IV under K_π.
pub(super) fn nonce_cipher(k_pi: &SecretBytes) -> Result<Aes> {
    Aes::new(k_pi.as_bytes(), "K_pi")
}

pub(super) fn check_nonce_len(len: usize, what: &'static str) -> Result<()> {
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

pub(super) fn require_mapping(params: PaceParams, want: Mapping, step: &'static str) -> Result<()> {
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

/// Step 3 shared by both roles: validate the peer's ephemeral key, compute ours on `G̃`, refuse a
/// reflected key, and return (own public, peer public, K = x(SK · PK_peer)).
pub(super) fn agree(
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
