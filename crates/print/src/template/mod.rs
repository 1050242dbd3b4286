//! Card templates as data: one `template.toml` per design folder.
//!
//! Everything a card design needs lives in the file: card size and corner radius, background
//! shapes (rectangles, circles, polygons, stars, guilloche line patterns), static bilingual
//! texts, record fields with their label and value boxes, the photo, QR and MRZ zones. All
//! positions are millimetres from the card's top-left corner. Loading validates the whole file
//! and reports the first problem with the element that has it, e.g.
//! `front.fields[3] (place_of_residence) value: box … leaves the card`. The types live here,
//! the checks in [`validate`].

mod validate;

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
}

pub fn generation_name(g: CardGeneration) -> &'static str {
    match g {
        CardGeneration::Cccd2021 => "cccd-2021",
        CardGeneration::Cancuoc2024 => "cancuoc-2024",
    }
}
