//! End to end through pcscd: PACE with the CAN and with the MRZ, Chip Authentication, the BAC
//! fallback on the JMRTD profile, a cloned chip, a wrong CAN and the CAN's retry counter.
//! Run one at a time: `cargo test -p e2e -- pcsc_ --test-threads=1`.

use e2e::{Encoder, Station, cccd, profile, profile_named, slots, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Issues one seeded record on `profile` (the card stays in the reader) and returns its ID.
fn issue_one(st: &Station, profile: &Path) -> (Encoder, String) {
    st.seed(1);
    let reg = issuance::registry::Registry::open(Path::new(&st.db())).expect("registry");
    let id = reg.ids().expect("ids")[0].clone();
    let [a, _] = slots();
    let enc = Encoder::start_with(&a, profile, None, 0, None, Path::new(&st.path("enc.log")));
    let (o, v) = st.personalize_with(&[&a], profile, &["--ids", &id]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(v["issued"].as_u64(), Some(1), "{v}");
    (enc, id)
}

/// `cccd chip read` with `keys` on slot A; returns the exit code, the JSON report and the
/// folder with the files read.
fn chip_read(st: &Station, name: &str, keys: &[&str]) -> (Option<i32>, Value, PathBuf) {
    let [a, _] = slots();
    let out = PathBuf::from(st.path(name));
    let csca = format!("{}/csca.pem", st.pki());
    let mut args = vec![
        "chip", "read", "--reader", &a.reader, "--csca", &csca, "--json", "--wait", "10",
    ];
    let out_s = out.display().to_string();
    args.extend(["--out", &out_s]);
    args.extend(keys);
    let o = cccd(&args);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("chip read JSON ({e}): {}", text(&o)));
    (o.status.code(), v, out)
}

/// The status of check `id` in a report's `checks` array.
fn check<'a>(checks: &'a Value, id: &str) -> &'a Value {
    checks
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {checks}"))
}

fn status<'a>(checks: &'a Value, id: &str) -> &'a str {
    check(checks, id)["status"].as_str().unwrap_or_default()
}

/// DOCUMENT,YYMMDD,YYMMDD from the DG1 a read wrote.
fn mrz_key(dir: &Path) -> (String, reader::bac::MrzInfo) {
    let dg1 = std::fs::read(dir.join("DG1.bin")).expect("DG1.bin");
    let lines = lds::Dg1::decode(&dg1).expect("DG1").lines();
    let m = reader::bac::MrzInfo::from_td1(&lines).expect("TD1");
    (
        format!(
            "{},{},{}",
            m.document_number, m.date_of_birth, m.date_of_expiry
        ),
        m,
    )
}

/// A card reader opens a Vietnamese card with PACE and the CAN (the last 6 digits of the ID
/// number), or with PACE and the MRZ; DG14's Chip Authentication then proves the chip.
#[test]
fn pcsc_pace_with_the_can_and_with_the_mrz_then_chip_authentication() {
    let st = Station::new();
    let (_enc, id) = issue_one(&st, &profile());
    let [a, _] = slots();

    // Quality control with the registry: the CAN comes from the ID number.
    let o = st.verify(&a.reader, Some(&id), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("verify JSON");
    let r = &v["inspection"];
    assert_eq!(r["access"], "PACE", "{r}");
    assert_eq!(r["pace"]["password"], "CAN", "{r}");
    assert_eq!(r["secure_messaging"], "AES-128", "{r}");
    assert_eq!(r["chip_authentication"], "ECDH NIST P-256 AES-128", "{r}");
    for id in [
        "access.pace",
        "ca",
        "pa.sod.signature",
        "card_access.dg14",
        "record.dg1",
    ] {
        assert_eq!(status(&v["checks"], id), "pass", "{id}: {v}");
    }

    // `cccd chip read --can`: the files, EF.CardAccess included.
    let (code, v, dir) = chip_read(&st, "by-can", &["--can", &id[6..]]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["report"]["pace"]["password"], "CAN");
    assert!(dir.join("EF.CardAccess.bin").is_file());
    assert!(dir.join("DG14.bin").is_file());

    // PACE with the MRZ (no CAN given), AA on request as well.
    let (mrz, _) = mrz_key(&dir);
    let (code, v, _) = chip_read(&st, "by-mrz", &["--mrz", &mrz, "--aa", "always"]);
    assert_eq!(code, Some(0), "{v}");
    let r = &v["report"];
    assert_eq!(r["access"], "PACE");
    assert_eq!(r["pace"]["password"], "MRZ");
    assert_eq!(status(&r["checks"], "aa"), "pass", "{r}");
    assert_eq!(status(&r["checks"], "ca"), "pass", "{r}");
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "access.bac")
    );
}

/// The JMRTD applet has no EF.CardAccess: PACE is skipped with its reason and BAC reads it.
#[test]
fn pcsc_the_jmrtd_profile_falls_back_to_bac() {
    let st = Station::new();
    let jmrtd = profile_named("jmrtd-applet");
    let (_enc, id) = issue_one(&st, &jmrtd);
    let [a, _] = slots();
    let o = st.verify(&a.reader, Some(&id), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("verify JSON");
    let checks = &v["checks"];
    assert_eq!(status(checks, "file.EF.CardAccess"), "skipped", "{v}");
    assert_eq!(status(checks, "access.pace"), "skipped", "{v}");
    assert_eq!(status(checks, "access.bac"), "pass", "{v}");
    assert_eq!(status(checks, "ca"), "skipped", "{v}");
    assert_eq!(status(checks, "aa"), "pass", "{v}");
    assert_eq!(v["inspection"]["access"], "BAC");
    assert_eq!(v["inspection"]["secure_messaging"], "3DES");
}

/// Every file of a genuine card, read through pcscd with the printed data (CAN, MRZ), written
/// onto a fresh chip with keys of its own: passive authentication passes (the files are the
/// genuine, signed ones), Chip Authentication and Active Authentication reject it.
#[test]
fn pcsc_a_cloned_chip_passes_passive_authentication_but_fails_ca_and_aa() {
    let st = Station::new();
    let (mut enc, id) = issue_one(&st, &profile());
    let can = id[6..].to_string();
    let (code, v, dir) = chip_read(&st, "genuine", &["--can", &can]);
    assert_eq!(code, Some(0), "{v}");
    enc.kill();

    // The cloner's chip: a blank cccd-chip with the files read and the secrets printed on the
    // card, locked, and with its own key pairs (the genuine private keys never left the chip).
    let p = reader::Profile::load(&profile()).expect("profile");
    let mut state =
        vchip::PersistentState::blank(Some(p.memory.capacity), p.memory.per_file_overhead);
    for entry in std::fs::read_dir(&dir).expect("read dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fid: u16 = match name.as_str() {
            "EF.COM.bin" => 0x011E,
            "EF.SOD.bin" => 0x011D,
            "EF.CardAccess.bin" => 0x011C,
            n => {
                let dg: u16 = n
                    .trim_start_matches("DG")
                    .trim_end_matches(".bin")
                    .parse()
                    .expect("DGn.bin");
                0x0100 | dg
            }
        };
        let bytes = std::fs::read(&path).expect("file");
        let sfi = Some((fid & 0x1F) as u8);
        state.fs.create(fid, bytes.len(), sfi, 0).expect("create");
        state.fs.write(fid, 0, &bytes).expect("write");
    }
    let (_, mrz) = mrz_key(&dir);
    use sha1::Digest as _;
    state.mrz_hash = Some(zeroize::Zeroizing::new(
        sha1::Sha1::digest(mrz.mrz_information().as_bytes()).to_vec(),
    ));
    state.can = Some(zeroize::Zeroizing::new(can.clone()));
    state.ec_aa = Some(vchip::keys::EcKey::generate());
    state.ca_key = Some(vchip::keys::EcKey::generate());
    state.lifecycle = vchip::Lifecycle::Operational;
    let image = PathBuf::from(st.path("clone.json"));
    vchip::state::save_image(&image, &p.name, &state).expect("clone image");

    let [a, _] = slots();
    let _clone = Encoder::start_with(
        &a,
        &profile(),
        Some(&image),
        0,
        None,
        Path::new(&st.path("clone.log")),
    );
    let crl = format!("{}/crl.pem", st.pki());
    let o = st.verify(
        &a.reader,
        None,
        &["--crl", &crl, "--can", &can, "--aa", "always"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("verify JSON");
    let checks = &v["checks"];
    assert_eq!(status(checks, "access.pace"), "pass", "{v}");
    for c in checks.as_array().unwrap() {
        if c["id"].as_str().unwrap().starts_with("pa.") {
            assert_eq!(c["status"], "pass", "passive authentication: {c}");
        }
    }
    assert_eq!(status(checks, "pa.sod.signature"), "pass");
    assert_eq!(status(checks, "ca"), "fail", "{v}");
    assert_eq!(status(checks, "aa"), "fail", "{v}");
    assert!(
        check(checks, "ca")["detail"]
            .as_str()
            .unwrap()
            .contains("does not hold the DG14 private key"),
        "{v}"
    );
}

/// A wrong CAN fails cleanly (exit 1, the step and status word named); the chip counts failed
/// attempts as the profile says and blocks the CAN at the limit, while PACE with the MRZ still
/// opens the chip; a success before the limit restores the counter.
#[test]
fn pcsc_a_wrong_can_fails_cleanly_and_the_counter_follows_the_profile() {
    let st = Station::new();
    let text_profile = std::fs::read_to_string(profile()).expect("profile");
    let three = text_profile.replace(
        "can_retry = { max_attempts = 10 }",
        "can_retry = { max_attempts = 3 }",
    );
    assert_ne!(
        three, text_profile,
        "the shipped profile sets a CAN counter"
    );
    let limited = PathBuf::from(st.path("cccd-chip-3.toml"));
    std::fs::write(&limited, three).expect("profile");
    let (_enc, id) = issue_one(&st, &limited);
    let can = &id[6..];
    let wrong = if can == "000000" { "111111" } else { "000000" };

    let fail = |name: &str, key: &str| {
        let (code, v, _) = chip_read(&st, name, &["--can", key]);
        assert_eq!(code, Some(1), "{v}");
        let pace = check(&v["report"]["checks"], "access.pace").clone();
        assert_eq!(pace["status"], "fail", "{v}");
        pace["detail"].as_str().unwrap_or_default().to_string()
    };
    // Two failures, then a success: the counter is back at 3.
    for n in 0..2 {
        let why = fail(&format!("wrong-{n}"), wrong);
        assert!(
            why.contains("mutual authentication") && why.contains("6300"),
            "{why}"
        );
    }
    let (code, v, dir) = chip_read(&st, "right", &["--can", can]);
    assert_eq!(code, Some(0), "{v}");
    // Three failures in a row block the CAN: even the right one is refused at MSE:Set AT.
    for n in 2..5 {
        fail(&format!("wrong-{n}"), wrong);
    }
    let why = fail("blocked", can);
    assert!(why.contains("MSE:Set AT") && why.contains("6983"), "{why}");
    // The MRZ still opens the chip (no counter on it), and the CAN with an MRZ falls back to BAC.
    let (mrz, _) = mrz_key(&dir);
    let (code, v, _) = chip_read(&st, "mrz", &["--mrz", &mrz]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["report"]["pace"]["password"], "MRZ");
    let (code, v, _) = chip_read(&st, "fallback", &["--can", can, "--mrz", &mrz]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(
        status(&v["report"]["checks"], "access.pace"),
        "warning",
        "{v}"
    );
    assert_eq!(v["report"]["access"], "BAC", "{v}");
}
