//! The elliptic curves found on documents in circulation, and ECDSA verification over them.
//!
//! The curve table ([`CURVES`]) exists to recognise a curve: by its named-curve OID, or by
//! explicit ECParameters (Part 12 asks for them; OpenSSL 3 refuses them), which
//! [`KnownCurve::by_params`] maps to a known curve. Explicit parameters that match no known curve
//! are rejected rather than computed with: a curve taken from a certificate is not a curve anyone
//! has vetted.
//!
//! [`ecdsa_verify`] does the arithmetic through the RustCrypto crates of one generation
//! (elliptic-curve 0.14: `p256`, `p384`, `p521`, `bp256`, `bp384`), all through the one generic
//! [`ecdsa::VerifyingKey`]. brainpoolP512r1 has no maintained crate, so it alone goes to the
//! big-integer verifier in `bigint`. Verification handles public data only, so the variable-time
//! paths are fine.
//!
//! Parameters are from SEC 2 / FIPS 186-4 and RFC 5639 (printed by `openssl ecparam -param_enc
//! explicit`); a unit test checks them against the crates.

mod bigint;

use crate::oids;
use der::asn1::ObjectIdentifier;
use ecdsa::elliptic_curve::sec1::{FromSec1Point, ModulusSize, ToSec1Point};
use ecdsa::elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytes, FieldBytesSize};
use ecdsa::signature::hazmat::PrehashVerifier;
use ecdsa::{EcdsaCurve, Signature, VerifyingKey};
use num_bigint::BigUint;
use std::borrow::Cow;

/// A named prime curve `y^2 = x^3 + ax + b (mod p)` with base point G of order n.
#[derive(Debug)]
pub struct KnownCurve {
    pub id: CurveId,
    pub name: &'static str,
    pub oid: ObjectIdentifier,
    pub p: &'static str,
    pub a: &'static str,
    pub b: &'static str,
    /// Uncompressed base point `04 || X || Y`.
    pub g: &'static str,
    pub n: &'static str,
}

/// The curves we know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurveId {
    P256,
    P384,
    P521,
    BrainpoolP256r1,
    BrainpoolP384r1,
    BrainpoolP512r1,
}

/// All known curves.
pub static CURVES: &[KnownCurve] = &[
    KnownCurve {
        id: CurveId::P256,
        name: "P-256",
        oid: oids::P256,
        p: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
        a: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
        b: "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
        g: "046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C2964FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
        n: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    },
    KnownCurve {
        id: CurveId::P384,
        name: "P-384",
        oid: oids::P384,
        p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
        a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
        b: "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
        g: "04AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB73617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
        n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    },
    KnownCurve {
        id: CurveId::P521,
        name: "P-521",
        oid: oids::P521,
        p: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        a: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
        b: "51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
        g: "0400C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
        n: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
    },
    KnownCurve {
        id: CurveId::BrainpoolP256r1,
        name: "brainpoolP256r1",
        oid: oids::BRAINPOOL_P256R1,
        p: "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
        a: "7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9",
        b: "26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6",
        g: "048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997",
        n: "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
    },
    KnownCurve {
        id: CurveId::BrainpoolP384r1,
        name: "brainpoolP384r1",
        oid: oids::BRAINPOOL_P384R1,
        p: "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53",
        a: "7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826",
        b: "4A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11",
        g: "041D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315",
        n: "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565",
    },
    KnownCurve {
        id: CurveId::BrainpoolP512r1,
        name: "brainpoolP512r1",
        oid: oids::BRAINPOOL_P512R1,
        p: "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
        a: "7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA",
        b: "3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723",
        g: "0481AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F8227DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892",
        n: "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069",
    },
];

fn big(h: &str) -> BigUint {
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default()
}

impl KnownCurve {
    /// Looks a curve up by its named-curve OID.
    pub fn by_oid(oid: &ObjectIdentifier) -> Option<&'static KnownCurve> {
        CURVES.iter().find(|c| &c.oid == oid)
    }
    /// Finds the curve whose p, a, b, G and n equal the given explicit parameters.
    pub fn by_params(
        p: &[u8],
        a: &[u8],
        b: &[u8],
        g: &[u8],
        n: &[u8],
    ) -> Option<&'static KnownCurve> {
        let eq = |x: &[u8], h: &str| BigUint::from_bytes_be(x) == big(h);
        CURVES.iter().find(|c| {
            eq(p, c.p) && eq(a, c.a) && eq(b, c.b) && eq(n, c.n) && {
                // G must be given uncompressed (compressed base points are not mapped).
                hex::encode_upper(g) == c.g
            }
        })
    }
    /// Field element size in bytes.
    pub fn field_len(&self) -> usize {
        big(self.p).bits().div_ceil(8) as usize
    }
    /// Bit length of the group order n: how many leftmost digest bits ECDSA uses.
    pub fn order_bits(&self) -> usize {
        big(self.n).bits() as usize
    }
}

/// ECDSA verification (SEC 1 §4.1.4) of `(r, s)` over the message digest `digest` with the SEC 1
/// encoded public point `point`. `r` and `s` are unsigned big-endian integers of any length (DER
/// INTEGER contents or the halves of a plain signature). Returns false on any malformed input.
pub fn ecdsa_verify(curve: &KnownCurve, point: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> bool {
    let e = bits2int(digest, curve.order_bits());
    match curve.id {
        CurveId::P256 => verify_with::<p256::NistP256>(point, &e, r, s),
        CurveId::P384 => verify_with::<p384::NistP384>(point, &e, r, s),
        CurveId::P521 => verify_with::<p521::NistP521>(point, &e, r, s),
        CurveId::BrainpoolP256r1 => verify_with::<bp256::BrainpoolP256r1>(point, &e, r, s),
        CurveId::BrainpoolP384r1 => verify_with::<bp384::BrainpoolP384r1>(point, &e, r, s),
        CurveId::BrainpoolP512r1 => bigint::ecdsa_verify(curve, point, &e, r, s),
    }
}

/// SEC 1 §4.1.4 step 3: a digest longer than the order contributes its leftmost `order_bits`
/// bits. Done here, once, because the crates only cut whole bytes (and then mask the top ones),
/// which differs for P-521 when a digest is longer than 66 bytes. Digests that fit are returned
/// unchanged: their value as a big-endian integer is already `e` (left-padding with zeros does
/// not change it), which is how both verifiers read them.
fn bits2int(digest: &[u8], order_bits: usize) -> Cow<'_, [u8]> {
    if digest.len() * 8 <= order_bits {
        return Cow::Borrowed(digest);
    }
    let keep = order_bits.div_ceil(8);
    let shift = keep * 8 - order_bits;
    let head = &digest[..keep];
    if shift == 0 {
        return Cow::Borrowed(head);
    }
    let mut out = vec![0u8; keep];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = if i == 0 { 0 } else { head[i - 1] };
        *o = (hi << (8 - shift)) | (head[i] >> shift);
    }
    Cow::Owned(out)
}

/// `v` without leading zeros, left-padded to `len` bytes; `None` if it does not fit.
fn fixed(v: &[u8], len: usize) -> Option<Vec<u8>> {
    let skip = v.iter().take_while(|&&b| b == 0).count();
    let v = &v[skip..];
    if v.len() > len {
        return None;
    }
    let mut out = vec![0u8; len - v.len()];
    out.extend_from_slice(v);
    Some(out)
}

/// ECDSA verification on any curve with RustCrypto arithmetic: written once, instantiated per
/// curve. `e` is the digest after [`bits2int`]; `verify_prehash` takes a shorter one as the
/// integer it denotes, exactly as SEC 1 does. The key, `r` and `s` are range-checked by the
/// crate (point on the curve and not the identity; 0 < r, s < n).
fn verify_with<C>(point: &[u8], e: &[u8], r: &[u8], s: &[u8]) -> bool
where
    C: EcdsaCurve + CurveArithmetic,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let len = FieldBytes::<C>::default().len();
    let (Some(r), Some(s)) = (fixed(r, len), fixed(s, len)) else {
        return false;
    };
    let Ok(key) = VerifyingKey::<C>::from_sec1_bytes(point) else {
        return false;
    };
    let Ok(sig) = Signature::<C>::from_slice(&[r, s].concat()) else {
        return false;
    };
    key.verify_prehash(e, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecdsa::elliptic_curve::bigint::Encoding;
    use ecdsa::elliptic_curve::group::{Curve as _, Group};

    /// Every table entry is self-consistent: G lies on the curve, and the sizes match.
    #[test]
    fn base_points_lie_on_their_curves() {
        for c in CURVES {
            let (p, a, b) = (big(c.p), big(c.a), big(c.b));
            let g = hex::decode(c.g).expect("hex");
            let (x, y) = bigint::parse_point(c, &g).expect("uncompressed G");
            let lhs = (&y * &y) % &p;
            let rhs = (&x * &x * &x + &a * &x + &b) % &p;
            assert_eq!(lhs, rhs, "{}", c.name);
            assert_eq!(KnownCurve::by_oid(&c.oid).map(|k| k.name), Some(c.name));
            let n = hex::decode(format!(
                "{:0>width$}",
                c.n,
                width = c.n.len() + c.n.len() % 2
            ))
            .expect("n");
            let pp = hex::decode(format!(
                "{:0>width$}",
                c.p,
                width = c.p.len() + c.p.len() % 2
            ))
            .expect("p");
            let aa = hex::decode(format!(
                "{:0>width$}",
                c.a,
                width = c.a.len() + c.a.len() % 2
            ))
            .expect("a");
            let bb = hex::decode(format!(
                "{:0>width$}",
                c.b,
                width = c.b.len() + c.b.len() % 2
            ))
            .expect("b");
            assert_eq!(
                KnownCurve::by_params(&pp, &aa, &bb, &g, &n).map(|k| k.name),
                Some(c.name)
            );
        }
        assert_eq!(
            CURVES.iter().map(|c| c.field_len()).collect::<Vec<_>>(),
            vec![32, 48, 66, 32, 48, 64]
        );
    }

    /// The table (which maps explicit parameters) and the crates (which do the arithmetic) agree
    /// on the base point, the order and the field size of every curve the crates cover.
    #[test]
    fn table_agrees_with_the_crates() {
        fn check<C>(id: CurveId)
        where
            C: CurveArithmetic,
            AffinePoint<C>: ToSec1Point<C>,
            FieldBytesSize<C>: ModulusSize,
        {
            let c = CURVES.iter().find(|c| c.id == id).expect("in table");
            let g = C::ProjectivePoint::generator()
                .to_affine()
                .to_sec1_point(false);
            assert_eq!(hex::encode_upper(g.as_bytes()), c.g, "{}", c.name);
            let n = C::ORDER.to_be_bytes();
            assert_eq!(BigUint::from_bytes_be(n.as_ref()), big(c.n), "{}", c.name);
            assert_eq!(
                FieldBytes::<C>::default().len(),
                c.field_len(),
                "{}",
                c.name
            );
        }
        check::<p256::NistP256>(CurveId::P256);
        check::<p384::NistP384>(CurveId::P384);
        check::<p521::NistP521>(CurveId::P521);
        check::<bp256::BrainpoolP256r1>(CurveId::BrainpoolP256r1);
        check::<bp384::BrainpoolP384r1>(CurveId::BrainpoolP384r1);
    }

    #[test]
    fn bits2int_keeps_the_leftmost_order_bits() {
        // Fits: unchanged (a short digest is its own integer value).
        assert_eq!(bits2int(&[1, 2, 3], 256).as_ref(), &[1, 2, 3]);
        assert_eq!(bits2int(&[0xAB; 32], 256).as_ref(), &[0xAB; 32]);
        // Byte-aligned order: the leading bytes.
        assert_eq!(bits2int(&[7; 48], 256).as_ref(), &[7; 32]);
        // 521 bits from 72 bytes: the top 66 bytes shifted right by 7 bits.
        let mut d = [0u8; 72];
        d[0] = 0x80; // bit 575, the leftmost
        d[65] = 0x01; // the lowest bit of the top 66 bytes: shifted out
        let e = bits2int(&d, 521);
        assert_eq!(e.len(), 66);
        assert_eq!(e[0], 0x01); // 0x80 >> 7
        assert!(e[1..].iter().all(|&b| b == 0), "{e:?}");
        assert_eq!(
            CURVES.iter().map(|c| c.order_bits()).collect::<Vec<_>>(),
            vec![256, 384, 521, 256, 384, 512]
        );
    }
}
