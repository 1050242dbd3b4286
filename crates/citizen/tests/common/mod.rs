//! Fixtures shared by the citizen tests: the example records of both card generations, a
//! folder of good and broken portraits, and the validation call they go through.
#![allow(dead_code)]

use chrono::NaiveDate;
use citizen::{RawRecord, RecordError, validate};
use serde_json::{Value, json};
use std::path::Path;

pub const PORTRAIT: &[u8] = include_bytes!("../data/portrait.jpg");

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn today() -> NaiveDate {
    d(2026, 6, 1)
}

/// A folder with the portrait and a few broken photos.
pub fn photo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("portrait.jpg"), PORTRAIT).unwrap();
    std::fs::write(p.join("not-an-image.jpg"), b"GIF89a not a portrait").unwrap();
    std::fs::write(p.join("truncated.jpg"), &PORTRAIT[..PORTRAIT.len() / 2]).unwrap();
    std::fs::write(p.join("small.jpg"), with_size(PORTRAIT, 60, 80)).unwrap();
    std::fs::write(p.join("landscape.jpg"), with_size(PORTRAIT, 320, 240)).unwrap();
    std::fs::write(p.join("huge.jpg"), padded(PORTRAIT, 120 * 1024)).unwrap();
    std::fs::write(p.join("portrait.jp2"), jp2(240, 320, true)).unwrap();
    std::fs::write(p.join("nocodestream.jp2"), jp2(240, 320, false)).unwrap();
    dir
}

/// The JPEG with its frame header rewritten to `w`×`h`.
pub fn with_size(jpeg: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut b = jpeg.to_vec();
    let i = b.windows(2).position(|x| x == [0xFF, 0xC0]).unwrap();
    b[i + 5..i + 7].copy_from_slice(&h.to_be_bytes());
    b[i + 7..i + 9].copy_from_slice(&w.to_be_bytes());
    b
}

/// The JPEG grown past `size` bytes with comment segments after SOI.
pub fn padded(jpeg: &[u8], size: usize) -> Vec<u8> {
    let mut b = jpeg[..2].to_vec();
    while b.len() < size {
        b.extend_from_slice(&[0xFF, 0xFE, 0xFF, 0xFF]);
        b.extend(std::iter::repeat_n(b'x', 0xFFFD));
    }
    b.extend_from_slice(&jpeg[2..]);
    b
}

/// A JP2 file: signature, ftyp, jp2h with ihdr, and (optionally) a codestream box.
pub fn jp2(w: u32, h: u32, codestream: bool) -> Vec<u8> {
    let mut b = vec![0, 0, 0, 12, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 20, b'f', b't', b'y', b'p', b'j', b'p', b'2', b' ', 0, 0, 0, 0, b'j', b'p', b'2',
        b' ',
    ]);
    let mut ihdr = vec![0, 0, 0, 22, b'i', b'h', b'd', b'r'];
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&[0, 3, 7, 7, 0, 0]);
    b.extend_from_slice(&(8 + ihdr.len() as u32).to_be_bytes());
    b.extend_from_slice(b"jp2h");
    b.extend_from_slice(&ihdr);
    if codestream {
        let cs = [
            0xFF, 0x4F, 0xFF, 0x51, 0, 0x29, 0, 0, 0, 0, 0, 0, 0xFF, 0xD9,
        ];
        b.extend_from_slice(&(8 + cs.len() as u32).to_be_bytes());
        b.extend_from_slice(b"jp2c");
        b.extend_from_slice(&cs);
    }
    b
}

/// Example 1 of vietnam-cccd.md §2 as a record.
pub fn good() -> Value {
    json!({
        "id_number": "079303012345",
        "full_name": "Nguyễn Thị Bích Ngọc",
        "date_of_birth": "2003-04-15",
        "sex": "F",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
        "place_of_residence": "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi C:1cm dưới trước mép trái",
        "date_of_issue": "2021-06-01",
        "photo": "portrait.jpg",
        "card_generation": "cccd-2021"
    })
}

/// A 2024 card of a child under 6: no photo.
pub fn child() -> Value {
    json!({
        "id_number": "001222001234",
        "full_name": "Trần Minh Khôi",
        "date_of_birth": "2022-05-10",
        "sex": "M",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Hà Nội",
        "place_of_residence": "Phường Hàng Bạc, Hà Nội",
        "identifying_features": "",
        "date_of_issue": "2024-08-01",
        "father_name": "Trần Văn Nam",
        "mother_name": "Lê Thị Hoa",
        "card_generation": "cancuoc-2024"
    })
}

/// Issued at 64: no expiry.
pub fn elder() -> Value {
    json!({
        "id_number": "001060000123",
        "full_name": "Lê Văn Bình",
        "date_of_birth": "1960-03-02",
        "sex": "M",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Phật giáo",
        "place_of_origin": "Nam Định",
        "place_of_residence": "Hà Nội",
        "identifying_features": "",
        "date_of_issue": "2025-01-10",
        "date_of_expiry": null,
        "spouse_name": "Phạm Thị Hạnh",
        "old_id_number": "012345678",
        "photo": "portrait.jp2",
        "card_generation": "cancuoc-2024"
    })
}

pub fn check(v: &Value, dir: &Path) -> Result<citizen::Record, RecordError> {
    RawRecord::from_json(&v.to_string()).and_then(|raw| validate(&raw, dir, today()))
}
