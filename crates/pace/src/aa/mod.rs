//! Active Authentication (ICAO 9303-11 §6.1), written once for the chip and the terminal: ECDSA
//! here (signatures in the plain `r || s` format of BSI TR-03111), RSA with ISO/IEC 9796-2 in
//! [`rsa`].
//!
//! The terminal sends INTERNAL AUTHENTICATE with an 8-byte challenge RND.IFD; the chip signs
//! `M = RND.IFD` with the AA private key (whose public key is in DG15) using the hash that
//! DG14's ActiveAuthenticationInfo names (ecdsa-plain-SHA224/256/384/512). The private key never
//! leaves the chip: a clone without it cannot answer.
//!
//! P-256 signing and verification use the `p256` crate (RFC 6979 deterministic nonces when
//! signing). brainpoolP256r1 uses this crate's generic ECDSA over `bp256` arithmetic
//! (variable-time, random nonces).

pub mod rsa;

use crate::ec::{Curve, EcPoint, EcPrivateKey, ecdsa_sign_with_nonce, ecdsa_verify, hex_upper};
use crate::error::{Error, Result};
use crate::params::{
    ECDSA_PLAIN_SHA224, ECDSA_PLAIN_SHA256, ECDSA_PLAIN_SHA384, ECDSA_PLAIN_SHA512,
};
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use rand::{CryptoRng, RngCore};
use sha2::Digest;

/// Hash of an ECDSA AA signature, from ActiveAuthenticationInfo.signatureAlgorithm. SHA-1 is
/// forbidden for ECDSA AA by ICAO 9303-11 §6.1.2.3 and not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AaHash {
    /// SHA-224 (ecdsa-plain-SHA224).
    Sha224,
    /// SHA-256 (ecdsa-plain-SHA256): our profile's choice.
    Sha256,
    /// SHA-384 (ecdsa-plain-SHA384).
    Sha384,
    /// SHA-512 (ecdsa-plain-SHA512).
    Sha512,
}

impl AaHash {
    /// The hash named by a signature algorithm OID (content octets).
    pub fn from_signature_oid(oid: &[u8]) -> Result<Self> {
        match oid {
            o if o == ECDSA_PLAIN_SHA224 => Ok(AaHash::Sha224),
            o if o == ECDSA_PLAIN_SHA256 => Ok(AaHash::Sha256),
            o if o == ECDSA_PLAIN_SHA384 => Ok(AaHash::Sha384),
            o if o == ECDSA_PLAIN_SHA512 => Ok(AaHash::Sha512),
            other => Err(Error::UnsupportedOid {
                what: "AA signature algorithm (ecdsa-plain-SHA224/256/384/512)",
                oid_hex: hex_upper(other),
            }),
        }
    }

    /// The signature algorithm OID content octets, for ActiveAuthenticationInfo in DG14.
    pub fn signature_oid(self) -> &'static [u8] {
        match self {
            AaHash::Sha224 => ECDSA_PLAIN_SHA224,
            AaHash::Sha256 => ECDSA_PLAIN_SHA256,
            AaHash::Sha384 => ECDSA_PLAIN_SHA384,
            AaHash::Sha512 => ECDSA_PLAIN_SHA512,
        }
    }

    /// `H(message)`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            AaHash::Sha224 => sha2::Sha224::digest(message).to_vec(),
            AaHash::Sha256 => sha2::Sha256::digest(message).to_vec(),
            AaHash::Sha384 => sha2::Sha384::digest(message).to_vec(),
            AaHash::Sha512 => sha2::Sha512::digest(message).to_vec(),
        }
    }
}

/// Chip side: the AA private key and the signing operation of INTERNAL AUTHENTICATE.
#[derive(Debug, Clone)]
pub struct AaSigner {
    key: EcPrivateKey,
}

impl AaSigner {
    /// Wraps the chip's AA private key (generated on the chip or injected at personalization).
    pub fn new(key: EcPrivateKey) -> Self {
        AaSigner { key }
    }

    /// The public key that goes into DG15.
    pub fn public_key(&self) -> Result<EcPoint> {
        self.key.public_key()
    }

    /// Signs `challenge` (RND.IFD) and returns plain `r || s` (64 bytes): the response data of
    /// INTERNAL AUTHENTICATE. P-256 is deterministic (RFC 6979) and ignores `rng`;
    /// brainpoolP256r1 draws its nonce from `rng`.
    pub fn sign<R: RngCore + CryptoRng + ?Sized>(
        &self,
        hash: AaHash,
        challenge: &[u8],
        rng: &mut R,
    ) -> Result<[u8; 64]> {
        let digest = hash.digest(challenge);
        match self.key.curve() {
            Curve::NistP256 => {
                let sk = p256::ecdsa::SigningKey::from_slice(&self.key.to_bytes()[..]).map_err(
                    |_| Error::InvalidScalar {
                        what: "AA private key",
                        curve: "NIST P-256",
                    },
                )?;
                let sig: p256::ecdsa::Signature =
                    sk.sign_prehash(&digest)
                        .map_err(|_| Error::MalformedSignature {
                            reason: "P-256 signing failed",
                        })?;
                let mut out = [0u8; 64];
                out.copy_from_slice(&sig.to_bytes());
                Ok(out)
            }
            Curve::BrainpoolP256r1 => {
                for _ in 0..16 {
                    let k = EcPrivateKey::generate(self.key.curve(), rng)?;
                    if let Some(sig) = ecdsa_sign_with_nonce(&self.key, &k, &digest) {
                        return Ok(sig);
                    }
                }
                Err(Error::Rng)
            }
        }
    }

    /// Signs with an explicit per-signature nonce `k` (reproducing a known-answer vector; never
    /// reuse a nonce: two signatures with one `k` reveal the key).
    pub fn sign_with_nonce(
        &self,
        hash: AaHash,
        challenge: &[u8],
        k: &EcPrivateKey,
    ) -> Result<[u8; 64]> {
        ecdsa_sign_with_nonce(&self.key, k, &hash.digest(challenge)).ok_or(Error::InvalidScalar {
            what: "ECDSA nonce k",
            curve: self.key.curve().name(),
        })
    }
}

/// The encoding a verified signature came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureForm {
    /// Plain `r || s` as ICAO 9303-11 and BSI TR-03111 require.
    Plain,
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (X9.62): some national cards answer this
    /// way; accepted, and the inspection report should warn.
    Der,
}

/// Terminal side: verifies the chip's INTERNAL AUTHENTICATE response against the DG15 public key.
pub fn verify(
    public_key: &EcPoint,
    hash: AaHash,
    challenge: &[u8],
    signature: &[u8],
) -> Result<SignatureForm> {
    let (r, s, form) = if signature.len() == 64 {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&signature[..32]);
        s.copy_from_slice(&signature[32..]);
        (r, s, SignatureForm::Plain)
    } else {
        let (r, s) = parse_der_signature(signature)?;
        (r, s, SignatureForm::Der)
    };
    let digest = hash.digest(challenge);
    let ok = match public_key.curve() {
        Curve::NistP256 => {
            let vk =
                p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key.to_sec1()).map_err(|_| {
                    Error::InvalidPoint {
                        what: "AA public key",
                        curve: "NIST P-256",
                        reason: "rejected by p256",
                    }
                })?;
            match p256::ecdsa::Signature::from_scalars(r, s) {
                Ok(sig) => vk.verify_prehash(&digest, &sig).is_ok(),
                Err(_) => false,
            }
        }
        Curve::BrainpoolP256r1 => ecdsa_verify(public_key, &digest, &r, &s),
    };
    if ok {
        Ok(form)
    } else {
        Err(Error::SignatureInvalid)
    }
}

/// Strict DER `30 L 02 Lr r 02 Ls s` with r, s of at most 32 significant bytes.
fn parse_der_signature(sig: &[u8]) -> Result<([u8; 32], [u8; 32])> {
    let bad = |reason| Error::MalformedSignature { reason };
    if sig.len() < 8 || sig[0] != 0x30 || usize::from(sig[1]) != sig.len() - 2 || sig[1] >= 0x80 {
        return Err(bad("neither 64-byte r||s nor a DER SEQUENCE"));
    }
    let mut at = 2;
    let mut ints = [[0u8; 32]; 2];
    for out in ints.iter_mut() {
        if sig.get(at) != Some(&0x02) {
            return Err(bad("DER: expected INTEGER"));
        }
        let len = usize::from(*sig.get(at + 1).ok_or(bad("DER: truncated"))?);
        let v = sig
            .get(at + 2..at + 2 + len)
            .ok_or(bad("DER: truncated INTEGER"))?;
        let v = match v {
            [0x00, rest @ ..] if rest.first().is_some_and(|b| b & 0x80 != 0) => rest,
            [first, ..] if first & 0x80 == 0 && !(*first == 0 && v.len() > 1) => v,
            _ => return Err(bad("DER: negative, empty or non-minimal INTEGER")),
        };
        if v.len() > 32 {
            return Err(bad("DER: INTEGER longer than the group order"));
        }
        out[32 - v.len()..].copy_from_slice(v);
        at += 2 + len;
    }
    if at != sig.len() {
        return Err(bad("DER: trailing bytes"));
    }
    Ok((ints[0], ints[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_oids() {
        for h in [
            AaHash::Sha224,
            AaHash::Sha256,
            AaHash::Sha384,
            AaHash::Sha512,
        ] {
            assert_eq!(AaHash::from_signature_oid(h.signature_oid()).unwrap(), h);
        }
        // ecdsa-plain-SHA1 is forbidden for AA.
        let sha1 = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01, 0x01];
        assert!(matches!(
            AaHash::from_signature_oid(&sha1),
            Err(Error::UnsupportedOid { .. })
        ));
    }

    #[test]
    fn der_parser_rejects_garbage() {
        for bad in [
            &[][..],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00][..],
            &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01][..],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x03, 0x01, 0x01][..],
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01][..],
            &[0x30, 0x06, 0x02, 0x05, 0x01, 0x02, 0x01, 0x01][..],
        ] {
            assert!(parse_der_signature(bad).is_err(), "{bad:02X?}");
        }
        let (r, s) =
            parse_der_signature(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x01]).unwrap();
        assert_eq!((r[31], s[31]), (0x81, 0x01));
    }
}
