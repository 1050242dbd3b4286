//! The PDF: two pages at the physical card size, fonts embedded, text extractable.

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
        // Structure, checked without external tools.
        assert!(pdf.starts_with(b"%PDF-1.6"));
        assert_eq!(text.matches("/Type /Page ").count(), 2);
        assert_eq!(text.matches("/MediaBox [0 0 242.6457 153.0142]").count(), 2);
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
