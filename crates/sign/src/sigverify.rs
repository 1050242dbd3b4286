//! Signature verification for passive authentication: every algorithm found on documents in
//! circulation. Deviations from our own profile (rsaEncryption as signature OID, RSASSA-PSS,
//! explicit EC parameters, SHA-1, plain ECDSA) verify, and come back as warnings. This module
//! decodes algorithms, keys and signature encodings; the curve arithmetic is in [`crate::ec`]
//! (RSA in the `rsa` crate).

use crate::ec::{KnownCurve, ecdsa_verify};
use crate::oids;
use der::asn1::{Any, ObjectIdentifier, OctetString, Uint};
use der::{Decode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Digest algorithms accepted on documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// From a digest OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        Some(match *oid {
            oids::SHA1 => Hash::Sha1,
            oids::SHA224 => Hash::Sha224,
            oids::SHA256 => Hash::Sha256,
            oids::SHA384 => Hash::Sha384,
            oids::SHA512 => Hash::Sha512,
            _ => return None,
        })
    }
    /// Name.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }
    /// Digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// `RSASSA-PSS-params` (RFC 4055 §3.1); absent fields take their DEFAULTs.
#[derive(Clone, Debug, Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", optional = "true")]
    mgf: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", optional = "true")]
    trailer: Option<u32>,
}

/// `ECParameters` with explicit domain parameters (X9.62 / RFC 3279).
#[derive(Clone, Debug, Sequence)]
struct SpecifiedEcDomain {
    version: u8,
    field_id: FieldId,
    curve: CurveDef,
    base: OctetString,
    order: Uint,
    #[asn1(optional = "true")]
    cofactor: Option<Uint>,
}

#[derive(Clone, Debug, Sequence)]
struct FieldId {
    field_type: ObjectIdentifier,
    parameters: Any,
}

#[derive(Clone, Debug, Sequence)]
struct CurveDef {
    a: OctetString,
    b: OctetString,
    #[asn1(optional = "true")]
    seed: Option<der::asn1::BitString>,
}

/// `ECDSA-Sig-Value`.
#[derive(Sequence)]
struct SigValue {
    r: Uint,
    s: Uint,
}

/// What a verification found: passed (with any deviations as warnings) or failed with a reason.
pub type Outcome = Result<Vec<String>, String>;

/// Identifies the EC curve of a public key: named or explicit (mapped to a known curve, with a
/// warning).
pub fn ec_curve(
    spki: &SubjectPublicKeyInfoOwned,
    warnings: &mut Vec<String>,
) -> Result<&'static KnownCurve, String> {
    let params = spki
        .algorithm
        .parameters
        .as_ref()
        .ok_or("EC public key without curve parameters (implicitlyCA is not supported)")?;
    if let Ok(oid) = params.decode_as::<ObjectIdentifier>() {
        return KnownCurve::by_oid(&oid).ok_or_else(|| format!("unknown named curve {oid}"));
    }
    let spec = params
        .decode_as::<SpecifiedEcDomain>()
        .map_err(|e| format!("EC parameters neither a named curve nor explicit parameters: {e}"))?;
    if spec.field_id.field_type != oids::PRIME_FIELD {
        return Err(format!(
            "explicit EC parameters over field type {} (only prime fields are supported)",
            spec.field_id.field_type
        ));
    }
    let p = spec
        .field_id
        .parameters
        .decode_as::<Uint>()
        .map_err(|e| format!("explicit EC parameters: prime: {e}"))?;
    let c = KnownCurve::by_params(
        p.as_bytes(),
        spec.curve.a.as_bytes(),
        spec.curve.b.as_bytes(),
        spec.base.as_bytes(),
        spec.order.as_bytes(),
    )
    .ok_or(
        "explicit EC parameters match no known curve (P-256/384/521, brainpoolP256r1/384r1/512r1)",
    )?;
    warnings.push(format!(
        "EC key with explicit domain parameters, mapped to {}",
        c.name
    ));
    Ok(c)
}

/// Verifies `signature` over `message` with `spki`. `alg` is the signature AlgorithmIdentifier
/// (from the certificate or SignerInfo); `digest_hint` is the digest to use when the algorithm
/// does not name one (rsaEncryption, id-ecPublicKey used as a signature OID).
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest_hint: Option<Hash>,
    message: &[u8],
    signature: &[u8],
) -> Outcome {
    let mut warnings = Vec::new();
    let hint = || {
        digest_hint
            .ok_or_else(|| format!("signature algorithm {} needs a digest algorithm", alg.oid))
    };
    let (kind, hash) = match alg.oid {
        oids::ECDSA_SHA1 => (Kind::EcdsaDer, Hash::Sha1),
        oids::ECDSA_SHA224 => (Kind::EcdsaDer, Hash::Sha224),
        oids::ECDSA_SHA256 => (Kind::EcdsaDer, Hash::Sha256),
        oids::ECDSA_SHA384 => (Kind::EcdsaDer, Hash::Sha384),
        oids::ECDSA_SHA512 => (Kind::EcdsaDer, Hash::Sha512),
        oids::ECDSA_PLAIN_SHA1 => (Kind::EcdsaPlain, Hash::Sha1),
        oids::ECDSA_PLAIN_SHA224 => (Kind::EcdsaPlain, Hash::Sha224),
        oids::ECDSA_PLAIN_SHA256 => (Kind::EcdsaPlain, Hash::Sha256),
        oids::ECDSA_PLAIN_SHA384 => (Kind::EcdsaPlain, Hash::Sha384),
        oids::ECDSA_PLAIN_SHA512 => (Kind::EcdsaPlain, Hash::Sha512),
        oids::EC_PUBLIC_KEY => {
            warnings.push(
                "id-ecPublicKey used as signature algorithm; hash taken from the digest algorithm"
                    .into(),
            );
            (Kind::EcdsaDer, hint()?)
        }
        oids::RSA_SHA1 => (Kind::Pkcs1, Hash::Sha1),
        oids::RSA_SHA224 => (Kind::Pkcs1, Hash::Sha224),
        oids::RSA_SHA256 => (Kind::Pkcs1, Hash::Sha256),
        oids::RSA_SHA384 => (Kind::Pkcs1, Hash::Sha384),
        oids::RSA_SHA512 => (Kind::Pkcs1, Hash::Sha512),
        oids::RSA_ENCRYPTION => {
            warnings.push(
                "rsaEncryption used as signature algorithm; hash taken from the digest algorithm"
                    .into(),
            );
            (Kind::Pkcs1, hint()?)
        }
        oids::RSASSA_PSS => {
            let (h, salt) = pss_params(alg)?;
            warnings.push(format!(
                "RSASSA-PSS ({}, salt {salt}), not the ECDSA profile cccd issues",
                h.name()
            ));
            (Kind::Pss(salt), h)
        }
        other => return Err(format!("unknown signature algorithm {other}")),
    };
    if hash == Hash::Sha1 {
        warnings.push("SHA-1 signature (below the ICAO 9303 Part 12 minimum)".into());
    }
    if matches!(kind, Kind::EcdsaPlain) {
        warnings.push("plain (BSI TR-03111) ECDSA signature encoding".into());
    }
    let digest = hash.digest(message);
    match kind {
        Kind::EcdsaDer | Kind::EcdsaPlain => {
            if spki.algorithm.oid != oids::EC_PUBLIC_KEY {
                return Err(format!(
                    "ECDSA signature but the key is {}",
                    spki.algorithm.oid
                ));
            }
            let curve = ec_curve(spki, &mut warnings)?;
            let point = spki.subject_public_key.raw_bytes();
            let (r, s) = if matches!(kind, Kind::EcdsaDer) {
                let v = SigValue::from_der(signature)
                    .map_err(|e| format!("ECDSA signature is not DER: {e}"))?;
                (v.r.as_bytes().to_vec(), v.s.as_bytes().to_vec())
            } else {
                if !signature.len().is_multiple_of(2) {
                    return Err("plain ECDSA signature of odd length".into());
                }
                let (r, s) = signature.split_at(signature.len() / 2);
                (r.to_vec(), s.to_vec())
            };
            if ecdsa_verify(curve, point, &digest, &r, &s) {
                Ok(warnings)
            } else {
                Err(format!(
                    "ECDSA {} / {} signature does not verify",
                    curve.name,
                    hash.name()
                ))
            }
        }
        Kind::Pkcs1 | Kind::Pss(_) => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            if spki.algorithm.oid != oids::RSA_ENCRYPTION && spki.algorithm.oid != oids::RSASSA_PSS
            {
                return Err(format!(
                    "RSA signature but the key is {}",
                    spki.algorithm.oid
                ));
            }
            let key = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes())
                .map_err(|e| format!("RSA public key does not parse: {e}"))?;
            let res = match (kind, hash) {
                (Kind::Pss(salt), h) => match h {
                    Hash::Sha1 => key.verify(
                        rsa::Pss::new_with_salt::<sha1::Sha1>(salt),
                        &digest,
                        signature,
                    ),
                    Hash::Sha224 => key.verify(
                        rsa::Pss::new_with_salt::<sha2::Sha224>(salt),
                        &digest,
                        signature,
                    ),
                    Hash::Sha256 => key.verify(
                        rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
                        &digest,
                        signature,
                    ),
                    Hash::Sha384 => key.verify(
                        rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
                        &digest,
                        signature,
                    ),
                    Hash::Sha512 => key.verify(
                        rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
                        &digest,
                        signature,
                    ),
                },
                (_, h) => {
                    let scheme = match h {
                        Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                        Hash::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
                        Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                        Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                        Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                    };
                    key.verify(scheme, &digest, signature)
                }
            };
            res.map(|_| warnings)
                .map_err(|_| format!("RSA {} signature does not verify", hash.name()))
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    EcdsaDer,
    EcdsaPlain,
    Pkcs1,
    Pss(usize),
}

fn pss_params(alg: &AlgorithmIdentifierOwned) -> Result<(Hash, usize), String> {
    let p = match &alg.parameters {
        Some(a) => a
            .decode_as::<PssParams>()
            .map_err(|e| format!("RSASSA-PSS parameters do not parse: {e}"))?,
        None => return Err("RSASSA-PSS without parameters".into()),
    };
    let hash = match &p.hash {
        Some(h) => {
            Hash::from_oid(&h.oid).ok_or_else(|| format!("RSASSA-PSS hash {} unknown", h.oid))?
        }
        None => Hash::Sha1,
    };
    if let Some(mgf) = &p.mgf {
        if mgf.oid != oids::MGF1 {
            return Err(format!("RSASSA-PSS mask generation {} unknown", mgf.oid));
        }
        let mh = mgf
            .parameters
            .as_ref()
            .and_then(|a| a.decode_as::<AlgorithmIdentifierOwned>().ok())
            .and_then(|a| Hash::from_oid(&a.oid));
        if mh != Some(hash) {
            return Err("RSASSA-PSS with an MGF1 hash different from the message hash".into());
        }
    } else if hash != Hash::Sha1 {
        return Err("RSASSA-PSS with default MGF1-SHA1 but another message hash".into());
    }
    if p.trailer.unwrap_or(1) != 1 {
        return Err("RSASSA-PSS trailer field other than 1".into());
    }
    Ok((hash, p.salt_len.unwrap_or(20) as usize))
}
