//! Template validation: the whole file is checked when it is loaded, so a bad design fails
//! before any record is rendered, with the element that has the problem
//! (`front.fields[3] (place_of_residence) value: box … leaves the card`).

use super::{Shape, Side, Template, TextBox};
use crate::error::PrintError;
use std::path::Path;

/// ISO/IEC 7810 ID-1.
const ID1_W: f32 = 85.60;
const ID1_H: f32 = 53.98;

impl Template {
    pub(super) fn validate(&self, path: &Path) -> Result<(), PrintError> {
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
