//! Template shapes turned into filled contours (millimetres) and drawn on a canvas.

use crate::raster::{Canvas, Pt, circle, rounded_rect, stroke};
use crate::template::Shape;

/// Draws one shape. `seg` is pixels per mm, used to pick how finely curves are flattened.
pub fn draw(canvas: &mut Canvas, shape: &Shape) {
    let seg = canvas.px_per_mm;
    match shape {
        Shape::Rect {
            x_mm,
            y_mm,
            w_mm,
            h_mm,
            radius_mm,
            fill,
            fill_to,
            stroke: st,
            stroke_mm,
        } => {
            if let Some(f) = fill {
                canvas.fill_mm(
                    &[rounded_rect(*x_mm, *y_mm, *w_mm, *h_mm, *radius_mm, seg)],
                    *f,
                    *fill_to,
                );
            }
            if let Some(s) = st {
                let hw = stroke_mm / 2.0;
                let outer = rounded_rect(
                    x_mm - hw,
                    y_mm - hw,
                    w_mm + 2.0 * hw,
                    h_mm + 2.0 * hw,
                    radius_mm + hw,
                    seg,
                );
                let mut inner = rounded_rect(
                    x_mm + hw,
                    y_mm + hw,
                    (w_mm - 2.0 * hw).max(0.0),
                    (h_mm - 2.0 * hw).max(0.0),
                    (radius_mm - hw).max(0.0),
                    seg,
                );
                inner.reverse();
                canvas.fill_mm(&[outer, inner], *s, None);
            }
        }
        Shape::Circle {
            cx_mm,
            cy_mm,
            r_mm,
            fill,
            stroke: st,
            stroke_mm,
        } => {
            if let Some(f) = fill {
                canvas.fill_mm(&[circle(*cx_mm, *cy_mm, *r_mm, seg)], *f, None);
            }
            if let Some(s) = st {
                canvas.fill_mm(&ring(*cx_mm, *cy_mm, *r_mm, *stroke_mm, seg), *s, None);
            }
        }
        Shape::Line {
            points,
            stroke: s,
            stroke_mm,
        } => {
            let pts: Vec<Pt> = points.iter().map(|p| (p[0], p[1])).collect();
            canvas.fill_mm(&stroke(&pts, *stroke_mm, false), *s, None);
        }
        Shape::Polygon {
            points,
            fill,
            stroke: st,
            stroke_mm,
        } => {
            let pts: Vec<Pt> = points.iter().map(|p| (p[0], p[1])).collect();
            if let Some(f) = fill {
                canvas.fill_mm(std::slice::from_ref(&pts), *f, None);
            }
            if let Some(s) = st {
                canvas.fill_mm(&stroke(&pts, *stroke_mm, true), *s, None);
            }
        }
        Shape::Star {
            cx_mm,
            cy_mm,
            r_mm,
            inner_r_mm,
            points,
            fill,
        } => {
            let n = *points as usize * 2;
            let pts: Vec<Pt> = (0..n)
                .map(|i| {
                    let r = if i % 2 == 0 { *r_mm } else { *inner_r_mm };
                    // First point straight up.
                    let t =
                        std::f32::consts::TAU * i as f32 / n as f32 - std::f32::consts::FRAC_PI_2;
                    (cx_mm + r * t.cos(), cy_mm + r * t.sin())
                })
                .collect();
            canvas.fill_mm(&[pts], *fill, None);
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
            let mut contours = Vec::new();
            let spacing = if *lines > 1 {
                h_mm / (*lines - 1) as f32
            } else {
                0.0
            };
            let steps = ((w_mm / period_mm) * 24.0).ceil().max(8.0) as usize;
            for i in 0..*lines {
                let phase = (phase_step_deg * i as f32).to_radians();
                let y0 = y_mm + spacing * i as f32;
                let pts: Vec<Pt> = (0..=steps)
                    .map(|k| {
                        let x = x_mm + w_mm * k as f32 / steps as f32;
                        let t = std::f32::consts::TAU * (x - x_mm) / period_mm + phase;
                        // Two harmonics give the woven look of a guilloche band.
                        (
                            x,
                            y0 + amplitude_mm * (t.sin() + 0.35 * (2.0 * t + phase).sin()),
                        )
                    })
                    .collect();
                contours.extend(stroke(&pts, *stroke_mm, false));
            }
            canvas.fill_mm(&contours, *s, None);
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
            let mut contours = Vec::new();
            let steps = (*lobes as usize * 16).max(96);
            for i in 0..*lines {
                let phase = (phase_step_deg * i as f32).to_radians();
                let pts: Vec<Pt> = (0..steps)
                    .map(|k| {
                        let t = std::f32::consts::TAU * k as f32 / steps as f32;
                        let r = r_mm + amplitude_mm * (*lobes as f32 * t + phase).sin();
                        (cx_mm + r * t.cos(), cy_mm + r * t.sin())
                    })
                    .collect();
                contours.extend(stroke(&pts, *stroke_mm, true));
            }
            canvas.fill_mm(&contours, *s, None);
        }
    }
}

/// A circle outline of width `w`: the outer disc plus the reversed inner disc (a hole).
fn ring(cx: f32, cy: f32, r: f32, w: f32, seg: f32) -> Vec<Vec<Pt>> {
    let outer = circle(cx, cy, r + w / 2.0, seg);
    let mut inner = circle(cx, cy, (r - w / 2.0).max(0.0), seg);
    inner.reverse();
    vec![outer, inner]
}
