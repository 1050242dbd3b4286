//! `cccd registry`, `cccd personalize`, `cccd verify`: the CLI surface of the issuance crate
//! (the runs through pcscd are in the `e2e` package).

mod common;

use common::{assert_contains, assert_exit, cccd, text};
use std::path::Path;

fn db(dir: &Path) -> String {
    dir.join("station.db").display().to_string()
}

#[test]
fn registry_seed_show_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let o = cccd(&[
        "registry", "seed", "--db", &db, "--count", "5", "--seed", "9", "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["new"], 5);
    let id = issuance::registry::Registry::open(Path::new(&db))
        .unwrap()
        .ids()
        .unwrap()[0]
        .clone();
    let show = |args: &[&str]| cccd(&[&["registry", "show", "--db", &db], args].concat());
    let o = show(&[&id]);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(&id) && t.contains("valid today") && t.contains("300×400"),
        "{t}"
    );
    let o = show(&[&id, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["valid"], true);
    assert_eq!(v["record"]["id_number"], id.as_str());
    // Not found: exit 1 with a message naming the record.
    let o = show(&["001099000000"]);
    assert_exit(&o, 1);
    assert_contains(&text(&o), "001099000000: not in the registry");
    // No such database: exit 2.
    let o = cccd(&["registry", "show", "--db", "/nonexistent/x.db", &id]);
    assert_exit(&o, 2);
    assert_contains(&text(&o), "/nonexistent/x.db");
}

#[test]
fn registry_import_reports_bad_records_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let input = issuance::seed::export(dir.path(), 4, 3).unwrap();
    let mut lines: Vec<String> = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.push(
        lines[0]
            .replace("\"sex\":\"M\"", "\"sex\":\"X\"")
            .replace("\"sex\":\"F\"", "\"sex\":\"X\""),
    );
    let bad = dir.path().join("with-bad.jsonl");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let input = bad.display().to_string();
    let import = |input: &str, json: &[&str]| {
        cccd(&[&["registry", "import", "--db", &db, input], json].concat())
    };
    let o = import(&input, &[]);
    assert_exit(&o, 1);
    let t = text(&o);
    assert!(
        t.contains("bad record:") && t.contains("line 5") && t.contains("sex.value"),
        "{t}"
    );
    assert!(t.contains("4 new"), "{t}");
    let o = import(&input, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["new"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(v["bad"][0]["rule"], "sex.value");
    // A missing input file is an environment error.
    let o = import("/nonexistent.jsonl", &[]);
    assert_exit(&o, 2);
    assert_contains(&text(&o), "/nonexistent.jsonl");
}

/// `cccd ARGS`, which must be a usage error (exit 2): its output.
fn usage_error(args: &[&str]) -> String {
    let o = cccd(args);
    assert_exit(&o, 2);
    text(&o)
}

#[test]
fn personalize_and_verify_usage_errors_exit_2_with_a_message() {
    // Neither --ids nor --pending.
    let t = usage_error(&[
        "personalize",
        "--db",
        "x.db",
        "--pki",
        "pki",
        "--profile",
        "p.toml",
        "--readers",
        "R",
    ]);
    assert!(t.contains("--ids") || t.contains("--pending"), "{t}");
    let verify =
        |args: &[&str]| usage_error(&[&["verify", "--reader", "R", "--csca"], args].concat());
    // A CSCA file that does not exist is named.
    let t = verify(&["/nonexistent/csca.pem", "--mrz", "123456789,900101,300101"]);
    assert_contains(&t, "/nonexistent/csca.pem");
    // A CAN that is not 6 digits is refused before anything is opened.
    assert_contains(&verify(&["c.pem", "--can", "01234"]), "6 decimal digits");
    // No key at all: no CAN, MRZ or registry record.
    verify(&["c.pem"]);
    // --id without --db.
    verify(&["c.pem", "--id", "001099000000"]);
}

#[test]
fn demo_refuses_a_non_empty_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep"), b"x").unwrap();
    let out = dir.path().display().to_string();
    assert_contains(
        &usage_error(&["demo", "--count", "1", "--out", &out]),
        "is not empty",
    );
}
