//! The vector artwork of a side: template shapes turned into paths in millimetres, each with
//! its paint. The same marks are painted twice: by `tiny-skia` into the PNG sides (see
//! [`crate::raster`]) and by `krilla` into the PDF pages as vectors (see [`crate::pdf`]), so
//! both outputs show one drawing.
//!
//! Curves the template defines by a formula (guilloche waves and rosettes) are sampled into
//! polylines here, once, so both outputs share the exact points; circles and rounded corners
//! stay true curves.

use crate::template::{Color, MrzZone, Shape, Side};
use tiny_skia::{LineCap, LineJoin, Path, PathBuilder};

/// How a mark is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    Fill(Color),
    /// A vertical gradient from `top` at `y0_mm` to `bottom` at `y1_mm`.
    Gradient {
        top: Color,
        bottom: Color,
        y0_mm: f32,
        y1_mm: f32,
    },
    /// A stroke centred on the path. Open paths get square caps (the line runs half the width
    /// past its end points, as the designs were drawn), corners get mitre joins.
    Stroke {
        color: Color,
        width_mm: f32,
        cap: LineCap,
    },
}

/// One painted path, in millimetres from the card's top-left corner.
#[derive(Debug, Clone)]
pub struct Mark {
    pub path: Path,
    pub paint: Paint,
}

/// Mitre joins up to this length ratio, bevels beyond: right angles (ratio √2) stay square, as
/// the chip contacts and frames are drawn, while the sharp turns of the zigzag signature get
/// flat tips instead of long spikes (PDF's default of 10 would spike).
pub const MITER_LIMIT: f32 = 2.0;

/// The record-independent drawing of one side.
#[derive(Debug, Clone)]
pub struct SideArt {
    pub background: Color,
    /// Template shapes in draw order, then the MRZ clear band if any.
    pub marks: Vec<Mark>,
    /// The photo frame, drawn over the photo when the card has one.
    pub photo_border: Option<Mark>,
    /// The die-cut outline of the card (a rounded rectangle).
    pub outline: Path,
}

impl SideArt {
    pub fn new(side: &Side, width_mm: f32, height_mm: f32, corner_radius_mm: f32) -> SideArt {
        let mut marks: Vec<Mark> = side.shapes.iter().flat_map(marks).collect();
        if let Some(m) = &side.mrz
            && let Some(band) = m.clear_band
        {
            let top = mrz_top(m, height_mm);
            marks.extend(
                rect_path(0.0, top, width_mm, height_mm - top).map(|path| Mark {
                    path,
                    paint: Paint::Fill(band),
                }),
            );
        }
        let photo_border = side.photo.as_ref().and_then(|p| {
            let color = p.border?;
            Some(Mark {
                path: rounded_rect(p.x_mm, p.y_mm, p.w_mm, p.h_mm, 0.0)?,
                paint: Paint::Stroke {
                    color,
                    width_mm: 0.15,
                    cap: LineCap::Butt,
                },
            })
        });
        let outline = rounded_rect(0.0, 0.0, width_mm, height_mm, corner_radius_mm)
            .expect("template validation keeps the card size positive");
        SideArt {
            background: side.background.unwrap_or(Color::WHITE),
            marks,
            photo_border,
            outline,
        }
    }
}

/// Top edge of the MRZ reading area: a cap height above the first line's centre line.
fn mrz_top(m: &MrzZone, height_mm: f32) -> f32 {
    height_mm - m.line3_center_from_bottom_mm - 2.0 * m.line_pitch_mm - m.cap_height_mm
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<Path> {
    Some(PathBuilder::from_rect(tiny_skia::Rect::from_xywh(
        x, y, w, h,
    )?))
}

/// A rectangle with corners rounded by `r` (clamped to half the shorter side).
pub fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<Path> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.0 {
        return rect_path(x, y, w, h);
    }
    // Control point distance of a cubic Bézier quarter circle.
    let k = r * 0.552_284_8;
    let (x1, y1) = (x + w, y + h);
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x1 - r, y);
    pb.cubic_to(x1 - r + k, y, x1, y + r - k, x1, y + r);
    pb.line_to(x1, y1 - r);
    pb.cubic_to(x1, y1 - r + k, x1 - r + k, y1, x1 - r, y1);
    pb.line_to(x + r, y1);
    pb.cubic_to(x + r - k, y1, x, y1 - r + k, x, y1 - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

/// The four pieces of a `w` × `h` rectangle outside its rounded outline of radius `r`: what the
/// die cut removes, painted white on the PNG sides. Empty for square corners.
pub fn corners(w: f32, h: f32, r: f32) -> Vec<Path> {
    let r = r.min(w / 2.0).min(h / 2.0);
    if r <= 0.0 {
        return Vec::new();
    }
    let k = r * 0.552_284_8;
    // Each piece: the corner, along one edge to where the arc starts, the arc, back.
    [
        (0.0, 0.0, 1.0, 1.0),
        (w, 0.0, -1.0, 1.0),
        (w, h, -1.0, -1.0),
        (0.0, h, 1.0, -1.0),
    ]
    .into_iter()
    .filter_map(|(cx, cy, sx, sy)| {
        let mut pb = PathBuilder::new();
        pb.move_to(cx, cy);
        pb.line_to(cx + sx * r, cy);
        pb.cubic_to(
            cx + sx * (r - k),
            cy,
            cx,
            cy + sy * (r - k),
            cx,
            cy + sy * r,
        );
        pb.close();
        pb.finish()
    })
    .collect()
}

fn polyline(points: impl IntoIterator<Item = (f32, f32)>, closed: bool) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in points.into_iter().enumerate() {
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

fn fill(path: Option<Path>, color: Option<Color>) -> Option<Mark> {
    Some(Mark {
        path: path?,
        paint: Paint::Fill(color?),
    })
}

fn stroke(path: Option<Path>, color: Option<Color>, width_mm: f32, cap: LineCap) -> Option<Mark> {
    Some(Mark {
        path: path?,
        paint: Paint::Stroke {
            color: color?,
            width_mm,
            cap,
        },
    })
}

/// The marks of one template shape (a fill and/or a stroke), in draw order.
pub fn marks(shape: &Shape) -> Vec<Mark> {
    let pts = |points: &[[f32; 2]]| points.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>();
    match shape {
        Shape::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            radius_mm,
            fill: f,
            fill_to,
            stroke: st,
            stroke_mm,
        } => {
            let path = || rounded_rect(*x_mm, *y_mm, *w_mm, *h_mm, *radius_mm);
            let fill_mark = match (f, fill_to) {
                (Some(top), Some(bottom)) => path().map(|path| Mark {
                    path,
                    paint: Paint::Gradient {
                        top: *top,
                        bottom: *bottom,
                        y0_mm: *y_mm,
                        y1_mm: y_mm + h_mm,
                    },
                }),
                _ => fill(path(), *f),
            };
            [fill_mark, stroke(path(), *st, *stroke_mm, LineCap::Butt)]
                .into_iter()
                .flatten()
                .collect()
        }
        Shape::Circle {
            cx_mm,
            cy_mm,
            r_mm,
            fill: f,
            stroke: st,
            stroke_mm,
        } => {
            let path = || PathBuilder::from_circle(*cx_mm, *cy_mm, *r_mm);
            [
                fill(path(), *f),
                stroke(path(), *st, *stroke_mm, LineCap::Butt),
            ]
            .into_iter()
            .flatten()
            .collect()
        }
        Shape::Line {
            points,
            stroke: s,
            stroke_mm,
        } => stroke(
            polyline(pts(points), false),
            Some(*s),
            *stroke_mm,
            LineCap::Square,
        )
        .into_iter()
        .collect(),
        Shape::Polygon {
            points,
            fill: f,
            stroke: st,
            stroke_mm,
        } => {
            let path = || polyline(pts(points), true);
            [
                fill(path(), *f),
                stroke(path(), *st, *stroke_mm, LineCap::Butt),
            ]
            .into_iter()
            .flatten()
            .collect()
        }
        Shape::Star {
            cx_mm,
            cy_mm,
            r_mm,
            inner_r_mm,
            points,
            fill: f,
        } => {
            let n = *points as usize * 2;
            let corners = (0..n).map(|i| {
                let r = if i % 2 == 0 { *r_mm } else { *inner_r_mm };
                // First point straight up.
                let t = std::f32::consts::TAU * i as f32 / n as f32 - std::f32::consts::FRAC_PI_2;
                (cx_mm + r * t.cos(), cy_mm + r * t.sin())
            });
            fill(polyline(corners, true), Some(*f))
                .into_iter()
                .collect()
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
            stroke: s,
            stroke_mm,
        } => {
            let spacing = if *lines > 1 {
                h_mm / (*lines - 1) as f32
            } else {
                0.0
            };
            let steps = ((w_mm / period_mm) * 24.0).ceil().max(8.0) as usize;
            let mut pb = PathBuilder::new();
            for i in 0..*lines {
                let phase = (phase_step_deg * i as f32).to_radians();
                let y0 = y_mm + spacing * i as f32;
                for k in 0..=steps {
                    let x = x_mm + w_mm * k as f32 / steps as f32;
                    let t = std::f32::consts::TAU * (x - x_mm) / period_mm + phase;
                    // Two harmonics give the woven look of a guilloche band.
                    let y = y0 + amplitude_mm * (t.sin() + 0.35 * (2.0 * t + phase).sin());
                    if k == 0 {
                        pb.move_to(x, y);
                    } else {
                        pb.line_to(x, y);
                    }
                }
            }
            stroke(pb.finish(), Some(*s), *stroke_mm, LineCap::Square)
                .into_iter()
                .collect()
        }
        Shape::Rosette {
            cx_mm,
            cy_mm,
            r_mm,
            amplitude_mm,
            lobes,
            lines,
            phase_step_deg,
            stroke: s,
            stroke_mm,
        } => {
            let steps = (*lobes as usize * 16).max(96);
            let mut pb = PathBuilder::new();
            for i in 0..*lines {
                let phase = (phase_step_deg * i as f32).to_radians();
                for k in 0..steps {
                    let t = std::f32::consts::TAU * k as f32 / steps as f32;
                    let r = r_mm + amplitude_mm * (*lobes as f32 * t + phase).sin();
                    let (x, y) = (cx_mm + r * t.cos(), cy_mm + r * t.sin());
                    if k == 0 {
                        pb.move_to(x, y);
                    } else {
                        pb.line_to(x, y);
                    }
                }
                pb.close();
            }
            stroke(pb.finish(), Some(*s), *stroke_mm, LineCap::Butt)
                .into_iter()
                .collect()
        }
    }
}

/// The tiny-skia stroke style of a [`Paint::Stroke`], shared by both outputs.
pub fn stroke_style(width_mm: f32, cap: LineCap) -> tiny_skia::Stroke {
    tiny_skia::Stroke {
        width: width_mm,
        miter_limit: MITER_LIMIT,
        line_cap: cap,
        line_join: LineJoin::Miter,
        dash: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_corners_span_the_radius() {
        let p = rounded_rect(1.0, 2.0, 10.0, 6.0, 2.0).unwrap();
        let b = p.bounds();
        assert_eq!(
            (b.left(), b.top(), b.right(), b.bottom()),
            (1.0, 2.0, 11.0, 8.0)
        );
        // A radius larger than half the height is clamped instead of folding the outline.
        let p = rounded_rect(0.0, 0.0, 10.0, 4.0, 9.0).unwrap();
        assert_eq!(p.bounds().height(), 4.0);
    }

    #[test]
    fn corners_stay_inside_the_corner_squares() {
        let c = corners(85.6, 53.98, 3.18);
        assert_eq!(c.len(), 4);
        for p in &c {
            let b = p.bounds();
            assert!((b.width() - 3.18).abs() < 1e-4 && (b.height() - 3.18).abs() < 1e-4);
            let at_x_edge = b.left() == 0.0 || (b.right() - 85.6).abs() < 1e-4;
            let at_y_edge = b.top() == 0.0 || (b.bottom() - 53.98).abs() < 1e-4;
            assert!(at_x_edge && at_y_edge, "{b:?}");
        }
        assert!(corners(10.0, 10.0, 0.0).is_empty());
    }
}
