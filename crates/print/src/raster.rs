//! The PNG sides: marks, images and text painted with `tiny-skia`.
//!
//! Shapes are filled and stroked by tiny-skia (strokes are turned into outlines first and then
//! filled, so lines thinner than a pixel keep their true width as coverage instead of becoming
//! hairlines). Glyphs are rasterized by `ab_glyph`, which computes exact area coverage from the
//! same outlines and metrics the layout used; each covered pixel moves towards the text colour
//! by its coverage. (Compositing that coverage through a tiny-skia mask instead cost a fifth
//! more instructions per card for the same pixels.)
//!
//! Two ways in, for speed: preparing a template paints the side's artwork on one [`Canvas`]
//! (a full pixmap, converted to RGB once), while text and everything record-dependent is
//! drawn on the RGB side through [`RgbSide`], which lifts only the pixels a shape touches (the
//! QR zone, the photo frame, a corner) into a small pixmap and writes them back. A card's
//! record-dependent drawing covers a small part of the side, so this costs far less than
//! converting the whole side twice per card.
//!
//! Everything drawn is opaque over an opaque background, so the premultiplied pixels are the
//! final colours and converting to RGB only drops the alpha byte.

use crate::fonts::FontSet;
use crate::shapes::{MITER_LIMIT, Mark, Paint, stroke_style};
use crate::template::Color;
use crate::text::{MM_PER_PT, TextRun};
use ab_glyph::{Font, OutlinedGlyph, PxScale, point};
use image::RgbImage;
use tiny_skia::{
    FillRule, GradientStop, IntRect, IntSize, LinearGradient, Path, PathBuilder, Pixmap, Rect,
    Shader, SpreadMode, Transform,
};

fn sk(c: Color) -> tiny_skia::Color {
    let [r, g, b] = c.0;
    tiny_skia::Color::from_rgba8(r, g, b, 255)
}

fn solid(c: Color, anti_alias: bool) -> tiny_skia::Paint<'static> {
    tiny_skia::Paint {
        shader: Shader::SolidColor(sk(c)),
        anti_alias,
        ..tiny_skia::Paint::default()
    }
}

/// A pixmap covering the device pixels from `origin` on.
pub struct Canvas {
    pub pixmap: Pixmap,
    pub px_per_mm: f32,
    origin: (i32, i32),
}

impl Canvas {
    /// A whole side of `width` × `height` px filled with `bg`; `None` for a zero or absurd
    /// size.
    pub fn new(width: u32, height: u32, px_per_mm: f32, bg: Color) -> Option<Canvas> {
        let mut pixmap = Pixmap::new(width, height)?;
        pixmap.fill(sk(bg));
        Some(Canvas {
            pixmap,
            px_per_mm,
            origin: (0, 0),
        })
    }

    /// Device pixels to this pixmap's pixels.
    fn px(&self) -> Transform {
        Transform::from_translate(-self.origin.0 as f32, -self.origin.1 as f32)
    }

    /// Millimetres to this pixmap's pixels.
    fn mm(&self) -> Transform {
        Transform::from_scale(self.px_per_mm, self.px_per_mm)
            .post_translate(-self.origin.0 as f32, -self.origin.1 as f32)
    }

    /// Paints one mark (geometry in millimetres).
    pub fn paint(&mut self, mark: &Mark) {
        let ts = self.mm();
        match mark.paint {
            Paint::Fill(c) => {
                self.pixmap
                    .fill_path(&mark.path, &solid(c, true), FillRule::Winding, ts, None);
            }
            Paint::Gradient {
                top,
                bottom,
                y0_mm,
                y1_mm,
            } => {
                let Some(shader) = LinearGradient::new(
                    tiny_skia::Point::from_xy(0.0, y0_mm),
                    tiny_skia::Point::from_xy(0.0, y1_mm),
                    vec![
                        GradientStop::new(0.0, sk(top)),
                        GradientStop::new(1.0, sk(bottom)),
                    ],
                    SpreadMode::Pad,
                    Transform::identity(),
                ) else {
                    return;
                };
                let paint = tiny_skia::Paint {
                    shader,
                    ..tiny_skia::Paint::default()
                };
                self.pixmap
                    .fill_path(&mark.path, &paint, FillRule::Winding, ts, None);
            }
            Paint::Stroke {
                color,
                width_mm,
                cap,
            } => {
                // The outline in mm, flattened finely enough for the output resolution.
                if let Some(outline) = mark
                    .path
                    .stroke(&stroke_style(width_mm, cap), self.px_per_mm)
                {
                    self.pixmap.fill_path(
                        &outline,
                        &solid(color, true),
                        FillRule::Winding,
                        ts,
                        None,
                    );
                }
            }
        }
    }

    /// Fills rectangles given in device pixels without anti-aliasing: for shapes on whole
    /// pixels (the QR modules), which must stay crisp. One path, so one fill.
    pub fn fill_px_crisp(&mut self, rects: &[Rect], color: Color) {
        let mut pb = PathBuilder::new();
        for r in rects {
            pb.push_rect(*r);
        }
        if let Some(path) = pb.finish() {
            let ts = self.px();
            self.pixmap
                .fill_path(&path, &solid(color, false), FillRule::Winding, ts, None);
        }
    }

    /// Paints the die-cut corners (the pieces of the card rectangle outside its rounded
    /// outline, in mm) white. One fill per corner keeps each fill's work to its corner.
    pub fn cut_corners(&mut self, corners: &[Path]) {
        let ts = self.mm();
        for c in corners {
            self.pixmap
                .fill_path(c, &solid(Color::WHITE, true), FillRule::Winding, ts, None);
        }
    }

    /// The whole canvas as RGB.
    pub fn to_rgb(&self) -> RgbImage {
        let (w, h) = (self.pixmap.width(), self.pixmap.height());
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        for (d, s) in rgb
            .chunks_exact_mut(3)
            .zip(self.pixmap.data().chunks_exact(4))
        {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
        RgbImage::from_raw(w, h, rgb).expect("pixmap size matches its data")
    }
}

/// The run's glyphs outlined at their device pixel positions (whitespace has no outline).
fn outline_run(fonts: &FontSet, run: &TextRun, px_per_mm: f32) -> Vec<OutlinedGlyph> {
    let f = fonts.get(run.font);
    let em_px = run.size_pt * MM_PER_PT * px_per_mm;
    // ab_glyph scales by the font's height (ascent − descent), not by the em.
    let scale = PxScale::from(em_px * f.font.height_unscaled() / f.units_per_em);
    let base_y = run.baseline_mm * px_per_mm;
    run.glyphs
        .iter()
        .filter(|g| !g.ch.is_whitespace())
        .filter_map(|g| {
            let x = (run.x_mm + g.dx_mm) * px_per_mm;
            f.font
                .outline_glyph(g.id.with_scale_and_position(scale, point(x, base_y)))
        })
        .collect()
}

/// An RGB side that text and record-dependent shapes are added to, region by region.
pub struct RgbSide {
    pub img: RgbImage,
    pub px_per_mm: f32,
}

impl RgbSide {
    /// Runs `draw` on a canvas holding the side's pixels inside `area` (device pixels,
    /// clipped to the side) and writes them back.
    fn edit(&mut self, area: IntRect, draw: impl FnOnce(&mut Canvas)) {
        let (w, h) = self.img.dimensions();
        let Some(a) = IntRect::from_xywh(0, 0, w, h).and_then(|all| area.intersect(&all)) else {
            return;
        };
        // Built row by row from the RGB pixels (no zeroed buffer to overwrite).
        let (x0, aw) = (a.x() as usize, a.width() as usize);
        let raw = self.img.as_raw();
        let mut data = Vec::with_capacity(aw * a.height() as usize * 4);
        for row in 0..a.height() as usize {
            let start = ((a.y() as usize + row) * w as usize + x0) * 3;
            for s in raw[start..start + aw * 3].chunks_exact(3) {
                data.extend_from_slice(&[s[0], s[1], s[2], 255]);
            }
        }
        let Some(pixmap) =
            IntSize::from_wh(a.width(), a.height()).and_then(|size| Pixmap::from_vec(data, size))
        else {
            return;
        };
        let mut canvas = Canvas {
            pixmap,
            px_per_mm: self.px_per_mm,
            origin: (a.x(), a.y()),
        };
        draw(&mut canvas);
        let img = &mut self.img;
        for (row, src) in canvas.pixmap.data().chunks_exact(aw * 4).enumerate() {
            let start = ((a.y() as usize + row) * w as usize + x0) * 3;
            let dst = &mut img.as_mut()[start..start + aw * 3];
            for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(4)) {
                d[0] = s[0];
                d[1] = s[1];
                d[2] = s[2];
            }
        }
    }

    /// The device pixels a path in mm touches, with `pad_mm` of room for strokes and a pixel
    /// for anti-aliasing.
    fn area_mm(&self, path: &Path, pad_mm: f32) -> Option<IntRect> {
        let b = path.bounds();
        let s = self.px_per_mm;
        let (x0, y0) = ((b.left() - pad_mm) * s - 1.0, (b.top() - pad_mm) * s - 1.0);
        let (x1, y1) = (
            (b.right() + pad_mm) * s + 1.0,
            (b.bottom() + pad_mm) * s + 1.0,
        );
        IntRect::from_ltrb(
            x0.floor() as i32,
            y0.floor() as i32,
            x1.ceil() as i32,
            y1.ceil() as i32,
        )
    }

    /// Paints one mark (geometry in millimetres).
    pub fn paint(&mut self, mark: &Mark) {
        let pad = match mark.paint {
            // A mitre reaches out at most MITER_LIMIT half-widths.
            Paint::Stroke { width_mm, .. } => width_mm / 2.0 * MITER_LIMIT,
            _ => 0.0,
        };
        if let Some(area) = self.area_mm(&mark.path, pad) {
            self.edit(area, |c| c.paint(mark));
        }
    }

    /// Places an opaque image with its top-left corner at pixel (`x`, `y`), pixel for pixel:
    /// an opaque image on whole pixels replaces what is under it, so this is a copy.
    pub fn place_image(&mut self, img: &RgbImage, x: i64, y: i64) {
        image::imageops::replace(&mut self.img, img, x, y);
    }

    /// Fills layers of rectangles in device pixels, in order, without anti-aliasing (see
    /// [`Canvas::fill_px_crisp`]), in one region.
    pub fn fill_px_crisp(&mut self, layers: &[(&[Rect], Color)]) {
        let Some(area) = layers
            .iter()
            .flat_map(|(rects, _)| rects.iter())
            .filter_map(|r| r.round_out())
            .reduce(|a, b| {
                IntRect::from_ltrb(
                    a.left().min(b.left()),
                    a.top().min(b.top()),
                    a.right().max(b.right()),
                    a.bottom().max(b.bottom()),
                )
                .unwrap_or(a)
            })
        else {
            return;
        };
        self.edit(area, |c| {
            for (rects, color) in layers {
                c.fill_px_crisp(rects, *color);
            }
        });
    }

    /// Draws text runs (positions in mm) with their fonts.
    pub fn draw_runs(&mut self, fonts: &FontSet, runs: &[TextRun]) {
        let (w, h) = (self.img.width() as i32, self.img.height() as i32);
        for run in runs {
            let glyphs = outline_run(fonts, run, self.px_per_mm);
            let c = run.color.0;
            for og in &glyphs {
                let pb = og.px_bounds();
                let (bx, by) = (pb.min.x as i32, pb.min.y as i32);
                let img = &mut self.img;
                og.draw(|gx, gy, a| {
                    let (x, y) = (bx + gx as i32, by + gy as i32);
                    if a > 0.002 && x >= 0 && y >= 0 && x < w && y < h {
                        let p = img.get_pixel_mut(x as u32, y as u32);
                        let a = a.min(1.0);
                        for (ch, &t) in p.0.iter_mut().zip(c.iter()) {
                            *ch = (*ch as f32 + (t as f32 - *ch as f32) * a + 0.5) as u8;
                        }
                    }
                });
            }
        }
    }

    /// Paints the die-cut corners white (see [`Canvas::cut_corners`]), each in its own box.
    pub fn cut_corners(&mut self, corners: &[Path]) {
        for c in corners {
            if let Some(area) = self.area_mm(c, 0.0) {
                self.edit(area, |canvas| canvas.cut_corners(std::slice::from_ref(c)));
            }
        }
    }
}
