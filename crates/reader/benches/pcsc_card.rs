//! Benchmark: one card personalized (keys, files, secrets, read-back compare, lock) and
//! inspected through the real pcscd, the virtual chip served as a vpcd card with a hopper of
//! blanks, timing model off, 20 KiB DG2 and a real EF.SOD (an in-memory CSCA and Document
//! Signer). Inspection is what a border reader does: cccd-chip — PACE with the CAN, every file,
//! passive authentication, Chip Authentication; jmrtd-applet — BAC, every file, passive
//! authentication, Active Authentication. Then the last card is inspected again
//! `CCCD_BENCH_INSPECTIONS` times (default 30): the full-inspection figure.
//! `CCCD_BENCH_TIMING=realistic` runs the chips with the profile's timing model.
//!
//! `CCCD_TEST_READER="Reader Dev 00 00" CCCD_TEST_VPCD_PORT=40000 cargo bench -p reader --bench pcsc_card`
//! (`CCCD_BENCH_CARDS`, default 15 per profile).

use reader::bac::MrzInfo;
use reader::files::{Ef, LdsFiles};
use reader::inspect::{InspectOptions, Trust, inspect};
use reader::pcsc::PcscTransport;
use reader::perso::{ChipKeys, Personalization, Secrets};
use reader::profile::Profile;
use reader::tlv;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// An in-memory issuing PKI: the Document Signer that signs each card's EF.SOD and the CSCA
/// passive authentication checks it against.
struct Issuer {
    ds: sign::DocumentSigner,
    trust: Trust,
    _dir: tempfile::TempDir,
}

fn issuer() -> Issuer {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = sign::Secret::new("bench passphrase".into());
    let now = chrono::Utc::now();
    let mut pki = sign::Pki::init(
        &dir.path().join("pki"),
        &sign::InitOptions {
            country: "VN".into(),
            org: "bench".into(),
            curve: sign::Curve::P256,
            token: None,
            now,
        },
        &secret,
    )
    .expect("pki");
    pki.issue_ds(&secret, &sign::DsOptions::default())
        .expect("ds");
    Issuer {
        ds: pki.document_signer(&secret, None).expect("ds"),
        trust: Trust {
            cscas: vec![pki.csca().clone()],
            crl: None,
            at: now,
        },
        _dir: dir,
    }
}

/// DG1, a 20 KiB DG2, DG14/DG15/EF.CardAccess from the chip's keys and the profile, EF.COM and
/// a signed EF.SOD.
fn files(profile: &Profile, keys: &ChipKeys, issuer: &Issuer) -> LdsFiles {
    let security = keys
        .lds_options(profile)
        .expect("chip keys")
        .security_files()
        .expect("security files");
    let mrz = [
        "I<VNMC030000011001234567890<<<",
        "9001014M3401012VNM<<<<<<<<<<<6",
        "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<",
    ]
    .concat();
    let mut dgs = BTreeMap::new();
    dgs.insert(1u8, tlv::encode(0x61, &tlv::encode(0x5F1F, mrz.as_bytes())));
    let value: Vec<u8> = (0..20 * 1024 - 4).map(|i| (i % 251) as u8).collect();
    dgs.insert(2, tlv::encode(0x75, &value));
    if let Some(dg14) = security.dg14 {
        dgs.insert(14, dg14);
    }
    if let Some(dg15) = security.dg15 {
        dgs.insert(15, dg15);
    }
    let present: Vec<lds::FileId> = dgs
        .keys()
        .filter_map(|n| lds::FileId::from_dg_number(*n))
        .collect();
    let sod = issuer
        .ds
        .sign_sod_unaudited(&dgs, chrono::Utc::now())
        .expect("EF.SOD");
    let mut f = LdsFiles::new();
    f.insert(Ef::Com, lds::Com::new(&present).encode());
    for (n, bytes) in dgs {
        f.insert(Ef::Dg(n), bytes);
    }
    f.insert(Ef::Sod, sod);
    if let Some(card_access) = security.card_access {
        f.insert(Ef::CardAccess, card_access);
    }
    f
}

/// How a border reader opens a chip of `profile`: PACE with the CAN when offered, else BAC.
fn reader_options<'a>(
    profile: &Profile,
    secrets: &Secrets,
    trust: &'a Trust,
) -> InspectOptions<'a> {
    match (&secrets.can, profile.protocols.pace) {
        (Some(can), true) => InspectOptions::can(can, None),
        _ => InspectOptions::bac(&secrets.mrz),
    }
    .with_profile(profile)
    .with_trust(trust)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let reader_name =
        std::env::var("CCCD_TEST_READER").unwrap_or_else(|_| "Virtual PCD 00 00".into());
    let port: u16 = std::env::var("CCCD_TEST_VPCD_PORT")
        .ok()
        .map(|p| p.parse().expect("port"))
        .unwrap_or(35963);
    let cards: u32 = std::env::var("CCCD_BENCH_CARDS")
        .ok()
        .map(|n| n.parse().expect("count"))
        .unwrap_or(15);
    let inspections: usize = std::env::var("CCCD_BENCH_INSPECTIONS")
        .ok()
        .map(|n| n.parse().expect("count"))
        .unwrap_or(30);
    // CCCD_BENCH_TIMING=realistic: the chip answers as slowly as the profile's [timing] model
    // says (a contact chip: bit rate, EEPROM writes, EC operations), for what a real card costs.
    let timing = match std::env::var("CCCD_BENCH_TIMING").as_deref() {
        Ok("realistic") => vchip::TimingMode::Realistic,
        _ => vchip::TimingMode::Off,
    };
    let issuer = issuer();
    let secrets = Secrets {
        mrz: MrzInfo::new("C03000001", "900101", "340101").unwrap(),
        can: Some(reader::Can::new("012345").unwrap()),
    };
    // The same card in-process (no pcscd): what the chip and the host cost without the PC/SC
    // stack.
    for name in ["cccd-chip", "jmrtd-applet"] {
        let path = format!(
            "{}/../../firmware-profiles/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let profile = Profile::load(std::path::Path::new(&path)).expect("profile");
        let mut total = Vec::new();
        for _ in 0..cards {
            let mut card = vchip::InProcess::new(vchip::Chip::blank(Arc::new(profile.clone())));
            let t0 = Instant::now();
            let perso = Personalization::begin(&mut card, &profile, &secrets).expect("phase 1");
            let f = files(&profile, perso.chip_keys(), &issuer);
            perso.write(&f).expect("phase 2");
            let got = inspect(
                &mut card,
                &reader_options(&profile, &secrets, &issuer.trust),
            )
            .expect("inspect");
            assert_eq!(got.files, f);
            assert!(got.report.passed(), "{:?}", got.report.checks);
            total.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        total.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name} in-process: median {:.1} ms, p95 {:.1} ms per card (perso + read-back + lock + inspection)",
            pct(&total, 0.5),
            pct(&total, 0.95)
        );
    }
    for name in ["cccd-chip", "jmrtd-applet"] {
        let path = format!(
            "{}/../../firmware-profiles/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let profile = Profile::load(std::path::Path::new(&path)).expect("profile");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let p = Arc::new(profile.clone());
        let opts = vchip::ServeOptions {
            port,
            blanks: cards,
            timing,
            ..Default::default()
        };
        let server = std::thread::spawn(move || {
            vchip::serve(p, &opts, &flag, &mut |_| {}).expect("vchip serve")
        });
        let mut card = PcscTransport::wait_for_card(&reader_name, Duration::from_secs(10))
            .expect("a card through pcscd");
        let (mut total, mut perso_ms, mut read_ms) = (Vec::new(), Vec::new(), Vec::new());
        let mut last = None;
        for i in 0..cards {
            if i > 0 {
                card.next_card(Duration::from_secs(10))
                    .expect("next blank from the hopper");
            }
            let t0 = Instant::now();
            let perso = Personalization::begin(&mut card, &profile, &secrets).expect("phase 1");
            let f = files(&profile, perso.chip_keys(), &issuer);
            let report = perso.write(&f).expect("phase 2");
            let t1 = Instant::now();
            let got = inspect(
                &mut card,
                &reader_options(&profile, &secrets, &issuer.trust),
            )
            .expect("inspect");
            let t2 = Instant::now();
            assert_eq!(got.files, f, "read back byte-equal");
            assert!(got.report.passed(), "{:?}", got.report.checks);
            perso_ms.push((t1 - t0).as_secs_f64() * 1e3);
            read_ms.push((t2 - t1).as_secs_f64() * 1e3);
            total.push((t2 - t0).as_secs_f64() * 1e3);
            last = Some(report);
        }
        // The full inspection, again and again on the last (locked) card.
        let opts = reader_options(&profile, &secrets, &issuer.trust);
        let mut inspect_ms = Vec::new();
        let mut how = String::new();
        for _ in 0..inspections {
            let t0 = Instant::now();
            let got = inspect(&mut card, &opts).expect("inspect");
            inspect_ms.push(t0.elapsed().as_secs_f64() * 1e3);
            assert!(got.report.passed(), "{:?}", got.report.checks);
            how = format!(
                "{} ({}){}",
                got.report.access.clone().unwrap_or_default(),
                got.report
                    .pace
                    .as_ref()
                    .map_or("3DES".to_string(), |p| p.description.clone()),
                got.report
                    .chip_authentication
                    .as_ref()
                    .map_or(" + PA + AA".to_string(), |c| format!(" + PA + CA ({c})"))
            );
        }
        inspect_ms.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name}: full inspection {how}, {inspections} runs: median {:.1} ms, p95 {:.1} ms, min {:.1} ms",
            pct(&inspect_ms, 0.5),
            pct(&inspect_ms, 0.95),
            inspect_ms[0]
        );
        card.disconnect();
        stop.store(true, Ordering::SeqCst);
        server.join().unwrap();
        // pcscd notices the card is gone only at its next presence poll (~400 ms); the next
        // profile's server must not be mistaken for this card.
        card.wait_for_removal(Duration::from_secs(5))
            .expect("the card leaves the reader");
        for v in [&mut total, &mut perso_ms, &mut read_ms] {
            v.sort_by(|a, b| a.total_cmp(b));
        }
        let r = last.unwrap();
        println!(
            "{name}: {cards} cards through pcscd ({reader_name}), timing model {timing:?}\n  card (perso + read-back + lock + inspection): median {:.1} ms, p95 {:.1} ms, {:.1} cards/s\n  personalization: median {:.1} ms; inspection: median {:.1} ms\n  per card: {} APDUs ({} keys, {} write, {} read-back, {} lock), {} bytes sent, {} bytes received",
            pct(&total, 0.5),
            pct(&total, 0.95),
            1000.0 / pct(&total, 0.5),
            pct(&perso_ms, 0.5),
            pct(&read_ms, 0.5),
            r.total.apdus,
            r.keys.apdus,
            r.write.apdus,
            r.read_back.apdus,
            r.lock.apdus,
            r.total.bytes_sent,
            r.total.bytes_received
        );
    }
}
