//! ECDSA with plain `r || s` signatures (BSI TR-03111) on either supported curve, over a
//! precomputed digest: what brainpoolP256r1 Active Authentication needs, since this crate takes
//! only `bp256`'s arithmetic. `aa` calls it for brainpool and for known-answer signatures with
//! an explicit nonce; random P-256 signatures and P-256 verification use `p256`'s own ECDSA.
//! Kept apart from the group arithmetic it is built on (`arith`): this is the one place that
//! turns the group into a signature scheme.

use super::arith::{decode, scalar_reduced, scalar_strict};
use super::{Curve, EcPoint, EcPrivateKey, FIELD_LEN};
use p256::elliptic_curve::{
    CurveArithmetic, FieldBytesSize, Group,
    ff::{Field, PrimeField},
    group::Curve as _,
    point::AffineCoordinates,
    sec1::{FromSec1Point, ModulusSize, ToSec1Point},
};
use zeroize::Zeroizing;

/// The leftmost 256 bits of a hash as a scalar (ECDSA's bits2int followed by reduction mod n;
/// shorter hashes are taken as they are).
fn hash_scalar<C: CurveArithmetic>(digest: &[u8]) -> C::Scalar {
    let mut e = Zeroizing::new([0u8; FIELD_LEN]);
    if digest.len() >= FIELD_LEN {
        e.copy_from_slice(&digest[..FIELD_LEN]);
    } else {
        e[FIELD_LEN - digest.len()..].copy_from_slice(digest);
    }
    scalar_reduced::<C>(&e)
}

fn ecdsa_verify_generic<C>(q: &[u8], digest: &[u8], r: &[u8; 32], s: &[u8; 32]) -> bool
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let (Some(q), Some(r_s), Some(s_s)) =
        (decode::<C>(q), scalar_strict::<C>(r), scalar_strict::<C>(s))
    else {
        return false;
    };
    let Some(w) = Option::<C::Scalar>::from(s_s.invert()) else {
        return false;
    };
    let e = hash_scalar::<C>(digest);
    let point = C::ProjectivePoint::generator() * (e * w) + q * (r_s * w);
    if bool::from(point.is_identity()) {
        return false;
    }
    let mut x = [0u8; FIELD_LEN];
    x.copy_from_slice(point.to_affine().x().as_ref());
    scalar_reduced::<C>(&x) == r_s
}

fn ecdsa_sign_generic<C>(d: &[u8; 32], k: &[u8; 32], digest: &[u8]) -> Option<[u8; 64]>
where
    C: CurveArithmetic,
{
    let d = scalar_strict::<C>(d)?;
    let k = scalar_strict::<C>(k)?;
    let point = C::ProjectivePoint::generator() * k;
    let mut x = [0u8; FIELD_LEN];
    x.copy_from_slice(point.to_affine().x().as_ref());
    let r = scalar_reduced::<C>(&x);
    if bool::from(r.is_zero()) {
        return None;
    }
    let k_inv: C::Scalar = Option::from(k.invert())?;
    let s = k_inv * (hash_scalar::<C>(digest) + r * d);
    if bool::from(s.is_zero()) {
        return None;
    }
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(r.to_repr().as_ref());
    out[32..].copy_from_slice(s.to_repr().as_ref());
    Some(out)
}

/// ECDSA verification on any supported curve with plain `r || s` (BSI TR-03111), over a
/// precomputed digest. Used for brainpoolP256r1 Active Authentication.
pub(crate) fn ecdsa_verify(q: &EcPoint, digest: &[u8], r: &[u8; 32], s: &[u8; 32]) -> bool {
    match q.curve {
        Curve::NistP256 => ecdsa_verify_generic::<p256::NistP256>(&q.bytes, digest, r, s),
        Curve::BrainpoolP256r1 => {
            ecdsa_verify_generic::<bp256::BrainpoolP256r1>(&q.bytes, digest, r, s)
        }
    }
}

/// ECDSA signing with an explicit per-signature nonce `k` (which must be secret, uniform and never
/// reused). Returns plain `r || s`; `None` in the negligible case r = 0 or s = 0.
pub(crate) fn ecdsa_sign_with_nonce(
    key: &EcPrivateKey,
    k: &EcPrivateKey,
    digest: &[u8],
) -> Option<[u8; 64]> {
    if key.curve != k.curve {
        return None;
    }
    match key.curve {
        Curve::NistP256 => ecdsa_sign_generic::<p256::NistP256>(&key.d, &k.d, digest),
        Curve::BrainpoolP256r1 => {
            ecdsa_sign_generic::<bp256::BrainpoolP256r1>(&key.d, &k.d, digest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_ecdsa_round_trip_on_both_curves() {
        for curve in [Curve::NistP256, Curve::BrainpoolP256r1] {
            let d = EcPrivateKey::from_bytes(curve, &[3u8; 32], "d").unwrap();
            let k = EcPrivateKey::from_bytes(curve, &[5u8; 32], "k").unwrap();
            let q = d.public_key().unwrap();
            let digest = [0x42u8; 32];
            let sig = ecdsa_sign_with_nonce(&d, &k, &digest).unwrap();
            let (r, s) = sig.split_at(32);
            let (r, s): ([u8; 32], [u8; 32]) = (r.try_into().unwrap(), s.try_into().unwrap());
            assert!(ecdsa_verify(&q, &digest, &r, &s));
            let mut other = digest;
            other[0] ^= 1;
            assert!(!ecdsa_verify(&q, &other, &r, &s));
        }
    }
}
