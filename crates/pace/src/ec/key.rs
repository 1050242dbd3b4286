//! [`EcPrivateKey`]: a validated scalar in `[1, n-1]` of a supported curve, zeroized on drop and
//! redacted in `Debug`; random generation by rejection sampling and the ECDH shared secret.
//! Separate from [`EcPoint`] because it holds the secrets: the zeroization and redaction rules
//! apply to this file alone.

use super::arith::scalar_strict;
use super::{Curve, EcPoint, FIELD_LEN};
use crate::error::{Error, Result};
use rand::{CryptoRng, RngCore};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A private key (or ephemeral secret) of a supported curve: an integer in `[1, n-1]`, zeroized
/// on drop, redacted in `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct EcPrivateKey {
    #[zeroize(skip)]
    pub(super) curve: Curve,
    pub(super) d: [u8; FIELD_LEN],
}

impl fmt::Debug for EcPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcPrivateKey({}, <redacted>)", self.curve.name())
    }
}

impl EcPrivateKey {
    /// A private key from its 32-byte big-endian value; rejects zero and values `>= n`.
    pub fn from_bytes(curve: Curve, d: &[u8], what: &'static str) -> Result<Self> {
        if d.len() != FIELD_LEN {
            return Err(Error::BadLength {
                what,
                expected: "32".into(),
                actual: d.len(),
            });
        }
        let mut key = EcPrivateKey {
            curve,
            d: [0; FIELD_LEN],
        };
        key.d.copy_from_slice(d);
        let ok = match curve {
            Curve::NistP256 => scalar_strict::<p256::NistP256>(&key.d).is_some(),
            Curve::BrainpoolP256r1 => scalar_strict::<bp256::BrainpoolP256r1>(&key.d).is_some(),
        };
        if ok {
            Ok(key)
        } else {
            Err(Error::InvalidScalar {
                what,
                curve: curve.name(),
            })
        }
    }

    /// A uniformly random private key (rejection sampling).
    pub fn generate<R: RngCore + CryptoRng + ?Sized>(curve: Curve, rng: &mut R) -> Result<Self> {
        let mut buf = Zeroizing::new([0u8; FIELD_LEN]);
        for _ in 0..64 {
            rng.try_fill_bytes(&mut buf[..]).map_err(|_| Error::Rng)?;
            if let Ok(k) = Self::from_bytes(curve, &buf[..], "random scalar") {
                return Ok(k);
            }
        }
        // 64 rejections in a row has probability < 2^-90 for both curves: the RNG is broken.
        Err(Error::Rng)
    }

    /// The curve of this key.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// The 32-byte big-endian private value (for storing the key in a protected chip image).
    pub fn to_bytes(&self) -> Zeroizing<[u8; FIELD_LEN]> {
        Zeroizing::new(self.d)
    }

    /// The public key `d · G` on the standard generator.
    pub fn public_key(&self) -> Result<EcPoint> {
        self.curve.generator().mul(self)
    }

    /// The public key `d · generator` on another generator (PACE's mapped generator).
    pub fn public_key_on(&self, generator: &EcPoint) -> Result<EcPoint> {
        generator.mul(self)
    }

    /// The ECDH shared secret with `peer`: the x-coordinate of `d · peer` (BSI TR-03111 §4.3.1,
    /// as Chip Authentication uses it). Fails for a point of another curve or the point at
    /// infinity.
    pub fn shared_secret(&self, peer: &EcPoint) -> Result<Zeroizing<Vec<u8>>> {
        Ok(Zeroizing::new(peer.mul(self)?.x().to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_zero_and_too_large_scalars() {
        for curve in [Curve::NistP256, Curve::BrainpoolP256r1] {
            assert!(matches!(
                EcPrivateKey::from_bytes(curve, &[0u8; 32], "SK"),
                Err(Error::InvalidScalar { .. })
            ));
            assert!(matches!(
                EcPrivateKey::from_bytes(curve, &[0xFFu8; 32], "SK"),
                Err(Error::InvalidScalar { .. })
            ));
            assert!(matches!(
                EcPrivateKey::from_bytes(curve, &[1u8; 31], "SK"),
                Err(Error::BadLength { .. })
            ));
        }
    }
}
