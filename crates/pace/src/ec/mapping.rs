//! Point encoding of the ECDH Integrated Mapping (ICAO 9303-11 §4.4.3.3.2, for p = 3 mod 4): a
//! deterministic map from a field element to a curve point, after Brier et al. It works on the
//! field, not the group, so it shares nothing with `arith` but the curve constants.

use super::curve::{PRIME_BRAINPOOL_P256R1, PRIME_NIST_P256};
use super::{Curve, EcPoint};
use crate::error::{Error, Result};
use p256::elliptic_curve::{
    ff::{Field, PrimeField},
    point::AffineCoordinates,
    sec1::ToSec1Point,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec::hex_upper;

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
}
