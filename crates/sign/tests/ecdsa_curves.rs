//! ECDSA verification on every curve with a RustCrypto crate (P-256, P-384, P-521,
//! brainpoolP256r1, brainpoolP384r1) and on brainpoolP512r1 (big-integer verifier), with
//! OpenSSL-made signatures (`vectors/ecdsa_named.json`): valid signatures verify, a flipped bit
//! anywhere fails, and digests shorter or longer than the order are read as SEC 1 says.

use der::asn1::Uint;
use der::{Decode, Sequence};
use sign::ec::{KnownCurve, ecdsa_verify};
use sign::sigverify::{Hash, verify_signature};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

struct Vector {
    name: String,
    curve: &'static KnownCurve,
    hash: Hash,
    spki: SubjectPublicKeyInfoOwned,
    /// DER `ECDSA-Sig-Value`.
    signature: Vec<u8>,
}

#[derive(Sequence)]
struct SigValue {
    r: Uint,
    s: Uint,
}

fn hexv(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

fn named() -> (Vec<u8>, Vec<Vector>) {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("vectors/ecdsa_named.json")).expect("json");
    let vectors = v["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .map(|x| {
            let spki = SubjectPublicKeyInfoOwned::from_der(&hexv(&x["spki"])).expect("spki");
            let oid = spki
                .algorithm
                .parameters
                .as_ref()
                .expect("named curve")
                .decode_as::<der::asn1::ObjectIdentifier>()
                .expect("oid");
            Vector {
                name: x["name"].as_str().expect("name").to_string(),
                curve: KnownCurve::by_oid(&oid).expect("known curve"),
                hash: match x["hash"].as_str().expect("hash") {
                    "sha1" => Hash::Sha1,
                    "sha256" => Hash::Sha256,
                    "sha384" => Hash::Sha384,
                    "sha512" => Hash::Sha512,
                    other => panic!("hash {other}"),
                },
                spki,
                signature: hexv(&x["signature"]),
            }
        })
        .collect();
    (hexv(&v["message"]), vectors)
}

fn ecdsa_alg(hash: Hash, plain: bool) -> AlgorithmIdentifierOwned {
    use sign::oids::*;
    let oid = match (hash, plain) {
        (Hash::Sha1, false) => ECDSA_SHA1,
        (Hash::Sha224, false) => ECDSA_SHA224,
        (Hash::Sha256, false) => ECDSA_SHA256,
        (Hash::Sha384, false) => ECDSA_SHA384,
        (Hash::Sha512, false) => ECDSA_SHA512,
        (Hash::Sha1, true) => ECDSA_PLAIN_SHA1,
        (Hash::Sha224, true) => ECDSA_PLAIN_SHA224,
        (Hash::Sha256, true) => ECDSA_PLAIN_SHA256,
        (Hash::Sha384, true) => ECDSA_PLAIN_SHA384,
        (Hash::Sha512, true) => ECDSA_PLAIN_SHA512,
    };
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

/// `(r, s)` of a DER signature, as unsigned big-endian integers.
fn rs(sig: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let v = SigValue::from_der(sig).expect("DER signature");
    (v.r.as_bytes().to_vec(), v.s.as_bytes().to_vec())
}

/// `v` left-padded with zeros to `len` bytes.
fn pad(v: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len - v.len()];
    out.extend_from_slice(v);
    out
}

fn point(v: &Vector) -> &[u8] {
    v.spki.subject_public_key.raw_bytes()
}

#[test]
fn every_curve_verifies_and_a_flipped_bit_fails() {
    let (msg, vectors) = named();
    let mut curves: Vec<&str> = vectors.iter().map(|v| v.curve.name).collect();
    curves.sort();
    curves.dedup();
    assert_eq!(
        curves,
        [
            "P-256",
            "P-384",
            "P-521",
            "brainpoolP256r1",
            "brainpoolP384r1",
            "brainpoolP512r1"
        ]
    );
    for v in &vectors {
        let alg = ecdsa_alg(v.hash, false);
        let w = verify_signature(&v.spki, &alg, None, &msg, &v.signature)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(w.iter().any(|w| w.contains("SHA-1")), v.hash == Hash::Sha1);
        // The same (r, s) as a plain (BSI TR-03111) signature.
        let (r, s) = rs(&v.signature);
        let l = v.curve.field_len();
        let plain = [pad(&r, l), pad(&s, l)].concat();
        verify_signature(&v.spki, &ecdsa_alg(v.hash, true), None, &msg, &plain)
            .unwrap_or_else(|e| panic!("{} plain: {e}", v.name));

        // A flipped bit in the message, in r, in s or in the public key: refused.
        for bit in [0, 7] {
            let mut m = msg.clone();
            m[msg.len() / 2] ^= 1 << bit;
            assert!(
                verify_signature(&v.spki, &alg, None, &m, &v.signature).is_err(),
                "{}: message bit {bit}",
                v.name
            );
        }
        let digest = v.hash.digest(&msg);
        assert!(
            ecdsa_verify(v.curve, point(v), &digest, &r, &s),
            "{}",
            v.name
        );
        for i in [0, r.len() / 2, r.len() - 1] {
            let mut r2 = r.clone();
            r2[i] ^= 0x10;
            assert!(
                !ecdsa_verify(v.curve, point(v), &digest, &r2, &s),
                "{}: r byte {i}",
                v.name
            );
            let mut s2 = s.clone();
            s2[i.min(s.len() - 1)] ^= 0x01;
            assert!(
                !ecdsa_verify(v.curve, point(v), &digest, &r, &s2),
                "{}: s byte {i}",
                v.name
            );
        }
        // x and y of the key: a flipped bit puts the point off the curve.
        for i in [1, 1 + l, 2 * l] {
            let mut q = point(v).to_vec();
            q[i] ^= 0x04;
            assert!(
                !ecdsa_verify(v.curve, &q, &digest, &r, &s),
                "{}: key byte {i}",
                v.name
            );
        }
        let mut d = digest.clone();
        d[0] ^= 0x80;
        assert!(
            !ecdsa_verify(v.curve, point(v), &d, &r, &s),
            "{}: digest",
            v.name
        );
    }
}

#[test]
fn out_of_range_signatures_are_refused() {
    let (msg, vectors) = named();
    for v in &vectors {
        let digest = v.hash.digest(&msg);
        let (r, s) = rs(&v.signature);
        let n = hex::decode(format!(
            "{:0>1$}",
            v.curve.n,
            v.curve.n.len().div_ceil(2) * 2
        ))
        .expect("n");
        // r + n ≡ r (mod n) but is out of range; r = 0, s = 0, and r = n are refused too.
        let r_plus_n = {
            let (mut out, mut carry) = (vec![0u8; n.len() + 1], 0u16);
            let r = pad(&r, n.len());
            for i in (0..n.len()).rev() {
                let t = r[i] as u16 + n[i] as u16 + carry;
                out[i + 1] = t as u8;
                carry = t >> 8;
            }
            out[0] = carry as u8;
            out
        };
        for (what, r2, s2) in [
            ("r + n", r_plus_n.as_slice(), s.as_slice()),
            ("r = n", n.as_slice(), s.as_slice()),
            ("r = 0", &[0u8][..], s.as_slice()),
            ("s = 0", r.as_slice(), &[][..]),
        ] {
            assert!(
                !ecdsa_verify(v.curve, point(v), &digest, r2, s2),
                "{}: {what}",
                v.name
            );
        }
        // Leading zeros in r and s do not matter (DER INTEGERs carry one when the top bit is set).
        let r0 = [&[0u8, 0][..], &r].concat();
        assert!(
            ecdsa_verify(v.curve, point(v), &digest, &r0, &s),
            "{}",
            v.name
        );
    }
}

/// A digest shorter than the order is taken as the integer it denotes (SEC 1 §4.1.4: e is the
/// whole hash when it has fewer bits than n), which equals left-padding it with zeros; putting
/// the zeros on the right instead is a different e and fails.
#[test]
fn short_digests_verify_per_sec1() {
    let (msg, vectors) = named();
    let short: Vec<&Vector> = vectors
        .iter()
        .filter(|v| v.hash.digest(b"").len() * 8 < v.curve.order_bits())
        .collect();
    let names: Vec<&str> = short.iter().map(|v| v.name.as_str()).collect();
    // SHA-1 on P-384, P-521 and brainpoolP384r1: below half the field, which RustCrypto 0.13
    // refused. (SHA-512 on P-521 is short too, by 9 bits.)
    for want in ["p384sha1", "p521sha1", "bp384sha1"] {
        assert!(names.contains(&want), "{names:?}");
    }
    for v in short {
        let alg = ecdsa_alg(v.hash, false);
        verify_signature(&v.spki, &alg, None, &msg, &v.signature)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        let digest = v.hash.digest(&msg);
        let (r, s) = rs(&v.signature);
        // Whole bytes that still fit in the order (65 for P-521's 521 bits).
        let l = v.curve.order_bits() / 8;
        let left = pad(&digest, l);
        assert!(ecdsa_verify(v.curve, point(v), &left, &r, &s), "{}", v.name);
        let mut right = digest.clone();
        right.resize(l, 0);
        assert!(
            !ecdsa_verify(v.curve, point(v), &right, &r, &s),
            "{}: right-padded digest verified",
            v.name
        );
    }
}

/// A digest longer than the order contributes its leftmost bits only: SHA-512 on P-256 (OpenSSL
/// vector), and, built from the SHA-512 vectors, a 72-byte digest on P-521 (521 bits: a 55-bit
/// shift, not a whole-byte cut) and on brainpoolP512r1.
#[test]
fn long_digests_keep_their_leftmost_bits() {
    let (msg, vectors) = named();
    let by_name = |n: &str| vectors.iter().find(|v| v.name == n).expect(n);

    let v = by_name("p256sha512");
    let alg = ecdsa_alg(Hash::Sha512, false);
    verify_signature(&v.spki, &alg, None, &msg, &v.signature).expect("SHA-512 on P-256");
    let digest = Hash::Sha512.digest(&msg);
    let (r, s) = rs(&v.signature);
    // Only the first 32 bytes count.
    let mut tail = digest.clone();
    tail[40] ^= 0xFF;
    assert!(ecdsa_verify(v.curve, point(v), &tail, &r, &s));
    let mut head = digest.clone();
    head[31] ^= 0x01;
    assert!(!ecdsa_verify(v.curve, point(v), &head, &r, &s));

    // P-521 signed over SHA-512 (e = H). A 72-byte (576-bit) digest D with D >> 55 = H has the
    // same e: H shifted left by 55 bits, anything in the low 55 bits.
    let v = by_name("p521");
    let h = Hash::Sha512.digest(&msg);
    let (r, s) = rs(&v.signature);
    assert!(ecdsa_verify(v.curve, point(v), &h, &r, &s));
    let shl55 = |low: u8| -> Vec<u8> {
        // A zero byte, then H << 7 in 65 bytes, then 6 low bytes: 1 + 65 + 6 = 72 bytes, and
        // 55 = 7 + 6 * 8 bits below H.
        let mut out = vec![0u8; 66];
        for i in 0..64 {
            out[i + 1] |= h[i] >> 1;
            out[i + 2] |= h[i] << 7;
        }
        out[65] |= low & 0x7F;
        out.extend_from_slice(&[low; 6]);
        out
    };
    for low in [0x00, 0x5A, 0xFF] {
        let d = shl55(low);
        assert_eq!(d.len(), 72);
        assert!(
            ecdsa_verify(v.curve, point(v), &d, &r, &s),
            "P-521, 72-byte digest, low bits {low:#x}"
        );
    }
    let mut d = shl55(0);
    d[1] ^= 0x01; // inside the leftmost 521 bits
    assert!(!ecdsa_verify(v.curve, point(v), &d, &r, &s));

    // brainpoolP512r1 (512-bit order): the leading 64 bytes of a 72-byte digest.
    let v = by_name("bp512");
    let (r, s) = rs(&v.signature);
    let mut d = Hash::Sha512.digest(&msg);
    d.extend_from_slice(&[0xA5; 8]);
    assert!(ecdsa_verify(v.curve, point(v), &d, &r, &s));
    d[63] ^= 0x01;
    assert!(!ecdsa_verify(v.curve, point(v), &d, &r, &s));
}
