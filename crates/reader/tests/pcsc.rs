//! End to end through the real pcscd, both profiles: the virtual chip served as a vpcd card
//! (in a thread), personalized through [`PcscTransport`], locked, read back with BAC (every file
//! byte-equal), personalizing again → 6985, reading without BAC → 6982, a wrong MRZ fails
//! cleanly; the APDU scripts through pcscd; reader listing, waiting and the next card from a
//! hopper. Reader and vpcd port from `CCCD_TEST_READER` / `CCCD_TEST_VPCD_PORT`. These tests
//! fail (not skip) without pcscd.

mod common;
#[path = "../../vchip/tests/pcsc_support/vpcd.rs"]
mod vpcd;

use common::{PROFILES, files, profile, secrets};
use reader::Command;
use reader::Transport;
use reader::bac::MrzInfo;
use reader::files::Ef;
use reader::inspect::{AaPolicy, InspectOptions, Inspection, inspect};
use reader::pcsc::{PcscTransport, list_readers};
use reader::perso::Personalization;
use reader::script;
use reader::transport::Transmit;
use sign::pa::Status;
use std::sync::Arc;
use std::time::Duration;
use vchip::ServeOptions;
use vpcd::{Server, reader_name};

const WAIT: Duration = Duration::from_secs(10);

/// A card of the profile `name` served with `blanks` more behind it, from a thread.
fn serve(name: &str, blanks: u32) -> Server {
    let opts = ServeOptions {
        blanks,
        ..vpcd::opts()
    };
    Server::start(Arc::new(profile(name)), opts)
}

/// Inspects the card with BAC and the test MRZ.
fn read_with_bac(card: &mut PcscTransport) -> Inspection {
    inspect(card, &InspectOptions::bac(&secrets().mrz)).unwrap()
}

/// Waits until the reader is empty (the previous test's card is gone).
fn empty_reader() {
    let ctx_reader = reader_name();
    for _ in 0..100 {
        let r = list_readers().expect("pcscd must be running");
        if r.iter().any(|r| r.name == ctx_reader && !r.card_present) {
            // pcscd finishes a removal only at its next presence poll (~400 ms) and powers the
            // slot down then; a card inserted before that is never seen. Let the slot settle.
            std::thread::sleep(Duration::from_millis(1000));
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("reader {ctx_reader} did not become empty");
}

#[test]
fn pcsc_both_profiles_write_lock_read_back_with_bac() {
    for name in PROFILES {
        empty_reader();
        let server = serve(name, 0);
        let p = profile(name);
        let mut card = PcscTransport::wait_for_card(&reader_name(), WAIT).unwrap();
        assert_eq!(card.atr(), p.atr, "{name}: the profile's ATR");

        let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
        let written = files(&p, perso.chip_keys(), 20 * 1024);
        let report = perso.write(&written).unwrap();
        println!(
            "{name} through pcscd: {} APDUs, {:.1} ms",
            report.total.apdus,
            report.elapsed.as_secs_f64() * 1e3
        );

        // read back with BAC: every file byte-equal, AA verifies (asked for: on cccd-chip Chip
        // Authentication alone would prove the chip)
        let got = inspect(
            &mut card,
            &InspectOptions::bac(&secrets().mrz)
                .with_profile(&p)
                .with_aa(AaPolicy::Always),
        )
        .unwrap();
        assert_eq!(got.files, written, "{name}");
        assert_eq!(
            got.report.check("aa").unwrap().status,
            Status::Pass,
            "{name}"
        );
        assert!(got.report.passed(), "{name}: {:?}", got.report.checks);

        // personalizing the locked chip fails with 6985
        let e = Personalization::begin(&mut card, &p, &secrets())
            .map(|_| ())
            .unwrap_err();
        assert!(e.is_status(0x6985), "{name}: {e}");

        // reading without BAC fails
        card.reset().unwrap();
        assert!(
            card.transmit(&Command::new(0, 0xA4, 4, 0x0C).with_data(p.aid.clone()))
                .unwrap()
                .is_ok()
        );
        let r = card
            .transmit(&Command::new(0, 0xB0, 0x80 | Ef::Dg(1).sfi(), 0).with_le(256))
            .unwrap();
        assert_eq!(r.sw, 0x6982, "{name}");

        // a wrong MRZ fails cleanly, and the right one still works afterwards
        let wrong = MrzInfo::new("C03000001", "900101", "340102").unwrap();
        let bad = inspect(&mut card, &InspectOptions::bac(&wrong)).unwrap();
        assert_eq!(bad.report.check("access.bac").unwrap().status, Status::Fail);
        // nothing but EF.CardAccess, which needs no access control
        assert!(!bad.report.passed());
        assert!(bad.files.keys().all(|ef| *ef == Ef::CardAccess), "{name}");
        card.reset().unwrap();
        assert!(read_with_bac(&mut card).report.passed());

        drop(card);
        server.stop();
    }
}

#[test]
fn pcsc_apdu_scripts_through_pcscd() {
    for name in PROFILES {
        empty_reader();
        let server = serve(name, 0);
        let mut card = PcscTransport::wait_for_card(&reader_name(), WAIT).unwrap();
        let text = std::fs::read_to_string(format!(
            "{}/tests/scripts/{name}.apdu",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        script::run(name, &text, &mut card).unwrap_or_else(|e| panic!("{e}"));
        drop(card);
        server.stop();
    }
}

#[test]
fn pcsc_readers_waiting_and_the_next_card_from_a_hopper() {
    empty_reader();
    let name = reader_name();
    // no card: listed as empty, waiting times out cleanly
    let listed = list_readers().unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r.name == name && !r.card_present && r.atr.is_empty())
    );
    let e = PcscTransport::wait_for_card(&name, Duration::from_millis(300)).unwrap_err();
    assert!(e.to_string().contains("timed out"), "{e}");
    let e =
        PcscTransport::wait_for_card("No Such Reader 99", Duration::from_millis(300)).unwrap_err();
    assert!(e.to_string().contains("No Such Reader 99"), "{e}");

    // a hopper with one blank after the first card: personalize, read, next card, again
    let server = serve("cccd-chip", 1);
    let p = profile("cccd-chip");
    let mut card = PcscTransport::wait_for_card(&name, WAIT).unwrap();
    let listed = list_readers().unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r.name == name && r.card_present && r.atr == hex::encode_upper(&p.atr))
    );
    for round in 0..2 {
        if round == 1 {
            card.next_card(WAIT).unwrap();
        }
        let perso = Personalization::begin(&mut card, &p, &secrets()).unwrap();
        let f = files(&p, perso.chip_keys(), 2000);
        perso.write(&f).unwrap();
        let got = read_with_bac(&mut card);
        assert_eq!(got.files, f, "card {round}");
    }
    drop(card);
    let report = server.stop();
    assert_eq!(report.cards, 2);
}

#[test]
fn pcsc_a_card_torn_mid_personalization_is_an_error() {
    empty_reader();
    let p = profile("cccd-chip");
    let opts = ServeOptions {
        tear_after: Some(6),
        ..vpcd::opts()
    };
    let server = Server::start(Arc::new(p.clone()), opts);
    let mut card = PcscTransport::wait_for_card(&reader_name(), WAIT).unwrap();
    let result = Personalization::begin(&mut card, &p, &secrets()).and_then(|perso| {
        let f = files(&p, perso.chip_keys(), 2000);
        perso.write(&f)
    });
    assert!(
        result.is_err(),
        "a torn card must never be reported as personalized"
    );
    drop(card);
    server.stop();
}
