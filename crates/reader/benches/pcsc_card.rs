//! Benchmark: one card personalized (keys, files, MRZ secret, read-back compare, lock) and read
//! back with BAC (EF.COM, every DG, EF.SOD, Active Authentication), through the real pcscd, the
//! virtual chip served as a vpcd card with a hopper of blanks, timing model off. Per profile:
//! median / p95 of the card time, APDUs and bytes per card. 20 KiB DG2.
//!
//! `CCCD_TEST_READER="Reader Dev 00 00" CCCD_TEST_VPCD_PORT=40000 cargo bench -p reader --bench pcsc_card`
//! (`CCCD_BENCH_CARDS`, default 15 per profile).

use reader::bac::MrzInfo;
use reader::files::{Ef, LdsFiles};
use reader::inspect::{InspectOptions, inspect};
use reader::pcsc::PcscTransport;
use reader::perso::{Personalization, Secrets};
use reader::profile::Profile;
use reader::tlv;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn files(keys: &reader::perso::ChipKeys) -> LdsFiles {
    let mut f = LdsFiles::new();
    f.insert(
        Ef::Com,
        hex::decode("60155F0104303130375F36063034303030305C0361756F").unwrap(),
    );
    let mrz = [
        "I<VNMC030000011001234567890<<<",
        "9001014M3401012VNM<<<<<<<<<<<6",
        "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<",
    ]
    .concat();
    f.insert(
        Ef::Dg(1),
        tlv::encode(0x61, &tlv::encode(0x5F1F, mrz.as_bytes())),
    );
    let value: Vec<u8> = (0..20 * 1024 - 4).map(|i| (i % 251) as u8).collect();
    f.insert(Ef::Dg(2), tlv::encode(0x75, &value));
    f.insert(Ef::Dg(15), keys.dg15().expect("AA key"));
    f.insert(Ef::Sod, tlv::encode(0x77, &vec![0x5A; 1500]));
    f
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
            let f = files(perso.chip_keys());
            perso.write(&f).expect("phase 2");
            let got = inspect(
                &mut card,
                &InspectOptions::bac(&secrets.mrz).with_profile(&profile),
            )
            .expect("inspect");
            assert_eq!(got.files, f);
            total.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        total.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name} in-process: median {:.1} ms, p95 {:.1} ms per card (perso + read-back + lock + BAC read + AA)",
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
            let f = files(perso.chip_keys());
            let report = perso.write(&f).expect("phase 2");
            let t1 = Instant::now();
            let got = inspect(
                &mut card,
                &InspectOptions::bac(&secrets.mrz).with_profile(&profile),
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
            "{name}: {cards} cards through pcscd ({reader_name}), timing model off\n  card (perso + read-back + lock + BAC read + AA): median {:.1} ms, p95 {:.1} ms, {:.1} cards/s\n  personalization: median {:.1} ms; inspection: median {:.1} ms\n  per card: {} APDUs ({} keys, {} write, {} read-back, {} lock), {} bytes sent, {} bytes received",
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
