//! The few DER types the LDS needs (OBJECT IDENTIFIER, INTEGER, BIT STRING, SEQUENCE, SET,
//! strings) and SubjectPublicKeyInfo, hand-written on top of [`crate::tlv`] with DER rules.

use crate::error::LdsError;
use crate::tlv::{self, Reader, Rules, Tlv};

pub const SEQUENCE: u32 = 0x30;
pub const SET: u32 = 0x31;
pub const INTEGER: u32 = 0x02;
pub const BIT_STRING: u32 = 0x03;
pub const OCTET_STRING: u32 = 0x04;
pub const NULL: u32 = 0x05;
pub const OID: u32 = 0x06;
pub const UTF8_STRING: u32 = 0x0C;
pub const PRINTABLE_STRING: u32 = 0x13;

/// An OBJECT IDENTIFIER held as its DER content octets (no tag, no length), the form the `pace`
/// crate and MSE:Set AT use.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(pub Vec<u8>);

impl Oid {
    /// From dotted text such as `0.4.0.127.0.7.2.2.4.2.2`.
    pub fn from_dotted(s: &str) -> Result<Oid, LdsError> {
        icao::oid::encode_dotted(s)
            .map(Oid)
            .map_err(|_| LdsError::build("OID", format!("{s:?} is not a dotted object identifier")))
    }

    /// Checks the content octets: every arc minimal, the last byte ends an arc. `offset` is
    /// where they start in the file, for the error.
    pub fn from_content(bytes: &[u8], offset: usize) -> Result<Oid, LdsError> {
        icao::oid::validate_content(bytes)
            .map_err(|e| LdsError::tlv(offset + e.index(), e.to_string()))?;
        Ok(Oid(bytes.to_vec()))
    }

    /// The arcs, for display and comparisons.
    pub fn arcs(&self) -> Vec<u64> {
        icao::oid::arcs(&self.0)
    }

    /// Whether `self` lies under `prefix` (or equals it).
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The full DER encoding `06 len content`.
    pub fn to_der(&self) -> Vec<u8> {
        tlv::encode(OID, &self.0)
    }
}

impl std::fmt::Display for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&icao::oid::to_dotted(&self.0))
    }
}

impl std::fmt::Debug for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Oid({self})")
    }
}

/// Well-known object identifiers as content octets, the form [`Oid`] holds. They are the
/// `icao::oid` identifiers (each written once there, with its dotted text); these names stay for
/// the code that matches on byte slices.
pub mod oids {
    use icao::oid;

    /// [`oid::EC_PUBLIC_KEY`]
    pub const EC_PUBLIC_KEY: &[u8] = oid::EC_PUBLIC_KEY.content();
    /// [`oid::P256`]
    pub const P256: &[u8] = oid::P256.content();
    /// [`oid::RSA_ENCRYPTION`]
    pub const RSA_ENCRYPTION: &[u8] = oid::RSA_ENCRYPTION.content();
    /// [`oid::DH_PUBLIC_NUMBER`]
    pub const DH_PUBLIC_NUMBER: &[u8] = oid::DH_PUBLIC_NUMBER.content();
    /// [`oid::BSI_PROTOCOLS`]
    pub const BSI_PROTOCOLS: &[u8] = oid::BSI_PROTOCOLS.content();
    /// [`oid::ID_PK`]
    pub const ID_PK: &[u8] = oid::ID_PK.content();
    /// [`oid::ID_PK_DH`]
    pub const ID_PK_DH: &[u8] = oid::ID_PK_DH.content();
    /// [`oid::ID_PK_ECDH`]
    pub const ID_PK_ECDH: &[u8] = oid::ID_PK_ECDH.content();
    /// [`oid::ID_TA`]
    pub const ID_TA: &[u8] = oid::ID_TA.content();
    /// [`oid::ID_CA`]
    pub const ID_CA: &[u8] = oid::ID_CA.content();
    /// [`oid::ID_CA_ECDH_AES_128`]
    pub const ID_CA_ECDH_AES_128: &[u8] = oid::ID_CA_ECDH_AES_128.content();
    /// [`oid::ID_CA_DH_AES_128`]
    pub const ID_CA_DH_AES_128: &[u8] = oid::ID_CA_DH_AES_128.content();
    /// [`oid::ID_PACE`]
    pub const ID_PACE: &[u8] = oid::ID_PACE.content();
    /// [`oid::ID_PACE_ECDH_GM_AES_128`]
    pub const ID_PACE_ECDH_GM_AES_128: &[u8] = oid::ID_PACE_ECDH_GM_AES_128.content();
    /// [`oid::ID_AA`]
    pub const ID_AA: &[u8] = oid::ID_AA.content();
    /// [`oid::ECDSA_PLAIN_SHA256`]
    pub const ECDSA_PLAIN_SHA256: &[u8] = oid::ECDSA_PLAIN_SHA256.content();
}

/// Reads an OID TLV.
pub fn read_oid(r: &mut Reader<'_>, what: &str) -> Result<Oid, LdsError> {
    let t = r.expect(OID, what)?;
    Oid::from_content(t.value, t.value_offset)
}

/// A non-negative DER INTEGER that fits in a u64, minimal encoding enforced.
pub fn int_value(t: &Tlv<'_>) -> Result<u64, LdsError> {
    let v = t.value;
    if v.is_empty() {
        return Err(LdsError::tlv(t.value_offset, "empty INTEGER"));
    }
    if v.len() > 1 && ((v[0] == 0 && v[1] & 0x80 == 0) || (v[0] == 0xFF && v[1] & 0x80 != 0)) {
        return Err(LdsError::tlv(
            t.value_offset,
            "INTEGER not in its shortest form",
        ));
    }
    if v[0] & 0x80 != 0 {
        return Err(LdsError::tlv(t.value_offset, "negative INTEGER"));
    }
    let digits = if v[0] == 0 { &v[1..] } else { v };
    if digits.len() > 8 {
        return Err(LdsError::tlv(t.value_offset, "INTEGER too large"));
    }
    Ok(digits.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
}

pub fn read_int(r: &mut Reader<'_>, what: &str) -> Result<u64, LdsError> {
    let t = r.expect(INTEGER, what)?;
    int_value(&t)
}

/// A non-negative INTEGER in its shortest DER form.
pub fn int(v: u64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
    let mut content = bytes[skip..].to_vec();
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    tlv::encode(INTEGER, &content)
}

/// A SubjectPublicKeyInfo (RFC 5280), kept with its exact DER encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct SubjectPublicKeyInfo {
    pub algorithm: Oid,
    /// The algorithm parameters as a complete DER TLV (e.g. `06 08 …` for a named curve, `05 00`
    /// for RSA), when present.
    pub parameters: Option<Vec<u8>>,
    /// The BIT STRING's content after the unused-bits byte (an EC point, or a DER RSAPublicKey).
    pub key: Vec<u8>,
    /// The complete DER encoding as read or built.
    pub der: Vec<u8>,
}

impl std::fmt::Debug for SubjectPublicKeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SubjectPublicKeyInfo({})", self.describe())
    }
}

/// What a public key is, for display and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// Elliptic curve with a named curve (its OID) or explicit parameters (None).
    Ec {
        curve: Option<Oid>,
        point_len: usize,
    },
    Rsa {
        modulus_bits: usize,
        exponent: u64,
    },
    Dh,
    Other,
}

impl SubjectPublicKeyInfo {
    /// Decodes a DER SubjectPublicKeyInfo; `base` is its offset in the enclosing file.
    pub fn decode(der: &[u8], base: usize) -> Result<Self, LdsError> {
        let mut outer = Reader::new(der, base, Rules::Der);
        let spki = outer.expect(SEQUENCE, "SubjectPublicKeyInfo")?;
        outer.finish("SubjectPublicKeyInfo")?;
        let mut r = spki.children(Rules::Der);
        let alg = r.expect(SEQUENCE, "AlgorithmIdentifier")?;
        let mut a = alg.children(Rules::Der);
        let algorithm = read_oid(&mut a, "algorithm")?;
        let parameters = if a.is_empty() {
            None
        } else {
            let p = a.read()?;
            let start = p.offset - base;
            Some(der[start..start + p.encoded_len()].to_vec())
        };
        a.finish("AlgorithmIdentifier")?;
        let bits = r.expect(BIT_STRING, "subjectPublicKey")?;
        r.finish("SubjectPublicKeyInfo")?;
        match bits.value.first() {
            Some(0) => {}
            Some(n) => {
                return Err(LdsError::tlv(
                    bits.value_offset,
                    format!("{n} unused bits in the key"),
                ));
            }
            None => return Err(LdsError::tlv(bits.value_offset, "empty BIT STRING")),
        }
        let spki = SubjectPublicKeyInfo {
            algorithm,
            parameters,
            key: bits.value[1..].to_vec(),
            der: der.to_vec(),
        };
        // RSA keys must hold a well-formed RSAPublicKey.
        if spki.algorithm.0 == oids::RSA_ENCRYPTION {
            spki.rsa_parts(bits.value_offset + 1)?;
        }
        Ok(spki)
    }

    /// Builds one from parts (DER).
    pub fn new(algorithm: Oid, parameters: Option<Vec<u8>>, key: Vec<u8>) -> Self {
        let mut alg = algorithm.to_der();
        if let Some(p) = &parameters {
            alg.extend_from_slice(p);
        }
        let mut bits = vec![0u8];
        bits.extend_from_slice(&key);
        let der = tlv::encode_parts(
            SEQUENCE,
            &[
                &tlv::encode(SEQUENCE, &alg),
                &tlv::encode(BIT_STRING, &bits),
            ],
        );
        SubjectPublicKeyInfo {
            algorithm,
            parameters,
            key,
            der,
        }
    }

    /// Reads a DER or PEM (`-----BEGIN PUBLIC KEY-----`) SubjectPublicKeyInfo.
    pub fn from_der_or_pem(bytes: &[u8]) -> Result<Self, LdsError> {
        if bytes.starts_with(b"-----BEGIN") {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| LdsError::build("public key", "PEM file is not UTF-8"))?;
            let der = pem_public_key(text)?;
            Self::decode(&der, 0)
        } else {
            Self::decode(bytes, 0)
        }
    }

    fn rsa_parts(&self, base: usize) -> Result<(Vec<u8>, u64), LdsError> {
        let mut r = Reader::new(&self.key, base, Rules::Der);
        let seq = r.expect(SEQUENCE, "RSAPublicKey")?;
        r.finish("RSAPublicKey")?;
        let mut s = seq.children(Rules::Der);
        let n = s.expect(INTEGER, "modulus")?;
        let e = s.expect(INTEGER, "publicExponent")?;
        s.finish("RSAPublicKey")?;
        let exponent = int_value(&e)?;
        let modulus = n.value.strip_prefix(&[0]).unwrap_or(n.value).to_vec();
        if modulus.is_empty() || n.value[0] & 0x80 != 0 {
            return Err(LdsError::tlv(
                n.value_offset,
                "RSA modulus is not a positive integer",
            ));
        }
        Ok((modulus, exponent))
    }

    pub fn kind(&self) -> KeyKind {
        match self.algorithm.0.as_slice() {
            oids::EC_PUBLIC_KEY => {
                let curve = self.parameters.as_ref().and_then(|p| {
                    let t = tlv::decode_one(p, Rules::Der).ok()?;
                    (t.tag == OID).then(|| Oid(t.value.to_vec()))
                });
                KeyKind::Ec {
                    curve,
                    point_len: self.key.len(),
                }
            }
            oids::RSA_ENCRYPTION => match self.rsa_parts(0) {
                Ok((m, e)) => KeyKind::Rsa {
                    modulus_bits: m.len() * 8 - m[0].leading_zeros() as usize,
                    exponent: e,
                },
                Err(_) => KeyKind::Other,
            },
            oids::DH_PUBLIC_NUMBER => KeyKind::Dh,
            _ => KeyKind::Other,
        }
    }

    /// Whether this is an EC key on P-256 with an uncompressed point.
    pub fn is_p256(&self) -> bool {
        matches!(self.kind(), KeyKind::Ec { curve: Some(c), point_len: 65 } if c.0 == oids::P256)
            && self.key.first() == Some(&0x04)
    }

    /// One line for humans: "EC P-256", "RSA 2048 bits (e=65537)", …
    pub fn describe(&self) -> String {
        match self.kind() {
            KeyKind::Ec {
                curve: Some(c),
                point_len,
            } if c.0 == oids::P256 => {
                format!("EC P-256 ({point_len}-byte point)")
            }
            KeyKind::Ec {
                curve: Some(c),
                point_len,
            } => format!("EC curve {c} ({point_len}-byte point)"),
            KeyKind::Ec {
                curve: None,
                point_len,
            } => {
                format!("EC explicit parameters ({point_len}-byte point)")
            }
            KeyKind::Rsa {
                modulus_bits,
                exponent,
            } => format!("RSA {modulus_bits} bits (e={exponent})"),
            KeyKind::Dh => "DH".to_string(),
            KeyKind::Other => format!("algorithm {}", self.algorithm),
        }
    }
}

/// Decodes the base64 body of a `PUBLIC KEY` PEM block.
fn pem_public_key(text: &str) -> Result<Vec<u8>, LdsError> {
    let begin = "-----BEGIN PUBLIC KEY-----";
    let end = "-----END PUBLIC KEY-----";
    let start = text
        .find(begin)
        .ok_or_else(|| LdsError::build("public key", "PEM without a BEGIN PUBLIC KEY line"))?;
    let body = &text[start + begin.len()..];
    let stop = body
        .find(end)
        .ok_or_else(|| LdsError::build("public key", "PEM without an END PUBLIC KEY line"))?;
    base64_decode(&body[..stop])
        .ok_or_else(|| LdsError::build("public key", "PEM body is not valid base64"))
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    (padding <= 2).then_some(out)
}
