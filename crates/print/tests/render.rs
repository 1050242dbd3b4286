//! Rendering both card designs: sizes, QR content, text fitting, photos, MRZ, errors.

mod common;

use common::{jpeg_photo, record_2021, record_2024, record_2024_child, template_dir};
use image::RgbImage;
use print::{PrintError, RenderedCard, Renderer, TextRun};
use std::sync::OnceLock;

fn renderer(name: &str) -> &'static Renderer {
    static R2021: OnceLock<Renderer> = OnceLock::new();
    static R2024: OnceLock<Renderer> = OnceLock::new();
    let cell = if name == "cccd-2021" { &R2021 } else { &R2024 };
    cell.get_or_init(|| Renderer::load(&template_dir(name), 300).expect("template loads"))
}

fn decode_qr(img: &RgbImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| {
            let p = img.get_pixel(x as u32, y as u32).0;
            ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8
        },
    );
    prepared
        .detect_grids()
        .iter()
        .map(|g| g.decode().expect("QR decodes").1)
        .collect()
}

/// The runs of one field value, found by the text they carry.
fn runs_containing<'a>(runs: &'a [TextRun], words: &[&str]) -> Vec<&'a TextRun> {
    runs.iter()
        .filter(|r| words.iter().any(|w| r.text.contains(w)))
        .collect()
}

#[test]
fn sides_have_the_exact_physical_size() {
    for name in ["cccd-2021", "cancuoc-2024"] {
        let card = renderer(name)
            .render(&if name == "cccd-2021" {
                record_2021()
            } else {
                record_2024()
            })
            .unwrap();
        // round(85.60 / 25.4 * 300) = 1011, round(53.98 / 25.4 * 300) = 638
        assert_eq!(card.front.image.dimensions(), (1011, 638), "{name}");
        assert_eq!(card.back.image.dimensions(), (1011, 638), "{name}");
    }
    let r600 = Renderer::load(&template_dir("cccd-2021"), 600).unwrap();
    let card = r600.render(&record_2021()).unwrap();
    assert_eq!(card.front.image.dimensions(), (2022, 1275));
}

#[test]
fn qr_on_the_2021_front_decodes_to_the_payload() {
    let rec = record_2021();
    let card = renderer("cccd-2021").render(&rec).unwrap();
    let expected = citizen::qr_payload(&rec);
    assert_eq!(card.qr_payload, expected);
    assert!(expected.contains("Nguyễn Văn Đoàn"), "{expected}");
    assert_eq!(decode_qr(&card.front.image), vec![expected]);
    assert!(
        decode_qr(&card.back.image).is_empty(),
        "the 2021 back has no QR"
    );
}

#[test]
fn qr_on_the_2024_back_decodes_to_the_payload() {
    for rec in [record_2024(), record_2024_child()] {
        let card = renderer("cancuoc-2024").render(&rec).unwrap();
        let expected = citizen::qr_payload(&rec);
        assert!(expected.ends_with("||||"), "{expected}");
        assert_eq!(decode_qr(&card.back.image), vec![expected]);
        assert!(
            decode_qr(&card.front.image).is_empty(),
            "the 2024 front has no QR"
        );
        // 18 mm square zone on the back.
        let q = card.back.qr.as_ref().unwrap();
        assert_eq!(q.zone.2, (18.0f32 / 25.4 * 300.0).round() as u32);
    }
}

#[test]
fn mrz_is_the_one_lds_computes() {
    for (name, rec) in [
        ("cccd-2021", record_2021()),
        ("cancuoc-2024", record_2024()),
    ] {
        let card = renderer(name).render(&rec).unwrap();
        let lines = lds::mrz::td1_lines(&rec).unwrap();
        assert_eq!(card.mrz, lines);
        let printed: Vec<&str> = card
            .back
            .runs
            .iter()
            .filter(|r| r.text.len() == 30 && lines.contains(&r.text))
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(
            printed,
            lines.iter().map(String::as_str).collect::<Vec<_>>(),
            "{name}"
        );
        // Fixed pitch of 2.54 mm and three lines 4.23 mm apart, line 3 centred 3.8 mm above the edge.
        let mrz_runs: Vec<&TextRun> = card
            .back
            .runs
            .iter()
            .filter(|r| lines.contains(&r.text))
            .collect();
        for r in &mrz_runs {
            for w in r.glyphs.windows(2) {
                assert!(((w[1].dx_mm - w[0].dx_mm) - 2.54).abs() < 1e-3);
            }
        }
        assert!(((mrz_runs[1].baseline_mm - mrz_runs[0].baseline_mm) - 4.23).abs() < 1e-3);
        assert!(((53.98 - (mrz_runs[2].baseline_mm - 1.21)) - 3.8).abs() < 1e-3);
    }
}

#[test]
fn a_long_address_wraps_inside_its_box() {
    let mut rec = record_2021();
    rec.place_of_residence =
        "Số nhà 123 Ngõ 45 Ngách 67 Hẻm 8, Tổ dân phố số 9, Phường Nghĩa Đô, Quận Cầu Giấy, Thành phố Hà Nội"
            .into();
    let card = renderer("cccd-2021").render(&rec).unwrap();
    let runs = runs_containing(
        &card.front.runs,
        &["Ngách", "Nghĩa Đô", "Cầu Giấy", "Hà Nội"],
    );
    assert!(runs.len() >= 2, "wrapped onto several lines: {runs:?}");
    let joined: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        joined.join(" "),
        rec.place_of_residence,
        "no word lost or cut"
    );
    // Box of the template: x 25.0, w 58.6, y 43.9, h 8.6.
    for r in &runs {
        assert!(r.x_mm >= 25.0 - 1e-3);
        assert!(r.x_mm + r.width_mm <= 25.0 + 58.6 + 1e-3);
        assert!(r.baseline_mm <= 43.9 + 8.6);
        assert!(r.size_pt >= 4.4 && r.size_pt <= 6.6);
    }
}

#[test]
fn an_address_that_cannot_fit_is_an_error_naming_the_field() {
    let mut rec = record_2021();
    rec.place_of_residence = "Phường Nghĩa Đô, Quận Cầu Giấy, Thành phố Hà Nội, ".repeat(8);
    let err = renderer("cccd-2021").render(&rec).err().expect("too long");
    match &err {
        PrintError::TextDoesNotFit {
            field, min_size_pt, ..
        } => {
            assert_eq!(field, "place_of_residence");
            assert_eq!(*min_size_pt, 4.4);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().contains("field place_of_residence"),
        "{err}"
    );
}

#[test]
fn a_long_single_line_name_shrinks_but_stays_whole() {
    let mut rec = record_2021();
    rec.full_name = "Tôn Nữ Hoàng Ngọc Phương Quỳnh Thị Bảo".into();
    let card = renderer("cccd-2021").render(&rec).unwrap();
    let run = card
        .front
        .runs
        .iter()
        .find(|r| r.text == "TÔN NỮ HOÀNG NGỌC PHƯƠNG QUỲNH THỊ BẢO")
        .expect("one line, whole");
    assert!(run.size_pt < 7.8 && run.size_pt >= 5.5, "{}", run.size_pt);
}

#[test]
fn nfd_input_renders_like_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let nfc = record_2021();
    let mut nfd = nfc.clone();
    nfd.full_name = nfc.full_name.nfd().collect();
    nfd.place_of_residence = nfc.place_of_residence.nfd().collect();
    nfd.place_of_origin = nfc.place_of_origin.nfd().collect();
    assert_ne!(nfd.full_name, nfc.full_name);
    let r = renderer("cccd-2021");
    let a = r.render(&nfc).unwrap();
    let b = r.render(&nfd).unwrap();
    let texts = |c: &RenderedCard| {
        c.front
            .runs
            .iter()
            .map(|r| r.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&a), texts(&b));
    assert!(texts(&b).contains(&"NGUYỄN VĂN ĐOÀN".to_string()));
    // The QR carries the record text as is; everything drawn is identical.
    let photo = a.front.photo.as_ref().unwrap();
    let qr = a.front.qr.as_ref().unwrap();
    let (qx, qy, qs) = qr.zone;
    let mut diff = 0;
    for (x, y, p) in a.front.image.enumerate_pixels() {
        let in_qr = x >= qx && x < qx + qs && y >= qy && y < qy + qs;
        if !in_qr && *p != *b.front.image.get_pixel(x, y) {
            diff += 1;
        }
    }
    assert_eq!(diff, 0, "NFD and NFC input must draw the same glyphs");
    assert!(photo.w_mm > 19.0);
}

#[test]
fn a_missing_photo_is_an_error_where_the_card_needs_one() {
    let mut rec = record_2021();
    rec.photo = None;
    let err = renderer("cccd-2021")
        .render(&rec)
        .err()
        .expect("needs a photo");
    assert!(
        matches!(err, PrintError::MissingPhoto { age: 31, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("001090123456"), "{err}");

    let mut rec = record_2024();
    rec.photo = None;
    let err = renderer("cancuoc-2024")
        .render(&rec)
        .err()
        .expect("adult needs a photo");
    assert!(
        matches!(err, PrintError::MissingPhoto { age: 21, .. }),
        "{err:?}"
    );
}

#[test]
fn the_2024_card_for_a_child_under_6_has_no_photo() {
    let mut rec = record_2024_child();
    // Even if the registry sent one, the under-6 variant prints none.
    rec.photo = Some(jpeg_photo(200, 300));
    let card = renderer("cancuoc-2024").render(&rec).unwrap();
    assert!(card.front.photo.is_none());
    // No photo colours (the synthetic face is saturated green) anywhere on the front.
    let green = card
        .front
        .image
        .pixels()
        .filter(|p| p.0[1] > 120 && p.0[0] < 60 && p.0[2] < 80)
        .count();
    assert_eq!(green, 0);
}

/// Photo box pixels of a rendered front (2021 template: 20 × 30 mm at 2.5, 16.0 mm).
fn photo_box(card: &RenderedCard) -> RgbImage {
    let p = card.front.photo.as_ref().unwrap();
    let s = 300.0 / 25.4;
    image::imageops::crop_imm(
        &card.front.image,
        (p.x_mm * s).round() as u32,
        (p.y_mm * s).round() as u32,
        (p.w_mm * s).round() as u32,
        (p.h_mm * s).round() as u32,
    )
    .to_image()
}

fn green_extent(img: &RgbImage) -> (u32, u32) {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in img.enumerate_pixels() {
        if p.0[1] > 100 && p.0[0] < 90 && p.0[2] < 110 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    assert!(x1 > x0 && y1 > y0, "the face is visible");
    (x1 - x0 + 1, y1 - y0 + 1)
}

#[test]
fn a_portrait_photo_of_the_wrong_aspect_ratio_is_cropped_not_stretched() {
    for (w, h) in [(300, 600), (600, 300), (240, 360)] {
        let mut rec = record_2021();
        rec.photo = Some(jpeg_photo(w, h));
        let card = renderer("cccd-2021").render(&rec).unwrap();
        let b = photo_box(&card);
        assert_eq!(
            b.dimensions(),
            (236, 354),
            "the box is filled at 20 × 30 mm"
        );
        // The face (a circle in the source) is still a circle: same width and height.
        let (gw, gh) = green_extent(&b);
        let ratio = gw as f32 / gh as f32;
        assert!(
            (ratio - 1.0).abs() < 0.04,
            "{w}x{h}: face {gw}x{gh} px is distorted"
        );
        // Centred: the face's centre is in the middle of the box.
        let corners_are_not_face = [b.get_pixel(2, 177), b.get_pixel(233, 177)]
            .iter()
            .all(|p| !(p.0[1] > 100 && p.0[0] < 90));
        assert!(corners_are_not_face);
        if (w, h) == (300, 600) {
            // 1:2 into 2:3: a quarter of the height is cut at each end, the red and blue
            // edge bands (a tenth each) are gone.
            let red = b
                .pixels()
                .filter(|p| p.0[0] > 180 && p.0[1] < 80 && p.0[2] < 80)
                .count();
            let blue = b
                .pixels()
                .filter(|p| p.0[2] > 180 && p.0[0] < 80 && p.0[1] < 80)
                .count();
            assert_eq!((red, blue), (0, 0), "edges cropped evenly");
        }
        if (w, h) == (600, 300) {
            // Landscape into portrait: full height kept, so both bands are still there.
            assert!(b.get_pixel(118, 3).0[0] > 180);
            assert!(b.get_pixel(118, 350).0[2] > 180);
        }
    }
}

#[test]
fn an_undecodable_photo_is_an_error_naming_the_file() {
    let mut rec = record_2021();
    let mut p = jpeg_photo(240, 360);
    p.bytes.truncate(40);
    p.path = "photos/broken.jpg".into();
    rec.photo = Some(p);
    let err = renderer("cccd-2021").render(&rec).err().unwrap();
    assert!(matches!(err, PrintError::PhotoUnusable { .. }), "{err:?}");
    assert!(err.to_string().contains("photos/broken.jpg"), "{err}");

    let mut rec = record_2021();
    let mut p = jpeg_photo(240, 360);
    p.format = citizen::PhotoFormat::Jpeg2000;
    rec.photo = Some(p);
    let err = renderer("cccd-2021").render(&rec).err().unwrap();
    assert!(err.to_string().contains("JPEG 2000"), "{err}");
}

#[test]
fn a_record_of_the_other_generation_is_refused() {
    let err = renderer("cccd-2021").render(&record_2024()).err().unwrap();
    assert!(
        matches!(err, PrintError::GenerationMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cancuoc-2024"), "{err}");
}

#[test]
fn a_character_without_glyph_is_an_error_naming_the_field() {
    let mut rec = record_2021();
    rec.place_of_origin = "Hà Nội \u{1F600}".into();
    let err = renderer("cccd-2021").render(&rec).err().unwrap();
    match err {
        PrintError::GlyphMissing { field, code, .. } => {
            assert_eq!(field, "place_of_origin");
            assert_eq!(code, 0x1F600);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn expiry_never_prints_khong_thoi_han() {
    let mut rec = record_2021();
    rec.date_of_birth = common::date(1960, 3, 3);
    rec.id_number = "001060123456".into();
    rec.date_of_expiry = citizen::Expiry::Never;
    let card = renderer("cccd-2021").render(&rec).unwrap();
    assert!(card.front.runs.iter().any(|r| r.text == "Không thời hạn"));
}
