//! Validation of a [`RawRecord`] into a [`Record`]: every field checked against the rules of its
//! card generation, each failure with a stable rule code, the field and a reason.
//!
//! [`validate_with`] runs the checks in a fixed order and stops at the first failure; each
//! concern has its submodule: `id` (ID number, old CMND number), `dates` (birth, issue, expiry
//! and the laws' renewal ages), `names` (holder and relatives), `text` (free text), `portrait`
//! (the photo file) and `rules` (the tunable limits).
//!
//! Rule codes: `generation.value`; `id.format`, `id.code`, `id.century`, `id.sex`,
//! `id.birth_year`; `date.format`, `date.calendar` (any date field); `dob.future`, `dob.too_old`;
//! `sex.value`; `nationality.value`; `name.required`, `name.chars`, `name.form`, `name.length`,
//! `name.words` (full name and the parents'/spouse's names); `text.required`, `text.length`,
//! `text.control`, `text.separator`; `issue.before_birth`, `issue.future`, `issue.age`,
//! `issue.period`; `expiry.before_issue`, `expiry.mismatch`, `expiry.never_not_allowed`,
//! `expiry.should_be_never`, `expiry.expired`; `old_id.format`; `spouse.age`; `photo.missing`,
//! `photo.read`, `photo.format`, `photo.header`, `photo.dimensions`, `photo.aspect`,
//! `photo.size`. Reading adds `syntax.*` and `batch.duplicate_id`.

mod dates;
mod id;
mod names;
mod portrait;
mod rules;
mod text;

pub use dates::{age_on, birthday, expiry_for};
pub use portrait::load_photo;
pub use rules::Rules;

use crate::error::RecordError;
use crate::raw::RawRecord;
use crate::record::{CardGeneration, Record, Sex};
use chrono::NaiveDate;
use std::path::Path;

/// Validates with the default [`Rules`]. `base_dir` is the folder of the file that holds the
/// record (photo paths are relative to it); `today` decides what is "in the future".
pub fn validate(raw: &RawRecord, base_dir: &Path, today: NaiveDate) -> Result<Record, RecordError> {
    validate_with(raw, base_dir, today, &Rules::default())
}

/// What every check needs: the record's ID number (errors name the record by it), the rules
/// and the day that decides what is "in the future".
struct Check<'a> {
    id: &'a str,
    rules: &'a Rules,
    today: NaiveDate,
}

impl Check<'_> {
    fn bad(&self, field: &'static str, rule: &'static str, reason: String) -> RecordError {
        RecordError::invalid(self.id, field, rule, reason)
    }
}

/// Validates one record against `rules`. The order of the checks decides which failure a
/// record with several is refused for, and the messages of later checks rely on earlier ones
/// (the ID number's digits are compared with a valid date of birth).
pub fn validate_with(
    raw: &RawRecord,
    base_dir: &Path,
    today: NaiveDate,
    rules: &Rules,
) -> Result<Record, RecordError> {
    let c = Check {
        id: raw.id_number.trim(),
        rules,
        today,
    };
    let generation = card_generation(&c, &raw.card_generation)?;
    id::shape(&c)?;
    let dob = dates::date_of_birth(&c, &raw.date_of_birth)?;
    let sex = sex(&c, &raw.sex)?;
    id::matches_holder(&c, dob, sex, &raw.sex)?;
    let full_name = names::full_name(&c, &raw.full_name)?;
    nationality(&c, &raw.nationality)?;
    let texts = text::descriptions(&c, raw, generation)?;
    let issue = dates::date_of_issue(&c, &raw.date_of_issue, dob, generation)?;
    let date_of_expiry =
        dates::date_of_expiry(&c, raw.date_of_expiry.as_ref(), generation, dob, issue)?;
    let age_at_issue = age_on(dob, issue);
    let family = names::family(&c, raw, sex, age_at_issue)?;
    let old_id_number = id::old_id_number(&c, raw.old_id_number.as_deref())?;
    let photo = portrait::photo(&c, raw.photo.as_deref(), base_dir, generation, age_at_issue)?;

    Ok(Record {
        id_number: c.id.to_string(),
        full_name,
        date_of_birth: dob,
        sex,
        nationality: raw.nationality.clone(),
        ethnicity: texts.ethnicity,
        religion: texts.religion,
        place_of_origin: texts.place_of_origin,
        place_of_residence: texts.place_of_residence,
        identifying_features: texts.identifying_features,
        date_of_issue: issue,
        date_of_expiry,
        father_name: family.father_name,
        mother_name: family.mother_name,
        spouse_name: family.spouse_name,
        old_id_number,
        photo,
        card_generation: generation,
    })
}

fn card_generation(c: &Check, value: &str) -> Result<CardGeneration, RecordError> {
    match value {
        "cccd-2021" => Ok(CardGeneration::Cccd2021),
        "cancuoc-2024" => Ok(CardGeneration::Cancuoc2024),
        other => Err(c.bad(
            "card_generation",
            "generation.value",
            format!("{other:?}: expected \"cccd-2021\" or \"cancuoc-2024\""),
        )),
    }
}

fn sex(c: &Check, value: &str) -> Result<Sex, RecordError> {
    match value {
        "M" => Ok(Sex::Male),
        "F" => Ok(Sex::Female),
        other => Err(c.bad(
            "sex",
            "sex.value",
            format!("{other:?}: expected \"M\" or \"F\""),
        )),
    }
}

/// Every citizen's card says `VNM`.
fn nationality(c: &Check, value: &str) -> Result<(), RecordError> {
    if value == "VNM" {
        return Ok(());
    }
    Err(c.bad(
        "nationality",
        "nationality.value",
        format!("{value:?}: every citizen's card says \"VNM\""),
    ))
}
