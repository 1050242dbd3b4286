//! `cccd lds build` and `cccd lds dump` through the real binary.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const PORTRAIT: &[u8] = include_bytes!("../../citizen/tests/data/portrait.jpg");
const P256_DER: &[u8] = include_bytes!("../../lds/tests/vectors/p256_pub.der");
const P256_PEM: &[u8] = include_bytes!("../../lds/tests/vectors/p256_pub.pem");
const RSA_DER: &[u8] = include_bytes!("../../lds/tests/vectors/rsa2048_pub.der");
const DG2_PART10: &str = include_str!("../../lds/tests/vectors/dg2_part10.hex");

fn cccd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cccd"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn record() -> Value {
    json!({
        "id_number": "079303012345", "full_name": "Nguyễn Thị Bích Ngọc", "date_of_birth": "2003-04-15",
        "sex": "F", "nationality": "VNM", "ethnicity": "Kinh", "religion": "Không",
        "place_of_origin": "TP. Hồ Chí Minh", "place_of_residence": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi dưới mép trái", "date_of_issue": "2021-06-01",
        "father_name": "Nguyễn Văn Hùng", "mother_name": "Lê Thị Hoa",
        "photo": "portrait.jpg", "card_generation": "cccd-2021"
    })
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("portrait.jpg"), PORTRAIT).unwrap();
    std::fs::write(dir.path().join("record.json"), record().to_string()).unwrap();
    std::fs::write(dir.path().join("aa.der"), P256_DER).unwrap();
    std::fs::write(dir.path().join("ca.pem"), P256_PEM).unwrap();
    std::fs::write(dir.path().join("rsa.der"), RSA_DER).unwrap();
    dir
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
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
    let out_dir = dir.path().join("lds");
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &out_dir.display().to_string(),
        "--aa-pub",
        &p(dir.path(), "aa.der"),
        "--ca-pub",
        &p(dir.path(), "ca.pem"),
        "--pace",
        "13",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
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
    let dump = |name: &str| -> Value {
        let out = cccd(&["lds", "dump", &p(&out_dir, name), "--json"]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["version"], 1);
        v
    };
    let com = dump("EF.COM.bin");
    assert_eq!(
        com["data_groups"],
        json!(["DG1", "DG2", "DG13", "DG14", "DG15"])
    );
    assert_eq!(com["lds_version"], "0107");
    let dg1 = dump("DG1.bin");
    assert_eq!(dg1["mrz"][0], "IDVNM3030123457079303012345<<7");
    assert_eq!(dg1["check_digits"], "valid");
    let dg2 = dump("DG2.bin");
    assert_eq!(
        (
            dg2["faces"][0]["width"].as_u64(),
            dg2["faces"][0]["height"].as_u64()
        ),
        (Some(240), Some(320))
    );
    assert_eq!(dg2["faces"][0]["image_data_type"], "JPEG");
    let dg13 = dump("DG13.bin");
    assert_eq!(dg13["fields"]["full_name"], "Nguyễn Thị Bích Ngọc");
    assert_eq!(dg13["fields"]["mother_name"], "Lê Thị Hoa");
    assert_eq!(dg13["fields"]["date_of_expiry"], "15/04/2028");
    let dg14 = dump("DG14.bin");
    let kinds: Vec<&str> = dg14["security_infos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    for k in [
        "PACEInfo",
        "ChipAuthenticationInfo",
        "ChipAuthenticationPublicKeyInfo",
        "ActiveAuthenticationInfo",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert!(
        dump("DG15.bin")["public_key"]
            .as_str()
            .unwrap()
            .starts_with("EC P-256")
    );
    assert_eq!(
        dump("EF.CardAccess.bin")["security_infos"][0]["parameter_id"],
        13
    );
    // Human output.
    let out = cccd(&["lds", "dump", &p(&out_dir, "DG13.bin")]);
    assert!(out.status.success());
    let s = text(&out.stdout);
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
    let out_dir = dir.path().join("plain");
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &out_dir.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        names(&out_dir),
        ["DG1.bin", "DG13.bin", "DG2.bin", "EF.COM.bin"]
    );
    // An RSA AA key gives DG15 and no DG14.
    let rsa_dir = dir.path().join("rsa");
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &rsa_dir.display().to_string(),
        "--aa-pub",
        &p(dir.path(), "rsa.der"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        names(&rsa_dir),
        ["DG1.bin", "DG13.bin", "DG15.bin", "DG2.bin", "EF.COM.bin"]
    );
}

#[test]
fn build_errors() {
    let dir = setup();
    let out_dir = p(dir.path(), "x");
    // Not a key.
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &out_dir,
        "--aa-pub",
        &p(dir.path(), "portrait.jpg"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a public key"),
        "{}",
        text(&out.stderr)
    );
    // An RSA key cannot be the Chip Authentication key.
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &out_dir,
        "--ca-pub",
        &p(dir.path(), "rsa.der"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("DG14"), "{}", text(&out.stderr));
    // Not a standardized PACE parameter ID.
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "record.json"),
        "--out",
        &out_dir,
        "--pace",
        "99",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("EF.CardAccess"),
        "{}",
        text(&out.stderr)
    );
    // A bad record.
    let mut v = record();
    v["date_of_issue"] = json!("2031-01-01");
    std::fs::write(dir.path().join("bad.json"), v.to_string()).unwrap();
    let out = cccd(&[
        "lds",
        "build",
        &p(dir.path(), "bad.json"),
        "--out",
        &out_dir,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("issue.future"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn dump_part10_dg2_and_bad_input() {
    let dir = setup();
    let dg2 = hex::decode(DG2_PART10.trim()).unwrap();
    std::fs::write(dir.path().join("dg2.bin"), &dg2).unwrap();
    let out = cccd(&["lds", "dump", &p(dir.path(), "dg2.bin"), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
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
    let out = cccd(&["lds", "dump", &p(dir.path(), "cut.bin")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("at byte 1") && err.contains("runs past"),
        "{err}"
    );
    std::fs::write(dir.path().join("sod.bin"), [0x77, 0x00]).unwrap();
    let out = cccd(&["lds", "dump", &p(dir.path(), "sod.bin")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("EF.SOD"));
    let out = cccd(&["lds", "dump", &p(dir.path(), "missing.bin")]);
    assert_eq!(out.status.code(), Some(2));
}
