//! `cccd record check` and `cccd mrz` through the real binary.

mod common;

use common::{assert_contains, cccd, example1, example2, folder, stderr, stdout, text, write};
use serde_json::{Value, json};
use std::process::Output;

#[test]
fn mrz_prints_the_two_synthetic_examples() {
    let dir = folder();
    let a = write(dir.path(), "a.json", &example1().to_string());
    let out = cccd(&["mrz", &a, "--today", "2026-06-01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "IDVNM3030123457079303012345<<7\n0304155F2804154VNM<<<<<<<<<<<2\nNGUYEN<<THI<BICH<NGOC<<<<<<<<<\n"
    );
    let b = write(dir.path(), "b.json", &example2().to_string());
    let out = cccd(&["mrz", &b]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
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
    let err = stderr(&out);
    assert!(
        err.contains("id_number") && err.contains("[id.sex]"),
        "{err}"
    );
    // Two records where one is expected, and a missing file: usage errors.
    let two = write(
        dir.path(),
        "two.jsonl",
        &format!("{}\n{}\n", example1(), example2()),
    );
    let out = cccd(&["mrz", &two]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr(&out), "expected exactly one");
    let out = cccd(&["mrz", &dir.path().join("nope.json").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let out = cccd(&["mrz", &p, "--today", "01/06/2026"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `cccd record check ARGS`.
fn check(args: &[&str]) -> Output {
    cccd(&[&["record", "check"], args].concat())
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
    let out = check(&[&p, "--today", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = stdout(&out);
    let bad: Vec<&str> = stdout.lines().collect();
    assert_eq!(bad.len(), 3, "{stdout}");
    let expected: [&[&str]; 3] = [
        &["line 2", "full_name", "name.chars"],
        &["line 3", "syntax.json"],
        &["line 5", "expiry.mismatch", "079303012345"],
    ];
    for (line, parts) in bad.iter().zip(expected) {
        assert!(parts.iter().all(|part| line.contains(part)), "{line}");
    }
    assert_contains(&stderr(&out), "5 record(s), 2 valid, 3 bad");

    let out = check(&[&p, "--json", "--today", "2026-06-01"]);
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
    let out = check(&[&one]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    // The expired example 2 passes unless expired cards are refused.
    let two = write(dir.path(), "two.json", &example2().to_string());
    assert!(check(&[&two, "--today", "2026-06-01"]).status.success());
    let out = check(&[&two, "--today", "2026-06-01", "--reject-expired"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("expiry.expired"));
    // CSV with the same columns.
    let csv = format!(
        "{}\n{}\n",
        citizen::csv_header(),
        citizen::RawRecord::from_json(&example1().to_string())
            .unwrap()
            .to_csv_row()
    );
    let c = write(dir.path(), "batch.csv", &csv);
    let out = check(&[&c]);
    assert!(out.status.success(), "{}", text(&out));
    // Unreadable file and bad CSV header: exit 2.
    let out = check(&[&dir.path().join("missing.jsonl").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "));
    let h = write(dir.path(), "h.csv", "id_number,shoe_size\n");
    let out = check(&[&h]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown column"));
}
