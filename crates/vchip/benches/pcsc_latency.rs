//! Latency of the virtual chip through the real pcscd (vpcd + TCP_QUICKACK), timing model off.
//!
//! `CCCD_TEST_READER` / `CCCD_TEST_VPCD_PORT` name the vpcd reader (defaults `Virtual PCD 00 00`
//! / 35963); pcscd must be running. Prints median / p95 per APDU kind, and the time of one whole
//! cccd-chip card (personalization in plain + BAC read-back of every file) through pcscd.
//!
//! `cargo bench -p vchip --bench pcsc_latency`

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/pcsc_support/mod.rs"]
mod pcsc_support;

use std::time::{Duration, Instant};

use card::transport::Transmit;
use common::*;
use pcsc_support::vpcd::{Server, reader_name, vpcd_port};
use pcsc_support::{Card, bac, personalize_plain, read_back};

fn connect(ctx: &pcsc::Context, reader: &str) -> Card {
    let name = std::ffi::CString::new(reader).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last;
    loop {
        match ctx.connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY) {
            Ok(card) => {
                let mut c = Card::new(card);
                match c.transmit(&select_aid()) {
                    Ok(r) if r.is_ok() => return c,
                    other => last = format!("SELECT: {other:?}"),
                }
            }
            Err(e) => last = format!("connect: {e}"),
        }
        assert!(Instant::now() < deadline, "no card in {reader}: {last}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let n = samples.len();
    let median = samples[n / 2];
    let p95 = samples[n * 95 / 100];
    let total: Duration = samples.iter().sum();
    println!(
        "{name:<44} n={n:<5} median {:>8.3} ms  p95 {:>8.3} ms  mean {:>8.3} ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3 / n as f64
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed(), v)
}

fn main() {
    let reader = reader_name();
    let cards = 4u32;
    let opts = vchip::ServeOptions {
        port: vpcd_port(),
        blanks: cards,
        ..Default::default()
    };
    let server = Server::start(cccd(), opts);
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd must be running");
    let mut card = connect(&ctx, &reader);

    // Round trips of small APDUs.
    let get_challenge = cmd(0, 0x84, 0, 0).with_le(8);
    let samples = (0..2000)
        .map(|_| {
            let (t, r) = time(|| card.transmit(&get_challenge).unwrap());
            assert_eq!((r.sw, r.data.len()), (0x9000, 8), "{r:?}");
            t
        })
        .collect();
    stats("GET CHALLENGE (5 B -> 10 B)", samples);
    let samples = (0..1000)
        .map(|_| time(|| card.transmit(&select_aid()).unwrap()).0)
        .collect();
    stats("SELECT AID (12 B -> 2 B)", samples);
    // Big extended APDUs, plain, in the personalization state.
    let dg2 = files(20 * 1024).remove(2).1;
    assert_eq!(
        card.transmit(&fcp_create(0x0102, dg2.len() as u16))
            .unwrap()
            .sw,
        0x9000
    );
    let samples = (0..200)
        .map(|_| {
            // By SFI (P1 = 82): no current EF needed, so a stray reset changes nothing.
            let upd = cmd(0, 0xD6, 0x82, 0).with_data(dg2.clone());
            let (t, r) = time(|| card.transmit(&upd).unwrap());
            assert_eq!(r.sw, 0x9000, "{r:?}");
            t
        })
        .collect();
    stats("UPDATE BINARY 20 KiB extended", samples);
    let samples = (0..200)
        .map(|_| {
            let (t, r) = time(|| card.transmit(&read_sfi(0x02, 0, 65_536)).unwrap());
            assert_eq!((r.sw, r.data.len()), (0x9000, dg2.len()), "{r:?}");
            t
        })
        .collect();
    stats("READ BINARY 20 KiB extended (plain)", samples);
    drop(card);

    // Whole cards: blank -> personalized in plain -> locked -> BAC -> every file read back.
    // The first card is the one used above (it already has DG2): wait for a fresh one each time.
    let mut per_card = Vec::new();
    let mut apdus = 0;
    for i in 0..cards {
        // Card i+1 is a blank (the previous one was finished and ejected).
        let mut card = connect(&ctx, &reader);
        if i == 0 {
            // The used card: finish it (lock + read) so the hopper feeds a blank.
            assert_eq!(card.transmit(&put_mrz()).unwrap().sw, 0x9000);
            assert_eq!(card.transmit(&cmd(0, 0x44, 0, 0)).unwrap().sw, 0x9000);
            let mut sm = bac(&mut card);
            let wrapped = sm.protect_command(&read_sfi(0x02, 0, 16)).unwrap();
            assert!(card.transmit(&wrapped).unwrap().is_ok());
            drop(card);
            wait_for_blank(&ctx, &reader);
            card = connect(&ctx, &reader);
        }
        let files = files(20 * 1024);
        let (elapsed, n) = time(|| {
            let mut n = 1; // SELECT AID in connect()
            n += personalize_plain(&mut card, &files);
            let mut sm = bac(&mut card);
            n += 2;
            n + read_back(&mut card, &mut sm, &files)
        });
        apdus = n;
        per_card.push(elapsed);
        drop(card);
        if i + 1 < cards {
            wait_for_blank(&ctx, &reader);
        }
    }
    stats(
        &format!("whole cccd-chip card ({apdus} APDUs, 20 KiB DG2)"),
        per_card,
    );
    let report = server.stop();
    println!("server: {report:?}");
}

/// Waits until the finished card left the reader (the next one is then a blank).
fn wait_for_blank(ctx: &pcsc::Context, reader: &str) {
    let name = std::ffi::CString::new(reader).unwrap();
    let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let _ = ctx.get_status_change(Duration::from_millis(200), &mut states);
        if !states[0].event_state().contains(pcsc::State::PRESENT) {
            return;
        }
        assert!(Instant::now() < deadline, "finished card never ejected");
        states[0].sync_current_state();
    }
}
