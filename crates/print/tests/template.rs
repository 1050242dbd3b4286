//! Template loading and validation: every problem is reported with the file and the element.

mod common;

use print::{PrintError, Renderer, Template};
use std::path::Path;

fn base() -> String {
    std::fs::read_to_string(common::template_dir("cccd-2021").join("template.toml")).unwrap()
}

fn load(text: &str) -> Result<Template, PrintError> {
    Template::from_toml(Path::new("/tmp/t"), text)
}

#[test]
fn both_shipped_templates_load() {
    for name in ["cccd-2021", "cancuoc-2024"] {
        let t = Template::load(&common::template_dir(name)).unwrap();
        assert_eq!(t.generation_name(), name);
        let p = t.front.photo.as_ref().unwrap();
        assert_eq!((p.w_mm, p.h_mm), (20.0, 30.0), "photo box 20 × 30 mm");
        assert!(!t.front.fields.is_empty() && !t.back.fields.is_empty());
        assert!(t.back.mrz.is_some());
    }
    let t = Template::load(&common::template_dir("cancuoc-2024")).unwrap();
    assert_eq!(t.back.qr.as_ref().unwrap().size_mm, 18.0);
    assert_eq!(t.front.photo.as_ref().unwrap().omit_under_age, Some(6));
    let t = Template::load(&common::template_dir("cccd-2021")).unwrap();
    assert!(t.front.qr.is_some() && t.back.qr.is_none());
}

#[test]
fn a_missing_template_file_names_the_path() {
    let err = Template::load(Path::new("/nonexistent/design")).unwrap_err();
    assert!(matches!(err, PrintError::TemplateRead { .. }));
    assert!(
        err.to_string()
            .contains("/nonexistent/design/template.toml"),
        "{err}"
    );
}

#[test]
fn syntax_errors_and_unknown_keys_are_reported() {
    let err = load("[card\nname=").unwrap_err();
    assert!(matches!(err, PrintError::TemplateSyntax { .. }), "{err:?}");
    let err = load(&base().replace(
        "corner_radius_mm = 3.18",
        "corner_radius_mm = 3.18\ncorner_radius = 2",
    ))
    .unwrap_err();
    assert!(err.to_string().contains("corner_radius"), "{err}");
    let err = load(&base().replacen("type = \"waves\"", "type = \"spiral\"", 1)).unwrap_err();
    assert!(err.to_string().contains("spiral"), "{err}");
    let err = load(&base().replacen("fill = \"#f3f8ee\"", "fill = \"green\"", 1)).unwrap_err();
    assert!(err.to_string().contains("#rrggbb"), "{err}");
}

#[test]
fn a_card_that_is_not_id1_is_refused() {
    let err = load(&base().replace("width_mm = 85.60", "width_mm = 86.0")).unwrap_err();
    assert!(err.to_string().contains("not ID-1"), "{err}");
}

#[test]
fn a_box_outside_the_card_names_the_field() {
    let err = load(&base().replace(
        "value = { x_mm = 25.0, y_mm = 43.9, w_mm = 58.6,",
        "value = { x_mm = 25.0, y_mm = 43.9, w_mm = 68.6,",
    ))
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("front.fields[6] (place_of_residence) value"),
        "{msg}"
    );
    assert!(msg.contains("leaves the"), "{msg}");
}

#[test]
fn an_undefined_font_key_is_refused() {
    let err = load(&base().replacen("font = \"bold\"", "font = \"heavy\"", 1)).unwrap_err();
    assert!(
        err.to_string().contains("\"heavy\" is not defined"),
        "{err}"
    );
}

#[test]
fn min_size_above_size_is_refused() {
    let err = load(&base().replace(
        "size_pt = 6.6, min_size_pt = 4.4",
        "size_pt = 6.6, min_size_pt = 7.0",
    ))
    .unwrap_err();
    assert!(err.to_string().contains("min_size_pt 7"), "{err}");
}

#[test]
fn an_mrz_that_leaves_the_card_is_refused() {
    let err = load(&base().replace("char_pitch_mm = 2.54", "char_pitch_mm = 2.84")).unwrap_err();
    assert!(err.to_string().contains("back.mrz"), "{err}");
}

#[test]
fn a_font_family_that_is_not_installed_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.toml"),
        base().replace(
            "mrz = { family = \"OCR B\"",
            "mrz = { family = \"No Such Mono\"",
        ),
    )
    .unwrap();
    let err = Renderer::load(dir.path(), 300).err().unwrap();
    assert!(matches!(err, PrintError::FontNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("No Such Mono"), "{err}");
}

#[test]
fn a_template_font_file_that_is_not_a_font_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notafont.ttf"), b"not a font").unwrap();
    std::fs::write(
        dir.path().join("template.toml"),
        base().replace(
            "mrz = { family = \"OCR B\", weight = \"regular\" }",
            "mrz = { family = \"Own\", file = \"notafont.ttf\" }",
        ),
    )
    .unwrap();
    let err = Renderer::load(dir.path(), 300).err().unwrap();
    assert!(matches!(err, PrintError::FontUnusable { .. }), "{err:?}");
    assert!(err.to_string().contains("notafont.ttf"), "{err}");
}

#[test]
fn static_text_that_cannot_fit_fails_when_the_template_is_prepared() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.toml"),
        base().replace(
            "text = \"Citizen Identity Card\"",
            "text = \"Citizen Identity Card of the Socialist Republic of Viet Nam\"",
        ),
    )
    .unwrap();
    let err = Renderer::load(dir.path(), 300).err().unwrap();
    assert!(err.to_string().contains("front.texts[5]"), "{err}");
}

#[test]
fn unsupported_resolutions_are_refused() {
    let err = Renderer::load(&common::template_dir("cccd-2021"), 10)
        .err()
        .unwrap();
    assert!(matches!(err, PrintError::BadDpi { dpi: 10 }));
}
