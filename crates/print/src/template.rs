//! Card templates as data: one `template.toml` per design folder.
//!
//! Everything a card design needs lives in the file: card size and corner radius, background
//! shapes (rectangles, circles, polygons, stars, guilloche line patterns), static bilingual
//! texts, record fields with their label and value boxes, the photo, QR and MRZ zones. All
//! positions are millimetres from the card's top-left corner. Loading validates the whole file
//! and reports the first problem with the element that has it, e.g.
//! `front.fields[3] (place_of_residence): value box leaves the card`.

use crate::error::PrintError;
use citizen::CardGeneration;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An sRGB colour parsed from `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub [u8; 3]);

impl Color {
    pub const WHITE: Color = Color([255, 255, 255]);
    pub const BLACK: Color = Color([0, 0, 0]);

    fn parse(s: &str) -> Option<Color> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        Some(Color([(v >> 16) as u8, (v >> 8) as u8, v as u8]))
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("colour {s:?} is not of the form #rrggbb"))
        })
    }
}

/// Font weight; matched against the font file's style suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub fn as_str(self) -> &'static str {
        match self {
            Weight::Regular => "regular",
            Weight::Bold => "bold",
        }
    }
}

/// A named font of the template: a family looked up under the system font folders, or an
/// explicit file (relative to the template folder) for designs that ship their own font.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontSpec {
    pub family: String,
    #[serde(default = "default_weight")]
    pub weight: Weight,
    pub file: Option<PathBuf>,
}

fn default_weight() -> Weight {
    Weight::Regular
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A box of text: position and size in mm, the font (a key of `[fonts]`), its size and the
/// smallest size the text may shrink to before rendering fails.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextBox {
    /// Static text (only for `texts` entries; labels and values get theirs from the field).
    pub text: Option<String>,
    pub x_mm: f32,
    pub y_mm: f32,
    pub w_mm: f32,
    pub h_mm: f32,
    pub font: String,
    pub size_pt: f32,
    pub min_size_pt: Option<f32>,
    #[serde(default = "default_text_color")]
    pub color: Color,
    #[serde(default)]
    pub align: Align,
    /// Wrap at spaces onto further lines inside the box (else one line that only shrinks).
    #[serde(default)]
    pub wrap: bool,
    #[serde(default)]
    pub uppercase: bool,
    /// Baseline-to-baseline distance as a multiple of the font size.
    #[serde(default = "default_line_height")]
    pub line_height: f32,
}

fn default_text_color() -> Color {
    Color([0x1a, 0x1a, 0x1a])
}
fn default_line_height() -> f32 {
    1.15
}

impl TextBox {
    pub fn min_size(&self) -> f32 {
        self.min_size_pt.unwrap_or(self.size_pt)
    }
}

/// What a field prints from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    IdNumber,
    OldIdNumber,
    FullName,
    DateOfBirth,
    Sex,
    Nationality,
    Ethnicity,
    Religion,
    PlaceOfOrigin,
    PlaceOfResidence,
    IdentifyingFeatures,
    DateOfIssue,
    DateOfExpiry,
    FatherName,
    MotherName,
    SpouseName,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::IdNumber => "id_number",
            Source::OldIdNumber => "old_id_number",
            Source::FullName => "full_name",
            Source::DateOfBirth => "date_of_birth",
            Source::Sex => "sex",
            Source::Nationality => "nationality",
            Source::Ethnicity => "ethnicity",
            Source::Religion => "religion",
            Source::PlaceOfOrigin => "place_of_origin",
            Source::PlaceOfResidence => "place_of_residence",
            Source::IdentifyingFeatures => "identifying_features",
            Source::DateOfIssue => "date_of_issue",
            Source::DateOfExpiry => "date_of_expiry",
            Source::FatherName => "father_name",
            Source::MotherName => "mother_name",
            Source::SpouseName => "spouse_name",
        }
    }
}

/// A record field: bilingual label and the value box.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub source: Source,
    pub label_vi: String,
    pub label_en: String,
    /// Where the label `"{vi} / {en}:"` goes; absent when the design prints no label.
    pub label: Option<TextBox>,
    pub value: TextBox,
}

/// Vector artwork the project draws itself (no official artwork is copied).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Shape {
    /// A rectangle, optionally with rounded corners and a vertical gradient to `fill_to`.
    Rect {
        x_mm: f32,
        y_mm: f32,
        w_mm: f32,
        h_mm: f32,
        #[serde(default)]
        radius_mm: f32,
        fill: Option<Color>,
        fill_to: Option<Color>,
        stroke: Option<Color>,
        #[serde(default = "default_stroke")]
        stroke_mm: f32,
    },
    Circle {
        cx_mm: f32,
        cy_mm: f32,
        r_mm: f32,
        fill: Option<Color>,
        stroke: Option<Color>,
        #[serde(default = "default_stroke")]
        stroke_mm: f32,
    },
    /// An open polyline through `points` ([x, y] in mm).
    Line {
        points: Vec<[f32; 2]>,
        stroke: Color,
        #[serde(default = "default_stroke")]
        stroke_mm: f32,
    },
    Polygon {
        points: Vec<[f32; 2]>,
        fill: Option<Color>,
        stroke: Option<Color>,
        #[serde(default = "default_stroke")]
        stroke_mm: f32,
    },
    Star {
        cx_mm: f32,
        cy_mm: f32,
        r_mm: f32,
        inner_r_mm: f32,
        #[serde(default = "default_star_points")]
        points: u32,
        fill: Color,
    },
    /// Interleaved sine waves across a box: the fine line background of security printing.
    Waves {
        x_mm: f32,
        y_mm: f32,
        w_mm: f32,
        h_mm: f32,
        lines: u32,
        amplitude_mm: f32,
        period_mm: f32,
        /// Phase shift from one line to the next, in degrees.
        phase_step_deg: f32,
        stroke: Color,
        #[serde(default = "default_fine_stroke")]
        stroke_mm: f32,
    },
    /// A guilloche rosette: closed curves r(θ) = r + a·sin(k·θ + i·phase) around a centre.
    Rosette {
        cx_mm: f32,
        cy_mm: f32,
        r_mm: f32,
        amplitude_mm: f32,
        lobes: u32,
        lines: u32,
        phase_step_deg: f32,
        stroke: Color,
        #[serde(default = "default_fine_stroke")]
        stroke_mm: f32,
    },
}

fn default_stroke() -> f32 {
    0.2
}
fn default_fine_stroke() -> f32 {
    0.08
}
fn default_star_points() -> u32 {
    5
}

/// The photo zone. The image is scaled to cover the box and centred: cropped, never stretched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoBox {
    pub x_mm: f32,
    pub y_mm: f32,
    pub w_mm: f32,
    pub h_mm: f32,
    /// Holders younger than this at the date of issue get a card without photo (2024 law).
    pub omit_under_age: Option<u32>,
    pub border: Option<Color>,
}

/// The QR zone (a square, quiet zone included); the payload format follows the record's card
/// generation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrBox {
    pub x_mm: f32,
    pub y_mm: f32,
    pub size_mm: f32,
}

/// The TD1 machine readable zone: three lines of 30 OCR-B characters at a fixed pitch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MrzZone {
    pub font: String,
    /// Left edge of the first character cell.
    pub left_mm: f32,
    /// Distance of line 3's centre line from the card's bottom edge.
    pub line3_center_from_bottom_mm: f32,
    /// Centre-to-centre distance of the lines.
    pub line_pitch_mm: f32,
    /// Character pitch (2.54 mm = 10 characters per inch).
    pub char_pitch_mm: f32,
    /// Height of a capital letter (OCR-B size 1).
    pub cap_height_mm: f32,
    #[serde(default = "default_mrz_color")]
    pub color: Color,
    /// Light band behind the zone (keeps the OCR reading area clear of background printing).
    pub clear_band: Option<Color>,
}

fn default_mrz_color() -> Color {
    Color::BLACK
}

/// One side of the card. Draw order: background, shapes, static texts and field labels, photo,
/// QR code, field values, MRZ.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub background: Option<Color>,
    #[serde(default)]
    pub shapes: Vec<Shape>,
    #[serde(default)]
    pub texts: Vec<TextBox>,
    #[serde(default)]
    pub fields: Vec<Field>,
    pub photo: Option<PhotoBox>,
    pub qr: Option<QrBox>,
    pub mrz: Option<MrzZone>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSpec {
    pub name: String,
    pub generation: CardGeneration,
    pub width_mm: f32,
    pub height_mm: f32,
    pub corner_radius_mm: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    card: CardSpec,
    fonts: BTreeMap<String, FontSpec>,
    front: Side,
    back: Side,
}

/// A loaded and validated card template.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template folder (font files and assets are relative to it).
    pub dir: PathBuf,
    pub card: CardSpec,
    pub fonts: BTreeMap<String, FontSpec>,
    pub front: Side,
    pub back: Side,
}

/// ISO/IEC 7810 ID-1.
const ID1_W: f32 = 85.60;
const ID1_H: f32 = 53.98;

impl Template {
    /// Reads `DIR/template.toml` and validates it.
    pub fn load(dir: &Path) -> Result<Template, PrintError> {
        let path = dir.join("template.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| PrintError::TemplateRead {
            path: path.clone(),
            source,
        })?;
        Template::from_toml(dir, &text)
    }

    /// Parses and validates template text; `dir` resolves relative font files.
    pub fn from_toml(dir: &Path, text: &str) -> Result<Template, PrintError> {
        let path = dir.join("template.toml");
        let file: TemplateFile = toml::from_str(text).map_err(|e| PrintError::TemplateSyntax {
            path: path.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let t = Template {
            dir: dir.to_path_buf(),
            card: file.card,
            fonts: file.fonts,
            front: file.front,
            back: file.back,
        };
        t.validate(&path)?;
        Ok(t)
    }

    pub fn generation_name(&self) -> &'static str {
        generation_name(self.card.generation)
    }

    fn validate(&self, path: &Path) -> Result<(), PrintError> {
        let bad = |element: &str, reason: String| PrintError::TemplateInvalid {
            path: path.to_path_buf(),
            element: element.to_string(),
            reason,
        };
        let c = &self.card;
        if (c.width_mm - ID1_W).abs() > 0.01 || (c.height_mm - ID1_H).abs() > 0.01 {
            return Err(bad(
                "card",
                format!(
                    "size {} × {} mm is not ID-1 ({ID1_W} × {ID1_H} mm)",
                    c.width_mm, c.height_mm
                ),
            ));
        }
        if !(0.0..=c.height_mm / 2.0).contains(&c.corner_radius_mm) {
            return Err(bad(
                "card.corner_radius_mm",
                format!("{} mm is out of range", c.corner_radius_mm),
            ));
        }
        for (name, f) in &self.fonts {
            if f.family.trim().is_empty() && f.file.is_none() {
                return Err(bad(
                    &format!("fonts.{name}"),
                    "needs a family or a file".into(),
                ));
            }
        }
        for (side_name, side) in [("front", &self.front), ("back", &self.back)] {
            self.validate_side(side_name, side, &bad)?;
        }
        Ok(())
    }

    fn validate_side(
        &self,
        side_name: &str,
        side: &Side,
        bad: &dyn Fn(&str, String) -> PrintError,
    ) -> Result<(), PrintError> {
        let (cw, ch) = (self.card.width_mm, self.card.height_mm);
        let inside = |x: f32, y: f32, w: f32, h: f32| {
            [x, y, w, h].iter().all(|v| v.is_finite())
                && w > 0.0
                && h > 0.0
                && x >= -0.001
                && y >= -0.001
                && x + w <= cw + 0.001
                && y + h <= ch + 0.001
        };
        let check_text = |element: &str, tb: &TextBox| -> Result<(), PrintError> {
            if !inside(tb.x_mm, tb.y_mm, tb.w_mm, tb.h_mm) {
                return Err(bad(
                    element,
                    format!(
                        "box ({}, {}) {} × {} mm leaves the {cw} × {ch} mm card",
                        tb.x_mm, tb.y_mm, tb.w_mm, tb.h_mm
                    ),
                ));
            }
            if !self.fonts.contains_key(&tb.font) {
                return Err(bad(
                    element,
                    format!("font {:?} is not defined in [fonts]", tb.font),
                ));
            }
            if !(tb.size_pt > 0.0 && tb.size_pt <= 72.0) {
                return Err(bad(
                    element,
                    format!("size_pt {} is out of range", tb.size_pt),
                ));
            }
            if !(tb.min_size() > 0.0 && tb.min_size() <= tb.size_pt) {
                return Err(bad(
                    element,
                    format!("min_size_pt {} must be in (0, size_pt]", tb.min_size()),
                ));
            }
            if !(0.8..=3.0).contains(&tb.line_height) {
                return Err(bad(
                    element,
                    format!("line_height {} is out of range", tb.line_height),
                ));
            }
            Ok(())
        };
        for (i, t) in side.texts.iter().enumerate() {
            let el = format!("{side_name}.texts[{i}]");
            match &t.text {
                Some(s) if !s.trim().is_empty() => {}
                _ => return Err(bad(&el, "needs a non-empty `text`".into())),
            }
            check_text(&el, t)?;
        }
        for (i, f) in side.fields.iter().enumerate() {
            let el = format!("{side_name}.fields[{i}] ({})", f.source.name());
            if f.label_vi.trim().is_empty() || f.label_en.trim().is_empty() {
                return Err(bad(&el, "needs both label_vi and label_en".into()));
            }
            if let Some(l) = &f.label {
                if l.text.is_some() {
                    return Err(bad(
                        &el,
                        "label box takes its text from label_vi/label_en".into(),
                    ));
                }
                check_text(&format!("{el} label"), l)?;
            }
            if f.value.text.is_some() {
                return Err(bad(&el, "value box takes its text from the record".into()));
            }
            check_text(&format!("{el} value"), &f.value)?;
        }
        for (i, s) in side.shapes.iter().enumerate() {
            let el = format!("{side_name}.shapes[{i}]");
            validate_shape(s).map_err(|r| bad(&el, r))?;
        }
        if let Some(p) = &side.photo
            && !inside(p.x_mm, p.y_mm, p.w_mm, p.h_mm)
        {
            return Err(bad(
                &format!("{side_name}.photo"),
                "box leaves the card".into(),
            ));
        }
        if let Some(q) = &side.qr {
            if !inside(q.x_mm, q.y_mm, q.size_mm, q.size_mm) {
                return Err(bad(
                    &format!("{side_name}.qr"),
                    "box leaves the card".into(),
                ));
            }
            if q.size_mm < 8.0 {
                return Err(bad(
                    &format!("{side_name}.qr"),
                    format!("{} mm is too small for a readable code", q.size_mm),
                ));
            }
        }
        if let Some(m) = &side.mrz {
            let el = format!("{side_name}.mrz");
            if !self.fonts.contains_key(&m.font) {
                return Err(bad(
                    &el,
                    format!("font {:?} is not defined in [fonts]", m.font),
                ));
            }
            let right = m.left_mm + 30.0 * m.char_pitch_mm;
            let top = ch - m.line3_center_from_bottom_mm - 2.0 * m.line_pitch_mm - m.cap_height_mm;
            let bottom = ch - m.line3_center_from_bottom_mm + m.cap_height_mm;
            let sane = [
                m.left_mm,
                m.line3_center_from_bottom_mm,
                m.line_pitch_mm,
                m.char_pitch_mm,
            ]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
                && m.cap_height_mm > 0.5
                && m.cap_height_mm < m.line_pitch_mm;
            if !sane || right > cw || top < 0.0 || bottom > ch {
                return Err(bad(
                    &el,
                    "three lines of 30 characters do not fit on the card".into(),
                ));
            }
        }
        Ok(())
    }
}

pub fn generation_name(g: CardGeneration) -> &'static str {
    match g {
        CardGeneration::Cccd2021 => "cccd-2021",
        CardGeneration::Cancuoc2024 => "cancuoc-2024",
    }
}

fn validate_shape(s: &Shape) -> Result<(), String> {
    let finite = |vals: &[f32]| vals.iter().all(|v| v.is_finite());
    let ok = match s {
        Shape::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            radius_mm,
            fill,
            stroke,
            stroke_mm,
            ..
        } => {
            if fill.is_none() && stroke.is_none() {
                return Err("needs a fill or a stroke".into());
            }
            finite(&[*x_mm, *y_mm, *w_mm, *h_mm, *radius_mm, *stroke_mm])
                && *w_mm > 0.0
                && *h_mm > 0.0
                && *radius_mm >= 0.0
                && *radius_mm <= w_mm.min(*h_mm) / 2.0
        }
        Shape::Circle {
            cx_mm,
            cy_mm,
            r_mm,
            fill,
            stroke,
            stroke_mm,
        } => {
            if fill.is_none() && stroke.is_none() {
                return Err("needs a fill or a stroke".into());
            }
            finite(&[*cx_mm, *cy_mm, *r_mm, *stroke_mm]) && *r_mm > 0.0
        }
        Shape::Line {
            points, stroke_mm, ..
        } => points.len() >= 2 && points.iter().all(|p| finite(p)) && *stroke_mm > 0.0,
        Shape::Polygon {
            points,
            fill,
            stroke,
            ..
        } => {
            if fill.is_none() && stroke.is_none() {
                return Err("needs a fill or a stroke".into());
            }
            points.len() >= 3 && points.iter().all(|p| finite(p))
        }
        Shape::Star {
            cx_mm,
            cy_mm,
            r_mm,
            inner_r_mm,
            points,
            ..
        } => {
            finite(&[*cx_mm, *cy_mm, *r_mm, *inner_r_mm])
                && *r_mm > 0.0
                && *inner_r_mm > 0.0
                && (3..=64).contains(points)
        }
        Shape::Waves {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            lines,
            amplitude_mm,
            period_mm,
            phase_step_deg,
            stroke_mm,
            ..
        } => {
            finite(&[
                *x_mm,
                *y_mm,
                *w_mm,
                *h_mm,
                *amplitude_mm,
                *period_mm,
                *phase_step_deg,
            ]) && *w_mm > 0.0
                && *h_mm > 0.0
                && *period_mm > 0.5
                && (1..=400).contains(lines)
                && *stroke_mm > 0.0
        }
        Shape::Rosette {
            cx_mm,
            cy_mm,
            r_mm,
            amplitude_mm,
            lobes,
            lines,
            phase_step_deg,
            stroke_mm,
            ..
        } => {
            finite(&[*cx_mm, *cy_mm, *r_mm, *amplitude_mm, *phase_step_deg])
                && *r_mm > 0.0
                && (1..=200).contains(lobes)
                && (1..=200).contains(lines)
                && *stroke_mm > 0.0
        }
    };
    if ok {
        Ok(())
    } else {
        Err("has missing, negative or out-of-range dimensions".into())
    }
}
