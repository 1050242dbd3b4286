//! Shared helpers of the print tests: synthetic records and photos (no real personal data).
#![allow(dead_code)]

use chrono::NaiveDate;
use citizen::{CardGeneration, Expiry, Photo, PhotoFormat, Record, Sex};
use image::{Rgb, RgbImage};
use std::path::PathBuf;

pub fn template_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../card-templates")
        .join(name)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A portrait-like test image: light ground, a face ellipse in the middle (a circle when the
/// image is square), and coloured bands along the top (red) and bottom (blue) edges so tests
/// can see what a crop removed.
pub fn photo_image(w: u32, h: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(w, h, Rgb([225, 232, 240]));
    let band = (h / 10).max(1);
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let r = w.min(h) as f32 * 0.3;
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= r * r {
                img.put_pixel(x, y, Rgb([20, 140, 40]));
            } else if y < band {
                img.put_pixel(x, y, Rgb([220, 20, 20]));
            } else if y >= h - band {
                img.put_pixel(x, y, Rgb([20, 20, 220]));
            }
        }
    }
    img
}

pub fn jpeg_photo(w: u32, h: u32) -> Photo {
    let img = photo_image(w, h);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92)
        .encode_image(&img)
        .unwrap();
    Photo {
        path: PathBuf::from(format!("synthetic-{w}x{h}.jpg")),
        format: PhotoFormat::Jpeg,
        width: w,
        height: h,
        bytes,
    }
}

/// The 2021 test citizen (invented numbers).
pub fn record_2021() -> Record {
    Record {
        id_number: "001090123456".into(),
        full_name: "Nguyễn Văn Đoàn".into(),
        date_of_birth: date(1990, 1, 1),
        sex: Sex::Male,
        nationality: "VNM".into(),
        ethnicity: "Kinh".into(),
        religion: "Không".into(),
        place_of_origin: "Xã Hải Đường, Hải Hậu, Nam Định".into(),
        place_of_residence: "Số 12 Ngõ 34 Phố Huế, Phường Ngô Thì Nhậm, Quận Hai Bà Trưng, Hà Nội"
            .into(),
        identifying_features: "Nốt ruồi C:1cm trên trước đầu lông mày trái".into(),
        date_of_issue: date(2021, 4, 15),
        date_of_expiry: Expiry::On(date(2030, 1, 1)),
        father_name: Some("Nguyễn Văn Bình".into()),
        mother_name: Some("Trần Thị Hoa".into()),
        spouse_name: None,
        old_id_number: Some("012345678".into()),
        photo: Some(jpeg_photo(240, 360)),
        card_generation: CardGeneration::Cccd2021,
    }
}

/// The 2024 test citizen (invented numbers).
pub fn record_2024() -> Record {
    Record {
        id_number: "079303012345".into(),
        full_name: "Trần Thị Bích Ngọc".into(),
        date_of_birth: date(2003, 4, 15),
        sex: Sex::Female,
        nationality: "VNM".into(),
        ethnicity: "Kinh".into(),
        religion: "Không".into(),
        place_of_origin: "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh".into(),
        place_of_residence: "45 Đường Lê Lợi, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh"
            .into(),
        identifying_features: String::new(),
        date_of_issue: date(2024, 7, 10),
        date_of_expiry: Expiry::On(date(2028, 4, 15)),
        father_name: None,
        mother_name: None,
        spouse_name: None,
        old_id_number: None,
        photo: Some(jpeg_photo(300, 450)),
        card_generation: CardGeneration::Cancuoc2024,
    }
}

/// A 2024 card holder aged 4 at issue: the under-6 card without photo.
pub fn record_2024_child() -> Record {
    Record {
        id_number: "001320001234".into(),
        full_name: "Lê Minh Khôi".into(),
        date_of_birth: date(2020, 5, 1),
        sex: Sex::Male,
        place_of_residence: "Số 7 Phố Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội".into(),
        date_of_issue: date(2024, 8, 1),
        date_of_expiry: Expiry::On(date(2026, 5, 1)),
        father_name: Some("Lê Văn Nam".into()),
        mother_name: Some("Phạm Thị Lan".into()),
        photo: None,
        ..record_2024()
    }
}
