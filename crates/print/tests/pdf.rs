//! The PDF: two pages at the physical card size, fonts embedded as subsets, text extractable,
//! small enough to send to a print shop by the thousand, PDF/A-2b.

mod common;

use print::Renderer;
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(name).args(args).output().ok()?;
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn card_pdf_has_two_pages_at_card_size_with_embedded_fonts() {
    for (name, rec) in [
        ("cccd-2021", common::record_2021()),
        ("cancuoc-2024", common::record_2024()),
    ] {
        let card = Renderer::load(&common::template_dir(name), 300)
            .unwrap()
            .render(&rec)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let files = print::write_outputs(&card, dir.path(), true).unwrap();
        let pdf = std::fs::read(&files.pdf).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        // Structure, checked without external tools (krilla writes dictionaries compactly).
        assert!(pdf.starts_with(b"%PDF-1.6"));
        assert_eq!(text.matches("/Type/Page/").count(), 2);
        assert_eq!(
            text.matches("/MediaBox[0 0 242.64568 153.01418]").count(),
            2
        );
        assert!(text.contains("/FontFile2") && text.contains("/FontFile3"));

        // pdfinfo / pdffonts / pdftotext (poppler-utils) when installed.
        match tool("pdfinfo", &[files.pdf.to_str().unwrap()]) {
            Some(info) => {
                assert!(
                    info.lines()
                        .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
                    "{info}"
                );
                assert!(
                    info.contains("Page size:       242.646 x 153.014 pts"),
                    "{info}"
                );
                let fonts = tool("pdffonts", &[files.pdf.to_str().unwrap()]).unwrap();
                let rows: Vec<&str> = fonts.lines().skip(2).collect();
                assert_eq!(rows.len(), 3, "{fonts}");
                for row in rows {
                    let cols: Vec<&str> = row.split_whitespace().collect();
                    // name type... emb sub uni id gen
                    assert_eq!(cols[cols.len() - 5], "yes", "embedded: {row}");
                }
                assert!(fonts.contains("OCRB"), "{fonts}");
                let extracted = tool("pdftotext", &[files.pdf.to_str().unwrap(), "-"]).unwrap();
                let upper = rec.full_name.to_uppercase();
                assert!(extracted.contains(&upper), "{extracted}");
                for line in &card.mrz {
                    assert!(
                        extracted.contains(line.as_str()),
                        "MRZ line {line} in {extracted}"
                    );
                }
            }
            None => eprintln!("pdfinfo not installed (poppler-utils): structural checks only"),
        }
        // The PNGs carry 300 dpi (11811 px per metre) in pHYs.
        let png = std::fs::read(&files.front_png).unwrap();
        assert_eq!(&png[37..41], b"pHYs");
        assert_eq!(u32::from_be_bytes(png[41..45].try_into().unwrap()), 11811);
        let preview = image::open(files.preview_png.unwrap()).unwrap();
        assert!(
            preview.width() > preview.height() * 2,
            "both sides side by side"
        );
    }
}

/// Runs a poppler tool that this test needs (the test script installs poppler-utils).
fn required_tool(name: &str, args: &[&str]) -> String {
    tool(name, args).unwrap_or_else(|| panic!("{name} is not installed (poppler-utils)"))
}

/// The `Page size:` of `pdfinfo`, in points.
fn page_size_pt(info: &str) -> (f64, f64) {
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("no page size in {info}"));
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1])
}

#[test]
fn card_pdf_is_small_with_subset_fonts_at_id1_size() {
    for (name, rec) in [
        ("cccd-2021", common::record_2021()),
        ("cancuoc-2024", common::record_2024()),
    ] {
        let card = Renderer::load(&common::template_dir(name), 300)
            .unwrap()
            .render(&rec)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let files = print::write_outputs(&card, dir.path(), false).unwrap();
        let path = files.pdf.to_str().unwrap();
        let size = std::fs::metadata(&files.pdf).unwrap().len();
        // Whole fonts made a card about 800 KB; subsets and vectors keep it far smaller.
        assert!(size <= 150 * 1024, "{name}: {size} bytes");

        let info = required_tool("pdfinfo", &[path]);
        assert!(
            info.lines()
                .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
            "{info}"
        );
        // ID-1: 85.60 × 53.98 mm in points.
        let (w, h) = page_size_pt(&info);
        let pt = |mm: f64| mm / 25.4 * 72.0;
        assert!((w - pt(85.60)).abs() < 0.01, "{name}: width {w} pt");
        assert!((h - pt(53.98)).abs() < 0.01, "{name}: height {h} pt");

        let fonts = required_tool("pdffonts", &[path]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 3, "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let font = cols[0];
            // A subset is named with six capital letters and a plus (`ABCDEF+NotoSans-Bold`).
            let (tag, base) = font.split_once('+').unwrap_or(("", font));
            assert!(
                tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) && !base.is_empty(),
                "subset name: {row}"
            );
            // name type... emb sub uni id gen
            let n = cols.len();
            assert_eq!(
                cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "emb sub uni: {row}"
            );
        }

        // The document claims PDF/A-2b in its XMP metadata (krilla validated it).
        let meta = required_tool("pdfinfo", &["-meta", path]);
        assert!(
            meta.contains("<pdfaid:part>2</pdfaid:part>")
                && meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{meta}"
        );
        // No personal data in the metadata.
        assert!(!meta.contains(&rec.id_number) && !info.contains(&rec.id_number));
    }
}

#[test]
fn the_pdf_holds_no_page_raster_only_the_photo_as_jpeg() {
    let card = Renderer::load(&common::template_dir("cccd-2021"), 300)
        .unwrap()
        .render(&common::record_2021())
        .unwrap();
    let pdf = print::card_pdf(&card).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    // One image on the whole card, the photo, as JPEG; no page-sized raster.
    assert_eq!(text.matches("/Subtype/Image").count(), 1, "one image");
    assert!(text.contains("/Filter/DCTDecode/Width 236/Height 354"));
}

#[test]
fn writing_into_an_unwritable_place_names_the_path() {
    let card = Renderer::load(&common::template_dir("cccd-2021"), 300)
        .unwrap()
        .render(&common::record_2021())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let err = print::write_outputs(&card, &blocker.join("out"), false).unwrap_err();
    assert!(err.to_string().contains("file/out"), "{err}");
}
