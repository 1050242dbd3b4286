//! ECDSA Active Authentication: the synthetic brainpool vector byte for byte, independent
//! P-256 and brainpool signatures (plain and DER), and a P-256 chip signing for a terminal with
//! a clone's signature refused.

mod common;

use common::{CA_AA, curve, h};
use pace::aa::{self, AaHash, AaSigner, SignatureForm};
use pace::{Curve, EcPoint, EcPrivateKey, Error};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

const ICAO: &str = include_str!("vectors/icao-9303.json");

#[test]
fn active_authentication_synthetic_brainpool_vector_byte_for_byte() {
    let all: Value = serde_json::from_str(ICAO).unwrap();
    let v = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "aa.synthetic_ecdsa_brainpoolP256r1_sha256")
        .unwrap();
    let (i, e) = (&v["inputs"], &v["expected"]);
    let c = Curve::BrainpoolP256r1;
    // DG14 ActiveAuthenticationInfo ends with the signature algorithm OID.
    let aa_info = h(&i["ActiveAuthenticationInfo_in_DG14"]);
    let hash = AaHash::from_signature_oid(&aa_info[aa_info.len() - 10..]).unwrap();
    assert_eq!(hash, AaHash::Sha256);
    // DG15 = 6F 5C { SEQUENCE { SEQUENCE { id-ecPublicKey, 06 09 brainpoolP256r1 },
    // BIT STRING 00 || point } }: the named-curve parameters sit at 15..26, the point at the end.
    let dg15 = h(&i["DG15"]);
    let q = EcPoint::from_spki_parts(&dg15[15..26], &dg15[dg15.len() - 65..], "DG15 key").unwrap();
    assert_eq!(q.curve(), c);
    assert_eq!(q.to_sec1(), h(&e["public_Q"]));

    let signer = AaSigner::new(EcPrivateKey::from_bytes(c, &h(&i["private_key_d"]), "d").unwrap());
    assert_eq!(signer.public_key().unwrap(), q);
    let k = EcPrivateKey::from_bytes(c, &h(&i["nonce_k"]), "k").unwrap();
    let rnd_ifd = h(&i["RND.IFD"]);
    let sig = signer.sign_with_nonce(hash, &rnd_ifd, &k).unwrap();
    assert_eq!(sig.to_vec(), h(&e["signature_plain_r_s"]));

    assert_eq!(
        aa::verify(&q, hash, &rnd_ifd, &sig),
        Ok(SignatureForm::Plain)
    );
    assert_eq!(
        aa::verify(&q, hash, &rnd_ifd, &h(&e["signature_der_equivalent"])),
        Ok(SignatureForm::Der)
    );
    let mut other = rnd_ifd.clone();
    other[7] ^= 1;
    assert_eq!(
        aa::verify(&q, hash, &other, &sig),
        Err(Error::SignatureInvalid)
    );
    // A random-nonce signature by the chip side verifies too.
    let mut rng = StdRng::seed_from_u64(14);
    let sig2 = signer.sign(hash, &rnd_ifd, &mut rng).unwrap();
    assert_ne!(sig2, sig);
    assert!(aa::verify(&q, hash, &rnd_ifd, &sig2).is_ok());
}

#[test]
fn active_authentication_p256_and_brainpool_independent_signatures() {
    let all: Value = serde_json::from_str(CA_AA).unwrap();
    for v in all["aa"].as_array().unwrap() {
        let c = curve(v["curve"].as_str().unwrap());
        let q = EcPoint::from_sec1(c, &h(&v["Q"]), "Q").unwrap();
        let rnd = h(&v["RND.IFD"]);
        let plain = h(&v["signature_plain_r_s"]);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &plain),
            Ok(SignatureForm::Plain),
            "{v}"
        );
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &h(&v["signature_der"])),
            Ok(SignatureForm::Der)
        );
        let mut bad = plain.clone();
        bad[40] ^= 4;
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &bad),
            Err(Error::SignatureInvalid)
        );
        assert_eq!(
            aa::verify(&q, AaHash::Sha384, &rnd, &plain),
            Err(Error::SignatureInvalid)
        );
        assert!(matches!(
            aa::verify(&q, AaHash::Sha256, &rnd, &plain[..63]),
            Err(Error::MalformedSignature { .. })
        ));
        // r = 0 or s >= n never verifies.
        let mut zero_r = plain.clone();
        zero_r[..32].fill(0);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &zero_r),
            Err(Error::SignatureInvalid)
        );
        let mut big_s = plain.clone();
        big_s[32..].fill(0xFF);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &big_s),
            Err(Error::SignatureInvalid)
        );
    }
}

#[test]
fn active_authentication_p256_chip_to_terminal_and_clone_rejection() {
    let mut rng = StdRng::seed_from_u64(15);
    let genuine = AaSigner::new(EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap());
    let dg15_key = genuine.public_key().unwrap();
    let rnd_ifd = [0x47, 0xE4, 0xEE, 0x7F, 0x21, 0x1F, 0x73, 0x26];
    for hash in [
        AaHash::Sha224,
        AaHash::Sha256,
        AaHash::Sha384,
        AaHash::Sha512,
    ] {
        let sig = genuine.sign(hash, &rnd_ifd, &mut rng).unwrap();
        // RFC 6979: deterministic on P-256.
        assert_eq!(sig, genuine.sign(hash, &rnd_ifd, &mut rng).unwrap());
        assert_eq!(
            aa::verify(&dg15_key, hash, &rnd_ifd, &sig),
            Ok(SignatureForm::Plain)
        );
        // The generic (brainpool) path agrees with p256 on P-256 signatures.
        let k = EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap();
        let generic = genuine.sign_with_nonce(hash, &rnd_ifd, &k).unwrap();
        assert!(aa::verify(&dg15_key, hash, &rnd_ifd, &generic).is_ok());
    }
    // A clone has DG15 but not the key: whatever key it signs with, verification fails.
    let clone = AaSigner::new(EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap());
    let forged = clone.sign(AaHash::Sha256, &rnd_ifd, &mut rng).unwrap();
    assert_eq!(
        aa::verify(&dg15_key, AaHash::Sha256, &rnd_ifd, &forged),
        Err(Error::SignatureInvalid)
    );
}
