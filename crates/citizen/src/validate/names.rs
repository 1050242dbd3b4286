//! Names: the holder's full name and the parents' and spouse's names.

use super::Check;
use super::rules::Rules;
use super::text::nfc;
use crate::error::RecordError;
use crate::raw::RawRecord;
use crate::record::Sex;
use crate::tables;

fn is_name_letter(c: char, rules: &Rules) -> bool {
    match c {
        'f' | 'j' | 'w' | 'z' | 'F' | 'J' | 'W' | 'Z' => rules.allow_fjwz,
        'a'..='z' | 'A'..='Z' => true,
        _ => tables::VIETNAMESE_LETTERS.contains(c),
    }
}

/// A name: NFC, letters of the Vietnamese alphabet, words separated by one space, hyphen or
/// apostrophe inside a word, within the length limit.
pub(super) fn check_name(
    id: &str,
    field: &'static str,
    value: &str,
    min_words: usize,
    rules: &Rules,
) -> Result<String, RecordError> {
    let v = nfc(value);
    let err = |rule, reason: String| RecordError::invalid(id, field, rule, reason);
    if v.trim().is_empty() {
        return Err(err("name.required", "the name is empty".into()));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(is_name_letter(*c, rules) || matches!(c, ' ' | '-' | '\'')))
    {
        return Err(err(
            "name.chars",
            format!(
                "{c:?} (U+{:04X}) is not a letter of the Vietnamese alphabet, space, hyphen or apostrophe",
                c as u32
            ),
        ));
    }
    let count = v.chars().count();
    if count > rules.name_max_chars {
        return Err(err(
            "name.length",
            format!(
                "{count} characters, at most {} allowed",
                rules.name_max_chars
            ),
        ));
    }
    for word in v.split(' ') {
        if word.is_empty() {
            return Err(err("name.form", "leading, trailing or double space".into()));
        }
        if !word.starts_with(|c: char| is_name_letter(c, rules))
            || !word.ends_with(|c: char| is_name_letter(c, rules))
            || word.contains("--")
            || word.contains("''")
        {
            return Err(err(
                "name.form",
                format!("{word:?}: a hyphen or apostrophe must stand between letters"),
            ));
        }
    }
    let words = v.split(' ').count();
    if words < min_words {
        return Err(err(
            "name.words",
            format!("{words} word(s): family name and given name expected"),
        ));
    }
    Ok(v)
}

/// The holder's name: family name and given name at least.
pub(super) fn full_name(c: &Check, value: &str) -> Result<String, RecordError> {
    check_name(
        c.id,
        "full_name",
        value,
        c.rules.full_name_min_words,
        c.rules,
    )
}

/// The relatives named on the record; all optional.
pub(super) struct Family {
    pub father_name: Option<String>,
    pub mother_name: Option<String>,
    pub spouse_name: Option<String>,
}

/// Each relative's name checked as a name (one word is enough); a spouse only from the
/// marriage age of the holder's sex.
pub(super) fn family(
    c: &Check,
    raw: &RawRecord,
    sex: Sex,
    age_at_issue: i32,
) -> Result<Family, RecordError> {
    let opt_name = |field, v: &Option<String>| -> Result<Option<String>, RecordError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => check_name(c.id, field, s, 1, c.rules).map(Some),
        }
    };
    let father_name = opt_name("father_name", &raw.father_name)?;
    let mother_name = opt_name("mother_name", &raw.mother_name)?;
    let spouse_name = opt_name("spouse_name", &raw.spouse_name)?;
    if spouse_name.is_some() {
        let min = match sex {
            Sex::Male => c.rules.marriage_age_male,
            Sex::Female => c.rules.marriage_age_female,
        };
        if age_at_issue < min {
            return Err(c.bad(
                "spouse_name",
                "spouse.age",
                format!("the holder was {age_at_issue} at issue, below the marriage age {min}"),
            ));
        }
    }
    Ok(Family {
        father_name,
        mother_name,
        spouse_name,
    })
}
