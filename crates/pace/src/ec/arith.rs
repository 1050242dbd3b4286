//! Generic arithmetic over the RustCrypto traits, written once for both curves. Every function
//! returns `None` for bad input or the point at infinity; the typed wrappers (`point`, `key`,
//! `ecdsa`, `mapping`) turn that into an `Error`. Points travel as SEC1 bytes and scalars as
//! 32-byte big-endian arrays, so nothing generic leaks into the public types.

use super::FIELD_LEN;
use p256::elliptic_curve::{
    CurveArithmetic, FieldBytes, FieldBytesSize, Group,
    ff::{Field, PrimeField},
    group::Curve as _,
    ops::Reduce,
    sec1::{FromSec1Point, ModulusSize, ToSec1Point},
};

pub(super) fn decode<C>(bytes: &[u8]) -> Option<C::ProjectivePoint>
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let affine = C::AffinePoint::from_sec1_bytes(bytes).ok()?;
    let p = C::ProjectivePoint::from(affine);
    if bool::from(p.is_identity()) {
        None
    } else {
        Some(p)
    }
}

fn encode<C>(p: &C::ProjectivePoint) -> Option<Vec<u8>>
where
    C: CurveArithmetic,
    C::AffinePoint: ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    if bool::from(p.is_identity()) {
        return None;
    }
    Some(p.to_affine().to_sec1_point(false).as_bytes().to_vec())
}

fn field_bytes<C: CurveArithmetic>(b: &[u8; FIELD_LEN]) -> FieldBytes<C> {
    let mut fb = FieldBytes::<C>::default();
    fb.copy_from_slice(b);
    fb
}

/// A scalar in `[1, n-1]`, or `None`.
pub(super) fn scalar_strict<C: CurveArithmetic>(b: &[u8; FIELD_LEN]) -> Option<C::Scalar> {
    let s: Option<C::Scalar> = C::Scalar::from_repr(field_bytes::<C>(b)).into();
    s.filter(|s| !bool::from(s.is_zero()))
}

/// Any 32-byte integer reduced modulo `n`.
pub(super) fn scalar_reduced<C: CurveArithmetic>(b: &[u8; FIELD_LEN]) -> C::Scalar {
    <C::Scalar as Reduce<FieldBytes<C>>>::reduce(&field_bytes::<C>(b))
}

pub(super) fn generator_bytes<C>() -> Vec<u8>
where
    C: CurveArithmetic,
    C::AffinePoint: ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    encode::<C>(&C::ProjectivePoint::generator()).unwrap_or_default()
}

pub(super) fn mul<C>(k: &[u8; FIELD_LEN], p: &[u8]) -> Option<Vec<u8>>
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let k = scalar_strict::<C>(k)?;
    let p = decode::<C>(p)?;
    encode::<C>(&(p * k))
}

pub(super) fn gen_mul_add<C>(s: &[u8; FIELD_LEN], h: &[u8]) -> Option<Vec<u8>>
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let s = scalar_reduced::<C>(s);
    let h = decode::<C>(h)?;
    encode::<C>(&(C::ProjectivePoint::generator() * s + h))
}
