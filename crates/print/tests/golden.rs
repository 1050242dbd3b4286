//! Golden images: both designs rendered at 300 dpi and compared with committed PNGs, with a
//! tolerance for anti-aliasing differences between font or library versions.
//!
//! Regenerate after an intended change with `scripts/regen-golden.sh` (sets
//! `CCCD_REGEN_GOLDEN=1`), then look at the new PNGs before committing them.

mod common;

use image::RgbImage;
use print::Renderer;
use std::path::PathBuf;

/// A pixel counts as different when a channel moves by more than this.
const PIXEL_THRESHOLD: u8 = 48;
/// At most this share of pixels may differ (0.3 %: a few glyph edges, never a moved field).
const MAX_DIFFERENT_SHARE: f64 = 0.003;
/// Mean absolute difference per channel.
const MAX_MEAN_DIFF: f64 = 1.0;

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"))
}

fn save_best(img: &RgbImage, path: &std::path::Path) {
    use image::ImageEncoder;
    let f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::png::PngEncoder::new_with_quality(
        f,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
}

/// (share of different pixels, mean absolute channel difference)
fn compare(a: &RgbImage, b: &RgbImage) -> (f64, f64) {
    assert_eq!(a.dimensions(), b.dimensions(), "golden size");
    let (mut different, mut sum) = (0u64, 0u64);
    for (p, q) in a.pixels().zip(b.pixels()) {
        let mut max = 0u8;
        for i in 0..3 {
            let d = p.0[i].abs_diff(q.0[i]);
            sum += d as u64;
            max = max.max(d);
        }
        if max > PIXEL_THRESHOLD {
            different += 1;
        }
    }
    let n = (a.width() * a.height()) as f64;
    (different as f64 / n, sum as f64 / (n * 3.0))
}

fn check(name: &str, img: &RgbImage) {
    let path = golden_path(name);
    if std::env::var_os("CCCD_REGEN_GOLDEN").is_some() {
        save_best(img, &path);
        eprintln!("wrote {}", path.display());
        return;
    }
    let golden = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/regen-golden.sh)", path.display()))
        .to_rgb8();
    let (share, mean) = compare(img, &golden);
    if share > MAX_DIFFERENT_SHARE || mean > MAX_MEAN_DIFF {
        let actual = std::env::temp_dir().join(format!("{name}.actual.png"));
        save_best(img, &actual);
        panic!(
            "{name}: {:.3} % of pixels differ (max {:.3} %), mean difference {mean:.3} (max {MAX_MEAN_DIFF}); actual image in {}",
            share * 100.0,
            MAX_DIFFERENT_SHARE * 100.0,
            actual.display()
        );
    }
}

#[test]
fn cccd_2021_matches_its_golden_images() {
    let card = Renderer::load(&common::template_dir("cccd-2021"), 300)
        .unwrap()
        .render(&common::record_2021())
        .unwrap();
    check("cccd-2021-front", &card.front.image);
    check("cccd-2021-back", &card.back.image);
}

#[test]
fn cancuoc_2024_matches_its_golden_images() {
    let r = Renderer::load(&common::template_dir("cancuoc-2024"), 300).unwrap();
    let card = r.render(&common::record_2024()).unwrap();
    check("cancuoc-2024-front", &card.front.image);
    check("cancuoc-2024-back", &card.back.image);
}

#[test]
fn the_comparison_detects_a_moved_field() {
    let card = Renderer::load(&common::template_dir("cccd-2021"), 300)
        .unwrap()
        .render(&common::record_2021())
        .unwrap();
    let mut other = common::record_2021();
    other.full_name = "Nguyễn Văn Đoan".into(); // one tone mark less
    let changed = Renderer::load(&common::template_dir("cccd-2021"), 300)
        .unwrap()
        .render(&other)
        .unwrap();
    let (share, _) = compare(&card.front.image, &changed.front.image);
    assert!(
        share > 0.0,
        "a missing diacritic is visible to the comparison"
    );
    let (same, mean) = compare(&card.front.image, &card.front.image);
    assert_eq!((same, mean), (0.0, 0.0));
}
