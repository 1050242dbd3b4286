//! The strict MRZ parser (Doc 9303 Part 4 §4.2.2 for TD3, Part 5 §4.2.2 for TD1): every check
//! digit, calendar dates, sex, name characters, and the Vietnamese ID number in TD1 optional data.

use super::{TD1_LINE_LEN, TD3_LINE_LEN, Td1, char_value, check_digit};
use crate::error::LdsError;

/// A parsed TD3 (passport) zone; fields hold the MRZ characters exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Td3 {
    pub document_code: String,
    pub issuing_state: String,
    /// Positions 6–44 of line 1.
    pub name: String,
    pub document_number: String,
    pub document_number_check: char,
    pub nationality: String,
    pub date_of_birth: String,
    pub date_of_birth_check: char,
    pub sex: char,
    pub date_of_expiry: String,
    pub date_of_expiry_check: char,
    pub personal_number: String,
    pub personal_number_check: char,
    pub composite_check: char,
}

impl Td3 {
    /// Line 2 positions 1–10, 14–20, 22–43.
    pub fn composite_input(&self) -> String {
        format!(
            "{}{}{}{}{}{}{}{}",
            self.document_number,
            self.document_number_check,
            self.date_of_birth,
            self.date_of_birth_check,
            self.date_of_expiry,
            self.date_of_expiry_check,
            self.personal_number,
            self.personal_number_check
        )
    }

    pub fn lines(&self) -> [String; 2] {
        [
            format!("{}{}{}", self.document_code, self.issuing_state, self.name),
            format!(
                "{}{}{}{}{}{}{}{}{}{}{}",
                self.document_number,
                self.document_number_check,
                self.nationality,
                self.date_of_birth,
                self.date_of_birth_check,
                self.sex,
                self.date_of_expiry,
                self.date_of_expiry_check,
                self.personal_number,
                self.personal_number_check,
                self.composite_check,
            ),
        ]
    }
}

/// A validated MRZ of either supported size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mrz {
    Td1(Td1),
    Td3(Td3),
}

impl Mrz {
    /// The lines, as printed.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Mrz::Td1(t) => t.lines().to_vec(),
            Mrz::Td3(t) => t.lines().to_vec(),
        }
    }

    /// The lines concatenated without separators: the content of DG1's `5F1F`.
    pub fn concatenated(&self) -> String {
        self.lines().concat()
    }
}

/// Parses and validates an MRZ: either lines separated by newlines (CR/LF tolerated) or the
/// concatenated form of DG1 (90 characters for TD1, 88 for TD3). Every check digit is verified
/// (including the Vietnamese check digit over the 12-digit number in TD1 optional data), dates
/// must be real calendar dates, sex must be `M`, `F` or `<`.
pub fn parse(text: &str) -> Result<Mrz, LdsError> {
    // Everything below slices by byte position: refuse non-ASCII first.
    if let Some((pos, c)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(LdsError::mrz(
            "zone",
            format!(
                "character {c:?} at position {} is not an MRZ character",
                pos + 1
            ),
        ));
    }
    let lines: Vec<&str> = if text.contains('\n') {
        text.lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        match text.len() {
            90 => vec![&text[..30], &text[30..60], &text[60..]],
            88 => vec![&text[..44], &text[44..]],
            n => {
                return Err(LdsError::mrz(
                    "zone",
                    format!("{n} characters: expected 90 (TD1) or 88 (TD3)"),
                ));
            }
        }
    };
    for (i, line) in lines.iter().enumerate() {
        if let Some((pos, c)) = line
            .chars()
            .enumerate()
            .find(|(_, c)| char_value(*c).is_none())
        {
            return Err(LdsError::mrz(
                "zone",
                format!(
                    "line {} position {}: {c:?} is not an MRZ character",
                    i + 1,
                    pos + 1
                ),
            ));
        }
    }
    match (lines.len(), lines.first().map(|l| l.len())) {
        (3, Some(TD1_LINE_LEN)) => parse_td1(&lines).map(Mrz::Td1),
        (2, Some(TD3_LINE_LEN)) => parse_td3(&lines).map(Mrz::Td3),
        (n, len) => Err(LdsError::mrz(
            "zone",
            format!(
                "{n} lines of {} characters: expected 3 × 30 (TD1) or 2 × 44 (TD3)",
                len.unwrap_or(0)
            ),
        )),
    }
}

fn expect_len(line: &str, n: usize, which: &'static str) -> Result<(), LdsError> {
    if line.len() != n {
        return Err(LdsError::mrz(
            which,
            format!("{} characters, expected {n}", line.len()),
        ));
    }
    Ok(())
}

fn at(line: &str, i: usize) -> char {
    line.as_bytes()[i] as char
}

fn verify(
    field: &'static str,
    data: &str,
    printed: char,
    filler_allowed: bool,
) -> Result<(), LdsError> {
    if printed == '<' && filler_allowed && data.chars().all(|c| c == '<') {
        return Ok(());
    }
    let want = check_digit(data)?;
    if printed != want {
        return Err(LdsError::mrz(
            field,
            format!("check digit {printed:?} over {data:?} is wrong, expected {want:?}"),
        ));
    }
    Ok(())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
    }
}

/// A YYMMDD date must be a real date in at least one of the centuries it can stand for.
fn verify_date(field: &'static str, s: &str, fillers_allowed: bool) -> Result<(), LdsError> {
    if fillers_allowed && s == "<<<<<<" {
        return Ok(());
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LdsError::mrz(field, format!("{s:?} is not YYMMDD")));
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (yy, mm, dd) = (n(0..2), n(2..4), n(4..6));
    let ok = (1..=12).contains(&mm)
        && dd >= 1
        && (dd <= days_in_month(1900 + yy, mm) || dd <= days_in_month(2000 + yy, mm));
    if !ok {
        return Err(LdsError::mrz(
            field,
            format!("{s:?} is not a calendar date"),
        ));
    }
    Ok(())
}

fn verify_sex(c: char) -> Result<(), LdsError> {
    match c {
        'M' | 'F' | '<' => Ok(()),
        _ => Err(LdsError::mrz("sex", format!("{c:?} is not M, F or <"))),
    }
}

fn parse_td1(lines: &[&str]) -> Result<Td1, LdsError> {
    expect_len(lines[0], TD1_LINE_LEN, "line 1")?;
    expect_len(lines[1], TD1_LINE_LEN, "line 2")?;
    expect_len(lines[2], TD1_LINE_LEN, "line 3")?;
    let (l1, l2, l3) = (lines[0], lines[1], lines[2]);
    let td1 = Td1 {
        document_code: l1[0..2].to_string(),
        issuing_state: l1[2..5].to_string(),
        document_number: l1[5..14].to_string(),
        document_number_check: at(l1, 14),
        optional_data_1: l1[15..30].to_string(),
        date_of_birth: l2[0..6].to_string(),
        date_of_birth_check: at(l2, 6),
        sex: at(l2, 7),
        date_of_expiry: l2[8..14].to_string(),
        date_of_expiry_check: at(l2, 14),
        nationality: l2[15..18].to_string(),
        optional_data_2: l2[18..29].to_string(),
        composite_check: at(l2, 29),
        name: l3.to_string(),
    };
    if !matches!(at(l1, 0), 'I' | 'A' | 'C') {
        return Err(LdsError::mrz(
            "document code",
            format!(
                "{:?} is not a TD1 document code (I, A or C)",
                td1.document_code
            ),
        ));
    }
    if td1.document_number_check == '<' {
        // Long document number: the overflow and its check digit sit in optional data 1.
        let ext: String = td1
            .optional_data_1
            .chars()
            .take_while(|c| *c != '<')
            .collect();
        if ext.len() < 2 {
            return Err(LdsError::mrz(
                "document number",
                "check digit position is '<' but optional data holds no overflow",
            ));
        }
        let full = td1.full_document_number();
        verify("document number", &full, at(&ext, ext.len() - 1), false)?;
    } else {
        verify(
            "document number",
            &td1.document_number,
            td1.document_number_check,
            false,
        )?;
    }
    if td1.issuing_state == "VNM"
        && td1.optional_data_1.as_bytes()[..12]
            .iter()
            .all(u8::is_ascii_digit)
    {
        // Vietnamese usage: 12-digit ID, `<<`, its check digit; the document number is its tail.
        let id = &td1.optional_data_1[..12];
        if &td1.optional_data_1[12..14] != "<<" {
            return Err(LdsError::mrz(
                "optional data 1",
                "the 12-digit ID number must be followed by \"<<\"",
            ));
        }
        verify(
            "personal ID number",
            id,
            at(&td1.optional_data_1, 14),
            false,
        )?;
        if id[3..] != td1.document_number {
            return Err(LdsError::mrz(
                "document number",
                format!(
                    "{:?} is not the last 9 digits of the ID number {id:?}",
                    td1.document_number
                ),
            ));
        }
    }
    verify_date("date of birth", &td1.date_of_birth, false)?;
    verify(
        "date of birth",
        &td1.date_of_birth,
        td1.date_of_birth_check,
        false,
    )?;
    verify_sex(td1.sex)?;
    verify_date("date of expiry", &td1.date_of_expiry, true)?;
    verify(
        "date of expiry",
        &td1.date_of_expiry,
        td1.date_of_expiry_check,
        true,
    )?;
    verify_name(&td1.name)?;
    verify(
        "composite",
        &td1.composite_input(),
        td1.composite_check,
        false,
    )?;
    Ok(td1)
}

fn parse_td3(lines: &[&str]) -> Result<Td3, LdsError> {
    expect_len(lines[0], TD3_LINE_LEN, "line 1")?;
    expect_len(lines[1], TD3_LINE_LEN, "line 2")?;
    let (l1, l2) = (lines[0], lines[1]);
    if at(l1, 0) != 'P' {
        return Err(LdsError::mrz(
            "document code",
            format!("{:?} is not a TD3 document code (P)", &l1[0..2]),
        ));
    }
    let td3 = Td3 {
        document_code: l1[0..2].to_string(),
        issuing_state: l1[2..5].to_string(),
        name: l1[5..44].to_string(),
        document_number: l2[0..9].to_string(),
        document_number_check: at(l2, 9),
        nationality: l2[10..13].to_string(),
        date_of_birth: l2[13..19].to_string(),
        date_of_birth_check: at(l2, 19),
        sex: at(l2, 20),
        date_of_expiry: l2[21..27].to_string(),
        date_of_expiry_check: at(l2, 27),
        personal_number: l2[28..42].to_string(),
        personal_number_check: at(l2, 42),
        composite_check: at(l2, 43),
    };
    verify(
        "document number",
        &td3.document_number,
        td3.document_number_check,
        false,
    )?;
    verify_date("date of birth", &td3.date_of_birth, false)?;
    verify(
        "date of birth",
        &td3.date_of_birth,
        td3.date_of_birth_check,
        false,
    )?;
    verify_sex(td3.sex)?;
    verify_date("date of expiry", &td3.date_of_expiry, true)?;
    verify(
        "date of expiry",
        &td3.date_of_expiry,
        td3.date_of_expiry_check,
        true,
    )?;
    verify(
        "personal number",
        &td3.personal_number,
        td3.personal_number_check,
        true,
    )?;
    verify_name(&td3.name)?;
    verify(
        "composite",
        &td3.composite_input(),
        td3.composite_check,
        false,
    )?;
    Ok(td3)
}

/// A name field holds letters and fillers only, and starts with a letter.
fn verify_name(name: &str) -> Result<(), LdsError> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || *c == '<'))
    {
        return Err(LdsError::mrz(
            "name",
            format!("{c:?} is not a letter or filler"),
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(LdsError::mrz("name", "the name must start with a letter"));
    }
    Ok(())
}
