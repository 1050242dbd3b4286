//! Procedurally drawn portraits: a face-like drawing (shoulders, neck, head, hair, eyes, brows,
//! nose, mouth) with varied skin, hair, clothing and background colours, encoded as JPEG. They
//! look like ID photos at a glance, decode like real ones, and depict nobody.

use super::rng::Rng;
use image::{Rgb, RgbImage};

/// Portrait size in pixels (3:4, the ID photo aspect; above the 19794-5 token minimum 240×320).
pub const WIDTH: u32 = 300;
pub const HEIGHT: u32 = 400;
const QUALITY: u8 = 82;

const SKIN: &[[u8; 3]] = &[
    [241, 205, 170],
    [232, 190, 150],
    [224, 178, 136],
    [205, 155, 115],
    [190, 140, 100],
    [170, 120, 85],
];
const HAIR: &[[u8; 3]] = &[
    [20, 18, 18],
    [35, 28, 25],
    [50, 38, 30],
    [70, 55, 45],
    [150, 150, 150],
];
const BACKGROUND: &[[u8; 3]] = &[
    [250, 250, 250],
    [235, 242, 250],
    [200, 220, 245],
    [180, 205, 235],
    [225, 230, 235],
];
const CLOTHES: &[[u8; 3]] = &[
    [250, 250, 250],
    [30, 40, 70],
    [60, 60, 60],
    [120, 30, 40],
    [40, 80, 60],
    [200, 200, 210],
];

/// Draw and encode one portrait. `female` changes the hair shape; everything else is random.
pub(crate) fn draw(rng: &mut Rng, female: bool) -> Result<Vec<u8>, image::ImageError> {
    let bg = *rng.pick(BACKGROUND);
    let skin = *rng.pick(SKIN);
    let hair = *rng.pick(HAIR);
    let clothes = *rng.pick(CLOTHES);
    let mut img = RgbImage::from_fn(WIDTH, HEIGHT, |_, y| {
        // A faint vertical gradient, like studio lighting.
        let k = y as f32 / HEIGHT as f32;
        Rgb(bg.map(|c| (f32::from(c) * (1.0 - 0.08 * k)) as u8))
    });
    let w = WIDTH as f32;
    let h = HEIGHT as f32;
    let cx = w / 2.0 + rng.range(-8, 8) as f32;
    let head_rx = w * (0.22 + rng.range(0, 4) as f32 / 100.0);
    let head_ry = head_rx * (1.28 + rng.range(0, 10) as f32 / 100.0);
    let head_cy = h * 0.42;

    // Shoulders and clothes, then the neck.
    ellipse(&mut img, cx, h * 1.02, w * 0.52, h * 0.26, clothes);
    ellipse(
        &mut img,
        cx,
        h * 0.86,
        w * 0.11,
        h * 0.06,
        shade(clothes, 0.8),
    );
    rect(
        &mut img,
        cx - head_rx * 0.42,
        head_cy,
        cx + head_rx * 0.42,
        h * 0.84,
        shade(skin, 0.9),
    );
    // Hair behind the head (long for many women).
    if female && rng.chance(70) {
        rect(
            &mut img,
            cx - head_rx * 1.15,
            head_cy - head_ry * 0.2,
            cx + head_rx * 1.15,
            head_cy + head_ry * 1.05,
            hair,
        );
    }
    ellipse(
        &mut img,
        cx,
        head_cy - head_ry * 0.18,
        head_rx * 1.1,
        head_ry * 0.95,
        hair,
    );
    // Ears, head.
    ellipse(
        &mut img,
        cx - head_rx * 0.98,
        head_cy + 4.0,
        head_rx * 0.14,
        head_ry * 0.2,
        shade(skin, 0.93),
    );
    ellipse(
        &mut img,
        cx + head_rx * 0.98,
        head_cy + 4.0,
        head_rx * 0.14,
        head_ry * 0.2,
        shade(skin, 0.93),
    );
    ellipse(
        &mut img,
        cx,
        head_cy + head_ry * 0.08,
        head_rx,
        head_ry * 0.92,
        skin,
    );
    // Fringe: a band of hair over the forehead.
    let fringe = head_cy - head_ry * (0.45 + rng.range(0, 12) as f32 / 100.0);
    ellipse(
        &mut img,
        cx,
        fringe - head_ry * 0.2,
        head_rx * 1.02,
        head_ry * 0.32,
        hair,
    );
    // Eyes, brows.
    let eye_y = head_cy + head_ry * 0.02;
    let eye_dx = head_rx * 0.42;
    for side in [-1.0f32, 1.0] {
        let ex = cx + side * eye_dx;
        ellipse(
            &mut img,
            ex,
            eye_y,
            head_rx * 0.17,
            head_ry * 0.065,
            [245, 245, 240],
        );
        ellipse(
            &mut img,
            ex,
            eye_y,
            head_rx * 0.075,
            head_ry * 0.06,
            [40, 30, 25],
        );
        rect(
            &mut img,
            ex - head_rx * 0.2,
            eye_y - head_ry * 0.17,
            ex + head_rx * 0.2,
            eye_y - head_ry * 0.13,
            shade(hair, 1.1),
        );
    }
    // Nose and mouth.
    let nose_y = head_cy + head_ry * 0.3;
    ellipse(
        &mut img,
        cx,
        nose_y,
        head_rx * 0.1,
        head_ry * 0.06,
        shade(skin, 0.85),
    );
    let mouth = if female {
        [190, 90, 95]
    } else {
        [170, 100, 95]
    };
    ellipse(
        &mut img,
        cx,
        head_cy + head_ry * 0.55,
        head_rx * 0.26,
        head_ry * 0.05,
        mouth,
    );

    let mut out = Vec::with_capacity(16 * 1024);
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    enc.encode_image(&img)?;
    Ok(out)
}

fn shade(c: [u8; 3], k: f32) -> [u8; 3] {
    c.map(|v| (f32::from(v) * k).clamp(0.0, 255.0) as u8)
}

fn ellipse(img: &mut RgbImage, cx: f32, cy: f32, rx: f32, ry: f32, color: [u8; 3]) {
    let (w, h) = img.dimensions();
    let y0 = (cy - ry).floor().max(0.0) as u32;
    let y1 = ((cy + ry).ceil().max(0.0) as u32).min(h);
    let x0 = (cx - rx).floor().max(0.0) as u32;
    let x1 = ((cx + rx).ceil().max(0.0) as u32).min(w);
    for y in y0..y1 {
        for x in x0..x1 {
            let dx = (x as f32 + 0.5 - cx) / rx;
            let dy = (y as f32 + 0.5 - cy) / ry;
            if dx * dx + dy * dy <= 1.0 {
                img.put_pixel(x, y, Rgb(color));
            }
        }
    }
}

fn rect(img: &mut RgbImage, x0: f32, y0: f32, x1: f32, y1: f32, color: [u8; 3]) {
    let (w, h) = img.dimensions();
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    for y in clamp(y0, h)..clamp(y1, h) {
        for x in clamp(x0, w)..clamp(x1, w) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portraits_decode_vary_and_are_small() {
        let mut rng = Rng::new(1);
        let a = draw(&mut rng, false).unwrap();
        let b = draw(&mut rng, true).unwrap();
        assert_ne!(a, b);
        for p in [&a, &b] {
            assert_eq!(&p[..3], &[0xFF, 0xD8, 0xFF], "JPEG magic");
            let img = image::load_from_memory(p).unwrap();
            assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
            assert!(p.len() < 30 * 1024, "{} bytes", p.len());
        }
    }
}
