//! Card print layout: card templates (data, one folder per design) rendered to print-ready
//! PNG (exact physical size at 300 or 600 dpi) and a two-page PDF at the physical card size:
//! vector artwork, real text in embedded font subsets, the photo as JPEG, checked against
//! PDF/A-2b.
//!
//! Drawing uses maintained libraries: `tiny-skia` paints the PNG sides, `krilla` writes the
//! PDF, `ab_glyph` supplies font metrics and glyph coverage. The template's shapes become one
//! set of vector marks that both outputs paint, so PNG and PDF show one design.
//!
//! ```no_run
//! # fn demo(record: &citizen::Record) -> Result<(), print::PrintError> {
//! let renderer = print::Renderer::load(std::path::Path::new("card-templates/cccd-2021"), 300)?;
//! let card = renderer.render(record)?;
//! let files = print::write_outputs(&card, std::path::Path::new("out"), true)?;
//! # Ok(()) }
//! ```
//!
//! A renderer prepares the record-independent part of both sides once, so a pipeline keeps one
//! per (template, dpi) and renders every record with it.
#![forbid(unsafe_code)]

mod error;
mod fonts;
mod pdf;
mod photo;
mod qr;
mod raster;
mod render;
mod shapes;
mod template;
mod text;

pub use error::PrintError;
pub use pdf::card_pdf;
pub use qr::{QrLayout, payload_for as qr_payload};
pub use render::{PlacedPhoto, RenderedCard, RenderedSide, Renderer, field_value};
pub use template::{
    Align, CardSpec, Color, Field, FontSpec, MrzZone, PhotoBox, QrBox, Shape, Side, Source,
    Template, TextBox, Weight,
};
pub use text::{PlacedGlyph, TextRun, normalize};

use image::RgbImage;
use std::path::{Path, PathBuf};

/// The files [`write_outputs`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFiles {
    pub front_png: PathBuf,
    pub back_png: PathBuf,
    pub pdf: PathBuf,
    pub preview_png: Option<PathBuf>,
}

/// Writes `front.png`, `back.png`, `card.pdf` (and `preview.png` when asked) into `out_dir`,
/// creating it if needed. The PNGs carry their resolution (pHYs) so print tools size them
/// right.
pub fn write_outputs(
    card: &RenderedCard,
    out_dir: &Path,
    preview: bool,
) -> Result<OutputFiles, PrintError> {
    std::fs::create_dir_all(out_dir).map_err(|e| PrintError::Write {
        path: out_dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let front_png = out_dir.join("front.png");
    let back_png = out_dir.join("back.png");
    let pdf = out_dir.join("card.pdf");
    write_png(&card.front.image, card.dpi, &front_png)?;
    write_png(&card.back.image, card.dpi, &back_png)?;
    std::fs::write(&pdf, card_pdf(card)?).map_err(|e| PrintError::Write {
        path: pdf.clone(),
        reason: e.to_string(),
    })?;
    let preview_png = if preview {
        let p = out_dir.join("preview.png");
        let img = preview_image(card);
        write_png(
            &img,
            card.dpi * img.width() / (2 * card.front.image.width()).max(1),
            &p,
        )?;
        Some(p)
    } else {
        None
    };
    Ok(OutputFiles {
        front_png,
        back_png,
        pdf,
        preview_png,
    })
}

/// Both sides next to each other on a grey ground, scaled to about 1600 px wide: for the
/// operator's screen, not for printing.
pub fn preview_image(card: &RenderedCard) -> RgbImage {
    let (w, h) = card.front.image.dimensions();
    let gap = (w / 20).max(8);
    let full_w = 2 * w + 3 * gap;
    let full_h = h + 2 * gap;
    let mut canvas = RgbImage::from_pixel(full_w, full_h, image::Rgb([0x60, 0x64, 0x6a]));
    image::imageops::replace(&mut canvas, &card.front.image, gap as i64, gap as i64);
    image::imageops::replace(
        &mut canvas,
        &card.back.image,
        (2 * gap + w) as i64,
        gap as i64,
    );
    if full_w > 1600 {
        let nh = (full_h as u64 * 1600 / full_w as u64) as u32;
        image::imageops::resize(
            &canvas,
            1600,
            nh.max(1),
            image::imageops::FilterType::Triangle,
        )
    } else {
        canvas
    }
}

/// Writes a PNG with its physical resolution recorded (a pHYs chunk), so print tools size it
/// right.
pub fn write_png(img: &RgbImage, dpi: u32, path: &Path) -> Result<(), PrintError> {
    use image::ImageEncoder;
    let werr = |reason: String| PrintError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let mut png = Vec::with_capacity(img.as_raw().len() / 4);
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| werr(e.to_string()))?;
    std::fs::write(path, with_phys(png, dpi)).map_err(|e| werr(e.to_string()))
}

/// Inserts a pHYs chunk (pixels per metre) right after IHDR (signature 8 bytes + IHDR 25).
fn with_phys(png: Vec<u8>, dpi: u32) -> Vec<u8> {
    const AFTER_IHDR: usize = 33;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png;
    }
    let ppm = (dpi as f64 / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    chunk.extend_from_slice(b"pHYs");
    chunk.extend_from_slice(&ppm.to_be_bytes());
    chunk.extend_from_slice(&ppm.to_be_bytes());
    chunk.push(1); // unit: metre
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[AFTER_IHDR..]);
    out
}

/// CRC-32 (IEEE, as PNG chunks use), bitwise: it runs over 13 bytes per file.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_matches_the_png_reference_value() {
        // CRC of the IEND chunk type, as found at the end of every PNG.
        assert_eq!(super::crc32(b"IEND"), 0xAE42_6082);
    }
}
