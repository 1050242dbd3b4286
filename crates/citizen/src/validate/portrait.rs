//! The portrait: whether the card needs one, and the checks of the file (format, header,
//! dimensions, aspect, size) before its bytes go into DG2 and onto the printed card.

use super::Check;
use super::rules::Rules;
use crate::error::RecordError;
use crate::photo::{self, HeaderError};
use crate::record::{CardGeneration, Photo};
use std::path::Path;

/// The record's portrait, read from `base_dir`; absent only on a 2024 card of a young child.
pub(super) fn photo(
    c: &Check,
    value: Option<&str>,
    base_dir: &Path,
    generation: CardGeneration,
    age_at_issue: i32,
) -> Result<Option<Photo>, RecordError> {
    let optional =
        generation == CardGeneration::Cancuoc2024 && age_at_issue < c.rules.no_photo_below_age;
    match value.map(str::trim) {
        None | Some("") if optional => Ok(None),
        None | Some("") => Err(c.bad(
            "photo",
            "photo.missing",
            format!(
                "required ({} card, holder {age_at_issue} at issue)",
                generation.as_str()
            ),
        )),
        Some(p) => load_photo(c.id, &base_dir.join(p), c.rules).map(Some),
    }
}

/// Reads and checks a portrait file.
pub fn load_photo(id: &str, path: &Path, rules: &Rules) -> Result<Photo, RecordError> {
    let bad = |rule, reason: String| RecordError::invalid(id, "photo", rule, reason);
    let bytes =
        std::fs::read(path).map_err(|e| bad("photo.read", format!("{}: {e}", path.display())))?;
    if bytes.len() > rules.photo_max_bytes {
        return Err(bad(
            "photo.size",
            format!(
                "{}: {} bytes, at most {} allowed",
                path.display(),
                bytes.len(),
                rules.photo_max_bytes
            ),
        ));
    }
    let info = photo::inspect(&bytes).map_err(|e| match e {
        HeaderError::NotAPortraitFormat => bad("photo.format", format!("{}: {e}", path.display())),
        HeaderError::Corrupt { .. } => bad("photo.header", format!("{}: {e}", path.display())),
    })?;
    let (w, h) = (info.width, info.height);
    if w < rules.photo_min_width
        || h < rules.photo_min_height
        || w > rules.photo_max_width
        || h > rules.photo_max_height
    {
        return Err(bad(
            "photo.dimensions",
            format!(
                "{}: {w}×{h} pixels, expected {}×{} to {}×{}",
                path.display(),
                rules.photo_min_width,
                rules.photo_min_height,
                rules.photo_max_width,
                rules.photo_max_height
            ),
        ));
    }
    let aspect = h as f32 / w as f32;
    if aspect < rules.photo_min_aspect || aspect > rules.photo_max_aspect {
        return Err(bad(
            "photo.aspect",
            format!(
                "{}: {w}×{h} is not a portrait (height/width {aspect:.2}, expected {}–{})",
                path.display(),
                rules.photo_min_aspect,
                rules.photo_max_aspect
            ),
        ));
    }
    Ok(Photo {
        path: path.to_path_buf(),
        format: info.format,
        width: w,
        height: h,
        bytes,
    })
}
