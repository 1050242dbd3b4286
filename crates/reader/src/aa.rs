//! Active Authentication (ICAO 9303-11 §6.1), terminal side: the DG15 public key, INTERNAL
//! AUTHENTICATE, and verification of RSA ISO/IEC 9796-2 scheme 1 (partial recovery) and ECDSA
//! P-256 plain r||s (BSI TR-03111) signatures. Also the host-generated RSA key of the
//! key-injection profiles (generated, injected, then dropped: the private parts zeroize).

use crate::apdu::Command;
use crate::error::Error;
use p256::ecdsa::signature::Verifier;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use std::fmt;
use zeroize::Zeroizing;

/// The Active Authentication public key from DG15.
#[derive(Clone, PartialEq, Eq)]
pub enum AaPublicKey {
    Rsa(RsaPublicKey),
    EcP256(p256::PublicKey),
}

impl fmt::Debug for AaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AaPublicKey::Rsa(k) => write!(f, "AaPublicKey::Rsa({} bits)", k.n().bits()),
            AaPublicKey::EcP256(_) => f.write_str("AaPublicKey::EcP256"),
        }
    }
}

impl AaPublicKey {
    /// From a SubjectPublicKeyInfo (DER).
    pub fn from_spki(der: &[u8]) -> Result<Self, Error> {
        if let Ok(k) = RsaPublicKey::from_public_key_der(der) {
            return Ok(AaPublicKey::Rsa(k));
        }
        if let Ok(k) = p256::PublicKey::from_public_key_der(der) {
            return Ok(AaPublicKey::EcP256(k));
        }
        Err(Error::Inspect {
            file: "DG15".into(),
            reason: "SubjectPublicKeyInfo is neither RSA nor EC P-256 (other curves unsupported)"
                .into(),
        })
    }

    /// From a DG15 file (`6F L SubjectPublicKeyInfo`).
    pub fn from_dg15(dg15: &[u8]) -> Result<Self, Error> {
        match crate::tlv::read(dg15) {
            Ok((0x6F, spki, used)) if used == dg15.len() => AaPublicKey::from_spki(spki),
            _ => Err(Error::Inspect {
                file: "DG15".into(),
                reason: "not a 6F TLV filling the file".into(),
            }),
        }
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        match self {
            AaPublicKey::Rsa(k) => format!("RSA-{}", k.n().bits()),
            AaPublicKey::EcP256(_) => "ECDSA P-256".into(),
        }
    }

    /// Verifies a signature over the 8-byte challenge.
    pub fn verify(&self, challenge: &[u8], signature: &[u8]) -> Result<(), String> {
        match self {
            AaPublicKey::Rsa(k) => verify_rsa_9796_2(k, challenge, signature),
            AaPublicKey::EcP256(k) => verify_ecdsa_p256(k, challenge, signature),
        }
    }
}

/// INTERNAL AUTHENTICATE with an 8-byte challenge, Le 256.
pub fn internal_authenticate_command(challenge: &[u8; 8]) -> Command {
    Command::new(0x00, 0x88, 0x00, 0x00)
        .with_data(challenge.to_vec())
        .with_le(256)
}

/// ISO/IEC 9796-2 digital signature scheme 1 with partial recovery: f = s^e mod n (or n - f
/// when f does not end in nibble C), header 6A, trailer BC (SHA-1) or xxCC (option 2), and
/// D = H(M1 || challenge).
pub fn verify_rsa_9796_2(
    key: &RsaPublicKey,
    challenge: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let n = key.n();
    let k = n.bits().div_ceil(8);
    let s = BigUint::from_bytes_be(signature);
    if &s >= n {
        return Err("signature is not smaller than the modulus".into());
    }
    let mut f = s.modpow(key.e(), n);
    if (&f % 16u32) != BigUint::from(12u32) {
        f = n - &f;
    }
    let fb = f.to_bytes_be();
    if fb.len() > k || fb.len() < 2 + 20 {
        return Err("recovered message has the wrong length".into());
    }
    let mut full = vec![0u8; k - fb.len()];
    full.extend_from_slice(&fb);
    // The leading byte is 6A when the modulus bit length is a multiple of 8; skip zero bytes.
    let start = full.iter().position(|&b| b != 0).unwrap_or(full.len());
    let fb = &full[start..];
    if fb.first() != Some(&0x6A) {
        return Err(format!(
            "header is {:02X}, expected 6A",
            fb.first().copied().unwrap_or(0)
        ));
    }
    let (hash_len, trailer_len): (usize, usize) = match fb[fb.len() - 1] {
        0xBC => (20, 1),
        0xCC => match fb[fb.len() - 2] {
            0x33 => (20, 2),
            0x38 => (28, 2),
            0x34 => (32, 2),
            0x36 => (48, 2),
            0x35 => (64, 2),
            other => return Err(format!("unknown hash identifier {other:02X} in trailer")),
        },
        other => return Err(format!("trailer {other:02X} is neither BC nor xxCC")),
    };
    if fb.len() < 1 + hash_len + trailer_len {
        return Err("recovered message too short".into());
    }
    let d = &fb[fb.len() - trailer_len - hash_len..fb.len() - trailer_len];
    let m1 = &fb[1..fb.len() - trailer_len - hash_len];
    let mut msg = m1.to_vec();
    msg.extend_from_slice(challenge);
    let digest: Vec<u8> = match (hash_len, trailer_len) {
        (20, _) => Sha1::digest(&msg).to_vec(),
        (28, _) => Sha224::digest(&msg).to_vec(),
        (32, _) => Sha256::digest(&msg).to_vec(),
        (48, _) => Sha384::digest(&msg).to_vec(),
        _ => Sha512::digest(&msg).to_vec(),
    };
    if crate::crypto::ct_eq(&digest, d) {
        Ok(())
    } else {
        Err("digest does not match H(M1 || challenge)".into())
    }
}

/// ECDSA P-256 with SHA-256 over the challenge; the signature is plain r||s (64 bytes), or DER
/// (accepted: some national cards answer X9.62).
pub fn verify_ecdsa_p256(
    key: &p256::PublicKey,
    challenge: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let vk = p256::ecdsa::VerifyingKey::from(key);
    let sig = if signature.len() == 64 {
        p256::ecdsa::Signature::from_slice(signature)
            .map_err(|e| format!("signature r||s invalid: {e}"))?
    } else {
        p256::ecdsa::Signature::from_der(signature)
            .map_err(|e| format!("signature is neither r||s nor DER: {e}"))?
    };
    vk.verify(challenge, &sig)
        .map_err(|_| "ECDSA signature does not verify".to_string())
}

/// SubjectPublicKeyInfo (DER) of a P-256 point (65 bytes, uncompressed), after checking the
/// point is on the curve.
pub fn p256_spki(point: &[u8]) -> Result<Vec<u8>, Error> {
    let pk = p256::PublicKey::from_sec1_bytes(point).map_err(|_| Error::Key {
        purpose: "chip public key",
        reason: "not a valid P-256 point".into(),
    })?;
    pk.to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| Error::Key {
            purpose: "chip public key",
            reason: e.to_string(),
        })
}

/// A host-generated RSA Active Authentication key, on its way to the chip. The private exponent
/// zeroizes on drop (as does the `rsa` crate's key), so it lives only as long as the injection.
pub struct InjectedRsaKey {
    /// Modulus, big-endian, no leading zero.
    pub modulus: Vec<u8>,
    /// Private exponent, big-endian.
    pub private_exponent: Zeroizing<Vec<u8>>,
    /// SubjectPublicKeyInfo DER (for DG15).
    pub spki: Vec<u8>,
}

impl fmt::Debug for InjectedRsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "InjectedRsaKey {{ {} bits, private exponent redacted }}",
            self.modulus.len() * 8
        )
    }
}

impl InjectedRsaKey {
    /// Generates a key of `bits` with e = 65537.
    pub fn generate(
        bits: usize,
        rng: &mut (impl rand::CryptoRng + rand::RngCore),
    ) -> Result<Self, Error> {
        let key = RsaPrivateKey::new(rng, bits).map_err(|e| Error::Key {
            purpose: "AA (RSA)",
            reason: e.to_string(),
        })?;
        let spki = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| Error::Key {
                purpose: "AA (RSA)",
                reason: e.to_string(),
            })?
            .as_bytes()
            .to_vec();
        Ok(InjectedRsaKey {
            modulus: key.n().to_bytes_be(),
            private_exponent: Zeroizing::new(key.d().to_bytes_be()),
            spki,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;

    #[test]
    fn ecdsa_plain_and_der_signatures_verify() {
        let sk = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let pk = p256::PublicKey::from(sk.verifying_key());
        let challenge = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let sig: p256::ecdsa::Signature = sk.sign(&challenge);
        let key = AaPublicKey::from_spki(&p256_spki(&pk.to_sec1_bytes()).unwrap()).unwrap();
        assert!(key.verify(&challenge, &sig.to_bytes()).is_ok());
        assert!(key.verify(&challenge, sig.to_der().as_bytes()).is_ok());
        assert!(key.verify(&[0; 8], &sig.to_bytes()).is_err());
        assert!(key.verify(&challenge, &[0; 64]).is_err());
        assert!(key.verify(&challenge, &[1, 2, 3]).is_err());
        assert!(p256_spki(&[4; 65]).is_err());
        assert!(AaPublicKey::from_spki(&[0x30, 0]).is_err());
        assert!(AaPublicKey::from_dg15(&[0x6E, 0]).is_err());
    }
}
