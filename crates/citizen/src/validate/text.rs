//! Free text: ethnicity, religion, places of origin and residence, identifying features.

use super::Check;
use crate::error::RecordError;
use crate::raw::RawRecord;
use crate::record::CardGeneration;
use unicode_normalization::UnicodeNormalization;

/// Text is compared and stored in NFC, whichever form the registry sent.
pub(super) fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Free text (places, features, ethnicity, religion): NFC, no control characters, no `|` (the
/// QR code's field separator), within the length limit.
fn check_text(
    c: &Check,
    field: &'static str,
    value: &str,
    required: bool,
) -> Result<String, RecordError> {
    let v = nfc(value.trim());
    let err = |rule, reason: String| c.bad(field, rule, reason);
    if required && v.is_empty() {
        return Err(err("text.required", "must not be empty".into()));
    }
    if let Some(ch) = v.chars().find(|ch| ch.is_control()) {
        return Err(err(
            "text.control",
            format!("control character U+{:04X}", ch as u32),
        ));
    }
    if v.contains('|') {
        return Err(err(
            "text.separator",
            "'|' is the QR code's field separator".into(),
        ));
    }
    let count = v.chars().count();
    if count > c.rules.text_max_chars {
        return Err(err(
            "text.length",
            format!(
                "{count} characters, at most {} allowed",
                c.rules.text_max_chars
            ),
        ));
    }
    Ok(v)
}

/// The record's free-text fields, checked.
pub(super) struct Descriptions {
    pub ethnicity: String,
    pub religion: String,
    pub place_of_origin: String,
    pub place_of_residence: String,
    pub identifying_features: String,
}

/// Checks the free-text fields in the order they appear in the record.
pub(super) fn descriptions(
    c: &Check,
    raw: &RawRecord,
    generation: CardGeneration,
) -> Result<Descriptions, RecordError> {
    Ok(Descriptions {
        ethnicity: check_text(c, "ethnicity", &raw.ethnicity, true)?,
        religion: check_text(c, "religion", &raw.religion, true)?,
        place_of_origin: check_text(c, "place_of_origin", &raw.place_of_origin, true)?,
        place_of_residence: check_text(c, "place_of_residence", &raw.place_of_residence, true)?,
        // The 2024 card no longer prints identifying features.
        identifying_features: check_text(
            c,
            "identifying_features",
            &raw.identifying_features,
            generation == CardGeneration::Cccd2021,
        )?,
    })
}
