//! The `Signer` seam: every private-key operation in the crate (certificates, CRLs, EF.SOD, audit
//! checkpoints) goes through this trait, so a software key today and an HSM at scale tomorrow are
//! interchangeable. Implementations: [`crate::SoftwareSigner`] (ring, encrypted PKCS#8 file) and
//! [`crate::Pkcs11Signer`] (cryptoki, e.g. SoftHSM2).

use crate::error::{Error, Result};
use crate::oids;
use der::asn1::{Any, BitString, ObjectIdentifier, Uint};
use der::{Encode, Sequence};
use serde::{Deserialize, Serialize};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// The curves we generate keys on. Each has one hash (P-256 ↔ SHA-256, P-384 ↔ SHA-384).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// Parses `p256` / `p384` (also `P-256`, `prime256v1`, `secp384r1`).
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "p256" | "p-256" | "prime256v1" | "secp256r1" => Ok(Curve::P256),
            "p384" | "p-384" | "secp384r1" => Ok(Curve::P384),
            other => Err(Error::Algorithm(format!(
                "curve {other:?} (expected p256 or p384)"
            ))),
        }
    }
    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }
    /// The named-curve OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => oids::P256,
            Curve::P384 => oids::P384,
        }
    }
    /// DER of the named-curve OID (PKCS#11 `CKA_EC_PARAMS`).
    pub fn oid_der(self) -> Vec<u8> {
        self.oid().to_der().unwrap_or_default()
    }
    /// Byte length of a field element (and of r and s).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }
    /// The signature algorithm OID used with this curve.
    pub fn signature_oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => oids::ECDSA_SHA256,
            Curve::P384 => oids::ECDSA_SHA384,
        }
    }
    /// The digest OID paired with this curve.
    pub fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => oids::SHA256,
            Curve::P384 => oids::SHA384,
        }
    }
    /// Hashes `msg` with this curve's digest.
    pub fn digest(self, msg: &[u8]) -> Vec<u8> {
        let alg = match self {
            Curve::P256 => &ring::digest::SHA256,
            Curve::P384 => &ring::digest::SHA384,
        };
        ring::digest::digest(alg, msg).as_ref().to_vec()
    }
    /// `AlgorithmIdentifier` for signatures (ECDSA: parameters absent, RFC 5758).
    pub fn signature_algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.signature_oid(),
            parameters: None,
        }
    }
    /// `AlgorithmIdentifier` for the digest (parameters absent, Part 10 Note 2).
    pub fn digest_algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.digest_oid(),
            parameters: None,
        }
    }
}

/// A private key that produces ECDSA signatures for X.509 certificates, CRLs, CMS and audit
/// checkpoints. `sign` hashes the message with the curve's digest and returns the DER
/// `ECDSA-Sig-Value`, ready to put into a certificate or SignerInfo.
pub trait Signer: Send + Sync {
    /// The key's curve (and so its hash).
    fn curve(&self) -> Curve;
    /// The public key as SubjectPublicKeyInfo (named curve).
    fn public_key(&self) -> &SubjectPublicKeyInfoOwned;
    /// Signs `message` (hashed here or on the token); returns DER `ECDSA-Sig-Value`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
    /// Where the key lives, for messages and `pki list`.
    fn describe(&self) -> String;
    /// The signature `AlgorithmIdentifier` for this key.
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.curve().signature_algorithm()
    }
}

/// Builds a named-curve EC SubjectPublicKeyInfo from an uncompressed point.
pub fn ec_spki(curve: Curve, point: &[u8]) -> Result<SubjectPublicKeyInfoOwned> {
    if point.len() != 1 + 2 * curve.field_len() || point[0] != 0x04 {
        return Err(Error::Algorithm(format!(
            "{} public key is not an uncompressed point ({} bytes)",
            curve.name(),
            point.len()
        )));
    }
    Ok(SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: oids::EC_PUBLIC_KEY,
            parameters: Some(Any::from(&curve.oid())),
        },
        subject_public_key: BitString::from_bytes(point).map_err(Error::der("public key"))?,
    })
}

/// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
#[derive(Sequence)]
pub(crate) struct EcdsaSigValue {
    pub r: Uint,
    pub s: Uint,
}

/// DER-encodes a raw `r||s` signature (PKCS#11 `CKM_ECDSA` output) as `ECDSA-Sig-Value`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(Error::Algorithm(format!(
            "raw ECDSA signature has odd length {}",
            raw.len()
        )));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let v = EcdsaSigValue {
        r: Uint::new(r).map_err(Error::der("signature r"))?,
        s: Uint::new(s).map_err(Error::der("signature s"))?,
    };
    v.to_der().map_err(Error::der("ECDSA-Sig-Value"))
}

/// SHA-256 fingerprint (hex, lower case) of DER bytes.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, data))
}
