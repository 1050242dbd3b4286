//! `cccd pki`, `cccd sod`, `cccd audit` end to end through the binary.

mod common;

use common::{pki_init_args, stderr, stdout};
use reader::tlv::encode as tlv;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const PASS: &str = "cli test passphrase";

/// `cccd ARGS` with stdin closed and the passphrase (or PIN) in `CCCD_PASSPHRASE` only when
/// given.
fn cccd(args: &[&str], pass: Option<&str>) -> Output {
    let mut c = common::bin();
    c.args(args)
        .env_remove("CCCD_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        c.env("CCCD_PASSPHRASE", p);
    }
    c.output().expect("run cccd")
}

/// Asserts success; stdout.
fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

/// Asserts success; stdout as JSON.
fn ok_json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).expect("json")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The files `cccd lds build` writes.
fn write_lds(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mrz = b"IDVNM0012345678001234567890<<<9001015M3001012VNM<<<<<<<<<<<6NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<<";
    let mut dg1 = vec![0x5F, 0x1F, mrz.len() as u8];
    dg1.extend_from_slice(mrz);
    std::fs::write(
        dir.join("EF.COM.bin"),
        tlv(0x60, &[0x5F, 0x01, 0x04, b'0', b'1', b'0', b'8']),
    )
    .expect("com");
    std::fs::write(dir.join("DG1.bin"), tlv(0x61, &dg1)).expect("dg1");
    std::fs::write(dir.join("DG2.bin"), tlv(0x75, &vec![0xAB; 3000])).expect("dg2");
    std::fs::write(dir.join("DG13.bin"), tlv(0x6D, "Nguyễn Văn A".as_bytes())).expect("dg13");
    std::fs::write(dir.join("DG14.bin"), tlv(0x6E, &[0x31, 0x00])).expect("dg14");
    std::fs::write(dir.join("DG15.bin"), tlv(0x6F, &[0x30, 0x00])).expect("dg15");
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `cccd pki COMMAND --dir PKI EXTRA`.
fn pki_cmd(pki: &Path, command: &str, extra: &[&str], pass: Option<&str>) -> Output {
    cccd(
        &[&["pki", command, "--dir", s(pki)][..], extra].concat(),
        pass,
    )
}

/// `cccd sod sign` of the LDS folder `lds` with the PKI `pki`.
fn sod_sign(pki: &Path, lds: &Path, extra: &[&str], pass: &str) -> Output {
    let args = ["sod", "sign", "--pki", s(pki), "--lds", s(lds)];
    cccd(&[&args[..], extra].concat(), Some(pass))
}

/// `cccd sod verify --sod SOD EXTRA`.
fn sod_verify(sod: &Path, extra: &[&str]) -> Output {
    cccd(
        &[&["sod", "verify", "--sod", s(sod)][..], extra].concat(),
        None,
    )
}

/// The `sod verify` options of a full check: DG hashes, CSCA and CRL.
fn with_lds_crl<'a>(lds: &'a Path, csca: &'a Path, crl: &'a Path) -> [&'a str; 6] {
    ["--lds", s(lds), "--csca", s(csca), "--crl", s(crl)]
}

/// `cccd audit COMMAND --log LOG EXTRA`.
fn audit(command: &str, log: &Path, extra: &[&str]) -> Output {
    cccd(
        &[&["audit", command, "--log", s(log)][..], extra].concat(),
        None,
    )
}

#[test]
fn pki_sod_audit_round_trip() {
    let t = tempfile::tempdir().expect("tmp");
    let pki = t.path().join("pki");
    let lds = t.path().join("lds");
    write_lds(&lds);
    ok(&cccd(
        &pki_init_args(s(&pki), "Cục Cảnh sát QLHC về TTXH"),
        Some(PASS),
    ));
    // The passphrase may also come from a file.
    let pf = t.path().join("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).expect("pass");
    let from_file = ["--passphrase-file", s(&pf)];
    ok(&pki_cmd(&pki, "issue-ds", &from_file, None));
    let list = ok_json(&pki_cmd(&pki, "list", &["--json"], None));
    assert_eq!(list["version"], 1);
    assert_eq!(list["document_signers"].as_array().expect("ds").len(), 1);
    assert_eq!(list["document_signers"][0]["active"], true);
    let serial = list["document_signers"][0]["serial"]
        .as_str()
        .expect("serial")
        .to_string();
    assert!(ok(&pki_cmd(&pki, "list", &[], None)).contains(&serial));

    let out = ok(&sod_sign(&pki, &lds, &["--station", "st-9"], PASS));
    assert!(out.contains("EF.SOD"), "{out}");
    let sod = lds.join("EF.SOD.bin");
    assert_eq!(std::fs::read(&sod).expect("sod")[0], 0x77);
    let log = pki.join("audit.jsonl");
    let first = std::fs::read_to_string(&log).expect("log");
    assert!(first.contains("\"document\":\"001234567\""), "{first}");
    assert!(first.contains("\"station\":\"st-9\""));

    // Passive authentication.
    let csca = pki.join("csca.pem");
    let crl = pki.join("crl.der");
    let all = [&with_lds_crl(&lds, &csca, &crl)[..], &["--json"]].concat();
    let v = ok_json(&sod_verify(&sod, &all));
    assert_eq!(v["version"], 1);
    assert_eq!(v["passed"], true);
    assert!(v["checks"].as_array().expect("checks").len() > 10);
    let human = ok(&sod_verify(&sod, &["--csca", s(&csca)]));
    assert!(
        human.contains("SKIP") && human.contains("PASSED"),
        "{human}"
    );
    // A flipped DG byte fails with exit 1 and names the DG.
    let bad = t.path().join("bad");
    write_lds(&bad);
    let mut dg2 = std::fs::read(bad.join("DG2.bin")).expect("dg2");
    dg2[50] ^= 1;
    std::fs::write(bad.join("DG2.bin"), dg2).expect("write");
    let o = sod_verify(&sod, &["--lds", s(&bad), "--csca", s(&csca)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("FAIL  dg.2.hash"));
    let trunc = t.path().join("trunc.bin");
    std::fs::write(&trunc, &std::fs::read(&sod).expect("sod")[..100]).expect("write");
    let none = t.path().join("none");
    let cases: [(&Path, &[&str], i32); 4] = [
        // Truncated SOD: exit 1. Verification at a time before the DS existed: exit 1.
        (&trunc, &[], 1),
        (&sod, &["--at", "2001-01-01"], 1),
        // Usage errors exit 2.
        (&sod, &["--at", "yesterday"], 2),
        (&none, &[], 2),
    ];
    for (file, extra, exit) in cases {
        let args = [&["--csca", s(&csca)][..], extra].concat();
        assert_eq!(code(&sod_verify(file, &args)), exit);
    }

    // Audit: head, verify with the head, report; then tamper.
    let head = ok(&audit("head", &log, &[])).trim().to_string();
    assert_eq!(head.len(), 64);
    let hj = ok_json(&audit("head", &log, &["--json"]));
    assert_eq!(hj["head"], head.as_str());
    let verify = |extra: &[&str]| audit("verify", &log, &[&["--pki", s(&pki)][..], extra].concat());
    assert!(ok(&verify(&["--expect-head", &head])).contains("audit log OK"));
    ok(&sod_sign(&pki, &lds, &["--document", "001234567"], PASS));
    let rep = ok_json(&audit("report", &log, &["--json"]));
    assert_eq!(rep["version"], 1);
    assert_eq!(rep["signatures"], 2);
    assert_eq!(rep["duplicates"]["001234567"], serde_json::json!([1, 3]));
    let v = ok_json(&verify(&["--json"]));
    assert_eq!(
        (v["ok"].clone(), v["signatures"].clone()),
        (true.into(), 2.into())
    );
    let text = std::fs::read_to_string(&log).expect("log");
    std::fs::write(
        &log,
        text.replacen("\"station\":\"st-9\"", "\"station\":\"st-8\"", 1),
    )
    .expect("write");
    let o = verify(&[]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("first bad sequence number 1"),
        "{}",
        stdout(&o)
    );
    std::fs::write(&log, text).expect("restore");

    // Wrong passphrase: exit 2 with a clear message.
    let o = sod_sign(&pki, &lds, &[], "wrong");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));

    // Revoke: signing refuses; PA against the new CRL fails.
    let revoke = |serial: &str| {
        let args = ["--serial", serial, "--reason", "keyCompromise"];
        pki_cmd(&pki, "revoke", &args, Some(PASS))
    };
    ok(&revoke(&serial));
    let o = sod_sign(&pki, &lds, &[], PASS);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("revoked"));
    let crl_pem = t.path().join("crl.pem");
    ok(&pki_cmd(&pki, "crl", &["--out", s(&crl_pem)], Some(PASS)));
    assert!(
        std::fs::read_to_string(&crl_pem)
            .expect("crl")
            .starts_with("-----BEGIN X509 CRL-----")
    );
    let o = sod_verify(&sod, &with_lds_crl(&lds, &csca, &crl_pem));
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("FAIL  ds.revocation"));
    // Bad reason and unknown serial are usage errors.
    assert_eq!(code(&revoke("01")), 2);
    // Not a PKI folder.
    assert_eq!(code(&pki_cmd(t.path(), "list", &[], None)), 2);
}

#[test]
fn softhsm_cli_init_sign_verify() {
    let get = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set (softhsm_ tests need CCCD_TEST_PKCS11_MODULE, CCCD_TEST_TOKEN_LABEL, CCCD_TEST_TOKEN_PIN)"))
    };
    let (module, label, pin) = (
        get("CCCD_TEST_PKCS11_MODULE"),
        get("CCCD_TEST_TOKEN_LABEL"),
        get("CCCD_TEST_TOKEN_PIN"),
    );
    let t = tempfile::tempdir().expect("tmp");
    let pki = t.path().join("pki");
    let lds = t.path().join("lds");
    write_lds(&lds);
    let token = ["--pkcs11-module", &module, "--token-label", &label];
    let init = [
        &pki_init_args(s(&pki), "HSM test")[..],
        &["--curve", "p384"],
        &token,
    ]
    .concat();
    ok(&cccd(&init, Some(&pin)));
    ok(&pki_cmd(&pki, "issue-ds", &[], Some(&pin)));
    assert!(ok(&pki_cmd(&pki, "list", &[], None)).contains("PKCS#11"));
    ok(&sod_sign(&pki, &lds, &[], &pin));
    let sod = lds.join("EF.SOD.bin");
    let (csca, crl) = (pki.join("csca.pem"), pki.join("crl.der"));
    ok(&sod_verify(&sod, &with_lds_crl(&lds, &csca, &crl)));
    let log = pki.join("audit.jsonl");
    ok(&audit("verify", &log, &["--pki", s(&pki)]));
    assert_eq!(code(&sod_sign(&pki, &lds, &[], "999999")), 2);
}
