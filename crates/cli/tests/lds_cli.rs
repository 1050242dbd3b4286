//! `cccd lds build` and `cccd lds dump` through the real binary.

mod common;

use common::{assert_error, cccd, example1_with, p, stderr, stdout};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Output;

const P256_DER: &[u8] = include_bytes!("../../lds/tests/vectors/p256_pub.der");
const P256_PEM: &[u8] = include_bytes!("../../lds/tests/vectors/p256_pub.pem");
const RSA_DER: &[u8] = include_bytes!("../../lds/tests/vectors/rsa2048_pub.der");
const DG2_PART10: &str = include_str!("../../lds/tests/vectors/dg2_part10.hex");

/// Example 1 with the parents' names (DG13 carries them).
fn record() -> Value {
    example1_with(json!({"father_name": "Nguyễn Văn Hùng", "mother_name": "Lê Thị Hoa"}))
}

/// A folder with the record, its portrait and the public keys.
fn setup() -> tempfile::TempDir {
    let dir = common::folder();
    std::fs::write(dir.path().join("record.json"), record().to_string()).unwrap();
    std::fs::write(dir.path().join("aa.der"), P256_DER).unwrap();
    std::fs::write(dir.path().join("ca.pem"), P256_PEM).unwrap();
    std::fs::write(dir.path().join("rsa.der"), RSA_DER).unwrap();
    dir
}

/// `cccd lds build DIR/RECORD --out OUT EXTRA`.
fn build(dir: &Path, record: &str, out: &str, extra: &[&str]) -> Output {
    let record = p(dir, record);
    cccd(&[&["lds", "build", &record, "--out", out][..], extra].concat())
}

/// `cccd lds dump DIR/NAME EXTRA`.
fn dump(dir: &Path, name: &str, extra: &[&str]) -> Output {
    cccd(&[&["lds", "dump", &p(dir, name)][..], extra].concat())
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn build_then_dump_every_file() {
    let dir = setup();
    let d = dir.path();
    let out_dir = d.join("lds");
    let (aa, ca) = (p(d, "aa.der"), p(d, "ca.pem"));
    let keys = ["--aa-pub", &aa, "--ca-pub", &ca, "--pace", "13"];
    let out = build(d, "record.json", &out_dir.display().to_string(), &keys);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        names(&out_dir),
        [
            "DG1.bin",
            "DG13.bin",
            "DG14.bin",
            "DG15.bin",
            "DG2.bin",
            "EF.COM.bin",
            "EF.CardAccess.bin"
        ]
    );
    let json = |name: &str| -> Value {
        let out = dump(&out_dir, name, &["--json"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["version"], 1);
        v
    };
    let com = json("EF.COM.bin");
    assert_eq!(
        com["data_groups"],
        json!(["DG1", "DG2", "DG13", "DG14", "DG15"])
    );
    assert_eq!(com["lds_version"], "0107");
    let dg1 = json("DG1.bin");
    assert_eq!(dg1["mrz"][0], "IDVNM3030123457079303012345<<7");
    assert_eq!(dg1["check_digits"], "valid");
    let dg2 = json("DG2.bin");
    assert_eq!(
        (
            dg2["faces"][0]["width"].as_u64(),
            dg2["faces"][0]["height"].as_u64()
        ),
        (Some(240), Some(320))
    );
    assert_eq!(dg2["faces"][0]["image_data_type"], "JPEG");
    let dg13 = json("DG13.bin");
    assert_eq!(dg13["fields"]["full_name"], "Nguyễn Thị Bích Ngọc");
    assert_eq!(dg13["fields"]["mother_name"], "Lê Thị Hoa");
    assert_eq!(dg13["fields"]["date_of_expiry"], "15/04/2028");
    let dg14 = json("DG14.bin");
    let kinds: Vec<&str> = dg14["security_infos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    let expected = [
        "PACEInfo",
        "ChipAuthenticationInfo",
        "ChipAuthenticationPublicKeyInfo",
        "ActiveAuthenticationInfo",
    ];
    assert!(expected.iter().all(|k| kinds.contains(k)), "{kinds:?}");
    assert!(
        json("DG15.bin")["public_key"]
            .as_str()
            .unwrap()
            .starts_with("EC P-256")
    );
    assert_eq!(
        json("EF.CardAccess.bin")["security_infos"][0]["parameter_id"],
        13
    );
    // Human output.
    let out = dump(&out_dir, "DG13.bin", &[]);
    assert!(out.status.success());
    let s = stdout(&out);
    assert!(
        s.starts_with("DG13 (") && s.contains("full_name: Nguyễn Thị Bích Ngọc"),
        "{s}"
    );
    // The DG15 file is the key as given, wrapped in 6F.
    let dg15 = std::fs::read(out_dir.join("DG15.bin")).unwrap();
    assert!(dg15.ends_with(P256_DER));
}

#[test]
fn build_without_keys_writes_the_four_files() {
    let dir = setup();
    let d = dir.path();
    let out = build(d, "record.json", &p(d, "plain"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        names(&d.join("plain")),
        ["DG1.bin", "DG13.bin", "DG2.bin", "EF.COM.bin"]
    );
    // An RSA AA key gives DG15 and no DG14.
    let rsa = p(d, "rsa.der");
    let out = build(d, "record.json", &p(d, "rsa"), &["--aa-pub", &rsa]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        names(&d.join("rsa")),
        ["DG1.bin", "DG13.bin", "DG15.bin", "DG2.bin", "EF.COM.bin"]
    );
}

#[test]
fn build_errors() {
    let dir = setup();
    let d = dir.path();
    let out_dir = p(d, "x");
    let mut v = record();
    v["date_of_issue"] = json!("2031-01-01");
    std::fs::write(d.join("bad.json"), v.to_string()).unwrap();
    let (jpg, rsa) = (p(d, "portrait.jpg"), p(d, "rsa.der"));
    let cases: [(&str, &[&str], i32, &str); 4] = [
        // Not a key.
        ("record.json", &["--aa-pub", &jpg], 2, "not a public key"),
        // An RSA key cannot be the Chip Authentication key.
        ("record.json", &["--ca-pub", &rsa], 2, "DG14"),
        // Not a standardized PACE parameter ID.
        ("record.json", &["--pace", "99"], 2, "EF.CardAccess"),
        // A bad record.
        ("bad.json", &[], 1, "issue.future"),
    ];
    for (record, extra, code, why) in cases {
        assert_error(&build(d, record, &out_dir, extra), code, why);
    }
}

#[test]
fn dump_part10_dg2_and_bad_input() {
    let dir = setup();
    let dg2 = hex::decode(DG2_PART10.trim()).unwrap();
    std::fs::write(dir.path().join("dg2.bin"), &dg2).unwrap();
    let out = dump(dir.path(), "dg2.bin", &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["faces"][0]["width"].as_u64(),
            v["faces"][0]["height"].as_u64()
        ),
        (Some(148), Some(70))
    );
    // Truncated: an error with the offset, exit 1, no panic.
    std::fs::write(dir.path().join("cut.bin"), &dg2[..dg2.len() - 10]).unwrap();
    let out = dump(dir.path(), "cut.bin", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("at byte 1") && err.contains("runs past"),
        "{err}"
    );
    std::fs::write(dir.path().join("sod.bin"), [0x77, 0x00]).unwrap();
    let out = dump(dir.path(), "sod.bin", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("EF.SOD"));
    let out = dump(dir.path(), "missing.bin", &[]);
    assert_eq!(out.status.code(), Some(2));
}
