//! ECDSA verification with plain big integers, kept only for the one curve of [`super::CURVES`]
//! that no maintained RustCrypto crate covers: brainpoolP512r1 (found on documents of some
//! issuers). Everything else goes through the crates; see the parent module. Inputs are public
//! (key, digest, signature), so neither constant time nor speed matters here.

use super::{KnownCurve, big};
use num_bigint::BigUint;

/// Jacobian point; Z = 0 is the point at infinity.
#[derive(Clone)]
struct Jac {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

struct Field<'a> {
    p: &'a BigUint,
    a: &'a BigUint,
}

impl Field<'_> {
    fn sub(&self, x: &BigUint, y: &BigUint) -> BigUint {
        ((x + self.p) - (y % self.p)) % self.p
    }
    fn mul(&self, x: &BigUint, y: &BigUint) -> BigUint {
        (x * y) % self.p
    }
    fn double(&self, q: &Jac) -> Jac {
        if q.z == BigUint::ZERO || q.y == BigUint::ZERO {
            return inf();
        }
        let y2 = self.mul(&q.y, &q.y);
        let s = self.mul(&(BigUint::from(4u8) * &q.x), &y2);
        let z2 = self.mul(&q.z, &q.z);
        let z4 = self.mul(&z2, &z2);
        let m = (BigUint::from(3u8) * self.mul(&q.x, &q.x) + self.mul(self.a, &z4)) % self.p;
        let x3 = self.sub(&self.mul(&m, &m), &((BigUint::from(2u8) * &s) % self.p));
        let y4 = self.mul(&y2, &y2);
        let y3 = self.sub(
            &self.mul(&m, &self.sub(&s, &x3)),
            &((BigUint::from(8u8) * y4) % self.p),
        );
        let z3 = self.mul(&(BigUint::from(2u8) * &q.y), &q.z);
        Jac {
            x: x3,
            y: y3,
            z: z3,
        }
    }
    fn add(&self, p1: &Jac, p2: &Jac) -> Jac {
        if p1.z == BigUint::ZERO {
            return p2.clone();
        }
        if p2.z == BigUint::ZERO {
            return p1.clone();
        }
        let z1z1 = self.mul(&p1.z, &p1.z);
        let z2z2 = self.mul(&p2.z, &p2.z);
        let u1 = self.mul(&p1.x, &z2z2);
        let u2 = self.mul(&p2.x, &z1z1);
        let s1 = self.mul(&p1.y, &self.mul(&p2.z, &z2z2));
        let s2 = self.mul(&p2.y, &self.mul(&p1.z, &z1z1));
        if u1 == u2 {
            return if s1 == s2 { self.double(p1) } else { inf() };
        }
        let h = self.sub(&u2, &u1);
        let r = self.sub(&s2, &s1);
        let h2 = self.mul(&h, &h);
        let h3 = self.mul(&h2, &h);
        let u1h2 = self.mul(&u1, &h2);
        let x3 = self.sub(
            &self.sub(&self.mul(&r, &r), &h3),
            &((BigUint::from(2u8) * &u1h2) % self.p),
        );
        let y3 = self.sub(&self.mul(&r, &self.sub(&u1h2, &x3)), &self.mul(&s1, &h3));
        let z3 = self.mul(&h, &self.mul(&p1.z, &p2.z));
        Jac {
            x: x3,
            y: y3,
            z: z3,
        }
    }
    fn mul_scalar(&self, k: &BigUint, q: &Jac) -> Jac {
        let mut acc = inf();
        for i in (0..k.bits()).rev() {
            acc = self.double(&acc);
            if k.bit(i) {
                acc = self.add(&acc, q);
            }
        }
        acc
    }
    fn affine_x(&self, q: &Jac) -> Option<BigUint> {
        if q.z == BigUint::ZERO {
            return None;
        }
        let zinv = q.z.modpow(&(self.p - BigUint::from(2u8)), self.p);
        let zinv2 = self.mul(&zinv, &zinv);
        Some(self.mul(&q.x, &zinv2))
    }
}

fn inf() -> Jac {
    Jac {
        x: BigUint::from(1u8),
        y: BigUint::from(1u8),
        z: BigUint::ZERO,
    }
}

pub(super) fn parse_point(curve: &KnownCurve, point: &[u8]) -> Option<(BigUint, BigUint)> {
    let l = curve.field_len();
    if point.len() != 1 + 2 * l || point[0] != 0x04 {
        return None;
    }
    Some((
        BigUint::from_bytes_be(&point[1..=l]),
        BigUint::from_bytes_be(&point[1 + l..]),
    ))
}

/// ECDSA verification (SEC 1 §4.1.4) of `(r, s)` with the uncompressed public point `point`.
/// `e` is the digest already reduced to the order's bit length (`super::bits2int`), read as a
/// big-endian integer. Returns false on any malformed input.
pub(super) fn ecdsa_verify(curve: &KnownCurve, point: &[u8], e: &[u8], r: &[u8], s: &[u8]) -> bool {
    let p = big(curve.p);
    let a = big(curve.a);
    let b = big(curve.b);
    let n = big(curve.n);
    let f = Field { p: &p, a: &a };
    let Some((qx, qy)) = parse_point(curve, point) else {
        return false;
    };
    if qx >= p || qy >= p {
        return false;
    }
    // Q on the curve.
    let lhs = f.mul(&qy, &qy);
    let rhs = (f.mul(&f.mul(&qx, &qx), &qx) + f.mul(&a, &qx) + &b) % &p;
    if lhs != rhs {
        return false;
    }
    let Some((gx, gy)) = hex::decode(curve.g)
        .ok()
        .and_then(|g| parse_point(curve, &g))
    else {
        return false;
    };
    let r = BigUint::from_bytes_be(r);
    let s = BigUint::from_bytes_be(s);
    if r == BigUint::ZERO || s == BigUint::ZERO || r >= n || s >= n {
        return false;
    }
    let e = BigUint::from_bytes_be(e);
    let w = s.modpow(&(&n - BigUint::from(2u8)), &n);
    let u1 = (&e * &w) % &n;
    let u2 = (&r * &w) % &n;
    let one = BigUint::from(1u8);
    let g = Jac {
        x: gx,
        y: gy,
        z: one.clone(),
    };
    let q = Jac {
        x: qx,
        y: qy,
        z: one,
    };
    let sum = f.add(&f.mul_scalar(&u1, &g), &f.mul_scalar(&u2, &q));
    match f.affine_x(&sum) {
        Some(x) => x % &n == r,
        None => false,
    }
}
