//! `cccd pki`, `cccd sod`, `cccd audit` end to end through the binary.

use std::path::Path;
use std::process::{Command, Output};

const PASS: &str = "cli test passphrase";

fn cccd(args: &[&str], pass: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cccd"));
    c.args(args)
        .env_remove("CCCD_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        c.env("CCCD_PASSPHRASE", p);
    }
    c.output().expect("run cccd")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(value);
    out
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

#[test]
fn pki_sod_audit_round_trip() {
    let t = tempfile::tempdir().expect("tmp");
    let pki = t.path().join("pki");
    let lds = t.path().join("lds");
    write_lds(&lds);
    ok(&cccd(
        &[
            "pki",
            "init",
            "--dir",
            s(&pki),
            "--country",
            "VN",
            "--org",
            "Cục Cảnh sát QLHC về TTXH",
        ],
        Some(PASS),
    ));
    // The passphrase may also come from a file.
    let pf = t.path().join("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).expect("pass");
    ok(&cccd(
        &[
            "pki",
            "issue-ds",
            "--dir",
            s(&pki),
            "--passphrase-file",
            s(&pf),
        ],
        None,
    ));
    let list: serde_json::Value = serde_json::from_str(&ok(&cccd(
        &["pki", "list", "--dir", s(&pki), "--json"],
        None,
    )))
    .expect("json");
    assert_eq!(list["version"], 1);
    assert_eq!(list["document_signers"].as_array().expect("ds").len(), 1);
    assert_eq!(list["document_signers"][0]["active"], true);
    let serial = list["document_signers"][0]["serial"]
        .as_str()
        .expect("serial")
        .to_string();
    assert!(ok(&cccd(&["pki", "list", "--dir", s(&pki)], None)).contains(&serial));

    let out = ok(&cccd(
        &[
            "sod",
            "sign",
            "--pki",
            s(&pki),
            "--lds",
            s(&lds),
            "--station",
            "st-9",
        ],
        Some(PASS),
    ));
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
    let v: serde_json::Value = serde_json::from_str(&ok(&cccd(
        &[
            "sod",
            "verify",
            "--sod",
            s(&sod),
            "--lds",
            s(&lds),
            "--csca",
            s(&csca),
            "--crl",
            s(&crl),
            "--json",
        ],
        None,
    )))
    .expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["passed"], true);
    assert!(v["checks"].as_array().expect("checks").len() > 10);
    let human = ok(&cccd(
        &["sod", "verify", "--sod", s(&sod), "--csca", s(&csca)],
        None,
    ));
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
    let o = cccd(
        &[
            "sod",
            "verify",
            "--sod",
            s(&sod),
            "--lds",
            s(&bad),
            "--csca",
            s(&csca),
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("FAIL  dg.2.hash"));
    // Truncated SOD: exit 1. Verification at a time before the DS existed: exit 1.
    let trunc = t.path().join("trunc.bin");
    std::fs::write(&trunc, &std::fs::read(&sod).expect("sod")[..100]).expect("write");
    assert_eq!(
        code(&cccd(
            &["sod", "verify", "--sod", s(&trunc), "--csca", s(&csca)],
            None
        )),
        1
    );
    assert_eq!(
        code(&cccd(
            &[
                "sod",
                "verify",
                "--sod",
                s(&sod),
                "--csca",
                s(&csca),
                "--at",
                "2001-01-01"
            ],
            None
        )),
        1
    );
    // Usage errors exit 2.
    assert_eq!(
        code(&cccd(
            &[
                "sod",
                "verify",
                "--sod",
                s(&sod),
                "--csca",
                s(&csca),
                "--at",
                "yesterday"
            ],
            None
        )),
        2
    );
    assert_eq!(
        code(&cccd(
            &[
                "sod",
                "verify",
                "--sod",
                s(&t.path().join("none")),
                "--csca",
                s(&csca)
            ],
            None
        )),
        2
    );

    // Audit: head, verify with the head, report; then tamper.
    let head = ok(&cccd(&["audit", "head", "--log", s(&log)], None))
        .trim()
        .to_string();
    assert_eq!(head.len(), 64);
    let hj: serde_json::Value = serde_json::from_str(&ok(&cccd(
        &["audit", "head", "--log", s(&log), "--json"],
        None,
    )))
    .expect("json");
    assert_eq!(hj["head"], head.as_str());
    assert!(
        ok(&cccd(
            &[
                "audit",
                "verify",
                "--log",
                s(&log),
                "--pki",
                s(&pki),
                "--expect-head",
                &head
            ],
            None
        ))
        .contains("audit log OK")
    );
    ok(&cccd(
        &[
            "sod",
            "sign",
            "--pki",
            s(&pki),
            "--lds",
            s(&lds),
            "--document",
            "001234567",
        ],
        Some(PASS),
    ));
    let rep: serde_json::Value = serde_json::from_str(&ok(&cccd(
        &["audit", "report", "--log", s(&log), "--json"],
        None,
    )))
    .expect("json");
    assert_eq!(rep["version"], 1);
    assert_eq!(rep["signatures"], 2);
    assert_eq!(rep["duplicates"]["001234567"], serde_json::json!([1, 3]));
    let v: serde_json::Value = serde_json::from_str(&ok(&cccd(
        &[
            "audit",
            "verify",
            "--log",
            s(&log),
            "--pki",
            s(&pki),
            "--json",
        ],
        None,
    )))
    .expect("json");
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
    let o = cccd(
        &["audit", "verify", "--log", s(&log), "--pki", s(&pki)],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("first bad sequence number 1"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    std::fs::write(&log, text).expect("restore");

    // Wrong passphrase: exit 2 with a clear message.
    let o = cccd(
        &["sod", "sign", "--pki", s(&pki), "--lds", s(&lds)],
        Some("wrong"),
    );
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("wrong passphrase"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Revoke: signing refuses; PA against the new CRL fails.
    ok(&cccd(
        &[
            "pki",
            "revoke",
            "--dir",
            s(&pki),
            "--serial",
            &serial,
            "--reason",
            "keyCompromise",
        ],
        Some(PASS),
    ));
    let o = cccd(
        &["sod", "sign", "--pki", s(&pki), "--lds", s(&lds)],
        Some(PASS),
    );
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("revoked"));
    let crl_pem = t.path().join("crl.pem");
    ok(&cccd(
        &["pki", "crl", "--dir", s(&pki), "--out", s(&crl_pem)],
        Some(PASS),
    ));
    assert!(
        std::fs::read_to_string(&crl_pem)
            .expect("crl")
            .starts_with("-----BEGIN X509 CRL-----")
    );
    let o = cccd(
        &[
            "sod",
            "verify",
            "--sod",
            s(&sod),
            "--lds",
            s(&lds),
            "--csca",
            s(&csca),
            "--crl",
            s(&crl_pem),
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("FAIL  ds.revocation"));
    // Bad reason and unknown serial are usage errors.
    assert_eq!(
        code(&cccd(
            &[
                "pki",
                "revoke",
                "--dir",
                s(&pki),
                "--serial",
                "01",
                "--reason",
                "keyCompromise"
            ],
            Some(PASS)
        )),
        2
    );
    // Not a PKI folder.
    assert_eq!(code(&cccd(&["pki", "list", "--dir", s(t.path())], None)), 2);
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
    ok(&cccd(
        &[
            "pki",
            "init",
            "--dir",
            s(&pki),
            "--country",
            "VN",
            "--org",
            "HSM test",
            "--curve",
            "p384",
            "--pkcs11-module",
            &module,
            "--token-label",
            &label,
        ],
        Some(&pin),
    ));
    ok(&cccd(&["pki", "issue-ds", "--dir", s(&pki)], Some(&pin)));
    assert!(ok(&cccd(&["pki", "list", "--dir", s(&pki)], None)).contains("PKCS#11"));
    ok(&cccd(
        &["sod", "sign", "--pki", s(&pki), "--lds", s(&lds)],
        Some(&pin),
    ));
    let sod = lds.join("EF.SOD.bin");
    ok(&cccd(
        &[
            "sod",
            "verify",
            "--sod",
            s(&sod),
            "--lds",
            s(&lds),
            "--csca",
            s(&pki.join("csca.pem")),
            "--crl",
            s(&pki.join("crl.der")),
        ],
        None,
    ));
    ok(&cccd(
        &[
            "audit",
            "verify",
            "--log",
            s(&pki.join("audit.jsonl")),
            "--pki",
            s(&pki),
        ],
        None,
    ));
    assert_eq!(
        code(&cccd(
            &["sod", "sign", "--pki", s(&pki), "--lds", s(&lds)],
            Some("999999")
        )),
        2
    );
}
