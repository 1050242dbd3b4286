//! The renderer: a template prepared at one resolution, then any number of records drawn on it.
//!
//! Preparing draws everything that does not depend on the record (background, shapes, static
//! texts, field labels) once per side; rendering a card copies that prepared raster and adds
//! the photo, the QR code, the field values and the MRZ. The PDF is built from the same
//! layout: the side's vector marks, the photo, the QR modules as a vector path, and every text
//! run as real text in the embedded fonts.

use crate::error::PrintError;
use crate::fonts::FontSet;
use crate::photo;
use crate::qr::{self, QrLayout};
use crate::raster::{Canvas, RgbSide};
use crate::shapes::{self, SideArt};
use crate::template::{Color, MrzZone, Side, Source, Template};
use crate::text::{self, MM_PER_PT, PlacedGlyph, TextRun};
use chrono::NaiveDate;
use citizen::{Expiry, Record, Sex};
use image::RgbImage;
use std::sync::Arc;

/// One side, prepared: the record-independent artwork, raster and text.
struct PreparedSide {
    /// The vector marks, shared with every card for its PDF page.
    art: Arc<SideArt>,
    /// Background, shapes, static texts and labels: the start of every PNG.
    with_text: RgbImage,
    static_runs: Vec<TextRun>,
}

/// A template loaded with its fonts and prepared at one resolution.
pub struct Renderer {
    template: Template,
    fonts: FontSet,
    dpi: u32,
    px_per_mm: f32,
    width_px: u32,
    height_px: u32,
    /// What the die cut removes from the rectangle (mm), painted white on the PNGs.
    corners: Vec<tiny_skia::Path>,
    front: PreparedSide,
    back: PreparedSide,
}

/// A photo placed on a side (already cropped and scaled to its box at the render resolution).
#[derive(Clone)]
pub struct PlacedPhoto {
    pub image: RgbImage,
    pub x_mm: f32,
    pub y_mm: f32,
    pub w_mm: f32,
    pub h_mm: f32,
}

/// One rendered side and what the PDF needs to rebuild it.
#[derive(Clone)]
pub struct RenderedSide {
    /// The finished raster (`front.png` / `back.png`).
    pub image: RgbImage,
    /// The record-independent vector artwork (the PDF page background).
    pub(crate) art: Arc<SideArt>,
    pub photo: Option<PlacedPhoto>,
    pub qr: Option<QrLayout>,
    /// Every line of text on the side, static and from the record.
    pub runs: Vec<TextRun>,
}

/// Both sides of a rendered card.
#[derive(Clone)]
pub struct RenderedCard {
    pub front: RenderedSide,
    pub back: RenderedSide,
    pub dpi: u32,
    pub width_mm: f32,
    pub height_mm: f32,
    /// The template's card name (`card.name`), for the PDF's title.
    pub(crate) template_name: String,
    /// The QR payload encoded on the card (on whichever side carries the code).
    pub qr_payload: String,
    /// The three MRZ lines printed on the card.
    pub mrz: [String; 3],
    pub(crate) fonts: FontSet,
}

impl Renderer {
    /// Loads the template folder and prepares it at `dpi`.
    pub fn load(template_dir: &std::path::Path, dpi: u32) -> Result<Renderer, PrintError> {
        Renderer::new(Template::load(template_dir)?, dpi)
    }

    pub fn new(template: Template, dpi: u32) -> Result<Renderer, PrintError> {
        if !(72..=1200).contains(&dpi) {
            return Err(PrintError::BadDpi { dpi });
        }
        let fonts = FontSet::load(&template.dir, &template.fonts)?;
        let px_per_mm = dpi as f32 / 25.4;
        // Exact physical size: 85.60 mm at 300 dpi = 1011 px, at 600 dpi = 2022 px.
        let width_px = (template.card.width_mm / 25.4 * dpi as f32).round() as u32;
        let height_px = (template.card.height_mm / 25.4 * dpi as f32).round() as u32;
        let card = &template.card;
        let corners = shapes::corners(card.width_mm, card.height_mm, card.corner_radius_mm);
        let prep = |side: &Side, name: &str| -> Result<PreparedSide, PrintError> {
            let art = SideArt::new(side, card.width_mm, card.height_mm, card.corner_radius_mm);
            let mut canvas = Canvas::new(width_px, height_px, px_per_mm, art.background)
                .ok_or(PrintError::BadDpi { dpi })?;
            for m in &art.marks {
                canvas.paint(m);
            }
            canvas.cut_corners(&corners);
            let mut runs = Vec::new();
            for (i, t) in side.texts.iter().enumerate() {
                let label = format!("{name}.texts[{i}]");
                runs.extend(text::fit(
                    &fonts,
                    &label,
                    t.text.as_deref().unwrap_or(""),
                    t,
                )?);
            }
            for f in &side.fields {
                if let Some(l) = &f.label {
                    let label = format!("{name} label of {}", f.source.name());
                    let s = format!("{} / {}:", f.label_vi, f.label_en);
                    runs.extend(text::fit(&fonts, &label, &s, l)?);
                }
            }
            let mut with_text = RgbSide {
                img: canvas.to_rgb(),
                px_per_mm,
            };
            with_text.draw_runs(&fonts, &runs);
            Ok(PreparedSide {
                art: Arc::new(art),
                with_text: with_text.img,
                static_runs: runs,
            })
        };
        let front = prep(&template.front, "front")?;
        let back = prep(&template.back, "back")?;
        Ok(Renderer {
            template,
            fonts,
            dpi,
            px_per_mm,
            width_px,
            height_px,
            corners,
            front,
            back,
        })
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    pub fn dpi(&self) -> u32 {
        self.dpi
    }

    /// Pixel size of each side.
    pub fn size_px(&self) -> (u32, u32) {
        (self.width_px, self.height_px)
    }

    /// Renders both sides of `record`.
    pub fn render(&self, record: &Record) -> Result<RenderedCard, PrintError> {
        if record.card_generation != self.template.card.generation {
            return Err(PrintError::GenerationMismatch {
                id: record.id_number.clone(),
                record: crate::template::generation_name(record.card_generation).into(),
                template: self.template.card.name.clone(),
                template_generation: self.template.generation_name().into(),
            });
        }
        let payload = qr::payload_for(record);
        let mrz = lds::mrz::td1_lines(record).map_err(|e| PrintError::Mrz {
            id: record.id_number.clone(),
            reason: e.to_string(),
        })?;
        let front = self.render_side(&self.template.front, &self.front, record, &payload, &mrz)?;
        let back = self.render_side(&self.template.back, &self.back, record, &payload, &mrz)?;
        Ok(RenderedCard {
            front,
            back,
            dpi: self.dpi,
            width_mm: self.template.card.width_mm,
            height_mm: self.template.card.height_mm,
            template_name: self.template.card.name.clone(),
            qr_payload: payload,
            mrz,
            fonts: self.fonts.clone(),
        })
    }

    fn render_side(
        &self,
        side: &Side,
        prep: &PreparedSide,
        record: &Record,
        payload: &str,
        mrz: &[String; 3],
    ) -> Result<RenderedSide, PrintError> {
        let mut canvas = RgbSide {
            img: prep.with_text.clone(),
            px_per_mm: self.px_per_mm,
        };
        let id = record.id_number.as_str();
        let mm_px = |mm: f32| (mm * self.px_per_mm).round() as u32;

        // Text first: a field that does not fit is the most useful error to report.
        let mut runs = Vec::new();
        for f in &side.fields {
            let value = field_value(record, f.source);
            runs.extend(text::fit(&self.fonts, f.source.name(), &value, &f.value)?);
        }
        if let Some(m) = &side.mrz {
            runs.extend(self.mrz_runs(m, mrz)?);
        }
        let mut placed_photo = None;
        if let Some(pb) = &side.photo {
            let age = citizen::age_on(record.date_of_birth, record.date_of_issue).max(0) as u32;
            let omitted = pb.omit_under_age.is_some_and(|min| age < min);
            if !omitted {
                let p = record
                    .photo
                    .as_ref()
                    .ok_or_else(|| PrintError::MissingPhoto {
                        id: id.to_string(),
                        age,
                    })?;
                let (x, y, w, h) = (
                    mm_px(pb.x_mm),
                    mm_px(pb.y_mm),
                    mm_px(pb.w_mm),
                    mm_px(pb.h_mm),
                );
                let img = photo::cover(id, p, w, h)?;
                canvas.place_image(&img, x as i64, y as i64);
                if let Some(b) = &prep.art.photo_border {
                    canvas.paint(b);
                }
                placed_photo = Some(PlacedPhoto {
                    image: img,
                    x_mm: x as f32 / self.px_per_mm,
                    y_mm: y as f32 / self.px_per_mm,
                    w_mm: w as f32 / self.px_per_mm,
                    h_mm: h as f32 / self.px_per_mm,
                });
            }
        }

        let mut placed_qr = None;
        if let Some(q) = &side.qr {
            let l = qr::layout(id, payload, mm_px(q.x_mm), mm_px(q.y_mm), mm_px(q.size_mm))?;
            let zone: Vec<_> = l.zone_rect().into_iter().collect();
            canvas.fill_px_crisp(&[(&zone, Color::WHITE), (&l.dark_rects(), Color::BLACK)]);
            placed_qr = Some(l);
        }

        canvas.draw_runs(&self.fonts, &runs);
        canvas.cut_corners(&self.corners);

        let mut all_runs = prep.static_runs.clone();
        all_runs.extend(runs);
        Ok(RenderedSide {
            image: canvas.img,
            art: prep.art.clone(),
            photo: placed_photo,
            qr: placed_qr,
            runs: all_runs,
        })
    }

    /// The MRZ as three runs of 30 characters at the fixed character pitch, each line's capital
    /// letters centred on its reference centre line.
    fn mrz_runs(&self, m: &MrzZone, lines: &[String; 3]) -> Result<Vec<TextRun>, PrintError> {
        let idx = self.fonts.index(&m.font);
        let f = self.fonts.get(idx);
        use ab_glyph::Font;
        let size_pt = m.cap_height_mm / f.cap_height_em().max(0.1) / MM_PER_PT;
        let mut runs = Vec::with_capacity(3);
        for (i, line) in lines.iter().enumerate() {
            let center = self.template.card.height_mm
                - m.line3_center_from_bottom_mm
                - (2 - i) as f32 * m.line_pitch_mm;
            let mut glyphs = Vec::with_capacity(30);
            for (k, ch) in line.chars().enumerate() {
                let id = f.font.glyph_id(ch);
                if id.0 == 0 {
                    return Err(PrintError::GlyphMissing {
                        field: format!("MRZ line {}", i + 1),
                        ch,
                        code: ch as u32,
                        font: format!("{} ({})", m.font, f.path.display()),
                    });
                }
                // Centre each glyph in its cell so the pitch holds whatever the font's advance.
                let adv_mm = f.advance_em(id) * size_pt * MM_PER_PT;
                glyphs.push(PlacedGlyph {
                    id,
                    ch,
                    dx_mm: k as f32 * m.char_pitch_mm + (m.char_pitch_mm - adv_mm) / 2.0,
                });
            }
            runs.push(TextRun {
                font: idx,
                size_pt,
                color: m.color,
                x_mm: m.left_mm,
                baseline_mm: center + m.cap_height_mm / 2.0,
                glyphs,
                width_mm: 30.0 * m.char_pitch_mm,
                text: line.clone(),
            });
        }
        Ok(runs)
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The printed form of a record field.
pub fn field_value(r: &Record, s: Source) -> String {
    match s {
        Source::IdNumber => r.id_number.clone(),
        Source::OldIdNumber => r.old_id_number.clone().unwrap_or_default(),
        Source::FullName => r.full_name.clone(),
        Source::DateOfBirth => date(r.date_of_birth),
        Source::Sex => match r.sex {
            Sex::Male => "Nam".into(),
            Sex::Female => "Nữ".into(),
        },
        Source::Nationality => {
            if r.nationality == "VNM" {
                "Việt Nam".into()
            } else {
                r.nationality.clone()
            }
        }
        Source::Ethnicity => r.ethnicity.clone(),
        Source::Religion => r.religion.clone(),
        Source::PlaceOfOrigin => r.place_of_origin.clone(),
        Source::PlaceOfResidence => r.place_of_residence.clone(),
        Source::IdentifyingFeatures => r.identifying_features.clone(),
        Source::DateOfIssue => date(r.date_of_issue),
        Source::DateOfExpiry => match r.date_of_expiry {
            Expiry::On(d) => date(d),
            Expiry::Never => "Không thời hạn".into(),
        },
        Source::FatherName => r.father_name.clone().unwrap_or_default(),
        Source::MotherName => r.mother_name.clone().unwrap_or_default(),
        Source::SpouseName => r.spouse_name.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    /// The pipeline shares one renderer between its worker threads.
    #[test]
    fn renderer_and_card_can_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Renderer>();
        assert_send_sync::<super::RenderedCard>();
    }
}
