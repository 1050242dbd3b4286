//! Real-world EF.SODs (BSI TR-03105-5 reference, ETSI TR 103 200 prototype: RSASSA-PSS) and
//! explicit-parameter / brainpool / P-521 / SHA-1 ECDSA signatures made with OpenSSL.

use chrono::{TimeZone, Utc};
use der::Decode;
use sign::pa::Status;
use sign::sigverify::{Hash, verify_signature};
use sign::{PaInput, verify_sod};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use std::collections::BTreeMap;

fn vectors(text: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(text).expect("json");
    v["vectors"].as_array().expect("vectors").clone()
}

fn hexv(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

#[test]
fn reference_sods_pass_passive_authentication_except_the_missing_csca() {
    for v in vectors(include_str!("vectors/sod_reference.json")) {
        let name = v["name"].as_str().expect("name");
        let sod = hexv(&v["inputs"]["EF.SOD"]);
        assert_eq!(
            sign::signer::sha256_hex(&sod).to_uppercase(),
            v["expected"]["EF.SOD_sha256"].as_str().expect("sha")
        );
        let mut dgs = BTreeMap::new();
        for (k, n) in [("DG1", 1u8), ("DG14", 14), ("DG15", 15)] {
            dgs.insert(n, hexv(&v["inputs"][k]));
        }
        let in_sod = v["expected"]["DG15_in_SOD"].as_bool().expect("bool");
        if !in_sod {
            dgs.remove(&15);
        }
        // Inside the DSC validity (2011-2014).
        let at = Utc
            .with_ymd_and_hms(2012, 1, 1, 0, 0, 0)
            .single()
            .expect("time");
        let at = if name.contains("bsi") {
            Utc.with_ymd_and_hms(2014, 1, 1, 0, 0, 0)
                .single()
                .expect("time")
        } else {
            at
        };
        let r = verify_sod(&PaInput {
            sod: &sod,
            dgs: Some(&dgs),
            cscas: &[],
            crl: None,
            at,
        });
        let st = |id: &str| {
            r.check(id)
                .unwrap_or_else(|| panic!("{name}: no {id}: {r:#?}"))
                .status
        };
        assert_eq!(st("sod.parse"), Status::Pass, "{name}");
        assert_eq!(st("sod.content_type"), Status::Pass, "{name}");
        assert_eq!(
            st("sod.signed_attrs.message_digest"),
            Status::Pass,
            "{name}"
        );
        // RSASSA-PSS verifies, reported as a deviation from our profile.
        assert_eq!(st("sod.signature"), Status::Warning, "{name}: {r:#?}");
        assert!(
            r.check("sod.signature")
                .expect("sig")
                .detail
                .contains("RSASSA-PSS")
        );
        assert_eq!(st("dg.1.hash"), Status::Pass, "{name}");
        assert_eq!(st("dg.14.hash"), Status::Pass, "{name}");
        if in_sod {
            assert_eq!(st("dg.15.hash"), Status::Pass, "{name}");
        }
        // DG2 (and DG3/DG4) are listed but were not given: missing.
        assert_eq!(st("dg.2.hash"), Status::Fail, "{name}");
        assert_eq!(st("ds.validity"), Status::Pass, "{name}");
        // The CSCA is not part of the fixture: the chain cannot be built.
        assert_eq!(st("ds.chain"), Status::Fail, "{name}");
        let serial = v["expected"]["DSC_serial"]
            .as_str()
            .expect("serial")
            .trim_start_matches("0x")
            .to_uppercase();
        assert_eq!(
            r.ds_serial.as_deref().map(|s| s.trim_start_matches('0')),
            Some(serial.trim_start_matches('0'))
        );
        let listed: Vec<u8> = v["expected"]["dataGroupHashValues"]
            .as_object()
            .expect("map")
            .keys()
            .map(|k| k.parse().expect("n"))
            .collect();
        let mut got = r.dgs_in_sod.clone();
        got.sort();
        let mut want = listed;
        want.sort();
        assert_eq!(got, want, "{name}");
        // A flipped byte in the PSS signature fails.
        let mut bad = sod.clone();
        let n = bad.len();
        bad[n - 3] ^= 0x40;
        let r = verify_sod(&PaInput {
            sod: &bad,
            dgs: None,
            cscas: &[],
            crl: None,
            at,
        });
        assert_eq!(
            r.check("sod.signature").expect("sig").status,
            Status::Fail,
            "{name}"
        );
    }
}

fn alg(hash: &str) -> AlgorithmIdentifierOwned {
    let oid = match hash {
        "sha1" => sign::oids::ECDSA_SHA1,
        "sha256" => sign::oids::ECDSA_SHA256,
        "sha384" => sign::oids::ECDSA_SHA384,
        "sha512" => sign::oids::ECDSA_SHA512,
        other => panic!("hash {other}"),
    };
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

#[test]
fn explicit_parameters_brainpool_p521_and_sha1_verify_with_warnings() {
    let all = vectors(include_str!("vectors/ecdsa_explicit.json"));
    assert_eq!(all.len(), 8);
    for v in all {
        let curve = v["curve"].as_str().expect("curve");
        let hash = v["hash"].as_str().expect("hash");
        let explicit = v["params"] == "explicit";
        let spki = SubjectPublicKeyInfoOwned::from_der(&hexv(&v["spki"])).expect("spki");
        let msg = hexv(&v["message"]);
        let sig = hexv(&v["signature"]);
        let w = verify_signature(&spki, &alg(hash), None, &msg, &sig)
            .unwrap_or_else(|e| panic!("{curve}/{hash}/{}: {e}", v["params"]));
        assert_eq!(
            w.iter().any(|w| w.contains("explicit domain parameters")),
            explicit,
            "{curve}: {w:?}"
        );
        assert_eq!(
            w.iter().any(|w| w.contains("SHA-1")),
            hash == "sha1",
            "{curve}: {w:?}"
        );
        let mut bad = msg.clone();
        bad[0] ^= 1;
        assert!(
            verify_signature(&spki, &alg(hash), None, &bad, &sig).is_err(),
            "{curve}: tampered message verified"
        );
        // A signature under the wrong hash fails too.
        let other = if hash == "sha256" { "sha384" } else { "sha256" };
        assert!(
            verify_signature(&spki, &alg(other), None, &msg, &sig).is_err(),
            "{curve}"
        );
    }
}

#[test]
fn generic_verifier_agrees_with_ring_on_p256() {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("gen");
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng)
        .expect("key");
    let msg = b"generic verifier cross-check";
    let sig = key.sign(&rng, msg).expect("sign");
    let (r, s) = sig.as_ref().split_at(32);
    let curve = sign::ec::KnownCurve::by_oid(&sign::oids::P256).expect("p256");
    let digest = Hash::Sha256.digest(msg);
    assert!(sign::ec::ecdsa_verify(
        curve,
        key.public_key().as_ref(),
        &digest,
        r,
        s
    ));
    let mut d2 = digest.clone();
    d2[0] ^= 1;
    assert!(!sign::ec::ecdsa_verify(
        curve,
        key.public_key().as_ref(),
        &d2,
        r,
        s
    ));
    // Malformed inputs are rejected, never panic.
    assert!(!sign::ec::ecdsa_verify(curve, &[4, 1, 2], &digest, r, s));
    assert!(!sign::ec::ecdsa_verify(
        curve,
        key.public_key().as_ref(),
        &digest,
        &[0],
        s
    ));
}

#[test]
fn unknown_signature_algorithm_is_named() {
    let v = &vectors(include_str!("vectors/ecdsa_explicit.json"))[0];
    let spki = SubjectPublicKeyInfoOwned::from_der(&hexv(&v["spki"])).expect("spki");
    let a = AlgorithmIdentifierOwned {
        oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4.5"),
        parameters: None,
    };
    let e = verify_signature(&spki, &a, None, b"x", b"y").expect_err("unknown");
    assert!(e.contains("unknown signature algorithm 1.2.3.4.5"), "{e}");
    // rsaEncryption as signature OID needs a digest algorithm.
    let a = AlgorithmIdentifierOwned {
        oid: sign::oids::RSA_ENCRYPTION,
        parameters: None,
    };
    assert!(
        verify_signature(&spki, &a, None, b"x", b"y")
            .expect_err("no digest")
            .contains("digest")
    );
    let _ = Hash::Sha1;
}

#[test]
fn rsa_pkcs1_under_rsa_encryption_and_pss_verify_with_warnings() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("vectors/ecdsa_explicit.json")).expect("json");
    let rsa = &v["rsa"];
    let spki = SubjectPublicKeyInfoOwned::from_der(&hexv(&rsa["spki"])).expect("spki");
    let msg = hexv(&rsa["message"]);
    // rsaEncryption as the signature OID: the hash comes from the digest algorithm.
    let enc = AlgorithmIdentifierOwned {
        oid: sign::oids::RSA_ENCRYPTION,
        parameters: None,
    };
    let w = verify_signature(
        &spki,
        &enc,
        Some(Hash::Sha256),
        &msg,
        &hexv(&rsa["pkcs1_sha256"]),
    )
    .expect("verifies");
    assert!(w.iter().any(|w| w.contains("rsaEncryption")), "{w:?}");
    assert!(
        verify_signature(
            &spki,
            &enc,
            Some(Hash::Sha384),
            &msg,
            &hexv(&rsa["pkcs1_sha256"])
        )
        .is_err()
    );
    // The proper OID verifies without warnings.
    let proper = AlgorithmIdentifierOwned {
        oid: sign::oids::RSA_SHA256,
        parameters: None,
    };
    assert_eq!(
        verify_signature(&spki, &proper, None, &msg, &hexv(&rsa["pkcs1_sha256"])).expect("ok"),
        Vec::<String>::new()
    );
    // RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32), parameters as in the BSI reference SOD.
    let pss = spki::AlgorithmIdentifierOwned::from_der(&hex::decode("304106092A864886F70D01010A3034A00F300D06096086480165030402010500A11C301A06092A864886F70D010108300D06096086480165030402010500A203020120").expect("hex")).expect("alg");
    let w = verify_signature(&spki, &pss, None, &msg, &hexv(&rsa["pss_sha256_salt32"]))
        .expect("pss verifies");
    assert!(w.iter().any(|w| w.contains("RSASSA-PSS")));
    let mut bad = hexv(&rsa["pss_sha256_salt32"]);
    bad[10] ^= 1;
    assert!(verify_signature(&spki, &pss, None, &msg, &bad).is_err());
}
