//! The chip's private keys: Active Authentication (RSA with ISO/IEC 9796-2 scheme 1 for the
//! JMRTD profile, ECDSA P-256 with plain r||s for cccd-chip) and the Chip Authentication ECDH
//! P-256 key. RSA AA keys are injected by the personalization terminal (JMRTD PUT DATA 60/61);
//! EC keys are generated on the chip (GENERATE ASYMMETRIC KEY PAIR) and never leave it.
//! Secret material is zeroized on drop and never printed by `Debug`.

use pace::{AaHash, Curve, EcPrivateKey};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The ISO/IEC 9796-2 hash choice and message representative are `pace`'s, shared with the
/// terminal that verifies them.
pub use pace::aa::rsa::{RsaAaHash, representative as iso9796_2_representative};

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("RSA AA key incomplete: {0} missing")]
    Incomplete(&'static str),
    #[error(
        "RSA AA modulus of {bits} bits is too short for ISO/IEC 9796-2 with {hash_len}-byte hashes"
    )]
    ModulusTooShort { bits: usize, hash_len: usize },
    #[error("EC private key invalid: {0}")]
    BadEcKey(String),
}

/// An RSA Active Authentication key as the JMRTD applet holds it: modulus and private exponent
/// only (no CRT parameters, no public exponent).
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct RsaAaKey {
    #[serde(with = "hex::serde")]
    pub modulus: Vec<u8>,
    #[serde(with = "zeroizing_hex")]
    pub private_exponent: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for RsaAaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaAaKey")
            .field("modulus_bits", &(self.modulus.len() * 8))
            .field("private_exponent", &"<redacted>")
            .finish()
    }
}

impl RsaAaKey {
    /// Signs the terminal's challenge M2: s = F^d mod n, M1 all zero (as the JMRTD applet does),
    /// with `pace::aa::rsa::sign`.
    pub fn sign(&self, m2: &[u8], hash: RsaAaHash) -> Result<Vec<u8>, KeyError> {
        pace::aa::rsa::sign(&self.modulus, &self.private_exponent, m2, hash).map_err(|e| match e {
            pace::Error::RsaKeyIncomplete(what) => KeyError::Incomplete(what),
            pace::Error::RsaModulusTooShort { bits, hash_len } => {
                KeyError::ModulusTooShort { bits, hash_len }
            }
            other => KeyError::BadEcKey(other.to_string()),
        })
    }
}

/// A P-256 private key generated on the chip (AA with ECDSA, or CA with ECDH), held as
/// `pace::EcPrivateKey` (zeroized on drop).
#[derive(Clone)]
pub struct EcKey {
    secret: EcPrivateKey,
}

impl std::fmt::Debug for EcKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcKey")
            .field("public", &hex::encode_upper(self.public_point()))
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl EcKey {
    /// A fresh key from the operating system's random generator.
    pub fn generate() -> Self {
        loop {
            // Generation fails only when the generator does; try again rather than panic.
            if let Ok(secret) = EcPrivateKey::generate(Curve::NistP256, &mut OsRng) {
                return Self { secret };
            }
        }
    }

    /// From a 32-byte big-endian private scalar (chip images, test vectors).
    pub fn from_scalar(d: &[u8]) -> Result<Self, KeyError> {
        EcPrivateKey::from_bytes(Curve::NistP256, d, "chip EC key")
            .map(|secret| Self { secret })
            .map_err(|e| KeyError::BadEcKey(e.to_string()))
    }

    /// The key as `pace` computes with it (Chip Authentication).
    pub fn private_key(&self) -> &EcPrivateKey {
        &self.secret
    }

    /// The private scalar, for the chip image only.
    pub fn scalar(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.secret.to_bytes().to_vec())
    }

    /// The uncompressed public point `04 || X || Y` (65 bytes).
    pub fn public_point(&self) -> Vec<u8> {
        self.secret
            .public_key()
            .map(|p| p.to_sec1().to_vec())
            .unwrap_or_default()
    }

    /// ECDSA over SHA-256 of `msg`, as plain r || s (BSI TR-03111), 64 bytes: the answer to
    /// INTERNAL AUTHENTICATE, with `pace::AaSigner` (RFC 6979 nonces on P-256).
    pub fn sign_sha256(&self, msg: &[u8]) -> Vec<u8> {
        pace::AaSigner::new(self.secret.clone())
            .sign(AaHash::Sha256, msg, &mut OsRng)
            .map(|sig| sig.to_vec())
            .unwrap_or_default()
    }

    /// The ECDH shared secret (x coordinate) with a peer's uncompressed point.
    pub fn ecdh(&self, peer_point: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let peer = pace::EcPoint::from_sec1(Curve::NistP256, peer_point, "peer key").ok()?;
        self.secret.shared_secret(&peer).ok()
    }
}

/// serde for secret byte strings: hex text, zeroized buffers.
pub(crate) mod zeroizing_hex {
    use serde::{Deserialize, Deserializer, Serializer};
    use zeroize::Zeroizing;

    pub fn serialize<S: Serializer>(v: &Zeroizing<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Zeroizing::new(hex::encode_upper(v.as_slice())))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Zeroizing<Vec<u8>>, D::Error> {
        let text = Zeroizing::new(String::deserialize(d)?);
        hex::decode(text.as_str())
            .map(Zeroizing::new)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::BigUint;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// ICAO 9303-11 Appendix F: F built from the published M1 and RND.IFD.
    #[test]
    fn representative_matches_icao_appendix_f() {
        let m1 = h(
            "9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C98599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD4E7292E2DCDA3024B47DA8",
        );
        let f =
            iso9796_2_representative(&m1, &h("F173589974BF40C6"), RsaAaHash::Sha1, 128).unwrap();
        assert_eq!(
            hex::encode_upper(f),
            "6A9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C98599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD4E7292E2DCDA3024B47DA8C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127BC"
        );
        assert!(iso9796_2_representative(&m1[1..], &[], RsaAaHash::Sha1, 128).is_none());
    }

    fn rsa_key(bits: usize) -> (rsa::RsaPrivateKey, RsaAaKey) {
        let k = rsa::RsaPrivateKey::new(&mut OsRng, bits).unwrap();
        let aa = RsaAaKey {
            modulus: k.n().to_bytes_be(),
            private_exponent: Zeroizing::new(k.d().to_bytes_be()),
        };
        (k, aa)
    }

    /// Verification as an inspection system does it: f = s^e mod n, header, trailer, hash.
    #[test]
    fn rsa_signature_recovers_and_verifies() {
        let (k, aa) = rsa_key(1024);
        let rnd = h("47E4EE7F211F7326");
        for hash in [RsaAaHash::Sha1, RsaAaHash::Sha256] {
            let s = aa.sign(&rnd, hash).unwrap();
            assert_eq!(s.len(), 128);
            let f = BigUint::from_bytes_be(&s)
                .modpow(k.e(), k.n())
                .to_bytes_be();
            assert_eq!(f[0], 0x6A);
            let t = hash.trailer();
            assert_eq!(&f[f.len() - t.len()..], t);
            let d_at = f.len() - t.len() - hash.len();
            let m1 = &f[1..d_at];
            assert!(m1.iter().all(|b| *b == 0), "JMRTD's all-zero M1");
            assert_eq!(
                &f[d_at..f.len() - t.len()],
                hash.digest(&[m1, &rnd]).as_slice()
            );
        }
        let dbg = format!("{aa:?}");
        assert!(dbg.contains("redacted") && !dbg.contains(&hex::encode(&*aa.private_exponent)));
    }

    #[test]
    fn rsa_incomplete_or_tiny_keys_are_errors() {
        let none = RsaAaKey::default();
        assert_eq!(
            none.sign(&[0; 8], RsaAaHash::Sha1),
            Err(KeyError::Incomplete("modulus"))
        );
        let no_d = RsaAaKey {
            modulus: vec![0xC5; 128],
            ..Default::default()
        };
        assert_eq!(
            no_d.sign(&[0; 8], RsaAaHash::Sha1),
            Err(KeyError::Incomplete("private exponent"))
        );
        let tiny = RsaAaKey {
            modulus: vec![0xC5; 16],
            private_exponent: Zeroizing::new(vec![3]),
        };
        assert!(matches!(
            tiny.sign(&[0; 8], RsaAaHash::Sha1),
            Err(KeyError::ModulusTooShort { .. })
        ));
    }

    /// ECDSA AA as an inspection system verifies it: plain r||s over SHA-256 of RND.IFD.
    /// (icao-9303.md §5.4's synthetic vector is on brainpoolP256r1, not P-256, so it does not
    /// apply to this key.)
    #[test]
    fn ecdsa_signature_is_plain_r_s_and_verifies() {
        let key = EcKey::from_scalar(&h(
            "542749FDBA381D380E23980FBFF08937BA0A567F366541A1382B1DBBF2917AF9",
        ))
        .unwrap();
        let rnd = h("F173589974BF40C6");
        let sig = key.sign_sha256(&rnd);
        assert_eq!(sig.len(), 64);
        use p256::ecdsa::signature::Verifier;
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_point()).unwrap();
        let parsed = p256::ecdsa::Signature::from_slice(&sig).unwrap();
        vk.verify(&rnd, &parsed).unwrap();
        assert!(vk.verify(&h("F173589974BF40C7"), &parsed).is_err());
    }

    #[test]
    fn ec_keys_round_trip_and_agree() {
        let a = EcKey::generate();
        let b = EcKey::generate();
        assert_eq!(a.public_point().len(), 65);
        let again = EcKey::from_scalar(&a.scalar()).unwrap();
        assert_eq!(again.public_point(), a.public_point());
        assert_eq!(a.ecdh(&b.public_point()), b.ecdh(&a.public_point()));
        assert!(a.ecdh(&[0x04, 1, 2]).is_none());
        assert!(matches!(
            EcKey::from_scalar(&[0; 32]),
            Err(KeyError::BadEcKey(_))
        ));
        assert!(!format!("{a:?}").contains(&hex::encode_upper(a.scalar().as_slice())));
    }
}
