//! Elliptic-curve groups used by PACE, Chip Authentication and Active Authentication:
//! NIST P-256 (standardized domain parameter ID 12) and brainpoolP256r1 (ID 13).
//!
//! Points cross the public API as validated uncompressed SEC1 encodings (`04 || X || Y`), private
//! keys as validated 32-byte big-endian scalars. The arithmetic comes from the RustCrypto `p256`
//! and `bp256` crates through the generic `elliptic-curve` traits, so both curves share one code
//! path.
//!
//! **Timing**: P-256 scalar multiplication in `p256` is constant-time. The `bp256` crate
//! implements brainpoolP256r1 with its variable-time multiplication backend, and this crate's
//! brainpool ECDSA is written on top of it; that is fine for a terminal and for the virtual test
//! chip, but a real chip that must resist timing attacks needs a constant-time implementation.

use crate::error::{Error, Result};
use p256::elliptic_curve::{
    CurveArithmetic, FieldBytes, FieldBytesSize, Group,
    ff::{Field, PrimeField},
    group::Curve as _,
    ops::Reduce,
    point::AffineCoordinates,
    sec1::{FromSec1Point, ModulusSize, ToSec1Point},
};
use rand::{CryptoRng, RngCore};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Size in bytes of a field element and of a scalar for both supported curves.
pub const FIELD_LEN: usize = 32;
/// Size of an uncompressed SEC1 point: `04 || X || Y`.
pub const POINT_LEN: usize = 1 + 2 * FIELD_LEN;

const PRIME_NIST_P256: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];
const PRIME_BRAINPOOL_P256R1: [u8; 32] = [
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
pub const OID_NIST_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// DER content octets of the named-curve OID 1.3.36.3.3.2.8.1.1.7 (brainpoolP256r1).
pub const OID_BRAINPOOL_P256R1: &[u8] = &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07];

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

/// A point of a supported curve, never the point at infinity, validated to lie on the curve.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EcPoint {
    curve: Curve,
    bytes: [u8; POINT_LEN],
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

/// A private key (or ephemeral secret) of a supported curve: an integer in `[1, n-1]`, zeroized
/// on drop, redacted in `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct EcPrivateKey {
    #[zeroize(skip)]
    curve: Curve,
    d: [u8; FIELD_LEN],
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

// ---------------------------------------------------------------------------------------------
// Generic arithmetic over the RustCrypto traits. Every function returns `None` for bad input or
// the point at infinity; the typed wrappers above turn that into an `Error`.

fn decode<C>(bytes: &[u8]) -> Option<C::ProjectivePoint>
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
fn scalar_strict<C: CurveArithmetic>(b: &[u8; FIELD_LEN]) -> Option<C::Scalar> {
    let s: Option<C::Scalar> = C::Scalar::from_repr(field_bytes::<C>(b)).into();
    s.filter(|s| !bool::from(s.is_zero()))
}

/// Any 32-byte integer reduced modulo `n`.
fn scalar_reduced<C: CurveArithmetic>(b: &[u8; FIELD_LEN]) -> C::Scalar {
    <C::Scalar as Reduce<FieldBytes<C>>>::reduce(&field_bytes::<C>(b))
}

fn generator_bytes<C>() -> Vec<u8>
where
    C: CurveArithmetic,
    C::AffinePoint: ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    encode::<C>(&C::ProjectivePoint::generator()).unwrap_or_default()
}

fn mul<C>(k: &[u8; FIELD_LEN], p: &[u8]) -> Option<Vec<u8>>
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let k = scalar_strict::<C>(k)?;
    let p = decode::<C>(p)?;
    encode::<C>(&(p * k))
}

fn gen_mul_add<C>(s: &[u8; FIELD_LEN], h: &[u8]) -> Option<Vec<u8>>
where
    C: CurveArithmetic,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let s = scalar_reduced::<C>(s);
    let h = decode::<C>(h)?;
    encode::<C>(&(C::ProjectivePoint::generator() * s + h))
}

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

// ---------------------------------------------------------------------------------------------
// Point encoding of the ECDH Integrated Mapping (ICAO 9303-11 §4.4.3.3.2, for p = 3 mod 4): a
// deterministic map from a field element to a curve point, after Brier et al.

/// `(p + 1) / 4` as little-endian 64-bit limbs, for the square-root candidate `h^((p+1)/4)`.
fn sqrt_exponent(p: &[u8; 32]) -> [u64; 4] {
    let mut v = *p;
    for b in v.iter_mut().rev() {
        let (n, carry) = b.overflowing_add(1);
        *b = n;
        if !carry {
            break;
        }
    }
    // Shift right by two bits (p + 1 < 2^256 for both curves, no carry out of the top byte).
    let mut out = [0u8; 32];
    let mut carry = 0u8;
    for (o, b) in out.iter_mut().zip(v.iter()) {
        *o = (b >> 2) | (carry << 6);
        carry = b & 0x03;
    }
    let mut limbs = [0u64; 4];
    for (i, chunk) in out.rchunks(8).enumerate() {
        limbs[i] = u64::from_be_bytes(chunk.try_into().unwrap_or([0; 8]));
    }
    limbs
}

fn encode_point_generic<C>(r: &[u8], p: &[u8; 32]) -> Option<(Vec<u8>, Vec<u8>)>
where
    C: primeorder::PrimeCurveParams,
    C::AffinePoint: ToSec1Point<C>,
{
    use p256::elliptic_curve::hazmat::FieldArithmetic;
    type Fe<C> = <C as FieldArithmetic>::FieldElement;
    let b256 = Fe::<C>::from(256u64);
    // R mod p by Horner's rule over the bytes of R.
    let mut t = Fe::<C>::ZERO;
    for byte in r {
        t = t * b256 + Fe::<C>::from(u64::from(*byte));
    }
    let (a, b) = (C::EQUATION_A, C::EQUATION_B);
    let alpha = -t.square();
    let inv: Fe<C> = Option::from((alpha + alpha.square()).invert())?;
    let a_inv: Fe<C> = Option::from(a.invert())?;
    let x2 = -(b * a_inv) * (Fe::<C>::ONE + inv);
    let x3 = alpha * x2;
    let h2 = x2.square() * x2 + a * x2 + b;
    let u = t.square() * t * h2;
    // A = h2^(p - 1 - (p+1)/4) = (h2^((p+1)/4))^-1.
    let a_: Fe<C> = Option::from(h2.pow_vartime(sqrt_exponent(p)).invert())?;
    let (x, y) = if a_.square() * h2 == Fe::<C>::ONE {
        (x2, a_ * h2)
    } else {
        (x3, a_ * u)
    };
    let point: C::AffinePoint =
        Option::from(C::AffinePoint::from_coordinates(&x.to_repr(), &y.to_repr()))?;
    let bytes = point.to_sec1_point(false).as_bytes().to_vec();
    Some((bytes, t.to_repr().to_vec()))
}

/// The mapped generator of the Integrated Mapping, `f_G(R_p)` with `R_p = R mod p`; returns the
/// point and `R_p` (32 bytes).
pub(crate) fn integrated_mapping_point(curve: Curve, r: &[u8]) -> Result<(EcPoint, Vec<u8>)> {
    let out = match curve {
        Curve::NistP256 => encode_point_generic::<p256::NistP256>(r, &PRIME_NIST_P256),
        Curve::BrainpoolP256r1 => {
            encode_point_generic::<bp256::BrainpoolP256r1>(r, &PRIME_BRAINPOOL_P256R1)
        }
    };
    let (bytes, rp) = out.ok_or(Error::InvalidPoint {
        what: "integrated mapping",
        curve: curve.name(),
        reason: "point encoding hit a zero denominator",
    })?;
    Ok((EcPoint::from_sec1(curve, &bytes, "integrated mapping")?, rp))
}

/// Upper-case hex, for error messages and `Debug`.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
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

    #[test]
    fn integrated_mapping_point_encoding_appendix_h1() {
        // ICAO 9303-11 Appendix H.1: R(s,t) -> R_p -> G~.
        let r = hex::decode(
            "E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA\
             8DA0FF397ED8C445D3E421E4FEB57322",
        )
        .unwrap();
        let (g, rp) = integrated_mapping_point(Curve::BrainpoolP256r1, &r).unwrap();
        assert_eq!(
            hex_upper(&rp),
            "A2F8FF2DF50E52C6599F386ADCB595D229F6A167ADE2BE5F2C3296ADD5B7430E"
        );
        assert_eq!(
            hex_upper(g.xy()),
            "8E82D31559ED0FDE92A4D0498ADD3C23BABA94FB77691E31E90AEA77FB17D427\
             4C1AE14BD0C3DBAC0C871B7F3608169364437CA30AC243A089D3F266C1E60FAD"
        );
        // The encoding lands on P-256 too.
        assert!(integrated_mapping_point(Curve::NistP256, &r).is_ok());
    }

    #[test]
    fn sqrt_exponent_of_small_prime() {
        // p = 7: (p + 1) / 4 = 2.
        let mut p = [0u8; 32];
        p[31] = 7;
        assert_eq!(sqrt_exponent(&p), [2, 0, 0, 0]);
        // p = 2^64 + 3 (not prime, only checks the limb order): (p + 1) / 4 = 2^62 + 1.
        let mut p = [0u8; 32];
        p[23] = 1;
        p[31] = 3;
        assert_eq!(sqrt_exponent(&p), [(1 << 62) + 1, 0, 0, 0]);
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

    #[test]
    fn mismatched_curves_are_refused() {
        let k = EcPrivateKey::from_bytes(Curve::NistP256, &[7u8; 32], "k").unwrap();
        assert!(Curve::BrainpoolP256r1.generator().mul(&k).is_err());
    }

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
