//! The one error type of the crate: every variant names what failed (template file, element,
//! record field, font, output file) so an operator can act on it without reading code.

use std::path::PathBuf;

/// Everything that can go wrong between a template folder and the written card files.
///
/// Non-exhaustive so that a new failure mode (a new output format, a new check) is not a
/// breaking change for the callers, which match on a few variants and print the rest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    #[error("template {path}: cannot read: {source}")]
    TemplateRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {path}: {message}")]
    TemplateSyntax { path: PathBuf, message: String },
    #[error("template {path}: {element}: {reason}")]
    TemplateInvalid {
        path: PathBuf,
        element: String,
        reason: String,
    },
    #[error("font {family} ({weight}): no matching file under {searched}")]
    FontNotFound {
        family: String,
        weight: String,
        searched: String,
    },
    #[error("font file {path}: {reason}")]
    FontUnusable { path: PathBuf, reason: String },
    #[error("field {field}: the character {ch:?} (U+{code:04X}) has no glyph in font {font}")]
    GlyphMissing {
        field: String,
        ch: char,
        code: u32,
        font: String,
    },
    #[error(
        "field {field}: text does not fit its {width_mm} × {height_mm} mm box even at the minimum size {min_size_pt} pt: {text:?}"
    )]
    TextDoesNotFit {
        field: String,
        text: String,
        width_mm: f32,
        height_mm: f32,
        min_size_pt: f32,
    },
    #[error(
        "record {id}: card generation {record} does not match template {template} ({template_generation})"
    )]
    GenerationMismatch {
        id: String,
        record: String,
        template: String,
        template_generation: String,
    },
    #[error(
        "record {id}: the card needs a photo (holder aged {age} at issue) but the record has none"
    )]
    MissingPhoto { id: String, age: u32 },
    #[error("record {id}: photo {path}: {reason}")]
    PhotoUnusable {
        id: String,
        path: PathBuf,
        reason: String,
    },
    #[error("record {id}: QR code: {reason}")]
    Qr { id: String, reason: String },
    #[error("record {id}: MRZ: {reason}")]
    Mrz { id: String, reason: String },
    #[error("resolution {dpi} dpi is outside the supported range 72..=1200")]
    BadDpi { dpi: u32 },
    /// The PDF library refused the card (a font it cannot embed, a PDF/A rule broken): a
    /// fault of the template's fonts or of this crate, never of the record.
    #[error("PDF: {reason}")]
    Pdf { reason: String },
    #[error("{path}: cannot write: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl PrintError {
    /// True when the record (not the template, fonts or output place) is what cannot be
    /// printed: the CLI exits 1 for these and 2 for the rest.
    pub fn is_record_error(&self) -> bool {
        matches!(
            self,
            PrintError::GlyphMissing { .. }
                | PrintError::TextDoesNotFit { .. }
                | PrintError::GenerationMismatch { .. }
                | PrintError::MissingPhoto { .. }
                | PrintError::PhotoUnusable { .. }
                | PrintError::Qr { .. }
                | PrintError::Mrz { .. }
        )
    }
}
