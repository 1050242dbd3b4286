//! The card PDF, written with `krilla`: two pages at the exact physical card size (front,
//! back), PDF 1.6 (the version the card PDF has always declared) checked by krilla against
//! PDF/A-2b, so print shops and archives can take it as it is.
//!
//! Each page is drawn from the same layout as the PNG side, not from its pixels: the side's
//! vector marks (background, guilloche, emblem, frames) as vector paths clipped to the
//! rounded card outline, the photo as a JPEG, the QR modules as one vector path, and every
//! text run as real text in the template's fonts. krilla embeds only the glyphs the card uses
//! (subset fonts, `ABCDEF+Name`) with a Unicode map, so the text can be searched and
//! extracted and a card stays far below the size of a whole embedded font.
//!
//! Coordinates: the layout is in millimetres from the card's top-left corner; krilla's page
//! space starts there too, in points. Each page is drawn in units of 1/20 pt (17.6 µm, finer
//! than the chord error of the sampled guilloche curves and than a 600 dpi dot), with
//! coordinates rounded to whole units: the guilloche has some ten thousand points, and short
//! integers keep the page content a third smaller than full-precision decimals.

use crate::error::PrintError;
use crate::render::{RenderedCard, RenderedSide};
use crate::shapes::{MITER_LIMIT, Mark, Paint};
use crate::template::Color;
use crate::text::MM_PER_PT;
use krilla::Document;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder, PdfVersion};
use krilla::geom::{Path, PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{
    Fill, FillRule, LineCap, LineJoin, LinearGradient, SpreadMethod, Stop, Stroke,
};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Drawing units per point (see the module documentation).
const UNITS_PER_PT: f32 = 20.0;
/// Drawing units per millimetre.
const U: f32 = PT_PER_MM * UNITS_PER_PT;
/// JPEG quality of the embedded photo: the photo is already at the print resolution, and at
/// 90 the compression is invisible in print while a portrait stays a few tens of kilobytes.
const PHOTO_JPEG_QUALITY: u8 = 90;

fn pdf_error(reason: impl std::fmt::Display) -> PrintError {
    PrintError::Pdf {
        reason: reason.to_string(),
    }
}

fn color(c: Color) -> krilla::paint::Paint {
    let [r, g, b] = c.0;
    rgb::Color::new(r, g, b).into()
}

fn fill_with(paint: krilla::paint::Paint) -> Fill {
    Fill {
        paint,
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// A tiny-skia path (the shared geometry) as a krilla path in drawing units, scaled by `k`
/// and rounded to whole units.
fn path(p: &tiny_skia::Path, k: f32) -> Option<Path> {
    use tiny_skia::PathSegment as S;
    let r = |v: f32| (v * k).round();
    let mut pb = PathBuilder::new();
    for seg in p.segments() {
        match seg {
            S::MoveTo(a) => pb.move_to(r(a.x), r(a.y)),
            S::LineTo(a) => pb.line_to(r(a.x), r(a.y)),
            S::QuadTo(a, b) => pb.quad_to(r(a.x), r(a.y), r(b.x), r(b.y)),
            S::CubicTo(a, b, c) => pb.cubic_to(r(a.x), r(a.y), r(b.x), r(b.y), r(c.x), r(c.y)),
            S::Close => pb.close(),
        }
    }
    pb.finish()
}

fn draw_mark(s: &mut Surface, mark: &Mark) {
    let Some(p) = path(&mark.path, U) else {
        return;
    };
    match mark.paint {
        Paint::Fill(c) => {
            s.set_stroke(None);
            s.set_fill(Some(fill_with(color(c))));
        }
        Paint::Gradient {
            top,
            bottom,
            y0_mm,
            y1_mm,
        } => {
            let stop = |offset: f32, c: Color| Stop {
                offset: NormalizedF32::new(offset).unwrap_or(NormalizedF32::ZERO),
                color: {
                    let [r, g, b] = c.0;
                    rgb::Color::new(r, g, b).into()
                },
                opacity: NormalizedF32::ONE,
            };
            let gradient = LinearGradient {
                x1: 0.0,
                y1: y0_mm * U,
                x2: 0.0,
                y2: y1_mm * U,
                transform: Transform::identity(),
                spread_method: SpreadMethod::Pad,
                stops: vec![stop(0.0, top), stop(1.0, bottom)],
                anti_alias: false,
            };
            s.set_stroke(None);
            s.set_fill(Some(fill_with(gradient.into())));
        }
        Paint::Stroke {
            color: c,
            width_mm,
            cap,
        } => {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: color(c),
                width: width_mm * U,
                miter_limit: MITER_LIMIT,
                line_cap: match cap {
                    tiny_skia::LineCap::Butt => LineCap::Butt,
                    tiny_skia::LineCap::Round => LineCap::Round,
                    tiny_skia::LineCap::Square => LineCap::Square,
                },
                line_join: LineJoin::Miter,
                opacity: NormalizedF32::ONE,
                dash: None,
            }));
        }
    }
    s.draw_path(&p);
}

/// The photo as a JPEG image placed on its box.
fn draw_photo(s: &mut Surface, side: &RenderedSide) -> Result<(), PrintError> {
    let Some(p) = &side.photo else {
        return Ok(());
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, PHOTO_JPEG_QUALITY)
        .encode_image(&p.image)
        .map_err(|e| pdf_error(format!("photo: {e}")))?;
    // PDF/A forbids asking viewers to interpolate images.
    let image =
        Image::from_jpeg(jpeg.into(), false).map_err(|e| pdf_error(format!("photo: {e}")))?;
    let size =
        Size::from_wh(p.w_mm * U, p.h_mm * U).ok_or_else(|| pdf_error("photo box is empty"))?;
    s.push_transform(&Transform::from_translate(p.x_mm * U, p.y_mm * U));
    s.draw_image(image, size);
    s.pop();
    if let Some(border) = &side.art.photo_border {
        draw_mark(s, border);
    }
    Ok(())
}

/// The QR code: its white zone and the dark modules, from device pixels to points.
fn draw_qr(s: &mut Surface, side: &RenderedSide, dpi: u32) {
    let Some(q) = &side.qr else {
        return;
    };
    let k = 72.0 / dpi as f32 * UNITS_PER_PT;
    s.set_stroke(None);
    for (rects, c) in [
        (q.zone_rect().into_iter().collect(), Color::WHITE),
        (q.dark_rects(), Color::BLACK),
    ] {
        let mut pb = tiny_skia::PathBuilder::new();
        for r in rects {
            pb.push_rect(r);
        }
        if let Some(p) = pb.finish().and_then(|p| path(&p, k)) {
            s.set_fill(Some(fill_with(color(c))));
            s.draw_path(&p);
        }
    }
}

/// Every text run as text: glyph ids from the layout, each glyph advancing to where the
/// layout put the next one, so the PDF places the glyphs exactly where the PNG draws them.
fn draw_text(s: &mut Surface, card: &RenderedCard, side: &RenderedSide) {
    s.set_stroke(None);
    for run in &side.runs {
        let Some(first) = run.glyphs.first() else {
            continue;
        };
        let f = card.fonts.get(run.font);
        let size_mm = run.size_pt * MM_PER_PT;
        let text: String = run.glyphs.iter().map(|g| g.ch).collect();
        let mut offset = 0;
        let glyphs: Vec<KrillaGlyph> = run
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let advance_em = match run.glyphs.get(i + 1) {
                    Some(next) => (next.dx_mm - g.dx_mm) / size_mm,
                    None => f.advance_em(g.id),
                };
                let range = offset..offset + g.ch.len_utf8();
                offset = range.end;
                KrillaGlyph {
                    glyph_id: GlyphId::new(g.id.0 as u32),
                    text_range: range,
                    x_advance: advance_em,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                }
            })
            .collect();
        s.set_fill(Some(fill_with(color(run.color))));
        s.draw_glyphs(
            Point::from_xy((run.x_mm + first.dx_mm) * U, run.baseline_mm * U),
            &glyphs,
            f.pdf.clone(),
            &text,
            run.size_pt * UNITS_PER_PT,
            false,
        );
    }
}

fn draw_page(
    doc: &mut Document,
    card: &RenderedCard,
    side: &RenderedSide,
) -> Result<(), PrintError> {
    let (w, h) = (card.width_mm * PT_PER_MM, card.height_mm * PT_PER_MM);
    let settings = PageSettings::from_wh(w, h)
        .ok_or_else(|| pdf_error("empty page"))?
        .with_trim_box(Rect::from_xywh(0.0, 0.0, w, h));
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    s.push_transform(&Transform::from_scale(
        1.0 / UNITS_PER_PT,
        1.0 / UNITS_PER_PT,
    ));
    let outline = path(&side.art.outline, U).ok_or_else(|| pdf_error("card outline"))?;
    // The die cut: nothing is printed outside the rounded outline.
    s.push_clip_path(&outline, &FillRule::NonZero);
    s.set_stroke(None);
    s.set_fill(Some(fill_with(color(side.art.background))));
    s.draw_path(&outline);
    for m in &side.art.marks {
        draw_mark(&mut s, m);
    }
    draw_photo(&mut s, side)?;
    draw_qr(&mut s, side, card.dpi);
    draw_text(&mut s, card, side);
    s.pop();
    s.pop();
    s.finish();
    page.finish();
    Ok(())
}

fn now_utc() -> DateTime {
    use chrono::{Datelike, Timelike};
    let t = chrono::Utc::now();
    DateTime::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
}

/// The whole card as a two-page PDF (front, back). Fails only when krilla refuses the document
/// ([`PrintError::Pdf`]: a font it cannot embed, a broken PDF/A rule), which points at the
/// template's fonts or this crate, never at the record.
pub fn card_pdf(card: &RenderedCard) -> Result<Vec<u8>, PrintError> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf16)
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| pdf_error(format!("{e:?}")))?;
    let mut doc = Document::new_with(krilla::SerializeSettings {
        configuration,
        // Nothing on a card is tagged structure; PDF/A-2b does not ask for it.
        enable_tagging: false,
        ..Default::default()
    });
    // No personal data in the metadata: only what kind of card this is and when the file was
    // made (PDF/A wants a creation date).
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} (print)", card.template_name))
            .creator("cccd print".into())
            .creation_date(now_utc()),
    );
    draw_page(&mut doc, card, &card.front)?;
    draw_page(&mut doc, card, &card.back)?;
    doc.finish().map_err(|e| pdf_error(format!("{e:?}")))
}
