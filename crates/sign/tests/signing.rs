//! The signing suite, run with software keys and with SoftHSM2 keys (`softhsm_` tests): PKI
//! profiles, EF.SOD signing with an audit entry, passive authentication and its failure modes,
//! and OpenSSL's view of our SOD and certificates.

mod common;

use chrono::{Duration, Utc};
use common::{Store, have_openssl, new_pki, sample_dgs};
use der::{Decode, Encode, Tagged};
use sign::certs::{find_extension, key_usage, private_key_usage_period};
use sign::pa::Status;
use sign::{
    AuditMeta, AuditOptions, Curve, DsOptions, PaInput, Pki, SodSigner, oids, verify_log,
    verify_sod,
};
use std::collections::BTreeMap;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsages};

fn meta(doc: &str) -> AuditMeta {
    AuditMeta {
        station: "station-1".into(),
        operator: "operator-1".into(),
        document_number: doc.into(),
    }
}

fn pa(
    sod: &[u8],
    dgs: Option<&BTreeMap<u8, Vec<u8>>>,
    pki: &Pki,
    at: chrono::DateTime<Utc>,
) -> sign::PaReport {
    let crl = pki.current_crl().expect("crl");
    verify_sod(&PaInput {
        sod,
        dgs,
        cscas: std::slice::from_ref(pki.csca()),
        crl: Some(&crl),
        at,
    })
}

fn status(r: &sign::PaReport, id: &str) -> Status {
    r.check(id)
        .unwrap_or_else(|| panic!("no check {id} in {r:#?}"))
        .status
}

fn check_profiles(pki: &Pki) {
    let csca = pki.csca();
    let tbs = &csca.tbs_certificate;
    assert!(
        tbs.serial_number.as_bytes().len() <= 20 && tbs.serial_number.as_bytes()[0] & 0x80 == 0
    );
    // countryName is PrintableString.
    let c = tbs.subject.0[0].0.iter().next().expect("C");
    assert_eq!(c.oid, oids::AT_COUNTRY);
    assert_eq!(c.value.tag(), der::Tag::PrintableString);
    let bc = find_extension(csca, &oids::EXT_BASIC_CONSTRAINTS).expect("basicConstraints");
    assert!(bc.critical);
    let bc = BasicConstraints::from_der(bc.extn_value.as_bytes()).expect("bc");
    assert!(bc.ca);
    assert_eq!(bc.path_len_constraint, Some(0));
    let ku = find_extension(csca, &oids::EXT_KEY_USAGE).expect("ku");
    assert!(ku.critical);
    let ku = key_usage(csca).expect("ku");
    assert!(ku.0.contains(KeyUsages::KeyCertSign) && ku.0.contains(KeyUsages::CRLSign));
    assert!(!ku.0.contains(KeyUsages::DigitalSignature));
    assert!(find_extension(csca, &oids::EXT_SUBJECT_KEY_ID).is_some());
    assert!(private_key_usage_period(csca).is_some());

    let serial = pki.meta().active_ds.clone().expect("active ds");
    let ds = pki.ds_certificate(&serial).expect("ds cert");
    let ku = find_extension(&ds, &oids::EXT_KEY_USAGE).expect("ku");
    assert!(ku.critical);
    let ku = key_usage(&ds).expect("ku").0;
    assert!(ku.contains(KeyUsages::DigitalSignature) && !ku.contains(KeyUsages::KeyCertSign));
    assert!(find_extension(&ds, &oids::EXT_BASIC_CONSTRAINTS).is_none());
    let aki = find_extension(&ds, &oids::EXT_AUTHORITY_KEY_ID).expect("aki");
    let ski = find_extension(csca, &oids::EXT_SUBJECT_KEY_ID).expect("ski");
    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(aki.extn_value.as_bytes())
        .expect("aki");
    let ski = x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(ski.extn_value.as_bytes())
        .expect("ski");
    assert_eq!(aki.key_identifier.expect("keyid"), ski.0);
    let (nb, na) = private_key_usage_period(&ds).expect("pkup");
    let days = (na.expect("na") - nb.expect("nb")).num_days();
    assert!((1..=92).contains(&days), "PKUP {days} days");
    let dtl = find_extension(&ds, &oids::DOCUMENT_TYPE_LIST).expect("DocumentTypeList");
    let dtl =
        sign::certs::DocumentTypeListSyntax::from_der(dtl.extn_value.as_bytes()).expect("dtl");
    assert_eq!(dtl.version, 0);
    let types: Vec<&[u8]> = dtl.doc_type_list.iter().map(|a| a.value()).collect();
    assert_eq!(types, vec![b"ID".as_slice()]);
    // PEM and DER both present; csca.pem parses to the same certificate.
    let pem = std::fs::read(pki.dir().join("csca.pem")).expect("csca.pem");
    assert_eq!(
        &sign::certs::parse_certificate(&pem, "csca.pem").expect("pem"),
        csca
    );
    assert!(pki.dir().join(format!("ds-{serial}.pem")).exists());
}

fn openssl_accepts(pki: &Pki, sod: &[u8]) {
    if !have_openssl() {
        eprintln!("openssl not found: skipping the OpenSSL interoperability part");
        return;
    }
    let work = tempfile::tempdir().expect("tmp");
    let content = sign::sod::unwrap_tag77(sod).expect("77");
    let sod_path = work.path().join("sod.p7");
    std::fs::write(&sod_path, content).expect("write");
    let out = std::process::Command::new("openssl")
        .args([
            "cms", "-verify", "-inform", "DER", "-binary", "-purpose", "any", "-in",
        ])
        .arg(&sod_path)
        .arg("-CAfile")
        .arg(pki.dir().join("csca.pem"))
        .arg("-out")
        .arg(work.path().join("econtent.der"))
        .output()
        .expect("openssl cms");
    assert!(
        out.status.success(),
        "openssl cms -verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The content OpenSSL extracted is our LDSSecurityObject.
    let econtent = std::fs::read(work.path().join("econtent.der")).expect("econtent");
    let lso = sign::sod::LdsSecurityObject::from_der(&econtent).expect("LDSSecurityObject");
    assert_eq!(lso.data_group_hash_values.len(), sample_dgs().len());
    let serial = pki.meta().active_ds.clone().expect("ds");
    let out = std::process::Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(pki.dir().join("csca.pem"))
        .arg(pki.dir().join(format!("ds-{serial}.pem")))
        .output()
        .expect("openssl verify");
    assert!(
        out.status.success(),
        "openssl verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The CRL too.
    let out = std::process::Command::new("openssl")
        .args(["crl", "-inform", "DER", "-noout", "-in"])
        .arg(pki.dir().join("crl.der"))
        .arg("-CAfile")
        .arg(pki.dir().join("csca.pem"))
        .output()
        .expect("openssl crl");
    assert!(
        out.status.success(),
        "openssl crl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("verify OK"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn suite(store: Store, curve: Curve) {
    let (_dir, mut pki, secret) = new_pki(store, curve);
    check_profiles(&pki);
    let dgs = sample_dgs();

    // Sign through the audited path.
    let log_path = pki.default_audit_log();
    let (signer, audit) = pki
        .open_sod_signer(&secret, None, AuditOptions::default())
        .expect("sod signer");
    let signed = signer.sign(&dgs, &meta("001234567890")).expect("sign");
    assert_eq!(signed.sod[0], 0x77);
    assert_eq!(signed.receipt.seq, 1);
    let records = sign::read_signatures(&log_path).expect("read");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].sod_sha256, signed.sod_sha256);
    assert_eq!(records[0].document_number, "001234567890");
    assert_eq!(records[0].ds_serial, signed.ds_serial);
    audit.close().expect("close");
    let v = verify_log(&log_path, &pki.audit_public_key().expect("pub"), None).expect("verify");
    assert!(v.ok, "{v:#?}");

    // Passive authentication passes, every check green.
    let now = Utc::now();
    let r = pa(&signed.sod, Some(&dgs), &pki, now);
    assert!(r.passed(), "{r:#?}");
    assert!(r.checks.iter().all(|c| c.status == Status::Pass), "{r:#?}");
    for n in dgs.keys() {
        assert_eq!(status(&r, &format!("dg.{n}.hash")), Status::Pass);
    }
    // Without DGs: signature and chain only, and the report says so.
    let r = pa(&signed.sod, None, &pki, now);
    assert!(r.passed());
    assert_eq!(status(&r, "dg.hashes"), Status::Skipped);

    openssl_accepts(&pki, &signed.sod);

    // Flipped DG byte.
    let mut bad = dgs.clone();
    bad.get_mut(&2).expect("dg2")[100] ^= 0x01;
    let r = pa(&signed.sod, Some(&bad), &pki, now);
    assert!(!r.passed());
    assert_eq!(status(&r, "dg.2.hash"), Status::Fail);
    assert!(
        r.check("dg.2.hash")
            .expect("c")
            .detail
            .contains("does not match")
    );
    // Missing DG.
    let mut missing = dgs.clone();
    missing.remove(&13);
    let r = pa(&signed.sod, Some(&missing), &pki, now);
    assert_eq!(status(&r, "dg.13.hash"), Status::Fail);
    assert!(r.check("dg.13.hash").expect("c").detail.contains("missing"));
    // A DG not covered by the SOD.
    let mut extra = dgs.clone();
    extra.insert(11, common::tlv(0x6B, b"extra"));
    let r = pa(&signed.sod, Some(&extra), &pki, now);
    assert_eq!(status(&r, "dg.11.covered"), Status::Fail);
    // Flipped signature byte: the SignerInfo signature is the last OCTET STRING of the file.
    let mut sod = signed.sod.clone();
    let n = sod.len();
    sod[n - 5] ^= 0x01;
    let r = pa(&sod, Some(&dgs), &pki, now);
    assert_eq!(status(&r, "sod.signature"), Status::Fail, "{r:#?}");
    assert!(!r.passed());
    // Wrong CSCA.
    let (_d2, other, _s2) = new_pki(Store::Software, Curve::P256);
    let r = verify_sod(&PaInput {
        sod: &signed.sod,
        dgs: Some(&dgs),
        cscas: std::slice::from_ref(other.csca()),
        crl: None,
        at: now,
    });
    assert_eq!(status(&r, "ds.chain"), Status::Fail);
    assert!(r.check("ds.chain").expect("c").detail.contains("CSCA"));
    // A CSCA with the same name but another key.
    let mut forged: Certificate = other.csca().clone();
    forged.tbs_certificate.subject = pki.csca().tbs_certificate.subject.clone();
    let r = verify_sod(&PaInput {
        sod: &signed.sod,
        dgs: Some(&dgs),
        cscas: &[forged],
        crl: None,
        at: now,
    });
    assert_eq!(status(&r, "ds.chain"), Status::Fail);
    assert!(
        r.check("ds.chain")
            .expect("c")
            .detail
            .contains("does not verify")
    );
    // Expired DS: a DS whose period ended; it signs only at a time inside its period.
    let past = now - Duration::days(400);
    let rec = pki
        .issue_ds(
            &secret,
            &DsOptions {
                not_before: Some(past),
                key_usage_days: 30,
                validity_days: Some(60),
                activate: false,
                now,
            },
        )
        .expect("old ds");
    let old = pki
        .document_signer(&secret, Some(&rec.serial))
        .expect("old ds");
    let err = old
        .sign_sod_unaudited(&dgs, now)
        .expect_err("expired DS must refuse");
    assert!(err.to_string().contains("expired"), "{err}");
    let err = common::fails(
        SodSigner::new(
            pki.document_signer(&secret, Some(&rec.serial)).expect("ds"),
            audit.clone(),
        ),
        "refuse",
    );
    assert!(err.to_string().contains("expired"), "{err}");
    let old_sod = old
        .sign_sod_unaudited(&dgs, past + Duration::days(1))
        .expect("sign in the past");
    let r = pa(&old_sod, Some(&dgs), &pki, now);
    assert_eq!(status(&r, "ds.validity"), Status::Fail);
    assert!(
        r.check("ds.validity")
            .expect("c")
            .detail
            .contains("expired")
    );
    // At a time inside its validity the DS itself is fine (the CSCA of this test is younger).
    let r = pa(&old_sod, Some(&dgs), &pki, past + Duration::days(2));
    assert_eq!(status(&r, "ds.validity"), Status::Pass);
    assert_eq!(status(&r, "sod.signature"), Status::Pass);
    // Not-yet-valid DS.
    let rec = pki
        .issue_ds(
            &secret,
            &DsOptions {
                not_before: Some(now + Duration::days(10)),
                activate: false,
                now,
                ..DsOptions::default()
            },
        )
        .expect("future ds");
    let err = pki
        .document_signer(&secret, Some(&rec.serial))
        .expect("ds")
        .sign_sod_unaudited(&dgs, now)
        .expect_err("refuse");
    assert!(err.to_string().contains("not yet valid"), "{err}");
    // Revoked DS: PA fails against the new CRL, and signing refuses.
    let serial = signed.ds_serial.clone();
    pki.revoke(&secret, &serial, "keyCompromise", now)
        .expect("revoke");
    let r = pa(&signed.sod, Some(&dgs), &pki, now);
    assert_eq!(status(&r, "ds.revocation"), Status::Fail);
    assert!(
        r.check("ds.revocation")
            .expect("c")
            .detail
            .contains("revoked")
    );
    let err = pki
        .document_signer(&secret, None)
        .expect_err("revoked DS must refuse");
    assert!(err.to_string().contains("revoked"), "{err}");
    let crl = pki.current_crl().expect("crl");
    assert_eq!(
        crl.tbs_cert_list
            .revoked_certificates
            .as_ref()
            .map(|l| l.len()),
        Some(1)
    );
    assert!(crl.to_der().is_ok());
    // Several DS; a fresh one becomes active and signs again.
    pki.issue_ds(&secret, &DsOptions::default())
        .expect("new ds");
    assert_eq!(pki.listing(now).document_signers.len(), 4);
    let ds = pki.document_signer(&secret, None).expect("active");
    let later = Utc::now();
    assert!(
        pa(
            &ds.sign_sod_unaudited(&dgs, later).expect("sign"),
            Some(&dgs),
            &pki,
            later
        )
        .passed()
    );
}

#[test]
fn software_signing_suite_p256() {
    suite(Store::Software, Curve::P256);
}

#[test]
fn software_signing_suite_p384() {
    suite(Store::Software, Curve::P384);
}

#[test]
fn softhsm_signing_suite_p256() {
    suite(Store::SoftHsm, Curve::P256);
}

#[test]
fn softhsm_signing_suite_p384() {
    suite(Store::SoftHsm, Curve::P384);
}

/// An EF.SOD signed by OpenSSL (`cms -sign`, content type id-data, a real-world deviation) with
/// our DS key file: passive authentication accepts it with a warning.
#[test]
fn openssl_signed_id_data_sod_passes_with_a_warning() {
    if !have_openssl() {
        eprintln!("openssl not found: skipping");
        return;
    }
    let (_d, pki, _s) = new_pki(Store::Software, Curve::P256);
    let dgs = sample_dgs();
    let work = tempfile::tempdir().expect("tmp");
    std::fs::write(
        work.path().join("lso.der"),
        sign::build_lds_security_object(&dgs).expect("lso"),
    )
    .expect("write");
    let rec = &pki.meta().document_signers[0];
    let sign::KeyRef::File { path } = &rec.key else {
        panic!("software key expected")
    };
    let out = std::process::Command::new("openssl")
        .args([
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-passin",
            "env:CCCD_TEST_KEY_PASS",
            "-in",
        ])
        .arg(work.path().join("lso.der"))
        .arg("-signer")
        .arg(pki.dir().join(format!("ds-{}.pem", rec.serial)))
        .arg("-inkey")
        .arg(pki.dir().join(path))
        .arg("-out")
        .arg(work.path().join("sod.p7"))
        .env("CCCD_TEST_KEY_PASS", common::PASS)
        .output()
        .expect("openssl cms -sign");
    assert!(
        out.status.success(),
        "openssl cms -sign: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sod = sign::sod::wrap_tag77(&std::fs::read(work.path().join("sod.p7")).expect("p7"));
    let r = pa(&sod, Some(&dgs), &pki, Utc::now());
    assert!(r.passed(), "{r:#?}");
    assert_eq!(status(&r, "sod.content_type"), Status::Warning);
    assert!(
        r.check("sod.content_type")
            .expect("ct")
            .detail
            .contains("id-data")
    );
    assert_eq!(status(&r, "sod.signature"), Status::Pass);
}

/// Several workers share one `SodSigner` (one audit log, group commit): every SOD verifies and
/// every signature is in the log exactly once.
fn concurrent(store: Store) {
    let (_dir, pki, secret) = new_pki(store, Curve::P256);
    let (signer, audit) = pki
        .open_sod_signer(&secret, None, AuditOptions::default())
        .expect("sod signer");
    let signer = std::sync::Arc::new(signer);
    let dgs = std::sync::Arc::new(sample_dgs());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let (signer, dgs) = (signer.clone(), dgs.clone());
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| {
                        signer
                            .sign(&dgs, &meta(&format!("{t}{i:011}")))
                            .expect("sign")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let signed: Vec<_> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    audit.close().expect("close");
    let now = Utc::now();
    for s in &signed {
        assert!(pa(&s.sod, Some(&dgs), &pki, now).passed());
    }
    let recs = sign::read_signatures(&pki.default_audit_log()).expect("records");
    assert_eq!(recs.len(), 40);
    let mut hashes: Vec<_> = recs.iter().map(|r| r.sod_sha256.clone()).collect();
    hashes.sort();
    let mut want: Vec<_> = signed.iter().map(|s| s.sod_sha256.clone()).collect();
    want.sort();
    assert_eq!(hashes, want);
    let v = verify_log(
        &pki.default_audit_log(),
        &pki.audit_public_key().expect("pub"),
        None,
    )
    .expect("verify");
    assert!(v.ok, "{v:#?}");
}

#[test]
fn software_concurrent_signers() {
    concurrent(Store::Software);
}

#[test]
fn softhsm_concurrent_signers() {
    concurrent(Store::SoftHsm);
}
