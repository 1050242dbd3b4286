//! Font files: resolved by family name and weight under the system font folders (Debian's
//! fonts-noto-core, fonts-dejavu-core, fonts-ocr-b), loaded once per renderer.
//!
//! The lookup is deliberately small: file names of these packages follow
//! `<Family without spaces>[-<Style>].ttf|otf` (`NotoSans-Bold.ttf`, `DejaVuSans.ttf`,
//! `OCRB.otf`), so matching the normalized stem is exact and needs no fontconfig.

use crate::error::PrintError;
use crate::template::{FontSpec, Weight};
use ab_glyph::{Font, FontArc, GlyphId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The folders searched, unless `CCCD_FONT_DIRS` (colon-separated) says otherwise.
const DEFAULT_DIRS: &[&str] = &["/usr/share/fonts", "/usr/local/share/fonts"];

/// A loaded font file, parsed twice over the same bytes: by `ab_glyph` for layout metrics and
/// the raster glyphs, and by `krilla` for the PDF (which subsets it per document).
#[derive(Clone)]
pub struct LoadedFont {
    /// The template's name for it (`text`, `bold`, `mrz`, …).
    pub key: String,
    pub path: PathBuf,
    pub font: FontArc,
    /// The same file for the PDF; cheap to clone, parsed once per renderer.
    pub pdf: krilla::text::Font,
    pub units_per_em: f32,
}

impl std::fmt::Debug for LoadedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedFont")
            .field("key", &self.key)
            .field("path", &self.path)
            .finish()
    }
}

impl LoadedFont {
    pub fn load(key: &str, path: &Path) -> Result<LoadedFont, PrintError> {
        let unusable = |reason: String| PrintError::FontUnusable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = Arc::new(std::fs::read(path).map_err(|e| unusable(e.to_string()))?);
        let font =
            FontArc::try_from_vec(bytes.as_ref().clone()).map_err(|e| unusable(e.to_string()))?;
        let units_per_em = font
            .units_per_em()
            .filter(|u| *u > 0.0)
            .ok_or_else(|| unusable("no units per em".into()))?;
        // Checked here rather than at the first PDF, so a font the PDF cannot carry fails
        // when the template is loaded.
        let pdf = krilla::text::Font::new(krilla::Data::from(bytes), 0)
            .ok_or_else(|| unusable("cannot be embedded in a PDF".into()))?;
        Ok(LoadedFont {
            key: key.to_string(),
            path: path.to_path_buf(),
            font,
            pdf,
            units_per_em,
        })
    }

    /// Advance of a glyph in em units (1.0 = the font size).
    pub fn advance_em(&self, id: GlyphId) -> f32 {
        self.font.h_advance_unscaled(id) / self.units_per_em
    }

    pub fn ascent_em(&self) -> f32 {
        self.font.ascent_unscaled() / self.units_per_em
    }

    /// Descent in em units (negative, below the baseline).
    pub fn descent_em(&self) -> f32 {
        self.font.descent_unscaled() / self.units_per_em
    }

    /// Height of a capital `H` in em units (for centring MRZ characters on their line).
    pub fn cap_height_em(&self) -> f32 {
        let id = self.font.glyph_id('H');
        match self.font.outline(id) {
            // ab_glyph reports outline bounds with y pointing down (min.y is the top).
            Some(o) => (o.bounds.min.y - o.bounds.max.y).abs() / self.units_per_em,
            None => 0.7,
        }
    }
}

/// Every font of a template, by the template's key.
#[derive(Debug, Clone)]
pub struct FontSet {
    pub fonts: Vec<LoadedFont>,
    by_key: BTreeMap<String, usize>,
}

impl FontSet {
    pub fn load(
        template_dir: &Path,
        specs: &BTreeMap<String, FontSpec>,
    ) -> Result<FontSet, PrintError> {
        let dirs = search_dirs();
        let files = list_font_files(&dirs);
        let mut fonts = Vec::new();
        let mut by_key = BTreeMap::new();
        for (key, spec) in specs {
            let path = match &spec.file {
                Some(f) => template_dir.join(f),
                None => find_family(&files, &spec.family, spec.weight).ok_or_else(|| {
                    PrintError::FontNotFound {
                        family: spec.family.clone(),
                        weight: spec.weight.as_str().into(),
                        searched: dirs
                            .iter()
                            .map(|d| d.display().to_string())
                            .collect::<Vec<_>>()
                            .join(":"),
                    }
                })?,
            };
            by_key.insert(key.clone(), fonts.len());
            fonts.push(LoadedFont::load(key, &path)?);
        }
        Ok(FontSet { fonts, by_key })
    }

    /// Index of a font key; template validation guarantees every referenced key exists.
    pub fn index(&self, key: &str) -> usize {
        self.by_key.get(key).copied().unwrap_or(0)
    }

    pub fn get(&self, idx: usize) -> &LoadedFont {
        &self.fonts[idx]
    }
}

fn search_dirs() -> Vec<PathBuf> {
    match std::env::var_os("CCCD_FONT_DIRS") {
        Some(v) if !v.is_empty() => std::env::split_paths(&v).collect(),
        _ => DEFAULT_DIRS.iter().map(PathBuf::from).collect(),
    }
}

fn list_font_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension()
                    .and_then(|e| e.to_str())
                    .map(|e| e.to_ascii_lowercase())
                    .as_deref(),
                Some("ttf" | "otf")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn find_family(files: &[PathBuf], family: &str, weight: Weight) -> Option<PathBuf> {
    let fam = normalize(family);
    let wanted: Vec<String> = match weight {
        Weight::Regular => vec![fam.clone(), format!("{fam}regular"), format!("{fam}book")],
        Weight::Bold => vec![format!("{fam}bold")],
    };
    for w in &wanted {
        if let Some(p) = files.iter().find(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| normalize(s) == *w)
        }) {
            return Some(p.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_match_debian_file_names() {
        let files: Vec<PathBuf> = [
            "/f/noto/NotoSans-Regular.ttf",
            "/f/noto/NotoSans-Bold.ttf",
            "/f/noto/NotoSansMono-Bold.ttf",
            "/f/dejavu/DejaVuSans.ttf",
            "/f/ocr-b/OCRB.otf",
            "/f/ocr-b/OCRBL.otf",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let f = |fam, w| find_family(&files, fam, w).map(|p| p.display().to_string());
        assert_eq!(
            f("Noto Sans", Weight::Regular).unwrap(),
            "/f/noto/NotoSans-Regular.ttf"
        );
        assert_eq!(
            f("Noto Sans", Weight::Bold).unwrap(),
            "/f/noto/NotoSans-Bold.ttf"
        );
        assert_eq!(
            f("DejaVu Sans", Weight::Regular).unwrap(),
            "/f/dejavu/DejaVuSans.ttf"
        );
        assert_eq!(f("OCR B", Weight::Regular).unwrap(), "/f/ocr-b/OCRB.otf");
        assert_eq!(f("DejaVu Sans", Weight::Bold), None);
    }
}
