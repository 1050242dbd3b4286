//! The supported curves ([`Curve`]): NIST P-256 and brainpoolP256r1, named by standardized
//! domain parameter ID, named-curve OID or explicit X9.62 parameters. Separate from the point
//! and key types because this is where untrusted DG14/DG15 parameters are identified; nothing
//! here does arithmetic beyond reading the curves' constants.

use super::arith::generator_bytes;
use super::{EcPoint, FIELD_LEN, POINT_LEN, hex_upper};
use crate::error::{Error, Result};
use p256::elliptic_curve::ff::PrimeField;

pub(super) const PRIME_NIST_P256: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];
pub(super) const PRIME_BRAINPOOL_P256R1: [u8; 32] = [
    0xA9, 0xFB, 0x57, 0xDB, 0xA1, 0xEE, 0xA9, 0xBC, 0x3E, 0x66, 0x0A, 0x90, 0x9D, 0x83, 0x8D, 0x72,
    0x6E, 0x3B, 0xF6, 0x23, 0xD5, 0x26, 0x20, 0x28, 0x20, 0x13, 0x48, 0x1D, 0x1F, 0x6E, 0x53, 0x77,
];

/// A supported elliptic curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1), standardized domain parameter ID 12.
    NistP256,
    /// brainpoolP256r1 (RFC 5639), standardized domain parameter ID 13.
    BrainpoolP256r1,
}

/// DER content octets of the named-curve OID 1.2.840.10045.3.1.7 (P-256).
pub const OID_NIST_P256: &[u8] = icao::oid::P256.content();
/// DER content octets of the named-curve OID 1.3.36.3.3.2.8.1.1.7 (brainpoolP256r1).
pub const OID_BRAINPOOL_P256R1: &[u8] = icao::oid::BRAINPOOL_P256R1.content();

impl Curve {
    /// The curve for a standardized domain parameter ID (ICAO 9303-11 §9.5.1, Table 6).
    pub fn from_parameter_id(id: u64) -> Result<Self> {
        match id {
            12 => Ok(Curve::NistP256),
            13 => Ok(Curve::BrainpoolP256r1),
            other => Err(Error::UnsupportedDomainParameters(other)),
        }
    }

    /// The standardized domain parameter ID of this curve.
    pub fn parameter_id(self) -> u64 {
        match self {
            Curve::NistP256 => 12,
            Curve::BrainpoolP256r1 => 13,
        }
    }

    /// The curve named by a named-curve OID (content octets, without tag and length), as found in
    /// a SubjectPublicKeyInfo of DG14 or DG15.
    pub fn from_named_curve_oid(oid: &[u8]) -> Result<Self> {
        if oid == OID_NIST_P256 {
            Ok(Curve::NistP256)
        } else if oid == OID_BRAINPOOL_P256R1 {
            Ok(Curve::BrainpoolP256r1)
        } else {
            Err(Error::UnsupportedOid {
                what: "named curve",
                oid_hex: hex_upper(oid),
            })
        }
    }

    /// The curve whose field prime is `p` (big-endian, leading zeros allowed): identifies the
    /// curve of a key given with explicit domain parameters (common in DG14/DG15 of real
    /// documents). Callers should also compare the other parameters when they need certainty.
    pub fn from_field_prime(p: &[u8]) -> Result<Self> {
        let p = strip(p);
        if p == PRIME_NIST_P256 {
            Ok(Curve::NistP256)
        } else if p == PRIME_BRAINPOOL_P256R1 {
            Ok(Curve::BrainpoolP256r1)
        } else {
            Err(Error::UnsupportedOid {
                what: "explicit domain parameters (field prime)",
                oid_hex: hex_upper(p),
            })
        }
    }

    /// The curve of SubjectPublicKeyInfo / ECParameters algorithm parameters given as a complete
    /// DER TLV: a named curve (`06 ..`) or explicit parameters (`30 ..`, X9.62 ECParameters as
    /// most real DG14/DG15 keys carry them; field prime, a, b and the generator must all match).
    pub fn from_ec_parameters(der: &[u8]) -> Result<Self> {
        const CTX: &str = "EC domain parameters";
        let bad = |reason| Error::Tlv {
            context: CTX,
            reason,
            offset: 0,
        };
        let items = crate::tlv::read_all(der, CTX)?;
        let [(tag, value)] = items.as_slice() else {
            return Err(bad("expected exactly one TLV"));
        };
        match tag {
            0x06 => Self::from_named_curve_oid(value),
            0x30 => {
                let fields = crate::tlv::read_all(value, CTX)?;
                let (Some((0x02, _)), Some((0x30, field_id)), Some((0x30, curve)), Some((0x04, g))) =
                    (fields.first(), fields.get(1), fields.get(2), fields.get(3))
                else {
                    return Err(bad("expected version, fieldID, curve, base"));
                };
                let field_id = crate::tlv::read_all(field_id, CTX)?;
                let Some((0x02, prime)) = field_id.get(1) else {
                    return Err(bad("fieldID without a prime"));
                };
                let candidate = Self::from_field_prime(prime)?;
                let coeffs = crate::tlv::read_all(curve, CTX)?;
                let (Some((0x04, a)), Some((0x04, b))) = (coeffs.first(), coeffs.get(1)) else {
                    return Err(bad("curve without coefficients a and b"));
                };
                let (want_a, want_b) = candidate.coefficients();
                let generator = candidate.generator();
                let g_ok = if g.first() == Some(&0x04) {
                    g.as_slice() == generator.to_sec1()
                } else {
                    g.len() == 1 + FIELD_LEN && strip(&g[1..]) == strip(generator.x())
                };
                if strip(a) != strip(&want_a) || strip(b) != strip(&want_b) || !g_ok {
                    return Err(Error::UnsupportedOid {
                        what: "explicit domain parameters (a, b or generator differ)",
                        oid_hex: hex_upper(prime),
                    });
                }
                Ok(candidate)
            }
            _ => Err(bad(
                "expected a named-curve OID or an ECParameters SEQUENCE",
            )),
        }
    }

    /// The curve coefficients `a` and `b` (32 bytes each, big-endian).
    fn coefficients(self) -> (Vec<u8>, Vec<u8>) {
        fn of<C: primeorder::PrimeCurveParams>() -> (Vec<u8>, Vec<u8>) {
            (
                C::EQUATION_A.to_repr().to_vec(),
                C::EQUATION_B.to_repr().to_vec(),
            )
        }
        match self {
            Curve::NistP256 => of::<p256::NistP256>(),
            Curve::BrainpoolP256r1 => of::<bp256::BrainpoolP256r1>(),
        }
    }

    /// The named-curve OID content octets.
    pub fn named_curve_oid(self) -> &'static [u8] {
        match self {
            Curve::NistP256 => OID_NIST_P256,
            Curve::BrainpoolP256r1 => OID_BRAINPOOL_P256R1,
        }
    }

    /// Human-readable name, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Curve::NistP256 => "NIST P-256",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
        }
    }

    /// The curve's standard generator as an [`EcPoint`].
    pub fn generator(self) -> EcPoint {
        let bytes = match self {
            Curve::NistP256 => generator_bytes::<p256::NistP256>(),
            Curve::BrainpoolP256r1 => generator_bytes::<bp256::BrainpoolP256r1>(),
        };
        EcPoint {
            curve: self,
            bytes: bytes.try_into().unwrap_or([0; POINT_LEN]),
        }
    }
}

/// Drops leading zero bytes of a big-endian integer.
fn strip(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    &v[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_valid_points() {
        for curve in [Curve::NistP256, Curve::BrainpoolP256r1] {
            let g = curve.generator();
            assert_eq!(g.to_sec1()[0], 0x04);
            assert!(EcPoint::from_sec1(curve, g.to_sec1(), "G").is_ok());
        }
        assert_eq!(
            hex_upper(Curve::BrainpoolP256r1.generator().x()),
            "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
        );
    }

    const EXPLICIT_BP: &str = "3081E0020101302C06072A8648CE3D0101022100A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377304404207D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9042026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B60441048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997022100A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7020101";
    const EXPLICIT_P256: &str = "3081F7020101302C06072A8648CE3D0101022100FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF305B0420FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC04205AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B031500C49D360886E704936A6678E1139D26B7819F7E900441046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C2964FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5022100FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551020101";

    #[test]
    fn explicit_and_named_ec_parameters() {
        // Explicit parameters as `openssl ecparam -param_enc explicit -outform DER` writes them.
        let bp = hex::decode(EXPLICIT_BP).unwrap();
        let nist = hex::decode(EXPLICIT_P256).unwrap();
        assert_eq!(
            Curve::from_ec_parameters(&bp).unwrap(),
            Curve::BrainpoolP256r1
        );
        assert_eq!(Curve::from_ec_parameters(&nist).unwrap(), Curve::NistP256);
        let named = crate::params::oid_der(OID_BRAINPOOL_P256R1);
        assert_eq!(
            Curve::from_ec_parameters(&named).unwrap(),
            Curve::BrainpoolP256r1
        );
        // A changed coefficient b (its last byte) is refused.
        let mut tampered = bp.clone();
        let b_last = bp
            .windows(4)
            .position(|w| w == [0xFF, 0x8C, 0x07, 0xB6])
            .unwrap()
            + 3;
        tampered[b_last] ^= 1;
        assert!(matches!(
            Curve::from_ec_parameters(&tampered),
            Err(Error::UnsupportedOid { .. })
        ));
        // Garbage, trailing data, a NULL.
        assert!(Curve::from_ec_parameters(&[0x05, 0x00]).is_err());
        assert!(Curve::from_ec_parameters(&[0x30, 0x00]).is_err());
        let mut trailing = named.clone();
        trailing.push(0);
        assert!(Curve::from_ec_parameters(&trailing).is_err());
        assert!(Curve::from_ec_parameters(&bp[..40]).is_err());
        // A SubjectPublicKeyInfo's parts give the point.
        let g = Curve::NistP256.generator();
        assert_eq!(
            EcPoint::from_spki_parts(&nist, g.to_sec1(), "DG14 key").unwrap(),
            g
        );
    }

    #[test]
    fn curve_identification() {
        for c in [Curve::NistP256, Curve::BrainpoolP256r1] {
            assert_eq!(Curve::from_named_curve_oid(c.named_curve_oid()).unwrap(), c);
            assert_eq!(Curve::from_parameter_id(c.parameter_id()).unwrap(), c);
        }
        // secp384r1 is not supported.
        assert!(matches!(
            Curve::from_named_curve_oid(&[0x2B, 0x81, 0x04, 0x00, 0x22]),
            Err(Error::UnsupportedOid { .. })
        ));
        let mut p = vec![0u8];
        p.extend_from_slice(&PRIME_BRAINPOOL_P256R1);
        assert_eq!(Curve::from_field_prime(&p).unwrap(), Curve::BrainpoolP256r1);
        assert_eq!(
            Curve::from_field_prime(&PRIME_NIST_P256).unwrap(),
            Curve::NistP256
        );
        assert!(Curve::from_field_prime(&[0x17]).is_err());
    }
}
