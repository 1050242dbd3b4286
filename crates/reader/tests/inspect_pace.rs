//! Inspection like a border-control reader, against the in-process chip: PACE with the CAN and
//! with the MRZ, the BAC fallback, Chip Authentication and Active Authentication, a cloned chip.

mod common;

use common::{files, profile, secrets};
use reader::Can;
use reader::bac::MrzInfo;
use reader::inspect::{AaPolicy, InspectOptions, Inspection, inspect};
use reader::perso::Personalization;
use sign::Status;
use std::sync::Arc;
use vchip::{Chip, InProcess};

fn personalized(name: &str) -> (InProcess, reader::files::LdsFiles) {
    let p = profile(name);
    let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
    let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
    let f = files(&p, perso.chip_keys(), 3000);
    perso.write(&f).unwrap();
    assert!(card.chip().is_locked());
    (card, f)
}

fn status(i: &Inspection, id: &str) -> Status {
    i.report
        .check(id)
        .unwrap_or_else(|| panic!("no check {id}: {:#?}", i.report.checks))
        .status
}

fn can() -> Can {
    secrets().can.unwrap()
}

#[test]
fn pace_with_the_can_then_chip_authentication() {
    let (mut card, written) = personalized("cccd-chip");
    let p = profile("cccd-chip");
    let got = inspect(
        &mut card,
        &InspectOptions::can(&can(), None).with_profile(&p),
    )
    .unwrap();
    assert!(got.report.passed(), "{:#?}", got.report.checks);
    assert_eq!(got.files, written, "every file, EF.CardAccess included");
    assert_eq!(got.report.access.as_deref(), Some("PACE"));
    let run = got.report.pace.as_ref().unwrap();
    assert_eq!(run.password, "CAN");
    assert!(run.description.starts_with("ECDH-GM AES-"), "{run:?}");
    assert_eq!(status(&got, "access.pace"), Status::Pass);
    assert_eq!(status(&got, "ca"), Status::Pass);
    assert_eq!(
        got.report.chip_authentication.as_deref(),
        Some("ECDH NIST P-256 AES-128")
    );
    assert_eq!(got.report.secure_messaging.as_deref(), Some("AES-128"));
    assert_eq!(status(&got, "card_access.dg14"), Status::Pass);
    // CA proves the chip: AA is not needed unless asked for.
    assert_eq!(status(&got, "aa"), Status::Skipped);
    let both = inspect(
        &mut card,
        &InspectOptions::can(&can(), None)
            .with_profile(&p)
            .with_aa(AaPolicy::Always),
    )
    .unwrap();
    assert!(both.report.passed(), "{:#?}", both.report.checks);
    assert_eq!(status(&both, "aa"), Status::Pass);
    assert_eq!(status(&both, "ca"), Status::Pass);
}

/// Each PACE parameter set alone (brainpoolP256r1, AES-256, Integrated Mapping): the chip
/// offers it in EF.CardAccess, the reader runs it, and the session cipher follows.
#[test]
fn every_offered_parameter_set_runs_end_to_end() {
    let shipped = include_str!("../../../firmware-profiles/cccd-chip.toml");
    let start = shipped.find("offers = [").unwrap();
    let end = start + shipped[start..].find("]\n").unwrap() + 2;
    for (offer, description, cipher) in [
        (
            r#"{ protocol = "ecdh-gm-aes-128", parameter_id = 13 }"#,
            "ECDH-GM AES-128 brainpoolP256r1",
            "AES-128",
        ),
        (
            r#"{ protocol = "ecdh-gm-aes-256", parameter_id = 12 }"#,
            "ECDH-GM AES-256 NIST P-256",
            "AES-256",
        ),
        (
            r#"{ protocol = "ecdh-im-aes-128", parameter_id = 13 }"#,
            "ECDH-IM AES-128 brainpoolP256r1",
            "AES-128",
        ),
    ] {
        let text = format!(
            "{}offers = [{offer}]\n{}",
            &shipped[..start],
            &shipped[end..]
        );
        let p = reader::Profile::from_toml(&text, "variant").unwrap();
        assert_eq!(p.pace_offers().len(), 1);
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
        let f = files(&p, perso.chip_keys(), 3000);
        perso.write(&f).unwrap();
        for opts in [
            InspectOptions::can(&can(), None).with_profile(&p),
            InspectOptions::mrz(&secrets().mrz),
        ] {
            let got = inspect(&mut card, &opts).unwrap();
            assert!(got.report.passed(), "{offer}: {:#?}", got.report.checks);
            assert_eq!(got.files, f);
            let run = got.report.pace.as_ref().unwrap();
            assert_eq!(run.description, description);
            // CA (AES-128) replaces the PACE session keys at the end.
            assert_eq!(status(&got, "ca"), Status::Pass);
            assert!(
                got.report.checks.iter().any(|c| c.id == "access.pace"
                    && c.detail
                        .contains(&format!("established {cipher} secure messaging"))),
                "{offer}: {:#?}",
                got.report.checks
            );
        }
    }
}

#[test]
fn pace_with_the_mrz_and_short_apdus() {
    let (mut card, written) = personalized("cccd-chip");
    // Without the profile: short APDUs under AES secure messaging (smaller chunks than 3DES).
    let got = inspect(&mut card, &InspectOptions::mrz(&secrets().mrz)).unwrap();
    assert!(got.report.passed(), "{:#?}", got.report.checks);
    assert_eq!(got.files, written);
    assert_eq!(got.report.pace.as_ref().unwrap().password, "MRZ");
    assert!(
        got.report.check("access.bac").is_none(),
        "no fallback needed"
    );
}

#[test]
fn a_wrong_can_falls_back_to_bac_or_fails_cleanly() {
    let (mut card, written) = personalized("cccd-chip");
    let wrong = Can::new("999999").unwrap();
    let mrz = secrets().mrz;
    let got = inspect(&mut card, &InspectOptions::can(&wrong, Some(&mrz))).unwrap();
    let pace = got.report.check("access.pace").unwrap();
    assert_eq!(pace.status, Status::Warning, "{pace:?}");
    assert!(
        pace.detail.contains("PACE with the CAN failed")
            && pace.detail.contains("fell back to BAC"),
        "{pace:?}"
    );
    assert_eq!(status(&got, "access.bac"), Status::Pass);
    assert_eq!(got.report.access.as_deref(), Some("BAC"));
    assert!(got.report.passed(), "{:#?}", got.report.checks);
    assert_eq!(got.files, written);
    // CA still runs over the BAC session (3DES -> AES).
    assert_eq!(status(&got, "ca"), Status::Pass);

    // Without an MRZ there is nothing to fall back to.
    let alone = inspect(&mut card, &InspectOptions::can(&wrong, None)).unwrap();
    assert!(!alone.report.passed());
    assert_eq!(status(&alone, "access.pace"), Status::Fail);
    assert_eq!(status(&alone, "access"), Status::Fail);
    assert!(
        alone
            .files
            .keys()
            .all(|ef| *ef == reader::files::Ef::CardAccess)
    );

    // A wrong MRZ after a wrong CAN: both fail, each with its reason.
    let bad_mrz = MrzInfo::new("C03000002", "900101", "340101").unwrap();
    let none = inspect(&mut card, &InspectOptions::can(&wrong, Some(&bad_mrz))).unwrap();
    assert_eq!(status(&none, "access.pace"), Status::Fail);
    assert_eq!(status(&none, "access.bac"), Status::Fail);
    assert!(!none.report.passed());
}

#[test]
fn the_jmrtd_chip_offers_no_pace_and_is_read_with_bac() {
    let (mut card, written) = personalized("jmrtd-applet");
    let got = inspect(
        &mut card,
        &InspectOptions::with_keys(Some(&can()), Some(&secrets().mrz)),
    )
    .unwrap();
    assert!(got.report.passed(), "{:#?}", got.report.checks);
    assert_eq!(status(&got, "file.EF.CardAccess"), Status::Skipped);
    assert_eq!(status(&got, "access.pace"), Status::Skipped);
    assert_eq!(status(&got, "access.bac"), Status::Pass);
    assert_eq!(status(&got, "ca"), Status::Skipped);
    assert_eq!(
        status(&got, "aa"),
        Status::Pass,
        "no CA: AA proves the chip"
    );
    assert_eq!(got.files, written);
}

/// Every file and secret copied onto a fresh chip, without the private keys: with keys of its
/// own, or with none. Both answer the access protocols and serve identical files, and both are
/// caught by Chip Authentication and by Active Authentication.
#[test]
fn a_cloned_chip_is_rejected_by_chip_and_active_authentication() {
    let (card, written) = personalized("cccd-chip");
    let p = Arc::new(profile("cccd-chip"));
    for own_keys in [true, false] {
        let mut state = card.chip().state().clone();
        state.ec_aa = own_keys.then(vchip::keys::EcKey::generate);
        state.ca_key = own_keys.then(vchip::keys::EcKey::generate);
        let mut clone = InProcess::new(Chip::from_state(p.clone(), state));
        let got = inspect(
            &mut clone,
            &InspectOptions::can(&can(), None)
                .with_profile(&p)
                .with_aa(AaPolicy::Always),
        )
        .unwrap();
        assert_eq!(got.files, written, "the clone serves the same files");
        assert_eq!(status(&got, "access.pace"), Status::Pass);
        assert_eq!(status(&got, "aa"), Status::Fail, "own keys {own_keys}");
        assert_eq!(status(&got, "ca"), Status::Fail, "own keys {own_keys}");
        assert!(!got.report.passed());
        assert!(got.report.chip_authentication.is_none());
    }
}

/// A card without expiry (MRZ expiry `<<<<<<`): personalized with that MRZ secret, it opens with
/// the CAN, with PACE-MRZ and with BAC keyed from the printed fillers, and not with a date.
#[test]
fn a_card_without_expiry_opens_with_keys_from_the_printed_fillers() {
    let p = profile("cccd-chip");
    let mrz = MrzInfo::new("C03000001", "460101", reader::bac::NO_EXPIRY).unwrap();
    let secrets = reader::perso::Secrets {
        mrz: mrz.clone(),
        can: Some(can()),
    };
    let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
    let perso = Personalization::begin(&mut card, &p, &secrets).unwrap();
    let f = files(&p, perso.chip_keys(), 1000);
    perso.write(&f).unwrap();
    for opts in [
        InspectOptions::can(&can(), None),
        InspectOptions::mrz(&mrz),
        InspectOptions::bac(&mrz),
    ] {
        let got = inspect(&mut card, &opts).unwrap();
        assert!(got.report.passed(), "{:#?}", got.report.checks);
        assert_eq!(got.files, f);
    }
    let dated = MrzInfo::new("C03000001", "460101", "460101").unwrap();
    let got = inspect(&mut card, &InspectOptions::mrz(&dated)).unwrap();
    assert_eq!(status(&got, "access.pace"), Status::Fail);
    assert_eq!(status(&got, "access.bac"), Status::Fail);
}
