//! The portrait: decoded, scaled to cover its box and centred. The box is filled completely and
//! the excess is cropped evenly from both sides, so a face is never stretched or squeezed.

use crate::error::PrintError;
use citizen::{Photo, PhotoFormat};
use image::RgbImage;
use image::imageops::FilterType;

/// Decodes `photo` and returns an image of exactly `w` × `h` px.
pub fn cover(id: &str, photo: &Photo, w: u32, h: u32) -> Result<RgbImage, PrintError> {
    let unusable = |reason: String| PrintError::PhotoUnusable {
        id: id.to_string(),
        path: photo.path.clone(),
        reason,
    };
    let img = match photo.format {
        PhotoFormat::Jpeg => {
            image::load_from_memory_with_format(&photo.bytes, image::ImageFormat::Jpeg)
                .map_err(|e| unusable(format!("cannot decode JPEG: {e}")))?
        }
        PhotoFormat::Jpeg2000 => {
            return Err(unusable(
                "JPEG 2000 photos cannot be printed (no decoder in this build); supply a JPEG for the card print".into(),
            ));
        }
    };
    let img = img.to_rgb8();
    let (iw, ih) = img.dimensions();
    if iw == 0 || ih == 0 || w == 0 || h == 0 {
        return Err(unusable(format!("empty image ({iw} × {ih} px)")));
    }
    // Largest centred crop with the box's aspect ratio.
    let box_ratio = w as f64 / h as f64;
    let (cw, ch) = if iw as f64 / ih as f64 > box_ratio {
        (((ih as f64 * box_ratio).round() as u32).clamp(1, iw), ih)
    } else {
        (iw, ((iw as f64 / box_ratio).round() as u32).clamp(1, ih))
    };
    let (cx, cy) = ((iw - cw) / 2, (ih - ch) / 2);
    let cropped = image::imageops::crop_imm(&img, cx, cy, cw, ch).to_image();
    Ok(image::imageops::resize(
        &cropped,
        w,
        h,
        FilterType::Triangle,
    ))
}
