//! Bad input: wrong passphrase, corrupted or clear key files, truncated or altered EF.SODs,
//! unusable data groups. Every error names what is wrong.

mod common;

use common::{PASS, Store, new_pki, sample_dgs};
use sign::pa::Status;
use sign::{Curve, Error, PaInput, Pki, Secret, SoftwareSigner, verify_sod};
use std::collections::BTreeMap;

#[test]
fn wrong_passphrase_is_reported_as_such() {
    let (_d, pki, _s) = new_pki(Store::Software, Curve::P256);
    let err = common::fails(
        pki.csca_signer(&Secret::new("not the passphrase".into())),
        "must fail",
    );
    assert!(matches!(err, Error::KeyDecrypt { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("wrong passphrase or corrupted key file"),
        "{err}"
    );
    let err = common::fails(
        pki.document_signer(&Secret::new("nope".into()), None),
        "must fail",
    );
    assert!(err.to_string().contains("wrong passphrase"), "{err}");
    // The right one works.
    assert!(pki.csca_signer(&Secret::new(PASS.into())).is_ok());
}

#[test]
fn corrupted_and_clear_key_files_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = Secret::new(PASS.into());
    let path = dir.path().join("k.key");
    SoftwareSigner::generate_to_file(Curve::P256, &path, &s).expect("gen");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    // An existing key file is never overwritten.
    assert!(SoftwareSigner::generate_to_file(Curve::P256, &path, &s).is_err());
    // Flip a character in the middle of the base64 body.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mid = lines.len() / 2;
    let mut chars: Vec<char> = lines[mid].chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    lines[mid] = chars.into_iter().collect();
    let bad = dir.path().join("bad.key");
    std::fs::write(&bad, lines.join("\n")).expect("write");
    let err = SoftwareSigner::open_file(Curve::P256, &bad, &s).expect_err("corrupted");
    assert!(err.to_string().contains("bad.key"), "{err}");
    // Truncated file.
    let trunc = dir.path().join("trunc.key");
    std::fs::write(&trunc, &text[..text.len() / 2]).expect("write");
    let err = SoftwareSigner::open_file(Curve::P256, &trunc, &s).expect_err("truncated");
    assert!(err.to_string().contains("trunc.key"), "{err}");
    // A clear PKCS#8 key is refused.
    let clear = dir.path().join("clear.key");
    std::fs::write(
        &clear,
        "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
    )
    .expect("write");
    let err = SoftwareSigner::open_file(Curve::P256, &clear, &s).expect_err("clear");
    assert!(err.to_string().contains("clear keys are refused"), "{err}");
    // Wrong curve for the key.
    let err = SoftwareSigner::open_file(Curve::P384, &path, &s).expect_err("curve");
    assert!(err.to_string().contains("k.key"), "{err}");
    // Missing file.
    let err = SoftwareSigner::open_file(Curve::P256, &dir.path().join("none.key"), &s)
        .expect_err("missing");
    assert!(matches!(err, Error::Io { .. }));
    // An empty passphrase is refused when creating a key.
    assert!(
        SoftwareSigner::generate_to_file(
            Curve::P256,
            &dir.path().join("e.key"),
            &Secret::new(String::new())
        )
        .is_err()
    );
}

#[test]
fn secrets_come_from_files_and_are_redacted() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("pass");
    std::fs::write(&p, "s3cret\n").expect("write");
    let s = Secret::from_file(&p).expect("read");
    assert_eq!(s.expose(), "s3cret");
    assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    std::fs::write(&p, "\n").expect("write");
    assert!(
        Secret::from_file(&p)
            .expect_err("empty")
            .to_string()
            .contains("empty")
    );
    assert!(Secret::from_file(&dir.path().join("missing")).is_err());
}

#[test]
fn pki_folder_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let err = common::fails(Pki::open(dir.path()), "no pki");
    assert!(err.to_string().contains("pki init"), "{err}");
    let (_d, mut pki, s) = new_pki(Store::Software, Curve::P256);
    // init twice refuses.
    let err = common::fails(
        Pki::init(
            pki.dir(),
            &sign::InitOptions {
                country: "VN".into(),
                org: "x".into(),
                curve: Curve::P256,
                token: None,
                now: chrono::Utc::now(),
            },
            &s,
        ),
        "twice",
    );
    assert!(err.to_string().contains("already initialized"));
    // Unknown serial, bad reason, double revocation.
    assert!(
        pki.revoke(&s, "DEADBEEF", "keyCompromise", chrono::Utc::now())
            .is_err()
    );
    let serial = pki.meta().active_ds.clone().expect("ds");
    let err = pki
        .revoke(&s, &serial, "because", chrono::Utc::now())
        .expect_err("reason");
    assert!(err.to_string().contains("keyCompromise"), "{err}");
    pki.revoke(&s, &serial.to_lowercase(), "superseded", chrono::Utc::now())
        .expect("revoke");
    assert!(
        pki.revoke(&s, &serial, "superseded", chrono::Utc::now())
            .expect_err("twice")
            .to_string()
            .contains("already revoked")
    );
    // DS usage period over 3 months refused.
    let err = pki
        .issue_ds(
            &s,
            &sign::DsOptions {
                key_usage_days: 120,
                ..Default::default()
            },
        )
        .expect_err("too long");
    assert!(err.to_string().contains("Part 12"), "{err}");
    // Bad country code.
    let d2 = tempfile::tempdir().expect("tmp");
    let err = common::fails(
        Pki::init(
            d2.path(),
            &sign::InitOptions {
                country: "Vietnam".into(),
                org: "x".into(),
                curve: Curve::P256,
                token: None,
                now: chrono::Utc::now(),
            },
            &s,
        ),
        "country",
    );
    assert!(err.to_string().contains("two-letter"), "{err}");
    // Corrupt pki.json.
    std::fs::write(pki.dir().join("pki.json"), "{").expect("write");
    assert!(
        common::fails(Pki::open(pki.dir()), "corrupt")
            .to_string()
            .contains("pki.json")
    );
}

fn signed_sod() -> (Vec<u8>, BTreeMap<u8, Vec<u8>>, tempfile::TempDir, Pki) {
    let (d, pki, s) = new_pki(Store::Software, Curve::P256);
    let dgs = sample_dgs();
    let sod = pki
        .document_signer(&s, None)
        .expect("ds")
        .sign_sod_unaudited(&dgs, chrono::Utc::now())
        .expect("sign");
    (sod, dgs, d, pki)
}

#[test]
fn truncated_and_garbage_sods_fail_cleanly() {
    let (sod, dgs, _d, pki) = signed_sod();
    let at = chrono::Utc::now();
    for cut in [0, 1, 2, 3, 10, sod.len() / 2, sod.len() - 1] {
        let r = verify_sod(&PaInput {
            sod: &sod[..cut],
            dgs: Some(&dgs),
            cscas: std::slice::from_ref(pki.csca()),
            crl: None,
            at,
        });
        assert!(!r.passed(), "cut {cut}");
        assert_eq!(
            r.check("sod.parse").expect("parse").status,
            Status::Fail,
            "cut {cut}"
        );
    }
    let r = verify_sod(&PaInput {
        sod: &[0x30, 0x00],
        dgs: None,
        cscas: &[],
        crl: None,
        at,
    });
    assert!(
        r.check("sod.parse")
            .expect("parse")
            .detail
            .contains("expected 77")
    );
    // Every single-byte corruption anywhere in the file fails, and never panics.
    for i in 0..sod.len() {
        let mut b = sod.clone();
        b[i] ^= 0xA5;
        let r = verify_sod(&PaInput {
            sod: &b,
            dgs: Some(&dgs),
            cscas: std::slice::from_ref(pki.csca()),
            crl: None,
            at,
        });
        assert!(!r.passed(), "byte {i} flipped but PA passed");
    }
}

#[test]
fn unknown_signature_algorithm_in_sod_is_named() {
    let (mut sod, dgs, _d, pki) = signed_sod();
    // ecdsa-with-SHA256 OID; its last occurrence is the SignerInfo's signatureAlgorithm.
    let oid = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
    let pos = sod.windows(oid.len()).rposition(|w| w == oid).expect("oid");
    sod[pos + 7] = 0x09;
    let r = verify_sod(&PaInput {
        sod: &sod,
        dgs: Some(&dgs),
        cscas: std::slice::from_ref(pki.csca()),
        crl: None,
        at: chrono::Utc::now(),
    });
    let c = r.check("sod.signature").expect("sig");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.detail
            .contains("unknown signature algorithm 1.2.840.10045.4.3.9"),
        "{}",
        c.detail
    );
}

#[test]
fn bad_data_groups_are_refused_by_the_signer() {
    let (_d, pki, s) = new_pki(Store::Software, Curve::P256);
    let ds = pki.document_signer(&s, None).expect("ds");
    let now = chrono::Utc::now();
    let mut one = BTreeMap::new();
    one.insert(1u8, vec![0x61, 0x00]);
    assert!(
        ds.sign_sod_unaudited(&one, now)
            .expect_err("one")
            .to_string()
            .contains("at least 2")
    );
    let mut dgs = sample_dgs();
    dgs.insert(2, vec![0x61, 0x00]);
    let e = ds
        .sign_sod_unaudited(&dgs, now)
        .expect_err("tag")
        .to_string();
    assert!(
        e.contains("data group 2") && e.contains("expected 75"),
        "{e}"
    );
    let mut dgs = sample_dgs();
    dgs.insert(17, vec![0x70, 0x00]);
    assert!(
        ds.sign_sod_unaudited(&dgs, now)
            .expect_err("17")
            .to_string()
            .contains("data group 17")
    );
    let mut dgs = sample_dgs();
    dgs.insert(3, vec![]);
    assert!(
        ds.sign_sod_unaudited(&dgs, now)
            .expect_err("empty")
            .to_string()
            .contains("empty")
    );
}

#[test]
fn softhsm_wrong_pin_and_unknown_token() {
    let (token, _pin) = common::token_from_env();
    let d = tempfile::tempdir().expect("tmp");
    let opts = |t: sign::TokenRef| sign::InitOptions {
        country: "VN".into(),
        org: "x".into(),
        curve: Curve::P256,
        token: Some(t),
        now: chrono::Utc::now(),
    };
    let err = common::fails(
        Pki::init(
            d.path(),
            &opts(token.clone()),
            &Secret::new("000000".into()),
        ),
        "wrong pin",
    );
    assert!(err.to_string().contains("wrong PIN"), "{err}");
    let mut t2 = token.clone();
    t2.token_label = "no-such-token".into();
    let d = tempfile::tempdir().expect("tmp");
    let err = common::fails(
        Pki::init(d.path(), &opts(t2), &Secret::new("123456".into())),
        "token",
    );
    assert!(err.to_string().contains("no token labelled"), "{err}");
    let mut t3 = token;
    t3.module = "/nonexistent/libpkcs11.so".into();
    let d = tempfile::tempdir().expect("tmp");
    let err = common::fails(
        Pki::init(d.path(), &opts(t3), &Secret::new("123456".into())),
        "module",
    );
    assert!(err.to_string().contains("load module"), "{err}");
}
