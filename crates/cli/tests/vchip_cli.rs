//! `cccd vchip`: the virtual chip as a separate process behind real pcscd (`pcsc_` tests, reader
//! and port from CCCD_TEST_READER / CCCD_TEST_VPCD_PORT), its chip image, hopper and tear rules.

mod common;

use common::{assert_error, reader_name, reader2_name, vpcd_port, vpcd_port2};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reader::apdu::{Command as Apdu, Response};
use reader::pcsc::PcscTransport;
use reader::transport::{Exchange, Transmit};

const CCCD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../firmware-profiles/cccd-chip.toml"
);
const JMRTD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../firmware-profiles/jmrtd-applet.toml"
);
const DOC: &str = "C03005988";
const DOB: &str = "900101";
const DOE: &str = "300101";

/// `cccd vchip serve` in the background.
struct Serve {
    child: Child,
}

impl Serve {
    fn start(args: &[&str]) -> Self {
        let child = common::bin()
            .args(["vchip", "serve", "--json"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Self { child }
    }

    /// A cccd-chip card on `port` kept in the chip image `image`, with `extra` options.
    fn cccd_chip(port: &str, image: &Path, extra: &[&str]) -> Self {
        let args = [
            "--profile",
            CCCD,
            "--port",
            port,
            "--image",
            image.to_str().unwrap(),
        ];
        Self::start(&[&args[..], extra].concat())
    }

    /// SIGTERM, then the exit status and the JSON summary.
    fn stop(mut self) -> serde_json::Value {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        let mut out = String::new();
        let mut err = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(status.success(), "serve exited with {status}: {err}");
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out:?} / {err}"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn info(profile: &str, image: &Path) -> serde_json::Value {
    let out = common::bin()
        .args(["vchip", "info", "--json", "--profile", profile, "--image"])
        .arg(image)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Asserts that the cccd-chip image is still in the personalization state with `files` files;
/// its `vchip info`.
fn assert_in_personalization(image: &Path, files: usize) -> serde_json::Value {
    let i = info(CCCD, image);
    assert_eq!(i["lifecycle"], "personalization");
    assert_eq!(i["files"].as_array().unwrap().len(), files);
    i
}

fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Connects to the card in the test reader once it answers SELECT of the eMRTD application.
fn connect() -> PcscTransport {
    connect_on(&reader_name())
}

/// Connects to the card in `reader` once it answers SELECT of the eMRTD application.
fn connect_on(reader: &str) -> PcscTransport {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut t) = PcscTransport::wait_for_card(reader, Duration::from_secs(2))
            && t.transmit(&select_aid()).is_ok_and(|r| r.is_ok())
        {
            return t;
        }
        assert!(Instant::now() < deadline, "no working card in {reader:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the test reader is empty (a stopped server's card is gone), so the next test
/// does not meet the previous card.
fn wait_for_empty_reader() {
    wait_for_empty(&reader_name())
}

fn wait_for_empty(reader: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(t) = PcscTransport::connect(reader) {
        drop(t);
        assert!(Instant::now() < deadline, "the card stayed in {reader:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // pcscd finishes handling a removal only at its next presence poll (~400 ms), powering the
    // slot down; a card that connects to the same slot before then is powered down with it and
    // never seen. Tests that reuse the slot start after this settle time.
    std::thread::sleep(Duration::from_millis(1000));
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn select_aid() -> Apdu {
    Apdu::new(0, 0xA4, 4, 0x0C).with_data(h("A0000002471001"))
}

fn fcp_create(fid: u16, size: usize) -> Apdu {
    let mut inner = reader::tlv::encode(0x80, &(size as u16).to_be_bytes());
    reader::tlv::write(&mut inner, 0x83, &fid.to_be_bytes());
    Apdu::new(0, 0xE0, 0, 0).with_data(reader::tlv::encode(0x62, &inner))
}

/// SELECT of an EF by its file ID (hex), no response data.
fn select_ef(fid: &str) -> Apdu {
    Apdu::new(0, 0xA4, 2, 0x0C).with_data(h(fid))
}

/// UPDATE BINARY of the current EF from offset 0.
fn update(data: Vec<u8>) -> Apdu {
    Apdu::new(0, 0xD6, 0, 0).with_data(data)
}

fn put_mrz() -> Apdu {
    let mut inner = Vec::new();
    for v in [DOC, DOB, DOE] {
        reader::tlv::write(&mut inner, 0x04, v.as_bytes());
    }
    Apdu::new(0, 0xDA, 0, 0x62).with_data(reader::tlv::encode(0x62, &inner))
}

fn sw(t: &mut impl Exchange, cmd: &Apdu) -> u16 {
    t.transmit(cmd).unwrap().sw
}

fn com() -> Vec<u8> {
    h("60145F0104303130365F36063034303030305C026175")
}

fn dg2() -> Vec<u8> {
    (0..20_000u32).map(|i| (i % 249) as u8).collect()
}

/// Personalizes a cccd-chip card in plain: EF.COM, a 20 KB DG2, MRZ, AA key, ACTIVATE.
/// Returns the AA public point.
fn personalize(t: &mut impl Exchange) -> Vec<u8> {
    for (fid, data) in [(0x011E, com()), (0x0102, dg2())] {
        assert_eq!(sw(t, &fcp_create(fid, data.len())), 0x9000);
        assert_eq!(sw(t, &update(data)), 0x9000);
    }
    assert_eq!(sw(t, &put_mrz()), 0x9000);
    let key = t.transmit(&Apdu::new(0, 0x46, 0, 1).with_le(256)).unwrap();
    assert_eq!(key.sw, 0x9000);
    assert_eq!(sw(t, &Apdu::new(0, 0x44, 0, 0)), 0x9000);
    key.data[5..].to_vec()
}

/// Test nonces (not secret here): std's randomly keyed hasher as a byte source.
fn nonce<const N: usize>() -> [u8; N] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0);
        chunk.copy_from_slice(&h.finish().to_be_bytes()[..chunk.len()]);
    }
    out
}

/// BAC with `reader`'s terminal half.
fn bac(t: &mut impl Exchange) -> reader::SecureChannel {
    let keys = reader::bac::BacKeys::from_mrz(&reader::bac::MrzInfo::new(DOC, DOB, DOE).unwrap());
    let challenge = t.transmit(&reader::bac::get_challenge_command()).unwrap();
    let rnd_ic: [u8; 8] = challenge.data.as_slice().try_into().unwrap();
    let (rnd_ifd, k_ifd) = (nonce::<8>(), nonce::<16>());
    let data = reader::bac::terminal_cryptogram(&keys, &rnd_ic, &rnd_ifd, &k_ifd);
    let resp = t
        .transmit(&Apdu::new(0, 0x82, 0, 0).with_data(data).with_le(40))
        .unwrap();
    assert_eq!(resp.sw, 0x9000);
    reader::bac::terminal_finish(&keys, &rnd_ic, &rnd_ifd, &k_ifd, &resp.data).unwrap()
}

fn secure(t: &mut impl Exchange, sm: &mut reader::SecureChannel, cmd: &Apdu) -> Response {
    let wrapped = sm.protect_command(cmd).unwrap();
    let resp = t.transmit(&wrapped).unwrap();
    sm.unprotect_response(&resp).unwrap()
}

fn read_sfi(sfi: u8) -> Apdu {
    Apdu::new(0, 0xB0, 0x80 | sfi, 0).with_le(65_536)
}

/// A temporary folder and the chip image path `chip.json` in it.
fn image_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("chip.json");
    (dir, image)
}

/// Serves a cccd-chip card on port 9 (discard, closed here: the chip keeps retrying to reach
/// vpcd) until its image is written, then stops: the JSON summary.
fn serve_until_image_written(image: &Path) -> serde_json::Value {
    let s = Serve::cccd_chip("9", image, &[]);
    wait_for_file(image);
    s.stop()
}

/// Asserts the status word `cmd` gets.
fn assert_sw(t: &mut impl Exchange, cmd: &Apdu, want: u16, why: &str) {
    assert_eq!(sw(t, cmd), want, "{why}");
}

/// `cccd vchip COMMAND --profile PROFILE EXTRA`, run to the end.
fn vchip(command: &str, profile: &str, extra: &[&str]) -> std::process::Output {
    common::cccd(&[&["vchip", command, "--profile", profile][..], extra].concat())
}

#[test]
fn serve_without_a_profile_file_is_an_environment_error() {
    let out = vchip("serve", "/nonexistent/p.toml", &["--port", "9"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("error:") && err.contains("/nonexistent/p.toml"),
        "{err}"
    );
}

#[test]
fn serve_rejects_tear_after_zero_as_usage() {
    let out = vchip("serve", CCCD, &["--tear-after", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_writes_a_blank_image_with_mode_0600_and_stops_on_sigterm() {
    let (_dir, image) = image_dir();
    let summary = serve_until_image_written(&image);
    assert_eq!(summary["version"], 1);
    assert_eq!(summary["cards"], 1);
    assert_eq!(summary["apdus"], 0);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&image).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let i = assert_in_personalization(&image, 0);
    assert_eq!(i["version"], 1);
    assert_eq!(i["aa_ec_public"], serde_json::Value::Null);
}

#[test]
fn info_refuses_an_image_of_another_profile_or_garbage() {
    let (_dir, image) = image_dir();
    serve_until_image_written(&image);
    let image_s = image.to_str().unwrap();
    let out = vchip("info", JMRTD, &["--image", image_s]);
    assert_error(&out, 2, "made for profile");
    std::fs::write(&image, b"not json").unwrap();
    let out = vchip("serve", CCCD, &["--port", "9", "--image", image_s]);
    assert_error(&out, 2, "not a chip image");
}

/// A card personalized through one `cccd vchip serve` process (the encoder) is inspected through
/// another one on the second reader (quality control), from the chip image alone.
#[test]
fn pcsc_vchip_image_carries_a_card_across_processes() {
    // A card left by an earlier test (this or another binary) must be gone first.
    wait_for_empty_reader();
    let (_dir, image) = image_dir();
    let first = Serve::cccd_chip(&vpcd_port(), &image, &[]);
    let mut t = connect();
    let aa_public = personalize(&mut t);
    drop(t);
    let summary = first.stop();
    wait_for_empty_reader();
    assert_eq!(summary["cards"], 1);
    let i = info(CCCD, &image);
    assert_eq!(i["lifecycle"], "operational");
    assert_eq!(i["aa_ec_public"], hex::encode_upper(&aa_public));

    // The card moves to the quality-control reader: another process, another slot.
    let second = Serve::cccd_chip(&vpcd_port2(), &image, &[]);
    let mut t = connect_on(&reader2_name());
    assert_sw(&mut t, &read_sfi(0x1E), 0x6982, "locked: reading needs BAC");
    assert_sw(&mut t, &fcp_create(0x0101, 5), 0x6985, "locked: no perso");
    let mut sm = bac(&mut t);
    assert_eq!(secure(&mut t, &mut sm, &read_sfi(0x1E)).data, com());
    assert_eq!(secure(&mut t, &mut sm, &read_sfi(0x02)).data, dg2());
    let challenge = [7u8; 8];
    let aa = secure(
        &mut t,
        &mut sm,
        &reader::aa::internal_authenticate_command(&challenge),
    );
    assert_eq!(aa.sw, 0x9000);
    let key =
        reader::aa::AaPublicKey::from_spki(&reader::aa::p256_spki(&aa_public).unwrap()).unwrap();
    key.verify(&challenge, &aa.data).unwrap();
    drop(t);
    second.stop();
    wait_for_empty(&reader2_name());
}

/// `--blanks 1`: once the first card is locked, read and released, a blank one takes its place.
#[test]
fn pcsc_vchip_blanks_feed_a_fresh_card_after_a_finished_one() {
    // A card left by an earlier test (this or another binary) must be gone first.
    wait_for_empty_reader();
    let (dir, image) = image_dir();
    let s = Serve::cccd_chip(&vpcd_port(), &image, &["--blanks", "1"]);
    let mut t = connect();
    personalize(&mut t);
    let mut sm = bac(&mut t);
    assert_eq!(secure(&mut t, &mut sm, &read_sfi(0x1E)).data, com());
    t.wait_for_removal(Duration::from_secs(1)).unwrap_err();
    drop(t); // SCardDisconnect; pcscd powers the card off, the server ejects it.
    let kept = dir.path().join("chip.json.card1");
    wait_for_file(&kept);
    let mut t = connect();
    assert_sw(&mut t, &select_ef("011E"), 0x6A82, "blank");
    let create = fcp_create(0x011E, 4);
    assert_sw(&mut t, &create, 0x9000, "personalization state");
    drop(t);
    let summary = s.stop();
    assert_eq!(
        (summary["cards"].as_u64(), summary["ejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(info(CCCD, &kept)["lifecycle"], "operational");
    assert_in_personalization(&image, 1);
    wait_for_empty_reader();
}

/// `--tear-after 4`: the 4th APDU pulls the card; what was written before stays.
#[test]
fn pcsc_vchip_tear_after_keeps_what_was_written() {
    // A card left by an earlier test (this or another binary) must be gone first.
    wait_for_empty_reader();
    let (_dir, image) = image_dir();
    let s = Serve::cccd_chip(&vpcd_port(), &image, &["--tear-after", "4"]);
    let mut t = connect(); // APDU 1: SELECT AID
    assert_eq!(sw(&mut t, &fcp_create(0x011E, com().len())), 0x9000); // 2
    assert_eq!(sw(&mut t, &update(com())), 0x9000); // 3
    assert!(
        t.transmit(&fcp_create(0x0101, 5)).is_err(),
        "APDU 4 is torn"
    ); // 4
    drop(t);
    let mut t = connect();
    assert_eq!(sw(&mut t, &select_ef("0101")), 0x6A82);
    let r = t.transmit(&read_sfi(0x1E)).unwrap();
    assert_eq!((r.sw, r.data), (0x9000, com()), "written before the tear");
    let create = fcp_create(0x0101, 5);
    assert_sw(&mut t, &create, 0x9000, "the card is not torn twice");
    drop(t);
    let summary = s.stop();
    wait_for_empty_reader();
    assert_eq!(summary["torn"], 1);
    assert_in_personalization(&image, 2);
}
