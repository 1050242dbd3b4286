//! The ID number (its shape, its province or country code, and digits 4–6, which repeat the
//! century, sex and birth year) and the old 9-digit CMND number.

use super::Check;
use crate::error::RecordError;
use crate::record::Sex;
use crate::tables;
use chrono::{Datelike, NaiveDate};

/// 12 digits starting with a province code or a country code.
pub(super) fn shape(c: &Check) -> Result<(), RecordError> {
    let id = c.id;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(c.bad("id_number", "id.format", format!("{id:?} is not 12 digits")));
    }
    let code = &id[..3];
    if tables::province(code).is_none() && !tables::is_country_code(code) {
        return Err(c.bad(
            "id_number",
            "id.code",
            format!("{code} is neither a province code nor a country code"),
        ));
    }
    Ok(())
}

/// Digit 4 gives the century and sex, digits 5–6 the birth year: they must agree with the date
/// of birth and the sex (`sex_as_given` is the record's text, quoted in the message). Call after
/// [`shape`].
pub(super) fn matches_holder(
    c: &Check,
    dob: NaiveDate,
    sex: Sex,
    sex_as_given: &str,
) -> Result<(), RecordError> {
    let id = c.id;
    let g = u32::from(id.as_bytes()[3] - b'0');
    let century = (dob.year() - 1900) / 100; // 0 for 1900–1999
    if (g / 2) as i32 != century {
        return Err(c.bad(
            "id_number",
            "id.century",
            format!(
                "4th digit {g} stands for births in {}–{}, but the date of birth is {dob}",
                1900 + (g / 2) * 100,
                1999 + (g / 2) * 100
            ),
        ));
    }
    let digit_sex = if g % 2 == 0 { Sex::Male } else { Sex::Female };
    if digit_sex != sex {
        return Err(c.bad(
            "id_number",
            "id.sex",
            format!("4th digit {g} stands for {digit_sex:?}, but sex is {sex_as_given}"),
        ));
    }
    let yy = format!("{:02}", dob.year() % 100);
    if id[4..6] != yy {
        return Err(c.bad(
            "id_number",
            "id.birth_year",
            format!("digits 5–6 are {}, the birth year ends in {yy}", &id[4..6]),
        ));
    }
    Ok(())
}

/// The old CMND number, when given: 9 digits.
pub(super) fn old_id_number(c: &Check, value: Option<&str>) -> Result<Option<String>, RecordError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(s.to_string())),
        Some(s) => Err(c.bad(
            "old_id_number",
            "old_id.format",
            format!("{s:?} is not 9 digits"),
        )),
    }
}
