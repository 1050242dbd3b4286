//! [`EcPoint`]: a validated point of a supported curve, never the point at infinity, as it
//! crosses the public API (uncompressed SEC1). The point operations PACE and CA need
//! (`k·P`, `s·G + H`) are here as typed wrappers over `arith`, which turn a `None` from the
//! generic code into an [`Error`].

use super::arith::{decode, gen_mul_add, mul};
use super::{Curve, EcPrivateKey, FIELD_LEN, POINT_LEN, hex_upper};
use crate::error::{Error, Result};
use std::fmt;
use zeroize::Zeroizing;

/// A point of a supported curve, never the point at infinity, validated to lie on the curve.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EcPoint {
    pub(super) curve: Curve,
    pub(super) bytes: [u8; POINT_LEN],
}

impl fmt::Debug for EcPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EcPoint({}, {})",
            self.curve.name(),
            hex_upper(&self.bytes)
        )
    }
}

impl EcPoint {
    /// Decodes an uncompressed SEC1 point (`04 || X || Y`) and checks that it is on `curve` and
    /// not the point at infinity. `what` names the key in the error.
    pub fn from_sec1(curve: Curve, bytes: &[u8], what: &'static str) -> Result<Self> {
        if bytes.len() != POINT_LEN || bytes[0] != 0x04 {
            return Err(Error::InvalidPoint {
                what,
                curve: curve.name(),
                reason: "expected 65 bytes 04 || X || Y",
            });
        }
        let valid = match curve {
            Curve::NistP256 => decode::<p256::NistP256>(bytes).is_some(),
            Curve::BrainpoolP256r1 => decode::<bp256::BrainpoolP256r1>(bytes).is_some(),
        };
        if !valid {
            return Err(Error::InvalidPoint {
                what,
                curve: curve.name(),
                reason: "not on the curve",
            });
        }
        let mut out = [0u8; POINT_LEN];
        out.copy_from_slice(bytes);
        Ok(EcPoint { curve, bytes: out })
    }

    /// The public key of a SubjectPublicKeyInfo (DG14 ChipAuthenticationPublicKeyInfo, DG15),
    /// given its algorithm parameters as a DER TLV (named or explicit, see
    /// [`Curve::from_ec_parameters`]) and the BIT STRING content (the uncompressed point).
    pub fn from_spki_parts(parameters: &[u8], key: &[u8], what: &'static str) -> Result<Self> {
        Self::from_sec1(Curve::from_ec_parameters(parameters)?, key, what)
    }

    /// Decodes a point given as `X || Y` (64 bytes, as the ICAO worked examples print them).
    pub fn from_xy(curve: Curve, xy: &[u8], what: &'static str) -> Result<Self> {
        if xy.len() != 2 * FIELD_LEN {
            return Err(Error::InvalidPoint {
                what,
                curve: curve.name(),
                reason: "expected 64 bytes X || Y",
            });
        }
        let mut sec1 = Vec::with_capacity(POINT_LEN);
        sec1.push(0x04);
        sec1.extend_from_slice(xy);
        Self::from_sec1(curve, &sec1, what)
    }

    /// The curve of this point.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// Uncompressed SEC1 encoding `04 || X || Y`: the value of data object 86 in a public key
    /// data object and of the 81/82/83/84 objects of PACE.
    pub fn to_sec1(&self) -> &[u8] {
        &self.bytes
    }

    /// `X || Y` without the 04 prefix.
    pub fn xy(&self) -> &[u8] {
        &self.bytes[1..]
    }

    /// The affine x-coordinate (32 bytes).
    pub fn x(&self) -> &[u8] {
        &self.bytes[1..1 + FIELD_LEN]
    }

    /// `k · self`.
    pub(crate) fn mul(&self, k: &EcPrivateKey) -> Result<EcPoint> {
        self.check_curve(k.curve)?;
        let bytes = match self.curve {
            Curve::NistP256 => mul::<p256::NistP256>(&k.d, &self.bytes),
            Curve::BrainpoolP256r1 => mul::<bp256::BrainpoolP256r1>(&k.d, &self.bytes),
        };
        self.wrap(bytes, "scalar multiple")
    }

    /// `s · G + self` where `s` is an arbitrary big-endian integer of at most 32 bytes, reduced
    /// modulo the group order (the Generic Mapping of PACE).
    pub(crate) fn add_generator_multiple(&self, s: &[u8]) -> Result<EcPoint> {
        if s.is_empty() || s.len() > FIELD_LEN {
            return Err(Error::BadLength {
                what: "PACE nonce s",
                expected: "1 to 32".into(),
                actual: s.len(),
            });
        }
        let mut padded = Zeroizing::new([0u8; FIELD_LEN]);
        padded[FIELD_LEN - s.len()..].copy_from_slice(s);
        let bytes = match self.curve {
            Curve::NistP256 => gen_mul_add::<p256::NistP256>(&padded, &self.bytes),
            Curve::BrainpoolP256r1 => gen_mul_add::<bp256::BrainpoolP256r1>(&padded, &self.bytes),
        };
        self.wrap(bytes, "mapped generator")
    }

    fn check_curve(&self, other: Curve) -> Result<()> {
        if self.curve == other {
            Ok(())
        } else {
            Err(Error::InvalidPoint {
                what: "key pair",
                curve: self.curve.name(),
                reason: "private key is for another curve",
            })
        }
    }

    fn wrap(&self, bytes: Option<Vec<u8>>, what: &'static str) -> Result<EcPoint> {
        match bytes
            .as_deref()
            .and_then(|b| <[u8; POINT_LEN]>::try_from(b).ok())
        {
            Some(b) => Ok(EcPoint {
                curve: self.curve,
                bytes: b,
            }),
            None => Err(Error::InvalidPoint {
                what,
                curve: self.curve.name(),
                reason: "result is the point at infinity",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_point_off_curve_and_wrong_format() {
        let g = Curve::NistP256.generator();
        let mut bad = g.to_sec1().to_vec();
        bad[64] ^= 1;
        assert!(matches!(
            EcPoint::from_sec1(Curve::NistP256, &bad, "PK"),
            Err(Error::InvalidPoint {
                reason: "not on the curve",
                ..
            })
        ));
        assert!(matches!(
            EcPoint::from_sec1(Curve::NistP256, &g.to_sec1()[..33], "PK"),
            Err(Error::InvalidPoint { .. })
        ));
        // A P-256 point is (almost surely) not on brainpoolP256r1.
        assert!(EcPoint::from_sec1(Curve::BrainpoolP256r1, g.to_sec1(), "PK").is_err());
    }

    #[test]
    fn mismatched_curves_are_refused() {
        let k = EcPrivateKey::from_bytes(Curve::NistP256, &[7u8; 32], "k").unwrap();
        assert!(Curve::BrainpoolP256r1.generator().mul(&k).is_err());
    }
}
