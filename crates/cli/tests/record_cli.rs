//! `cccd record check` and `cccd mrz` through the real binary.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const PORTRAIT: &[u8] = include_bytes!("../../citizen/tests/data/portrait.jpg");

fn cccd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cccd"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Example 1 of vietnam-cccd.md §2.
fn example1() -> Value {
    json!({
        "id_number": "079303012345", "full_name": "Nguyễn Thị Bích Ngọc", "date_of_birth": "2003-04-15",
        "sex": "F", "nationality": "VNM", "ethnicity": "Kinh", "religion": "Không",
        "place_of_origin": "TP. Hồ Chí Minh", "place_of_residence": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi dưới mép trái", "date_of_issue": "2021-06-01",
        "photo": "portrait.jpg", "card_generation": "cccd-2021"
    })
}

/// Example 2 of vietnam-cccd.md §2.
fn example2() -> Value {
    json!({
        "id_number": "001085000123", "full_name": "Trần Văn A", "date_of_birth": "1985-01-01",
        "sex": "M", "nationality": "VNM", "ethnicity": "Kinh", "religion": "Không",
        "place_of_origin": "Hà Nội", "place_of_residence": "Hà Nội",
        "identifying_features": "Sẹo trên trán", "date_of_issue": "2021-03-10",
        "photo": "portrait.jpg", "card_generation": "cccd-2021"
    })
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("portrait.jpg"), PORTRAIT).unwrap();
    dir
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn mrz_prints_the_two_synthetic_examples() {
    let dir = folder();
    let a = write(dir.path(), "a.json", &example1().to_string());
    let out = cccd(&["mrz", &a, "--today", "2026-06-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "IDVNM3030123457079303012345<<7\n0304155F2804154VNM<<<<<<<<<<<2\nNGUYEN<<THI<BICH<NGOC<<<<<<<<<\n"
    );
    let b = write(dir.path(), "b.json", &example2().to_string());
    let out = cccd(&["mrz", &b]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "IDVNM0850001235001085000123<<6\n8501019M2501017VNM<<<<<<<<<<<2\nTRAN<<VAN<A<<<<<<<<<<<<<<<<<<<\n"
    );
}

#[test]
fn mrz_of_a_bad_record_fails_with_the_reason() {
    let dir = folder();
    let mut v = example1();
    v["sex"] = json!("M");
    let p = write(dir.path(), "bad.json", &v.to_string());
    let out = cccd(&["mrz", &p]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("id_number") && text(&out.stderr).contains("[id.sex]"),
        "{}",
        text(&out.stderr)
    );
    // Two records where one is expected, and a missing file: usage errors.
    let two = write(
        dir.path(),
        "two.jsonl",
        &format!("{}\n{}\n", example1(), example2()),
    );
    let out = cccd(&["mrz", &two]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("expected exactly one"),
        "{}",
        text(&out.stderr)
    );
    let out = cccd(&["mrz", &dir.path().join("nope.json").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let out = cccd(&["mrz", &p, "--today", "01/06/2026"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn record_check_reports_each_bad_record() {
    let dir = folder();
    let mut bad_name = example2();
    bad_name["full_name"] = json!("Trần V4n A");
    let mut bad_expiry = example1();
    bad_expiry["date_of_expiry"] = json!("2043-04-15");
    let lines = [
        example1().to_string(),
        bad_name.to_string(),
        "{\"id_number\": \"1\"".to_string(),
        example2().to_string(),
        bad_expiry.to_string(),
    ];
    let p = write(dir.path(), "batch.jsonl", &lines.join("\n"));
    let out = cccd(&["record", "check", &p, "--today", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let bad: Vec<&str> = stdout.lines().collect();
    assert_eq!(bad.len(), 3, "{stdout}");
    assert!(
        bad[0].contains("line 2") && bad[0].contains("full_name") && bad[0].contains("name.chars"),
        "{}",
        bad[0]
    );
    assert!(
        bad[1].contains("line 3") && bad[1].contains("syntax.json"),
        "{}",
        bad[1]
    );
    assert!(
        bad[2].contains("line 5")
            && bad[2].contains("expiry.mismatch")
            && bad[2].contains("079303012345"),
        "{}",
        bad[2]
    );
    assert!(
        text(&out.stderr).contains("5 record(s), 2 valid, 3 bad"),
        "{}",
        text(&out.stderr)
    );

    let out = cccd(&["record", "check", &p, "--json", "--today", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        (v["records"].as_u64(), v["bad"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(v["errors"][0]["rule"], "name.chars");
    assert_eq!(v["errors"][0]["field"], "full_name");
    assert_eq!(v["errors"][0]["line"], 2);
    assert_eq!(v["errors"][2]["id_number"], "079303012345");
}

#[test]
fn record_check_of_good_files_and_errors() {
    let dir = folder();
    let one = write(dir.path(), "one.json", &example1().to_string());
    let out = cccd(&["record", "check", &one]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());
    // The expired example 2 passes unless expired cards are refused.
    let two = write(dir.path(), "two.json", &example2().to_string());
    assert!(
        cccd(&["record", "check", &two, "--today", "2026-06-01"])
            .status
            .success()
    );
    let out = cccd(&[
        "record",
        "check",
        &two,
        "--today",
        "2026-06-01",
        "--reject-expired",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("expiry.expired"));
    // CSV with the same columns.
    let csv = format!(
        "{}\n{}\n",
        citizen::csv_header(),
        citizen::RawRecord::from_json(&example1().to_string())
            .unwrap()
            .to_csv_row()
    );
    let c = write(dir.path(), "batch.csv", &csv);
    let out = cccd(&["record", "check", &c]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // Unreadable file and bad CSV header: exit 2.
    let out = cccd(&[
        "record",
        "check",
        &dir.path().join("missing.jsonl").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: "));
    let h = write(dir.path(), "h.csv", "id_number,shoe_size\n");
    let out = cccd(&["record", "check", &h]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown column"));
}
