//! Inspection against the in-process chip after personalization (both profiles): BAC, every
//! file byte-equal, Active Authentication (RSA 9796-2 / ECDSA P-256), wrong MRZ, no access.

mod common;

use common::{PROFILES, files, profile, secrets};
use reader::Command;
use reader::bac::MrzInfo;
use reader::files::Ef;
use reader::inspect::{AaPolicy, InspectOptions, Inspection, inspect};
use reader::perso::Personalization;
use reader::profile::Profile;
use reader::transport::{Transmit, Transport};
use sign::pa::Status;
use std::sync::Arc;
use vchip::{Chip, InProcess};

/// A blank chip of the profile `name` in process.
fn blank(name: &str) -> (Profile, InProcess) {
    let p = profile(name);
    let card = InProcess::new(Chip::blank(Arc::new(p.clone())));
    (p, card)
}

/// Inspects the card with BAC and the test MRZ.
fn read_with_bac(card: &mut InProcess) -> Inspection {
    inspect(card, &InspectOptions::bac(&secrets().mrz)).unwrap()
}

/// A chip of the profile `name` personalized with the test files (DG2 of `dg2_len` bytes).
fn personalized(name: &str, dg2_len: usize) -> (InProcess, reader::files::LdsFiles) {
    let (p, mut card) = blank(name);
    let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
    let f = files(&p, perso.chip_keys(), dg2_len);
    perso.write(&f).unwrap();
    (card, f)
}

#[test]
fn bac_read_every_file_and_active_authentication() {
    for name in PROFILES {
        let (mut card, written) = personalized(name, 20 * 1024);
        for opts in [
            InspectOptions::bac(&secrets().mrz).with_aa(AaPolicy::Always),
            InspectOptions::bac(&secrets().mrz)
                .with_profile(&profile(name))
                .with_aa(AaPolicy::Always),
        ] {
            let got = inspect(&mut card, &opts).unwrap();
            assert_eq!(got.files, written, "{name}: every file byte-equal");
            let r = &got.report;
            assert_eq!(r.access.as_deref(), Some("BAC"));
            assert_eq!(
                r.check("aa").unwrap().status,
                Status::Pass,
                "{name}: {:?}",
                r.check("aa")
            );
            assert_eq!(r.check("pa").unwrap().status, Status::Skipped);
            assert!(r.passed(), "{name}: {:?}", r.checks);
        }
        let expect = if name == "cccd-chip" {
            "ECDSA P-256"
        } else {
            "RSA-1024"
        };
        let got = read_with_bac(&mut card);
        assert_eq!(got.report.aa_key.as_deref(), Some(expect));
    }
}

#[test]
fn wrong_mrz_fails_cleanly() {
    for name in PROFILES {
        let (mut card, _) = personalized(name, 1000);
        let wrong = MrzInfo::new("C03000001", "900101", "340102").unwrap();
        let got = inspect(&mut card, &InspectOptions::bac(&wrong)).unwrap();
        assert!(!got.report.passed());
        // Only EF.CardAccess, which every reader may read without access control.
        assert!(
            got.files.keys().all(|ef| *ef == Ef::CardAccess),
            "{:?}",
            got.files.keys()
        );
        let c = got.report.check("access.bac").unwrap();
        assert_eq!(c.status, Status::Fail);
        assert!(c.detail.contains("wrong MRZ"), "{}", c.detail);
        // the chip still works with the right MRZ afterwards
        card.reset().unwrap();
        assert!(read_with_bac(&mut card).report.passed());
    }
}

#[test]
fn reading_without_bac_is_refused_after_lock() {
    for name in PROFILES {
        let (mut card, _) = personalized(name, 1000);
        card.reset().unwrap();
        let sel = card
            .transmit(&Command::new(0, 0xA4, 4, 0x0C).with_data(profile(name).aid))
            .unwrap();
        assert!(sel.is_ok());
        let r = card
            .transmit(&Command::new(0, 0xB0, 0x80 | Ef::Dg(1).sfi(), 0).with_le(256))
            .unwrap();
        assert_eq!(r.sw, 0x6982, "{name}");
        let r = card
            .transmit(&Command::new(0, 0xA4, 2, 0x0C).with_data(vec![1, 1]))
            .unwrap();
        assert_eq!(r.sw, 0x6982, "{name}");
        assert!(
            inspect(
                &mut card,
                &InspectOptions {
                    access: vec![],
                    ..InspectOptions::bac(&secrets().mrz)
                }
            )
            .unwrap()
            .report
            .check("access")
            .is_some()
        );
    }
}

#[test]
fn a_missing_data_group_fails_its_check() {
    // EF.COM lists DG15 but the JMRTD file set here has no DG15 when AA is off: build one by hand
    let (p, mut card) = blank("cccd-chip");
    let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
    let mut f = files(&p, perso.chip_keys(), 1000);
    // EF.COM lists DG3 too, which is never written
    f.insert(
        Ef::Com,
        hex::decode("60165F0104303130375F36063034303030305C046175636F").unwrap(),
    );
    perso.write(&f).unwrap();
    let got = read_with_bac(&mut card);
    assert_eq!(got.report.check("file.DG3").unwrap().status, Status::Fail);
    assert!(!got.report.passed());
}
