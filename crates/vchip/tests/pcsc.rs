//! The chip served as a vpcd card through the real pcscd, talked to with the `pcsc` crate.
//! Needs pcscd running with a vpcd reader: `CCCD_TEST_READER` (default `Virtual PCD 00 00`) on
//! `CCCD_TEST_VPCD_PORT` (default 35963). Fails (does not skip) without pcscd.

mod common;
mod pcsc_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use card::transport::{Exchange, Transmit};
use common::*;
use pcsc_support::vpcd::{Server, opts, reader_name};
use pcsc_support::{Card, bac, personalize_plain, read_back, secure};

fn reader_state(ctx: &pcsc::Context, name: &std::ffi::CStr) -> pcsc::State {
    let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    ctx.get_status_change(Duration::from_millis(0), &mut states)
        .map(|()| states[0].event_state())
        .unwrap_or(pcsc::State::UNKNOWN)
}

/// Waits until the reader holds a card with `atr`, then connects.
fn wait_for_card(atr: &[u8]) -> (pcsc::Context, Card) {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd must be running");
    let name = std::ffi::CString::new(reader_name()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let state = reader_state(&ctx, &name);
        if state.contains(pcsc::State::PRESENT)
            && let Ok(card) = ctx.connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        {
            let mut names = [0u8; 1024];
            let mut atr_buf = [0u8; pcsc::MAX_ATR_SIZE];
            if let Ok(status) = card.status2(&mut names, &mut atr_buf)
                && status.atr() == atr
            {
                return (ctx, Card::new(card));
            }
        }
        assert!(
            Instant::now() < deadline,
            "no card in {:?} (state {state:?})",
            reader_name()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the reader is empty.
fn wait_for_removal() {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd must be running");
    let name = std::ffi::CString::new(reader_name()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while reader_state(&ctx, &name).contains(pcsc::State::PRESENT) {
        assert!(Instant::now() < deadline, "card not removed");
        std::thread::sleep(Duration::from_millis(50));
    }
    // pcscd finishes a removal only at its next presence poll (~400 ms) and powers the slot
    // down then; a card inserted before that is never seen. Let the slot settle.
    std::thread::sleep(Duration::from_millis(1000));
}

/// Serves a blank card of `profile` once the reader is empty (a card left by an earlier test
/// must be gone first) and connects to it.
fn serve_and_connect(profile: Arc<card::Profile>) -> (Server, pcsc::Context, Card) {
    wait_for_removal();
    let server = Server::start(profile.clone(), opts());
    let (ctx, card) = wait_for_card(&profile.atr);
    (server, ctx, card)
}

#[test]
fn pcsc_cccd_chip_personalized_and_read_with_bac_through_pcscd() {
    let (server, _ctx, mut card) = serve_and_connect(cccd());
    assert_eq!(card.transmit(&select_aid()).unwrap().sw, 0x9000);
    let challenge = card.transmit(&cmd(0, 0x84, 0, 0).with_le(8)).unwrap();
    assert_eq!((challenge.sw, challenge.data.len()), (0x9000, 8));
    // Personalize in plain (perso state), the 20 KiB DG2 in one extended APDU.
    let files = files(20 * 1024);
    personalize_plain(&mut card, &files);
    // Locked: perso refused, reading without BAC refused.
    assert_eq!(card.transmit(&fcp_create(0x0103, 5)).unwrap().sw, 0x6985);
    assert_eq!(card.transmit(&read_sfi(0x1E, 0, 256)).unwrap().sw, 0x6982);
    // BAC, then read every file back by SFI with extended Le.
    let mut sm = bac(&mut card);
    read_back(&mut card, &mut sm, &files);
    let r = secure(&mut card, &mut sm, &select_ef(0x011E));
    assert_eq!((r.sw, r.data.len()), (0x9000, 0));
    drop(card);
    let report = server.stop();
    assert_eq!(report.cards, 1);
    assert!(report.apdus >= 16, "{report:?}");
    wait_for_removal();
}

#[test]
fn pcsc_jmrtd_applet_short_apdus_and_bac_through_pcscd() {
    let (server, _ctx, mut card) = serve_and_connect(jmrtd());
    let k = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).unwrap();
    let mut term_files = files(1000);
    term_files.truncate(2);
    // personalize_jmrtd drives an in-process Term; here the same commands go through pcscd.
    assert_eq!(card.transmit(&select_aid()).unwrap().sw, 0x9000);
    for (fid, data) in &term_files {
        assert_eq!(
            card.transmit(&jmrtd_create(*fid, data.len() as u16))
                .unwrap()
                .sw,
            0x9000
        );
        assert_eq!(card.transmit(&select_ef(*fid)).unwrap().sw, 0x9000);
        assert_eq!(card.transmit(&update(0, data)).unwrap().sw, 0x9000);
    }
    assert_eq!(
        card.transmit(&read(0, 4)).unwrap().sw,
        0x6982,
        "JMRTD reads need BAC"
    );
    assert_eq!(card.transmit(&put_mrz()).unwrap().sw, 0x9000);
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    let wrap = |tag: u32, v: Vec<u8>| card::tlv::encode(tag, &card::tlv::encode(0x04, &v));
    let put_n = cmd(0, 0xDA, 0, 0x60).with_data(wrap(0x60, k.n().to_bytes_be()));
    assert_eq!(card.transmit(&put_n).unwrap().sw, 0x9000);
    let put_d = cmd(0, 0xDA, 0, 0x61).with_data(wrap(0x61, k.d().to_bytes_be()));
    assert_eq!(card.transmit(&put_d).unwrap().sw, 0x9000);
    assert_eq!(card.transmit(&cmd(0, 0xDA, 0xDE, 0xAD)).unwrap().sw, 0x9000);
    assert_eq!(card.transmit(&select_ef(0x011E)).unwrap().sw, 0x6982);
    assert_eq!(
        card.exchange(&h("00B00000000100")).unwrap(),
        h("6700"),
        "no extended length"
    );
    let mut sm = bac(&mut card);
    let r = secure(&mut card, &mut sm, &read_sfi(0x1E, 0, 256));
    assert_eq!(r.data, term_files[0].1);
    let r = secure(
        &mut card,
        &mut sm,
        &cmd(0, 0x88, 0, 0).with_data(vec![3; 8]).with_le(256),
    );
    assert_eq!((r.sw, r.data.len()), (0x9000, 128));
    // A card reset ends secure messaging.
    card.card
        .reconnect(
            pcsc::ShareMode::Shared,
            pcsc::Protocols::ANY,
            pcsc::Disposition::ResetCard,
        )
        .unwrap();
    assert_eq!(card.exchange(&h("0CB0000004")).unwrap(), h("6882"));
    drop(card);
    server.stop();
    wait_for_removal();
}
