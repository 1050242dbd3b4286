//! Personalization by profile against the in-process virtual chip (both profiles): the two
//! phases, read-back, lock, APDU/byte counts with a 20 KiB DG2, refusal of a locked chip, and a
//! chip torn at every APDU index.

mod common;

use common::{PROFILES, files, profile, secrets};
use reader::files::Ef;
use reader::perso::{PersoReport, Personalization};
use reader::profile::Profile;
use std::sync::Arc;
use vchip::{Chip, InProcess};

fn personalize(
    card: &mut InProcess,
    p: &Profile,
    dg2_len: usize,
) -> Result<(PersoReport, reader::files::LdsFiles), reader::Error> {
    let perso = Personalization::begin(card, p, &secrets())?;
    let f = files(p, perso.chip_keys(), dg2_len);
    let report = perso.write(&f)?;
    Ok((report, f))
}

#[test]
fn both_profiles_personalize_read_back_and_lock() {
    for name in PROFILES {
        let p = profile(name);
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        let (report, f) = personalize(&mut card, &p, 20 * 1024).unwrap();
        let chip = card.chip();
        assert!(chip.is_locked(), "{name}");
        for (ef, data) in &f {
            assert_eq!(chip.file(ef.fid()), Some(data.as_slice()), "{name} {ef}");
        }
        assert_eq!(report.files.len(), f.len());
        assert_eq!(
            report.total.apdus,
            chip.counters().apdus,
            "{name}: every APDU counted"
        );
        assert_eq!(report.lock.apdus, 1);
    }
}

#[test]
fn counts_per_profile_with_a_20_kib_dg2() {
    for name in PROFILES {
        let p = profile(name);
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        let (r, f) = personalize(&mut card, &p, 20 * 1024).unwrap();
        let n_files = f.len() as u64;
        println!(
            "{name}: {} files, {} APDUs ({} keys, {} write, {} read-back, {} lock), {} bytes sent, {} bytes received",
            n_files,
            r.total.apdus,
            r.keys.apdus,
            r.write.apdus,
            r.read_back.apdus,
            r.lock.apdus,
            r.total.bytes_sent,
            r.total.bytes_received
        );
        match name {
            "cccd-chip" => {
                assert!(
                    r.total.apdus <= 3 * n_files + 10,
                    "{name}: {} APDUs > 3 x {n_files} + 10",
                    r.total.apdus
                );
                assert!(
                    r.files.iter().all(|w| w.updates == 1),
                    "one UPDATE BINARY per file"
                );
            }
            "jmrtd-applet" => {
                // exactly the 255-byte chunking minimum: ceil(len / 255) UPDATE BINARY per file,
                // plus CREATE FILE and SELECT per file and one PUT DATA (MRZ)
                let minimum: u64 = f.values().map(|d| d.len().div_ceil(255) as u64).sum();
                let updates: u64 = r.files.iter().map(|w| w.updates).sum();
                assert_eq!(updates, minimum);
                assert_eq!(r.write.apdus, minimum + 2 * n_files + 1);
                assert_eq!(
                    r.keys.apdus, 3,
                    "SELECT + PUT DATA modulus + PUT DATA exponent"
                );
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_locked_chip_refuses_personalization_with_6985() {
    for name in PROFILES {
        let p = profile(name);
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        personalize(&mut card, &p, 1000).unwrap();
        let e = personalize(&mut card, &p, 1000).expect_err("second personalization must fail");
        assert!(e.is_status(0x6985), "{name}: {e}");
    }
}

#[test]
fn files_the_profile_cannot_take_are_refused_before_writing() {
    let p = profile("jmrtd-applet");
    let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
    let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
    let mut f = files(&p, perso.chip_keys(), 1000);
    f.insert(Ef::Dg(3), vec![0x63; 40_000]);
    let e = perso.write(&f).unwrap_err();
    assert!(e.to_string().contains("DG3"), "{e}");
    assert!(card.chip().file(Ef::Com.fid()).is_none(), "nothing written");

    for (mutate, what) in [
        (
            Box::new(|f: &mut reader::files::LdsFiles| {
                f.remove(&Ef::Sod);
            }) as Box<dyn Fn(&mut reader::files::LdsFiles)>,
            "EF.SOD",
        ),
        (
            Box::new(|f: &mut reader::files::LdsFiles| {
                f.insert(Ef::Dg(15), vec![0x6F, 1, 0]);
            }),
            "DG15",
        ),
        (
            Box::new(|f: &mut reader::files::LdsFiles| {
                f.remove(&Ef::Dg(15));
            }),
            "DG15",
        ),
        (
            Box::new(|f: &mut reader::files::LdsFiles| {
                f.insert(Ef::Dg(1), vec![0x75, 0]);
            }),
            "DG1",
        ),
        (
            Box::new(|f: &mut reader::files::LdsFiles| {
                for n in 3..=14 {
                    f.insert(Ef::Dg(n), vec![reader::files::dg_tag(n).unwrap(); 6000]);
                }
            }),
            "memory",
        ),
    ] {
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
        let mut f = files(&p, perso.chip_keys(), 1000);
        mutate(&mut f);
        let e = perso.write(&f).unwrap_err();
        assert!(e.to_string().contains(what), "{what}: {e}");
        assert!(!card.chip().is_locked());
    }
}

/// Tears the card at every APDU index of a full personalization: the host never reports
/// success, and the chip never ends locked.
#[test]
fn a_chip_torn_at_every_apdu_index_is_never_locked_nor_reported_ok() {
    for name in PROFILES {
        let p = profile(name);
        let mut card = InProcess::new(Chip::blank(Arc::new(p.clone())));
        let (r, _) = personalize(&mut card, &p, 2000).unwrap();
        let n = r.total.apdus;
        for i in 1..=n {
            let mut card = InProcess::new(Chip::blank(Arc::new(p.clone()))).tear_after(i);
            let result = personalize(&mut card, &p, 2000);
            assert!(
                result.is_err(),
                "{name}: torn at APDU {i} of {n} reported success"
            );
            assert!(card.is_removed(), "{name}: tear {i} not reached");
            assert!(
                !card.chip().is_locked(),
                "{name}: torn at APDU {i} of {n} but locked"
            );
        }
        println!("{name}: torn at each of {n} APDU indexes: never locked, never reported ok");
    }
}
