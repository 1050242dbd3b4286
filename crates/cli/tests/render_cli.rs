//! `cccd render` through the real binary.

mod common;

use common::{assert_error, cccd, example1_with, stderr, stdout, template};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

const TODAY: &str = "2025-01-01";

/// Example 1 with the old ID number (the QR code carries it).
fn record_2021() -> Value {
    example1_with(json!({"old_id_number": "025123456"}))
}

fn write_record(dir: &Path, record: &Value) -> String {
    std::fs::write(dir.join("portrait.jpg"), common::PORTRAIT).unwrap();
    common::write(dir, "record.json", &record.to_string())
}

/// `cccd render RECORD --template TEMPLATE OPTIONS`.
fn render(record: &str, template: &str, options: &[&str]) -> Output {
    cccd(&[&["render", record, "--template", template], options].concat())
}

/// Renders [`record_2021`] with the cccd-2021 template at `dpi` into `dir/out` with `flag`
/// (`--preview`, `--json`), which must succeed: the record's path, the output folder, stdout.
fn render_ok(dir: &Path, out: &str, dpi: &str, flag: &str) -> (String, PathBuf, String) {
    let rec = write_record(dir, &record_2021());
    let out = dir.join(out);
    let options = [
        "--dpi",
        dpi,
        "--out",
        out.to_str().unwrap(),
        flag,
        "--today",
        TODAY,
    ];
    let o = render(&rec, &template("cccd-2021"), &options);
    assert!(o.status.success(), "{}", stderr(&o));
    (rec, out, stdout(&o))
}

/// Width and height from a PNG's IHDR.
fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[12..16], b"IHDR");
    (
        u32::from_be_bytes(b[16..20].try_into().unwrap()),
        u32::from_be_bytes(b[20..24].try_into().unwrap()),
    )
}

#[test]
fn render_writes_both_sides_the_pdf_and_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out, stdout) = render_ok(dir.path(), "out", "300", "--preview");
    assert!(stdout.contains("card.pdf"), "{stdout}");
    assert_eq!(png_size(&out.join("front.png")), (1011, 638));
    assert_eq!(png_size(&out.join("back.png")), (1011, 638));
    let (pw, ph) = png_size(&out.join("preview.png"));
    assert!(pw > 2 * ph);
    let pdf = std::fs::read(out.join("card.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.6"));
    let pdf = String::from_utf8_lossy(&pdf);
    assert_eq!(pdf.matches("/Type/Page/").count(), 2);
}

#[test]
fn render_json_reports_the_same_mrz_as_cccd_mrz() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, out, stdout) = render_ok(dir.path(), "out600", "600", "--json");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["ok"], true);
    assert_eq!(
        (v["width_px"].as_u64(), v["height_px"].as_u64()),
        (Some(2022), Some(1275))
    );
    assert_eq!(png_size(&out.join("front.png")), (2022, 1275));
    assert!(v["preview"].is_null());
    assert!(
        v["qr_payload"]
            .as_str()
            .unwrap()
            .starts_with("079303012345|025123456|Nguyễn Thị Bích Ngọc|15042003|Nữ|")
    );
    let m = cccd(&["mrz", &rec, "--today", TODAY]);
    assert!(m.status.success(), "{}", stderr(&m));
    let mrz_lines: Vec<String> = common::stdout(&m).lines().map(str::to_string).collect();
    let printed: Vec<String> = v["mrz"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    assert_eq!(printed, mrz_lines);
}

#[test]
fn render_refuses_other_resolutions_as_usage_errors() {
    let o = render("r.json", "t", &["--dpi", "450", "--out", "o"]);
    assert_error(&o, 2, "300 or 600");
}

#[test]
fn a_name_that_cannot_fit_exits_1_naming_the_field() {
    // Valid for the registry (a 248-character address still fits its box), but a one-line
    // field this long cannot fit even at its minimum size.
    let dir = tempfile::tempdir().unwrap();
    let mut r = record_2021();
    r["full_name"] =
        json!("Nguyễn Thị Bích Ngọc Hoàng Phương Quỳnh Thảo Mai Lan Hương Trang Minh Châu Ánh");
    let rec = write_record(dir.path(), &r);
    let out = dir.path().join("out");
    let options = ["--out", out.to_str().unwrap(), "--today", TODAY];
    let o = render(&rec, &template("cccd-2021"), &options);
    assert_error(&o, 1, "field full_name");
    assert!(!out.join("front.png").exists(), "nothing half-written");
}

#[test]
fn a_record_for_the_other_card_generation_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let rec = write_record(dir.path(), &record_2021());
    let out = dir.path().join("o");
    let options = ["--out", out.to_str().unwrap(), "--json", "--today", TODAY];
    let o = render(&rec, &template("cancuoc-2024"), &options);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["version"].as_u64(), v["ok"].as_bool()),
        (Some(1), Some(false))
    );
    assert!(v["error"].as_str().unwrap().contains("cancuoc-2024"), "{v}");
}

#[test]
fn an_invalid_record_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = record_2021();
    r["date_of_birth"] = json!("2003-02-30");
    let rec = write_record(dir.path(), &r);
    let out = dir.path().join("o");
    let options = ["--out", out.to_str().unwrap(), "--today", TODAY];
    assert_error(
        &render(&rec, &template("cccd-2021"), &options),
        1,
        "date_of_birth",
    );
}

#[test]
fn a_missing_template_is_an_environment_error() {
    let dir = tempfile::tempdir().unwrap();
    let rec = write_record(dir.path(), &record_2021());
    let out = dir.path().join("o");
    let options = ["--out", out.to_str().unwrap(), "--today", TODAY];
    let o = render(&rec, "/nonexistent/tpl", &options);
    assert_error(&o, 2, "/nonexistent/tpl/template.toml");
}
