//! Anti-aliased drawing on an RGB canvas: filled contours (shapes, strokes as outlines) through
//! `ab_glyph_rasterizer`'s coverage accumulator, and glyphs through `ab_glyph`.
//!
//! The accumulator sums signed areas, so contours of the same orientation add up (clamped to
//! full coverage) and a reversed inner contour cuts a hole: rings and frames need no
//! special case.

use crate::fonts::FontSet;
use crate::template::Color;
use crate::text::{MM_PER_PT, TextRun};
use ab_glyph::{Font, PxScale, point};
use ab_glyph_rasterizer::Rasterizer;
use image::RgbImage;

pub type Pt = (f32, f32);

pub struct Canvas {
    pub img: RgbImage,
    pub px_per_mm: f32,
}

impl Canvas {
    pub fn new(width: u32, height: u32, px_per_mm: f32, bg: Color) -> Canvas {
        Canvas {
            img: RgbImage::from_pixel(width, height, image::Rgb(bg.0)),
            px_per_mm,
        }
    }

    #[inline]
    fn blend(&mut self, x: i64, y: i64, c: [u8; 3], alpha: f32) {
        if x < 0 || y < 0 || x >= self.img.width() as i64 || y >= self.img.height() as i64 {
            return;
        }
        let a = alpha.clamp(0.0, 1.0);
        if a <= 0.002 {
            return;
        }
        let p = self.img.get_pixel_mut(x as u32, y as u32);
        for (ch, &target) in p.0.iter_mut().zip(c.iter()) {
            *ch = (*ch as f32 + (target as f32 - *ch as f32) * a + 0.5) as u8;
        }
    }

    /// Fills closed contours given in millimetres with a colour, or a vertical gradient from
    /// `top` to `bottom` over the contours' extent.
    pub fn fill_mm(&mut self, contours: &[Vec<Pt>], top: Color, bottom: Option<Color>) {
        let s = self.px_per_mm;
        let px: Vec<Vec<Pt>> = contours
            .iter()
            .map(|c| c.iter().map(|&(x, y)| (x * s, y * s)).collect())
            .collect();
        self.fill_px(&px, top, bottom);
    }

    fn fill_px(&mut self, contours: &[Vec<Pt>], top: Color, bottom: Option<Color>) {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in contours.iter().flatten() {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if x0 > x1 || y0 > y1 {
            return;
        }
        // Keep the work area bounded even for shapes far outside the card.
        let (cw, ch) = (self.img.width() as f32, self.img.height() as f32);
        let ox = x0.floor().max(-cw) - 1.0;
        let oy = y0.floor().max(-ch) - 1.0;
        let w = ((x1.min(2.0 * cw) - ox).ceil() + 2.0).max(1.0) as usize;
        let h = ((y1.min(2.0 * ch) - oy).ceil() + 2.0).max(1.0) as usize;
        let mut r = Rasterizer::new(w, h);
        for c in contours {
            for i in 0..c.len() {
                let (a, b) = (c[i], c[(i + 1) % c.len()]);
                r.draw_line(point(a.0 - ox, a.1 - oy), point(b.0 - ox, b.1 - oy));
            }
        }
        let (ext_top, ext_h) = (y0, (y1 - y0).max(1.0));
        let (ox, oy) = (ox as i64, oy as i64);
        r.for_each_pixel_2d(|x, y, a| {
            if a > 0.002 {
                let c = match bottom {
                    None => top.0,
                    Some(b) => {
                        let t = (((oy + y as i64) as f32 - ext_top) / ext_h).clamp(0.0, 1.0);
                        lerp(top.0, b.0, t)
                    }
                };
                self.blend(ox + x as i64, oy + y as i64, c, a.min(1.0));
            }
        });
    }

    /// Draws text runs (positions in mm) with their fonts.
    pub fn draw_runs(&mut self, fonts: &FontSet, runs: &[TextRun]) {
        for run in runs {
            let f = fonts.get(run.font);
            let em_px = run.size_pt * MM_PER_PT * self.px_per_mm;
            let scale = PxScale::from(em_px * f.font.height_unscaled() / f.units_per_em);
            let base_y = run.baseline_mm * self.px_per_mm;
            for g in &run.glyphs {
                if g.ch.is_whitespace() {
                    continue;
                }
                let x = (run.x_mm + g.dx_mm) * self.px_per_mm;
                let glyph = g.id.with_scale_and_position(scale, point(x, base_y));
                if let Some(og) = f.font.outline_glyph(glyph) {
                    let b = og.px_bounds();
                    let (bx, by) = (b.min.x as i64, b.min.y as i64);
                    let color = run.color.0;
                    og.draw(|gx, gy, a| self.blend(bx + gx as i64, by + gy as i64, color, a));
                }
            }
        }
    }

    /// Paints everything outside the rounded card outline white (the die-cut corners).
    pub fn cut_corners(&mut self, radius_mm: f32) {
        let (w, h) = (self.img.width() as f32, self.img.height() as f32);
        let r = radius_mm * self.px_per_mm;
        if r < 0.5 {
            return;
        }
        // Each corner: the square r × r minus the quarter disc (a reversed arc cuts it out).
        let n = arc_segments(r);
        let corners = [
            (0.0, 0.0, r, r, 180.0),
            (w, 0.0, w - r, r, 270.0),
            (w, h, w - r, h - r, 0.0),
            (0.0, h, r, h - r, 90.0),
        ];
        for (cx, cy, ax, ay, start) in corners {
            let mut c = vec![(cx, cy)];
            for i in 0..=n {
                let t = (start + 90.0 * i as f32 / n as f32).to_radians();
                c.push((ax + r * t.cos(), ay + r * t.sin()));
            }
            self.fill_px(&[c], Color::WHITE, None);
        }
    }
}

fn lerp(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    std::array::from_fn(|i| (a[i] as f32 + (b[i] as f32 - a[i] as f32) * t + 0.5) as u8)
}

/// Segments for a quarter arc of radius `r` (px-ish units) so the chord error stays sub-pixel.
pub fn arc_segments(r: f32) -> usize {
    ((r.abs().sqrt() * 2.0) as usize).clamp(4, 64)
}

/// A rectangle with rounded corners, clockwise in screen coordinates (y down).
pub fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32, seg_scale: f32) -> Vec<Pt> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.0 {
        return vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
    }
    let n = arc_segments(r * seg_scale);
    let mut pts = Vec::with_capacity(4 * (n + 1));
    let centers = [
        (x + w - r, y + r, -90.0),
        (x + w - r, y + h - r, 0.0),
        (x + r, y + h - r, 90.0),
        (x + r, y + r, 180.0),
    ];
    for (cx, cy, start) in centers {
        for i in 0..=n {
            let t = (start + 90.0 * i as f32 / n as f32).to_radians();
            pts.push((cx + r * t.cos(), cy + r * t.sin()));
        }
    }
    pts
}

/// A circle as a polygon, clockwise in screen coordinates.
pub fn circle(cx: f32, cy: f32, r: f32, seg_scale: f32) -> Vec<Pt> {
    let n = arc_segments(r * seg_scale) * 4;
    (0..n)
        .map(|i| {
            let t = std::f32::consts::TAU * i as f32 / n as f32;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect()
}

/// The outline of a stroked polyline: one quad per segment, all of the same orientation so
/// overlaps add up instead of cancelling. `closed` adds the segment back to the start.
pub fn stroke(points: &[Pt], width: f32, closed: bool) -> Vec<Vec<Pt>> {
    let hw = width / 2.0;
    let mut out = Vec::with_capacity(points.len());
    let n = points.len();
    let segs = if closed { n } else { n.saturating_sub(1) };
    for i in 0..segs {
        let (a, b) = (points[i], points[(i + 1) % n]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len <= f32::EPSILON {
            continue;
        }
        // Extend each segment by half the width so joints have no notches.
        let (ux, uy) = (dx / len * hw, dy / len * hw);
        let (nx, ny) = (-uy, ux);
        let (a, b) = ((a.0 - ux, a.1 - uy), (b.0 + ux, b.1 + uy));
        out.push(vec![
            (a.0 + nx, a.1 + ny),
            (b.0 + nx, b.1 + ny),
            (b.0 - nx, b.1 - ny),
            (a.0 - nx, a.1 - ny),
        ]);
    }
    out
}
