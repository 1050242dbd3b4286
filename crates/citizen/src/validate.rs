//! Validation of a [`RawRecord`] into a [`Record`]: every rule of issue 2, each failure with a
//! stable rule code, the field and a reason.
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

use crate::error::RecordError;
use crate::photo::{self, HeaderError};
use crate::raw::RawRecord;
use crate::record::{CardGeneration, Expiry, Photo, Record, Sex};
use crate::tables;
use chrono::{Datelike, NaiveDate};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// Tunable rules. Defaults follow vietnam-cccd.md; the items it marks unconfirmed ([U]) or that
/// are policy rather than law are fields here.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Oldest plausible holder, in years.
    pub max_age_years: i32,
    /// Law 2014: the CCCD is issued from age 14.
    pub cccd2021_min_age: i32,
    /// Refuse issue dates outside the period in which each generation is issued.
    pub enforce_generation_period: bool,
    /// First issue date of the chip CCCD (Circular 06/2021, in force 23 Jan 2021; issuing
    /// started in January 2021).
    pub cccd2021_first_issue: NaiveDate,
    /// Last issue date of the chip CCCD (the Law on Identity applies from 1 July 2024).
    pub cccd2021_last_issue: NaiveDate,
    pub cancuoc2024_first_issue: NaiveDate,
    /// 2024 cards of children below this age carry no photo.
    pub no_photo_below_age: i32,
    /// Fewest words in the full name (family name + given name).
    pub full_name_min_words: usize,
    /// Longest name, in characters.
    pub name_max_chars: usize,
    /// Longest other text (addresses, features), in characters.
    pub text_max_chars: usize,
    /// Accept `f`, `j`, `w`, `z` in names. They are not letters of the Vietnamese alphabet but
    /// appear in names of ethnic minorities; whether the registry allows them is [U].
    pub allow_fjwz: bool,
    /// Largest photo file, in bytes (it goes into DG2 on a chip with limited memory).
    pub photo_max_bytes: usize,
    pub photo_min_width: u32,
    pub photo_min_height: u32,
    pub photo_max_width: u32,
    pub photo_max_height: u32,
    /// Height / width bounds (a 20 × 30 mm portrait is 1.5).
    pub photo_min_aspect: f32,
    pub photo_max_aspect: f32,
    /// Minimum marriage age (Law on Marriage and Family 2014): a spouse name below it is wrong.
    pub marriage_age_male: i32,
    pub marriage_age_female: i32,
    /// Refuse records whose card has already expired on `today`.
    pub reject_expired: bool,
}

impl Default for Rules {
    fn default() -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        Rules {
            max_age_years: 130,
            cccd2021_min_age: 14,
            enforce_generation_period: true,
            cccd2021_first_issue: d(2021, 1, 1),
            cccd2021_last_issue: d(2024, 6, 30),
            cancuoc2024_first_issue: d(2024, 7, 1),
            no_photo_below_age: 6,
            full_name_min_words: 2,
            name_max_chars: 80,
            text_max_chars: 250,
            allow_fjwz: true,
            photo_max_bytes: 100 * 1024,
            photo_min_width: 120,
            photo_min_height: 160,
            photo_max_width: 1200,
            photo_max_height: 1600,
            photo_min_aspect: 1.0,
            photo_max_aspect: 1.6,
            marriage_age_male: 20,
            marriage_age_female: 18,
            reject_expired: false,
        }
    }
}

/// Validates with the default [`Rules`]. `base_dir` is the folder of the file that holds the
/// record (photo paths are relative to it); `today` decides what is "in the future".
pub fn validate(raw: &RawRecord, base_dir: &Path, today: NaiveDate) -> Result<Record, RecordError> {
    validate_with(raw, base_dir, today, &Rules::default())
}

/// The holder's birthday at age `years` (29 February becomes 28 February in common years).
pub fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    let y = dob.year() + years;
    dob.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
        .unwrap_or(dob)
}

/// Age in completed years on `on`.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// The expiry the law gives a card issued on `issue` to someone born on `dob`: valid until the
/// next renewal age (2014 law: 25, 40, 60; 2023 law: 14, 25, 40, 60), skipping a renewal age
/// that is less than 2 years away; no expiry when issued at 58 or later.
pub fn expiry_for(generation: CardGeneration, dob: NaiveDate, issue: NaiveDate) -> Expiry {
    let milestones: &[i32] = match generation {
        CardGeneration::Cccd2021 => &[25, 40, 60],
        CardGeneration::Cancuoc2024 => &[14, 25, 40, 60],
    };
    for &m in milestones {
        if issue < birthday(dob, m - 2) {
            return Expiry::On(birthday(dob, m));
        }
    }
    Expiry::Never
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn parse_date(id: &str, field: &'static str, s: &str) -> Result<NaiveDate, RecordError> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(RecordError::invalid(
            id,
            field,
            "date.format",
            format!("{s:?} is not a date in YYYY-MM-DD form"),
        ));
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)).ok_or_else(|| {
        RecordError::invalid(
            id,
            field,
            "date.calendar",
            format!("{s} is not a calendar date"),
        )
    })
}

fn is_name_letter(c: char, rules: &Rules) -> bool {
    match c {
        'f' | 'j' | 'w' | 'z' | 'F' | 'J' | 'W' | 'Z' => rules.allow_fjwz,
        'a'..='z' | 'A'..='Z' => true,
        _ => tables::VIETNAMESE_LETTERS.contains(c),
    }
}

/// A name: NFC, letters of the Vietnamese alphabet, words separated by one space, hyphen or
/// apostrophe inside a word, within the length limit.
fn check_name(
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

/// Free text (places, features, ethnicity, religion): NFC, no control characters, no `|` (the
/// QR code's field separator), within the length limit.
fn check_text(
    id: &str,
    field: &'static str,
    value: &str,
    required: bool,
    rules: &Rules,
) -> Result<String, RecordError> {
    let v = nfc(value.trim());
    let err = |rule, reason: String| RecordError::invalid(id, field, rule, reason);
    if required && v.is_empty() {
        return Err(err("text.required", "must not be empty".into()));
    }
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(err(
            "text.control",
            format!("control character U+{:04X}", c as u32),
        ));
    }
    if v.contains('|') {
        return Err(err(
            "text.separator",
            "'|' is the QR code's field separator".into(),
        ));
    }
    let count = v.chars().count();
    if count > rules.text_max_chars {
        return Err(err(
            "text.length",
            format!(
                "{count} characters, at most {} allowed",
                rules.text_max_chars
            ),
        ));
    }
    Ok(v)
}

/// Validates one record against `rules`.
pub fn validate_with(
    raw: &RawRecord,
    base_dir: &Path,
    today: NaiveDate,
    rules: &Rules,
) -> Result<Record, RecordError> {
    let id = raw.id_number.trim();
    let bad = |field, rule, reason: String| RecordError::invalid(id, field, rule, reason);

    let generation = match raw.card_generation.as_str() {
        "cccd-2021" => CardGeneration::Cccd2021,
        "cancuoc-2024" => CardGeneration::Cancuoc2024,
        other => {
            return Err(bad(
                "card_generation",
                "generation.value",
                format!("{other:?}: expected \"cccd-2021\" or \"cancuoc-2024\""),
            ));
        }
    };

    // ID number: shape and code.
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            "id_number",
            "id.format",
            format!("{id:?} is not 12 digits"),
        ));
    }
    let code = &id[..3];
    if tables::province(code).is_none() && !tables::is_country_code(code) {
        return Err(bad(
            "id_number",
            "id.code",
            format!("{code} is neither a province code nor a country code"),
        ));
    }

    // Birth and sex, then their consistency with digits 4–6.
    let dob = parse_date(id, "date_of_birth", &raw.date_of_birth)?;
    if dob > today {
        return Err(bad(
            "date_of_birth",
            "dob.future",
            format!("{dob} is after today ({today})"),
        ));
    }
    if dob.year() < 1900 || age_on(dob, today) > rules.max_age_years {
        return Err(bad(
            "date_of_birth",
            "dob.too_old",
            format!(
                "{dob}: older than {} years or before 1900",
                rules.max_age_years
            ),
        ));
    }
    let sex = match raw.sex.as_str() {
        "M" => Sex::Male,
        "F" => Sex::Female,
        other => {
            return Err(bad(
                "sex",
                "sex.value",
                format!("{other:?}: expected \"M\" or \"F\""),
            ));
        }
    };
    let g = u32::from(id.as_bytes()[3] - b'0');
    let century = (dob.year() - 1900) / 100; // 0 for 1900–1999
    if (g / 2) as i32 != century {
        return Err(bad(
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
        return Err(bad(
            "id_number",
            "id.sex",
            format!(
                "4th digit {g} stands for {digit_sex:?}, but sex is {}",
                raw.sex
            ),
        ));
    }
    let yy = format!("{:02}", dob.year() % 100);
    if id[4..6] != yy {
        return Err(bad(
            "id_number",
            "id.birth_year",
            format!("digits 5–6 are {}, the birth year ends in {yy}", &id[4..6]),
        ));
    }

    let full_name = check_name(
        id,
        "full_name",
        &raw.full_name,
        rules.full_name_min_words,
        rules,
    )?;
    if raw.nationality != "VNM" {
        return Err(bad(
            "nationality",
            "nationality.value",
            format!("{:?}: every citizen's card says \"VNM\"", raw.nationality),
        ));
    }
    let ethnicity = check_text(id, "ethnicity", &raw.ethnicity, true, rules)?;
    let religion = check_text(id, "religion", &raw.religion, true, rules)?;
    let place_of_origin = check_text(id, "place_of_origin", &raw.place_of_origin, true, rules)?;
    let place_of_residence = check_text(
        id,
        "place_of_residence",
        &raw.place_of_residence,
        true,
        rules,
    )?;
    // The 2024 card no longer prints identifying features.
    let identifying_features = check_text(
        id,
        "identifying_features",
        &raw.identifying_features,
        generation == CardGeneration::Cccd2021,
        rules,
    )?;

    // Issue date.
    let issue = parse_date(id, "date_of_issue", &raw.date_of_issue)?;
    if issue < dob {
        return Err(bad(
            "date_of_issue",
            "issue.before_birth",
            format!("{issue} is before the date of birth {dob}"),
        ));
    }
    if issue > today {
        return Err(bad(
            "date_of_issue",
            "issue.future",
            format!("{issue} is after today ({today})"),
        ));
    }
    let age_at_issue = age_on(dob, issue);
    if generation == CardGeneration::Cccd2021 && age_at_issue < rules.cccd2021_min_age {
        return Err(bad(
            "date_of_issue",
            "issue.age",
            format!(
                "the holder was {age_at_issue} on {issue}; a CCCD is issued from age {}",
                rules.cccd2021_min_age
            ),
        ));
    }
    if rules.enforce_generation_period {
        let (from, until) = match generation {
            CardGeneration::Cccd2021 => {
                (rules.cccd2021_first_issue, Some(rules.cccd2021_last_issue))
            }
            CardGeneration::Cancuoc2024 => (rules.cancuoc2024_first_issue, None),
        };
        if issue < from || until.is_some_and(|u| issue > u) {
            return Err(bad(
                "date_of_issue",
                "issue.period",
                format!(
                    "{} cards are issued from {from}{}, not on {issue}",
                    generation.as_str(),
                    until.map(|u| format!(" to {u}")).unwrap_or_default()
                ),
            ));
        }
    }

    // Expiry: computed, or checked against the law.
    let lawful = expiry_for(generation, dob, issue);
    let date_of_expiry = match &raw.date_of_expiry {
        None => lawful,
        Some(None) => {
            if lawful != Expiry::Never {
                return Err(bad(
                    "date_of_expiry",
                    "expiry.never_not_allowed",
                    format!(
                        "no expiry is only for cards issued at 58 or later (holder was {age_at_issue}); the law gives {}",
                        show(lawful)
                    ),
                ));
            }
            Expiry::Never
        }
        Some(Some(s)) => {
            let given = parse_date(id, "date_of_expiry", s)?;
            if given <= issue {
                return Err(bad(
                    "date_of_expiry",
                    "expiry.before_issue",
                    format!("{given} is not after the date of issue {issue}"),
                ));
            }
            match lawful {
                Expiry::Never => {
                    return Err(bad(
                        "date_of_expiry",
                        "expiry.should_be_never",
                        format!(
                            "issued at age {age_at_issue}: the card has no expiry, not {given}"
                        ),
                    ));
                }
                Expiry::On(d) if d != given => {
                    return Err(bad(
                        "date_of_expiry",
                        "expiry.mismatch",
                        format!(
                            "{given} contradicts the {} rules, which give {d}",
                            generation.as_str()
                        ),
                    ));
                }
                on => on,
            }
        }
    };
    if rules.reject_expired
        && let Expiry::On(d) = date_of_expiry
        && d < today
    {
        return Err(bad(
            "date_of_expiry",
            "expiry.expired",
            format!("the card expired on {d}"),
        ));
    }

    // Relatives and the old number.
    let opt_name = |field, v: &Option<String>| -> Result<Option<String>, RecordError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => check_name(id, field, s, 1, rules).map(Some),
        }
    };
    let father_name = opt_name("father_name", &raw.father_name)?;
    let mother_name = opt_name("mother_name", &raw.mother_name)?;
    let spouse_name = opt_name("spouse_name", &raw.spouse_name)?;
    if spouse_name.is_some() {
        let min = match sex {
            Sex::Male => rules.marriage_age_male,
            Sex::Female => rules.marriage_age_female,
        };
        if age_at_issue < min {
            return Err(bad(
                "spouse_name",
                "spouse.age",
                format!("the holder was {age_at_issue} at issue, below the marriage age {min}"),
            ));
        }
    }
    let old_id_number = match raw.old_id_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) => Some(s.to_string()),
        Some(s) => {
            return Err(bad(
                "old_id_number",
                "old_id.format",
                format!("{s:?} is not 9 digits"),
            ));
        }
    };

    // Photo.
    let photo_optional =
        generation == CardGeneration::Cancuoc2024 && age_at_issue < rules.no_photo_below_age;
    let photo = match raw.photo.as_deref().map(str::trim) {
        None | Some("") => {
            if photo_optional {
                None
            } else {
                return Err(bad(
                    "photo",
                    "photo.missing",
                    format!(
                        "required ({} card, holder {age_at_issue} at issue)",
                        generation.as_str()
                    ),
                ));
            }
        }
        Some(p) => Some(load_photo(id, &base_dir.join(p), rules)?),
    };

    Ok(Record {
        id_number: id.to_string(),
        full_name,
        date_of_birth: dob,
        sex,
        nationality: raw.nationality.clone(),
        ethnicity,
        religion,
        place_of_origin,
        place_of_residence,
        identifying_features,
        date_of_issue: issue,
        date_of_expiry,
        father_name,
        mother_name,
        spouse_name,
        old_id_number,
        photo,
        card_generation: generation,
    })
}

fn show(e: Expiry) -> String {
    match e {
        Expiry::On(d) => d.to_string(),
        Expiry::Never => "no expiry".into(),
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
