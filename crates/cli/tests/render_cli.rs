//! `cccd render` through the real binary.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
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

fn template(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../card-templates")
        .join(name)
        .display()
        .to_string()
}

fn record_2021() -> Value {
    json!({
        "id_number": "079303012345", "full_name": "Nguyễn Thị Bích Ngọc", "date_of_birth": "2003-04-15",
        "sex": "F", "nationality": "VNM", "ethnicity": "Kinh", "religion": "Không",
        "place_of_origin": "TP. Hồ Chí Minh", "place_of_residence": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi dưới mép trái", "date_of_issue": "2021-06-01",
        "old_id_number": "025123456", "photo": "portrait.jpg", "card_generation": "cccd-2021"
    })
}

fn write_record(dir: &Path, record: &Value) -> String {
    std::fs::write(dir.join("portrait.jpg"), PORTRAIT).unwrap();
    let p = dir.join("record.json");
    std::fs::write(&p, record.to_string()).unwrap();
    p.display().to_string()
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
    let rec = write_record(dir.path(), &record_2021());
    let out = dir.path().join("out");
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        &template("cccd-2021"),
        "--dpi",
        "300",
        "--out",
        out.to_str().unwrap(),
        "--preview",
        "--today",
        "2025-01-01",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("card.pdf"), "{}", text(&o.stdout));
    assert_eq!(png_size(&out.join("front.png")), (1011, 638));
    assert_eq!(png_size(&out.join("back.png")), (1011, 638));
    let (pw, ph) = png_size(&out.join("preview.png"));
    assert!(pw > 2 * ph);
    let pdf = std::fs::read(out.join("card.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.6"));
    assert_eq!(text(&pdf).matches("/Type/Page/").count(), 2);
}

#[test]
fn render_json_reports_the_same_mrz_as_cccd_mrz() {
    let dir = tempfile::tempdir().unwrap();
    let rec = write_record(dir.path(), &record_2021());
    let out = dir.path().join("out600");
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        &template("cccd-2021"),
        "--dpi",
        "600",
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--today",
        "2025-01-01",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_str(&text(&o.stdout)).unwrap();
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
    let m = cccd(&["mrz", &rec, "--today", "2025-01-01"]);
    assert!(m.status.success(), "{}", text(&m.stderr));
    let mrz_lines: Vec<String> = text(&m.stdout).lines().map(str::to_string).collect();
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
    let o = cccd(&[
        "render",
        "r.json",
        "--template",
        "t",
        "--dpi",
        "450",
        "--out",
        "o",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("300 or 600"),
        "{}",
        text(&o.stderr)
    );
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
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        &template("cccd-2021"),
        "--out",
        out.to_str().unwrap(),
        "--today",
        "2025-01-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("field full_name"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.join("front.png").exists(), "nothing half-written");
}

#[test]
fn a_record_for_the_other_card_generation_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let rec = write_record(dir.path(), &record_2021());
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        &template("cancuoc-2024"),
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--json",
        "--today",
        "2025-01-01",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&text(&o.stdout)).unwrap();
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
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        &template("cccd-2021"),
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--today",
        "2025-01-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("date_of_birth"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_missing_template_is_an_environment_error() {
    let dir = tempfile::tempdir().unwrap();
    let rec = write_record(dir.path(), &record_2021());
    let o = cccd(&[
        "render",
        &rec,
        "--template",
        "/nonexistent/tpl",
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--today",
        "2025-01-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("/nonexistent/tpl/template.toml"),
        "{}",
        text(&o.stderr)
    );
}
