//! `cccd registry`, `cccd personalize`, `cccd verify`: the CLI surface of the issuance crate
//! (the runs through pcscd are in the `e2e` package).

use std::path::Path;
use std::process::{Command, Output};

fn cccd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cccd"))
        .args(args)
        .output()
        .expect("run cccd")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

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
    let o = cccd(&["registry", "show", "--db", &db, &id]);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(&id) && t.contains("valid today") && t.contains("300×400"),
        "{t}"
    );
    let o = cccd(&["registry", "show", "--db", &db, &id, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["valid"], true);
    assert_eq!(v["record"]["id_number"], id.as_str());
    // Not found: exit 1 with a message naming the record.
    let o = cccd(&["registry", "show", "--db", &db, "001099000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("001099000000: not in the registry"),
        "{}",
        text(&o)
    );
    // No such database: exit 2.
    let o = cccd(&["registry", "show", "--db", "/nonexistent/x.db", &id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("/nonexistent/x.db"), "{}", text(&o));
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
    let o = cccd(&["registry", "import", "--db", &db, &input]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("bad record:") && t.contains("line 5") && t.contains("sex.value"),
        "{t}"
    );
    assert!(t.contains("4 new"), "{t}");
    let o = cccd(&["registry", "import", "--db", &db, &input, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["new"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(v["bad"][0]["rule"], "sex.value");
    // A missing input file is an environment error.
    let o = cccd(&["registry", "import", "--db", &db, "/nonexistent.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("/nonexistent.jsonl"), "{}", text(&o));
}

#[test]
fn personalize_and_verify_usage_errors_exit_2_with_a_message() {
    // Neither --ids nor --pending.
    let o = cccd(&[
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
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--ids") || text(&o).contains("--pending"),
        "{}",
        text(&o)
    );
    // A CSCA file that does not exist is named.
    let o = cccd(&[
        "verify",
        "--reader",
        "R",
        "--csca",
        "/nonexistent/csca.pem",
        "--mrz",
        "123456789,900101,300101",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("/nonexistent/csca.pem"), "{}", text(&o));
    // A CAN that is not 6 digits is refused before anything is opened.
    let o = cccd(&[
        "verify", "--reader", "R", "--csca", "c.pem", "--can", "01234",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("6 decimal digits"), "{}", text(&o));
    // No key at all: no CAN, MRZ or registry record.
    let o = cccd(&["verify", "--reader", "R", "--csca", "c.pem"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // --id without --db.
    let o = cccd(&[
        "verify",
        "--reader",
        "R",
        "--csca",
        "c.pem",
        "--id",
        "001099000000",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn demo_refuses_a_non_empty_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep"), b"x").unwrap();
    let out = dir.path().display().to_string();
    let o = cccd(&["demo", "--count", "1", "--out", &out]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("is not empty"), "{}", text(&o));
}
