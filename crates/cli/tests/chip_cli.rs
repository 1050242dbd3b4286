//! `cccd chip write`, `cccd chip read`, `cccd readers`: usage errors without a card stack, and
//! (tests named `pcsc_`) one card end to end through pcscd for both profiles, the virtual chip
//! served by `cccd vchip serve` on `CCCD_TEST_READER` / `CCCD_TEST_VPCD_PORT`.

mod common;

use common::{
    assert_contains, assert_exit, child_2024, pki_init_args, profile_path, reader_name, stdout,
    text, vpcd_port,
};
use std::process::{Child, Command, Output};
use std::time::Duration;

/// `cccd` with this file's passphrase for the PKI.
fn cccd() -> Command {
    let mut c = common::bin();
    c.env("CCCD_PASSPHRASE", "chip-cli-test-passphrase");
    c
}

fn run(args: &[&str]) -> Output {
    cccd().args(args).output().expect("run cccd")
}

/// `cccd chip write` of `record` with the PKI in `pki`, then `extra`.
fn chip_write(reader: &str, profile: &str, record: &str, pki: &str, extra: &[&str]) -> Output {
    let args = ["chip", "write", "--reader", reader, "--profile", profile];
    run(&[&args[..], &["--record", record, "--pki", pki], extra].concat())
}

/// `cccd chip read --reader R ARGS`, which must be a usage error: its output.
fn read_usage_error(args: &[&str]) -> String {
    let o = run(&[&["chip", "read", "--reader", "R"], args].concat());
    assert_exit(&o, 2);
    text(&o)
}

#[test]
fn chip_read_with_a_malformed_mrz_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for mrz in [
        "C03000001,900101",
        "C03000001,901301,340101",
        "C03-00001,900101,340101",
    ] {
        let t = read_usage_error(&["--mrz", mrz, "--out", out]);
        assert!(t.contains("--mrz") || t.contains("MRZ"), "{mrz}: {t}");
    }
}

#[test]
fn chip_read_needs_a_key_and_a_well_formed_can() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for can in ["12345", "1234567", "12a456", ""] {
        let t = read_usage_error(&["--can", can, "--out", out]);
        assert!(
            t.contains("--can") && t.contains("6 decimal digits"),
            "{can:?}: {t}"
        );
    }
    // Neither a CAN nor an MRZ: nothing could open the chip.
    let t = read_usage_error(&["--out", out]);
    assert!(t.contains("--mrz") && t.contains("--can"), "{t}");
    // A CRL needs the CSCA it belongs to.
    let t = read_usage_error(&["--can", "012345", "--out", out, "--crl", "x.pem"]);
    assert_contains(&t, "--csca");
}

#[test]
fn chip_write_refuses_a_missing_profile_and_a_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("bad.json");
    std::fs::write(&rec, r#"{"id_number": "12"}"#).unwrap();
    let pki = dir.path().join("pki");
    let (rec, pki) = (rec.to_str().unwrap(), pki.to_str().unwrap());
    let write = |profile: &str| chip_write("R", profile, rec, pki, &[]);
    let o = write("/nonexistent/p.toml");
    assert_exit(&o, 2);
    assert_contains(&text(&o), "/nonexistent/p.toml");
    let o = write(profile_path("cccd-chip").to_str().unwrap());
    assert_eq!(o.status.code(), Some(1), "a bad record: {}", text(&o));
}

/// The vchip card server as a child process; killed (the card leaves the reader) on drop.
struct Server(Child);

impl Server {
    fn start(profile: &str) -> Server {
        let child = cccd()
            .args([
                "vchip",
                "serve",
                "--profile",
                profile_path(profile).to_str().unwrap(),
                "--port",
                &vpcd_port(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cccd vchip serve");
        Server(child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn card_present(name: &str) -> bool {
    let o = run(&["readers", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    v["readers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == name && r["card_present"] == true)
}

fn wait_for(present: bool) {
    for _ in 0..100 {
        if card_present(&reader_name()) == present {
            if !present {
                // pcscd finishes a removal only at its next presence poll (~400 ms) and powers
                // the slot down then; a card inserted before that is never seen.
                std::thread::sleep(Duration::from_millis(1000));
            }
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "card present = {present} never happened in {}",
        reader_name()
    );
}

#[test]
fn pcsc_chip_write_then_read_end_to_end_both_profiles() {
    wait_for(false); // a card left by an earlier test must be gone first
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    let pki_s = pki.to_str().unwrap();
    let o = run(&pki_init_args(pki_s, "Chip CLI Test"));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["pki", "issue-ds", "--dir", pki_s]);
    assert!(o.status.success(), "{}", text(&o));
    let rec = dir.path().join("record.json");
    std::fs::write(&rec, child_2024().to_string()).unwrap();
    let rec_s = rec.to_str().unwrap();

    // the BAC key from the record's MRZ
    let o = run(&["mrz", rec_s]);
    assert!(o.status.success(), "{}", text(&o));
    let lines: Vec<String> = stdout(&o)
        .lines()
        .map(str::to_string)
        .filter(|l| l.len() == 30)
        .collect();
    let m = reader::bac::MrzInfo::from_td1(&lines).unwrap();
    let mrz = format!(
        "{},{},{}",
        m.document_number, m.date_of_birth, m.date_of_expiry
    );
    let wrong = format!("{},{},{}", m.document_number, m.date_of_birth, "991231");

    for profile in ["cccd-chip", "jmrtd-applet"] {
        wait_for(false);
        let _server = Server::start(profile);
        wait_for(true);
        let trace = dir.path().join(format!("{profile}.trace"));
        let reader = reader_name();
        let profile_s = profile_path(profile);
        let write = |extra: &[&str]| {
            let extra = [&["--wait", "10"], extra].concat();
            chip_write(&reader, profile_s.to_str().unwrap(), rec_s, pki_s, &extra)
        };
        let o = write(&["--trace", trace.to_str().unwrap()]);
        assert!(o.status.success(), "{profile}: {}", text(&o));
        let t = std::fs::read_to_string(&trace).unwrap();
        assert!(
            t.contains("00DA0062 [") && t.contains("redacted"),
            "{profile}: MRZ secret redacted in the trace"
        );
        assert!(
            !t.contains(&hex::encode_upper(m.document_number.as_bytes())),
            "{profile}: no document number in the trace"
        );

        let out = dir.path().join(format!("{profile}-read"));
        let out_s = out.to_str().unwrap();
        let read = |mrz: &str, extra: &[&str]| {
            let base = ["chip", "read", "--reader", &reader, "--mrz", mrz];
            run(&[&base[..], &["--out", out_s], extra, &["--wait", "10"]].concat())
        };
        let csca = pki.join("csca.pem");
        let o = read(&mrz, &["--csca", csca.to_str().unwrap(), "--json"]);
        assert!(o.status.success(), "{profile}: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["passed"], true);
        let checks = v["report"]["checks"].as_array().unwrap();
        let status = |id: &str| {
            checks
                .iter()
                .find(|c| c["id"] == id)
                .map(|c| c["status"].clone())
        };
        if profile == "cccd-chip" {
            // A PACE chip: PACE with the MRZ, Chip Authentication proves it (AA not needed).
            assert_eq!(status("access.pace"), Some("pass".into()));
            assert_eq!(status("ca"), Some("pass".into()), "{profile}");
            assert_eq!(status("aa"), Some("skipped".into()), "{profile}");
            assert!(out.join("EF.CardAccess.bin").exists());
        } else {
            assert_eq!(status("access.pace"), Some("skipped".into()));
            assert_eq!(status("access.bac"), Some("pass".into()));
            assert_eq!(status("aa"), Some("pass".into()), "{profile}");
        }
        assert!(
            checks
                .iter()
                .any(|c| c["id"].as_str().unwrap().starts_with("pa.") && c["status"] == "pass")
        );
        for f in ["EF.COM.bin", "DG1.bin", "DG15.bin", "EF.SOD.bin"] {
            assert!(out.join(f).exists(), "{profile}: {f}");
        }

        // the locked card refuses a second personalization
        let o = write(&[]);
        assert_eq!(o.status.code(), Some(1), "{profile}: {}", text(&o));
        assert!(text(&o).contains("6985"), "{profile}: {}", text(&o));
        // a wrong MRZ fails cleanly
        let o = read(&wrong, &[]);
        assert_eq!(o.status.code(), Some(1), "{profile}: {}", text(&o));
        assert_contains(&text(&o), "access.bac");
    }
}
