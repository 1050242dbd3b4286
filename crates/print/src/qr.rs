//! The QR code: the payload of the card generation (see `citizen`), error correction level M,
//! drawn with its 4-module quiet zone on whole device pixels so every module is crisp. The PNG
//! fills the module rectangles without anti-aliasing; the PDF draws the same rectangles as
//! one vector path.

use crate::error::PrintError;
use citizen::Record;
use qrcode::{EcLevel, QrCode};

/// Modules of a code plus its placement in pixels.
#[derive(Debug, Clone)]
pub struct QrLayout {
    /// Dark modules, row-major, `width` × `width`.
    pub dark: Vec<bool>,
    pub width: usize,
    pub module_px: u32,
    /// Top-left of the first module (inside the quiet zone), in px.
    pub x_px: u32,
    pub y_px: u32,
    /// The whole zone (quiet zone included), in px.
    pub zone: (u32, u32, u32),
}

pub const QUIET_ZONE: usize = 4;

/// Encodes `payload` and fits it, quiet zone included, in the square zone at (`x`, `y`) of
/// `size` px.
pub fn layout(id: &str, payload: &str, x: u32, y: u32, size: u32) -> Result<QrLayout, PrintError> {
    let code =
        QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|e| {
            PrintError::Qr {
                id: id.to_string(),
                reason: format!("cannot encode {} bytes: {e}", payload.len()),
            }
        })?;
    let width = code.width();
    let total = (width + 2 * QUIET_ZONE) as u32;
    let module_px = size / total;
    if module_px < 2 {
        return Err(PrintError::Qr {
            id: id.to_string(),
            reason: format!(
                "{width} modules need at least {} px, the zone has {size} px at this resolution",
                total * 2
            ),
        });
    }
    let offset = (size - module_px * total) / 2 + module_px * QUIET_ZONE as u32;
    Ok(QrLayout {
        dark: code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect(),
        width,
        module_px,
        x_px: x + offset,
        y_px: y + offset,
        zone: (x, y, size),
    })
}

impl QrLayout {
    /// The dark modules as rectangles in device pixels, one per horizontal run of dark
    /// modules: fewer shapes to fill, a smaller PDF, and no seams between modules.
    pub(crate) fn dark_rects(&self) -> Vec<tiny_skia::Rect> {
        let m = self.module_px as f32;
        let mut rects = Vec::new();
        for (row, cells) in self.dark.chunks(self.width.max(1)).enumerate() {
            let y = self.y_px as f32 + row as f32 * m;
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                let x = self.x_px as f32 + start as f32 * m;
                rects.extend(tiny_skia::Rect::from_xywh(
                    x,
                    y,
                    (col - start) as f32 * m,
                    m,
                ));
            }
        }
        rects
    }

    /// The whole zone, quiet zone included, in device pixels.
    pub(crate) fn zone_rect(&self) -> Option<tiny_skia::Rect> {
        let (x, y, s) = self.zone;
        tiny_skia::Rect::from_xywh(x as f32, y as f32, s as f32, s as f32)
    }
}

/// The QR payload of the card generation (the rules live in `citizen`).
pub fn payload_for(record: &Record) -> String {
    citizen::qr_payload(record)
}
