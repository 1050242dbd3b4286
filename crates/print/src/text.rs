//! Text layout in millimetres, independent of the output resolution: NFC normalization, glyph
//! lookup, greedy wrapping at spaces, shrinking down to the box's minimum size. Text that still
//! does not fit is an error naming the field: nothing is ever cut silently.
//!
//! `ab_glyph` does no shaping or mark positioning, so text is NFC-normalized first: every
//! Vietnamese letter has a precomposed code point and draws as one glyph. Layout uses the
//! fonts' advance widths without kerning, which is exactly what the PDF text layer reproduces.

use crate::error::PrintError;
use crate::fonts::FontSet;
use crate::template::{Align, Color, TextBox};
use ab_glyph::{Font, GlyphId};
use unicode_normalization::UnicodeNormalization;

pub const MM_PER_PT: f32 = 25.4 / 72.0;
/// Shrinking steps: fine enough that a field does not drop a whole point when half would do.
const SHRINK_STEP_PT: f32 = 0.25;

/// One glyph on a line: its id, the character it shows, and its offset from the line start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    pub ch: char,
    pub dx_mm: f32,
}

/// One line of text, positioned on the card.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Index of the font among the template's `[fonts]` (in key order) as the renderer loaded
    /// them.
    pub font: usize,
    pub size_pt: f32,
    pub color: Color,
    pub x_mm: f32,
    pub baseline_mm: f32,
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the whole line.
    pub width_mm: f32,
    /// The NFC text of the line (for the PDF text layer and for tests).
    pub text: String,
}

/// NFC-normalizes (and optionally uppercases) text before it is measured or drawn.
pub fn normalize(text: &str, uppercase: bool) -> String {
    let nfc: String = text.nfc().collect();
    if uppercase {
        nfc.to_uppercase().nfc().collect()
    } else {
        nfc
    }
}

/// Lays out `text` inside `tb`, shrinking from `size_pt` to `min_size_pt` as needed.
pub fn fit(
    fonts: &FontSet,
    field: &str,
    text: &str,
    tb: &TextBox,
) -> Result<Vec<TextRun>, PrintError> {
    let text = normalize(text, tb.uppercase);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let font_idx = fonts.index(&tb.font);
    let font = fonts.get(font_idx);
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        if font.font.glyph_id(ch).0 == 0 {
            return Err(PrintError::GlyphMissing {
                field: field.to_string(),
                ch,
                code: ch as u32,
                font: format!("{} ({})", tb.font, font.path.display()),
            });
        }
    }
    let width_em = |s: &str| -> f32 {
        s.chars()
            .map(|c| font.advance_em(font.font.glyph_id(c)))
            .sum()
    };
    let word_w: Vec<f32> = words.iter().map(|w| width_em(w)).collect();
    let space_w = width_em(" ");
    let (asc, desc) = (font.ascent_em(), font.descent_em());

    let mut size = tb.size_pt;
    loop {
        let size_mm = size * MM_PER_PT;
        let max_w = tb.w_mm / size_mm + 1e-4;
        let lines = if tb.wrap {
            wrap(&word_w, space_w, max_w)
        } else {
            vec![(0, words.len())]
        };
        let line_width = |&(a, b): &(usize, usize)| -> f32 {
            word_w[a..b].iter().sum::<f32>() + space_w * (b - a - 1) as f32
        };
        let fits_w = lines.iter().all(|l| line_width(l) <= max_w);
        let height_mm =
            (asc - desc) * size_mm + (lines.len() - 1) as f32 * tb.line_height * size_mm;
        if fits_w && height_mm <= tb.h_mm + 1e-3 {
            let mut runs = Vec::with_capacity(lines.len());
            for (i, l) in lines.iter().enumerate() {
                let line_text = words[l.0..l.1].join(" ");
                let w_mm = line_width(l) * size_mm;
                let x_mm = match tb.align {
                    Align::Left => tb.x_mm,
                    Align::Center => tb.x_mm + (tb.w_mm - w_mm) / 2.0,
                    Align::Right => tb.x_mm + tb.w_mm - w_mm,
                };
                let mut dx = 0.0;
                let glyphs = line_text
                    .chars()
                    .map(|ch| {
                        let id = font.font.glyph_id(ch);
                        let g = PlacedGlyph { id, ch, dx_mm: dx };
                        dx += font.advance_em(id) * size_mm;
                        g
                    })
                    .collect();
                runs.push(TextRun {
                    font: font_idx,
                    size_pt: size,
                    color: tb.color,
                    x_mm,
                    baseline_mm: tb.y_mm + asc * size_mm + i as f32 * tb.line_height * size_mm,
                    glyphs,
                    width_mm: w_mm,
                    text: line_text,
                });
            }
            return Ok(runs);
        }
        if size <= tb.min_size() + 1e-4 {
            return Err(PrintError::TextDoesNotFit {
                field: field.to_string(),
                text,
                width_mm: tb.w_mm,
                height_mm: tb.h_mm,
                min_size_pt: tb.min_size(),
            });
        }
        size = (size - SHRINK_STEP_PT).max(tb.min_size());
    }
}

/// Greedy line breaking: word ranges `[a, b)` per line. A word wider than the line stays alone
/// on its line (the caller then shrinks or fails).
fn wrap(word_w: &[f32], space_w: f32, max_w: f32) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut w = word_w[0];
    for (i, ww) in word_w.iter().enumerate().skip(1) {
        if w + space_w + ww <= max_w {
            w += space_w + ww;
        } else {
            lines.push((start, i));
            start = i;
            w = *ww;
        }
    }
    lines.push((start, word_w.len()));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323}";
        assert_eq!(normalize(nfd, false), "Nguyễn Thị");
        assert_eq!(normalize(nfd, true), "NGUYỄN THỊ");
    }

    #[test]
    fn greedy_wrap_keeps_words_whole() {
        assert_eq!(wrap(&[3.0, 3.0, 3.0], 1.0, 7.0), vec![(0, 2), (2, 3)]);
        assert_eq!(wrap(&[9.0, 1.0], 1.0, 5.0), vec![(0, 1), (1, 2)]);
        assert_eq!(wrap(&[1.0], 1.0, 5.0), vec![(0, 1)]);
    }
}
