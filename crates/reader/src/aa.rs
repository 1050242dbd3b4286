//! Active Authentication (ICAO 9303-11 §6.1), terminal side: the DG15 public key, INTERNAL
//! AUTHENTICATE, and the verification of its answer. The signature formats themselves — RSA
//! ISO/IEC 9796-2 scheme 1 and ECDSA plain r||s (BSI TR-03111) — are `pace::aa`'s, the same code
//! the virtual chip signs with. Also the host-generated RSA key of the key-injection profiles
//! (generated, injected, then dropped: the private parts zeroize).

use crate::apdu::Command;
use crate::error::Error;
use pace::{AaHash, Curve, EcPoint};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{RsaPrivateKey, RsaPublicKey};
use std::fmt;
use zeroize::Zeroizing;

/// The Active Authentication public key from DG15.
#[derive(Clone, PartialEq, Eq)]
pub enum AaPublicKey {
    Rsa(RsaPublicKey),
    /// An EC key on a curve `pace` implements (P-256, brainpoolP256r1), named or explicit.
    Ec(EcPoint),
}

impl fmt::Debug for AaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AaPublicKey::Rsa(k) => write!(f, "AaPublicKey::Rsa({} bits)", k.n().bits()),
            AaPublicKey::Ec(p) => write!(f, "AaPublicKey::Ec({})", p.curve().name()),
        }
    }
}

impl AaPublicKey {
    /// From a SubjectPublicKeyInfo (DER).
    pub fn from_spki(der: &[u8]) -> Result<Self, Error> {
        if let Ok(k) = RsaPublicKey::from_public_key_der(der) {
            return Ok(AaPublicKey::Rsa(k));
        }
        let ec = lds::SubjectPublicKeyInfo::decode(der, 0)
            .ok()
            .filter(|spki| spki.algorithm.0.as_slice() == lds::asn1::oids::EC_PUBLIC_KEY)
            .and_then(|spki| {
                EcPoint::from_spki_parts(spki.parameters.as_deref()?, &spki.key, "AA public key")
                    .ok()
            });
        match ec {
            Some(point) => Ok(AaPublicKey::Ec(point)),
            None => Err(Error::Inspect {
                file: "DG15".into(),
                reason: "SubjectPublicKeyInfo is neither RSA nor EC on P-256 or brainpoolP256r1 \
                         (other curves unsupported)"
                    .into(),
            }),
        }
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
            AaPublicKey::Ec(p) => match p.curve() {
                Curve::NistP256 => "ECDSA P-256".into(),
                Curve::BrainpoolP256r1 => "ECDSA brainpoolP256r1".into(),
            },
        }
    }

    /// Verifies a signature over the 8-byte challenge: RSA 9796-2, or ECDSA with SHA-256 (our
    /// chips' ActiveAuthenticationInfo) in plain r||s or, as some national cards answer, DER.
    pub fn verify(&self, challenge: &[u8], signature: &[u8]) -> Result<(), String> {
        match self {
            AaPublicKey::Rsa(k) => pace::aa::rsa::verify(k, challenge, signature),
            AaPublicKey::Ec(p) => pace::aa::verify(p, AaHash::Sha256, challenge, signature)
                .map(|_form| ())
                .map_err(|e| match e {
                    pace::Error::SignatureInvalid => "ECDSA signature does not verify".to_string(),
                    other => format!("signature is neither a valid r||s nor DER: {other}"),
                }),
        }
    }
}

/// INTERNAL AUTHENTICATE with an 8-byte challenge, Le 256.
pub fn internal_authenticate_command(challenge: &[u8; 8]) -> Command {
    Command::new(0x00, 0x88, 0x00, 0x00)
        .with_data(challenge.to_vec())
        .with_le(256)
}

/// ISO/IEC 9796-2 scheme 1 verification of an RSA AA answer (`pace::aa::rsa::verify`).
pub use pace::aa::rsa::verify as verify_rsa_9796_2;

/// SubjectPublicKeyInfo (DER) of a P-256 point (65 bytes, uncompressed), after checking the
/// point is on the curve: id-ecPublicKey with the named curve prime256v1.
pub fn p256_spki(point: &[u8]) -> Result<Vec<u8>, Error> {
    let point =
        EcPoint::from_sec1(Curve::NistP256, point, "chip public key").map_err(|_| Error::Key {
            purpose: "chip public key",
            reason: "not a valid P-256 point".into(),
        })?;
    let algorithm = lds::Oid(lds::asn1::oids::EC_PUBLIC_KEY.to_vec());
    let curve = lds::Oid(lds::asn1::oids::P256.to_vec()).to_der();
    Ok(lds::SubjectPublicKeyInfo::new(algorithm, Some(curve), point.to_sec1().to_vec()).der)
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

    /// `30 L 02 Lr r 02 Ls s` from plain r||s (the X9.62 form some cards answer with).
    fn der_signature(plain: &[u8; 64]) -> Vec<u8> {
        let int = |v: &[u8]| {
            let v = &v[v.iter().take_while(|&&b| b == 0).count()..];
            let mut out = vec![0x02];
            let pad = v.first().is_some_and(|b| b & 0x80 != 0);
            out.push((v.len() + usize::from(pad)) as u8);
            if pad {
                out.push(0);
            }
            out.extend_from_slice(v);
            out
        };
        let body = [int(&plain[..32]), int(&plain[32..])].concat();
        [vec![0x30, body.len() as u8], body].concat()
    }

    #[test]
    fn ecdsa_plain_and_der_signatures_verify() {
        let mut rng = rand::rngs::OsRng;
        let sk = pace::EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap();
        let pk = sk.public_key().unwrap();
        let challenge = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let sig = pace::AaSigner::new(sk)
            .sign(AaHash::Sha256, &challenge, &mut rng)
            .unwrap();
        let key = AaPublicKey::from_spki(&p256_spki(pk.to_sec1()).unwrap()).unwrap();
        assert!(key.verify(&challenge, &sig).is_ok());
        assert!(key.verify(&challenge, &der_signature(&sig)).is_ok());
        assert!(key.verify(&[0; 8], &sig).is_err());
        assert!(key.verify(&challenge, &[0; 64]).is_err());
        assert!(key.verify(&challenge, &[1, 2, 3]).is_err());
        assert!(p256_spki(&[4; 65]).is_err());
        assert!(AaPublicKey::from_spki(&[0x30, 0]).is_err());
        assert!(AaPublicKey::from_dg15(&[0x6E, 0]).is_err());
    }
}
