//! Helpers shared by the CLI tests: running the `cccd` binary, its output as text, the test
//! readers from the environment, the repository's profiles and templates, and the fixture
//! records (variations of example 1 of vietnam-cccd.md §2) with their portrait.
// Every test binary compiles this module and uses only a part of it.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `cccd` binary under test, not started yet.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cccd"))
}

/// Runs `cccd ARGS` to the end.
pub fn cccd(args: &[&str]) -> Output {
    bin().args(args).output().expect("run cccd")
}

/// stdout then stderr, for assertions on messages wherever they are printed.
pub fn text(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code (with the whole output in the failure message).
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

/// Asserts the exit code and that stderr holds `why`.
pub fn assert_error(o: &Output, code: i32, why: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.contains(why), "{why:?} not in: {err}");
}

/// Asserts that `haystack` holds `needle` (and shows it when not).
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "{needle:?} not in: {haystack}");
}

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.into())
}

/// The vpcd test reader (`CCCD_TEST_READER`).
pub fn reader_name() -> String {
    env_or("CCCD_TEST_READER", "Virtual PCD 00 00")
}

/// The vpcd port of [`reader_name`] (`CCCD_TEST_VPCD_PORT`).
pub fn vpcd_port() -> String {
    env_or("CCCD_TEST_VPCD_PORT", "35963")
}

/// The second reader, a quality-control station next to the encoder (`CCCD_TEST_READER2`).
pub fn reader2_name() -> String {
    env_or("CCCD_TEST_READER2", "Virtual PCD 00 01")
}

/// The vpcd port of [`reader2_name`] (`CCCD_TEST_VPCD_PORT2`).
pub fn vpcd_port2() -> String {
    env_or("CCCD_TEST_VPCD_PORT2", "35964")
}

/// `cccd pki init` of a CSCA for Vietnam in `dir` (more options may follow).
pub fn pki_init_args<'a>(dir: &'a str, org: &'a str) -> [&'a str; 8] {
    ["pki", "init", "--dir", dir, "--country", "VN", "--org", org]
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A shipped firmware profile (`cccd-chip`, `jmrtd-applet`).
pub fn profile_path(name: &str) -> PathBuf {
    repo()
        .join("firmware-profiles")
        .join(format!("{name}.toml"))
}

/// A shipped card template folder (`cccd-2021`, `cancuoc-2024`).
pub fn template(name: &str) -> String {
    repo()
        .join("card-templates")
        .join(name)
        .display()
        .to_string()
}

/// The portrait the fixture records name as `portrait.jpg`.
pub const PORTRAIT: &[u8] = include_bytes!("../../../citizen/tests/data/portrait.jpg");

/// `dir/name` as a string argument.
pub fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Writes `content` to `dir/name` and returns the path as an argument.
pub fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

/// A temporary folder holding [`PORTRAIT`] as `portrait.jpg`.
pub fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("portrait.jpg"), PORTRAIT).unwrap();
    dir
}

/// Example 1 of vietnam-cccd.md §2 (a 2021 card with a photo).
pub fn example1() -> Value {
    json!({
        "id_number": "079303012345", "full_name": "Nguyễn Thị Bích Ngọc", "date_of_birth": "2003-04-15",
        "sex": "F", "nationality": "VNM", "ethnicity": "Kinh", "religion": "Không",
        "place_of_origin": "TP. Hồ Chí Minh", "place_of_residence": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi dưới mép trái", "date_of_issue": "2021-06-01",
        "photo": "portrait.jpg", "card_generation": "cccd-2021"
    })
}

/// [`example1`] with the fields of `changes` set (a `null` removes the field).
pub fn example1_with(changes: Value) -> Value {
    let mut v = example1();
    let fields = v.as_object_mut().unwrap();
    for (k, new) in changes.as_object().unwrap() {
        if new.is_null() {
            fields.remove(k);
        } else {
            fields.insert(k.clone(), new.clone());
        }
    }
    v
}

/// Example 2 of vietnam-cccd.md §2 (a 2021 card, expired since 2025).
pub fn example2() -> Value {
    example1_with(json!({
        "id_number": "001085000123", "full_name": "Trần Văn A", "date_of_birth": "1985-01-01",
        "sex": "M", "place_of_origin": "Hà Nội", "place_of_residence": "Hà Nội",
        "identifying_features": "Sẹo trên trán", "date_of_issue": "2021-03-10"
    }))
}

/// A 2024 card of a child under 6: no photo, so a test needs no image.
pub fn child_2024() -> Value {
    example1_with(json!({
        "id_number": "001222001234", "full_name": "Trần Minh Khôi", "date_of_birth": "2022-05-10",
        "sex": "M", "place_of_origin": "Hà Nội", "place_of_residence": "Phường Hàng Bạc, Hà Nội",
        "identifying_features": "", "date_of_issue": "2024-08-01", "photo": null,
        "father_name": "Trần Văn Nam", "mother_name": "Lê Thị Hoa", "card_generation": "cancuoc-2024"
    }))
}
