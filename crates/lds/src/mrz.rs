//! Machine readable zone (ICAO Doc 9303 Parts 3, 4, 5): check digits, transliteration of
//! Vietnamese names, name truncation, the TD1 lines of a Vietnamese card, and a strict parser for
//! TD1 (3 × 30) and TD3 (2 × 44) zones.
//!
//! Vietnamese TD1 usage (vietnam-cccd.md §2): document code `ID`, issuing state `VNM`, document
//! number = the last 9 digits of the 12-digit personal ID number, optional data 1 = the full 12
//! digits, `<<`, and a check digit over those 12 digits.

use crate::error::LdsError;
use chrono::{Datelike, NaiveDate};
use citizen::{Expiry, Record, Sex};
use unicode_normalization::UnicodeNormalization;

/// Characters per TD1 line.
pub const TD1_LINE_LEN: usize = 30;
/// Characters per TD3 line.
pub const TD3_LINE_LEN: usize = 44;

/// The value of one MRZ character in the check-digit sum (Part 3 §4.9): digits are themselves,
/// `A`–`Z` are 10–35, the filler `<` is 0. Anything else is not an MRZ character.
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// The check digit (7-3-1 weights, modulo 10) over `data`, as its ASCII digit.
pub fn check_digit(data: &str) -> Result<char, LdsError> {
    let mut sum = 0u32;
    for (i, c) in data.chars().enumerate() {
        let v = char_value(c).ok_or_else(|| {
            LdsError::mrz(
                "check digit",
                format!(
                    "character {c:?} at position {} is not an MRZ character",
                    i + 1
                ),
            )
        })?;
        sum += v * [7, 3, 1][i % 3];
    }
    Ok(char::from_digit(sum % 10, 10).unwrap_or('0'))
}

/// ICAO transliteration of Vietnamese text into MRZ characters: compatibility decomposition,
/// every combining mark dropped (tone marks, breve, circumflex, horn), `Đ`/`đ` → `D` (they do not
/// decompose), upper case; spaces and hyphens become `<`, apostrophes are omitted (Doc 9303
/// Part 3 punctuation rule). Runs of separators collapse to one `<`; leading and trailing
/// separators are dropped. Characters that have no Latin transliteration are an error.
pub fn transliterate(text: &str) -> Result<String, LdsError> {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        match c {
            'Đ' | 'đ' => out.push('D'),
            'a'..='z' => out.push(c.to_ascii_uppercase()),
            'A'..='Z' => out.push(c),
            ' ' | '-' | '\u{2010}' | '\u{2011}' | '<' => {
                if !out.is_empty() && !out.ends_with('<') {
                    out.push('<');
                }
            }
            '\'' | '\u{2019}' | '\u{02BC}' => {}
            _ => {
                return Err(LdsError::mrz(
                    "name",
                    format!("character {c:?} has no MRZ transliteration"),
                ));
            }
        }
    }
    while out.ends_with('<') {
        out.pop();
    }
    Ok(out)
}

/// Builds a name field of `width` characters from the transliterated primary identifier (family
/// name) and secondary identifier (middle and given names), components separated by `<`.
///
/// Truncation, when `PRIMARY<<SECONDARY` does not fit (Doc 9303 Part 3 §4.6; the exact step
/// order is an open question in vietnam-cccd.md §5, this is the order we chose):
/// 1. secondary components are cut to their initial, last component first, until it fits;
/// 2. then the primary identifier is cut from its end so that the field is exactly full;
/// 3. without a secondary identifier the primary is cut at `width`.
///
/// A truncated field always ends with a letter in its last position and has no filler, which
/// tells a reader that truncation may have happened.
pub fn name_field(primary: &str, secondary: &str, width: usize) -> Result<String, LdsError> {
    if primary.is_empty() {
        return Err(LdsError::mrz("name", "the primary identifier is empty"));
    }
    let join = |p: &str, s: &str| {
        if s.is_empty() {
            p.to_string()
        } else {
            format!("{p}<<{s}")
        }
    };
    let full = join(primary, secondary);
    if full.len() <= width {
        return Ok(pad(&full, width));
    }
    // Step 1: initials for secondary components, from the last one backwards.
    let mut parts: Vec<String> = secondary
        .split('<')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for i in (0..parts.len()).rev() {
        parts[i].truncate(1);
        let candidate = join(primary, &parts.join("<"));
        if candidate.len() <= width {
            return Ok(pad(&candidate, width));
        }
    }
    let secondary = parts.join("<");
    if secondary.is_empty() {
        // Step 3: the primary alone is too long.
        return Ok(cut_ending_in_letter(primary, width));
    }
    // Step 2: cut the primary identifier so the field is exactly full.
    let room = width.saturating_sub(secondary.len() + 2);
    if room == 0 {
        return Ok(cut_ending_in_letter(&join(primary, &secondary), width));
    }
    let mut p = primary[..room.min(primary.len())].to_string();
    while p.ends_with('<') {
        p.pop();
    }
    let candidate = join(&p, &secondary);
    if candidate.len() == width {
        Ok(candidate)
    } else {
        Ok(cut_ending_in_letter(&candidate, width))
    }
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    while out.len() < width {
        out.push('<');
    }
    out
}

/// Cuts `s` (MRZ characters only) to exactly `width` characters ending in a letter: separators
/// in the cut part are dropped until the last position holds a letter.
fn cut_ending_in_letter(s: &str, width: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    loop {
        if chars.len() <= width {
            // Shorter after dropping separators: pad (cannot happen for inputs longer than width
            // with enough letters, kept for safety).
            let out: String = chars.into_iter().collect();
            return pad(&out, width);
        }
        if chars[width - 1] != '<' {
            chars.truncate(width);
            return chars.into_iter().collect();
        }
        chars.remove(width - 1);
    }
}

/// How the MRZ shows a card without expiry ("Không thời hạn"). The practice of the issuing
/// authority is not known (vietnam-cccd.md §2, open item), so it is a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoExpiryField {
    /// `<<<<<<` with check digit `<` (Doc 9303 allows fillers for an unknown date element).
    #[default]
    Fillers,
    /// A fixed date, e.g. 31 Dec 2099 shown as `991231`.
    Date(NaiveDate),
}

/// Choices for building a Vietnamese TD1 MRZ where the rules are not settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrzOptions {
    /// How many leading words of the full name form the family name (primary identifier).
    /// The common convention is 1; multi-word family names ("Tôn Nữ") need 2.
    pub family_name_words: usize,
    pub no_expiry: NoExpiryField,
}

impl Default for MrzOptions {
    fn default() -> Self {
        MrzOptions {
            family_name_words: 1,
            no_expiry: NoExpiryField::Fillers,
        }
    }
}

/// The three TD1 lines of a record with the default options.
pub fn td1_lines(record: &Record) -> Result<[String; 3], LdsError> {
    td1_lines_with(record, &MrzOptions::default())
}

/// The three TD1 lines of a record (Vietnamese usage, see the module documentation).
pub fn td1_lines_with(record: &Record, options: &MrzOptions) -> Result<[String; 3], LdsError> {
    Ok(Td1::from_record(record, options)?.lines())
}

/// The MRZ name field (`SURNAME<<MIDDLE<GIVEN`) of a full Vietnamese name, family name first.
pub fn name_from_full_name(
    full_name: &str,
    family_name_words: usize,
    width: usize,
) -> Result<String, LdsError> {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    if words.is_empty() {
        return Err(LdsError::mrz("name", "the name is empty"));
    }
    let n = family_name_words.clamp(1, words.len());
    let primary = transliterate(&words[..n].join(" "))?;
    let secondary = transliterate(&words[n..].join(" "))?;
    name_field(&primary, &secondary, width)
}

fn yymmdd(d: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        d.month(),
        d.day()
    )
}

/// A parsed or built TD1 zone. Fields hold the MRZ characters exactly (fillers included), so
/// [`Td1::lines`] reproduces the input of [`parse`] byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Td1 {
    pub document_code: String,
    pub issuing_state: String,
    /// Positions 6–14 of line 1.
    pub document_number: String,
    pub document_number_check: char,
    /// Positions 16–30 of line 1.
    pub optional_data_1: String,
    pub date_of_birth: String,
    pub date_of_birth_check: char,
    pub sex: char,
    pub date_of_expiry: String,
    pub date_of_expiry_check: char,
    pub nationality: String,
    /// Positions 19–29 of line 2.
    pub optional_data_2: String,
    pub composite_check: char,
    /// Line 3 as printed.
    pub name: String,
}

impl Td1 {
    /// Builds the Vietnamese TD1 zone of a record.
    pub fn from_record(record: &Record, options: &MrzOptions) -> Result<Td1, LdsError> {
        let id = &record.id_number;
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LdsError::mrz(
                "document number",
                format!("the personal ID number {id:?} is not 12 digits"),
            ));
        }
        if record.nationality.len() != 3
            || !record.nationality.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(LdsError::mrz(
                "nationality",
                format!("{:?} is not a 3-letter code", record.nationality),
            ));
        }
        let document_number = id[3..].to_string();
        let optional_data_1 = format!("{id}<<{}", check_digit(id)?);
        let date_of_birth = yymmdd(record.date_of_birth);
        let (date_of_expiry, date_of_expiry_check) =
            match (record.date_of_expiry, options.no_expiry) {
                (Expiry::On(d), _) | (Expiry::Never, NoExpiryField::Date(d)) => {
                    let s = yymmdd(d);
                    let c = check_digit(&s)?;
                    (s, c)
                }
                (Expiry::Never, NoExpiryField::Fillers) => ("<<<<<<".to_string(), '<'),
            };
        let mut td1 = Td1 {
            document_code: "ID".into(),
            issuing_state: "VNM".into(),
            document_number_check: check_digit(&document_number)?,
            document_number,
            optional_data_1,
            date_of_birth_check: check_digit(&date_of_birth)?,
            date_of_birth,
            sex: match record.sex {
                Sex::Male => 'M',
                Sex::Female => 'F',
            },
            date_of_expiry,
            date_of_expiry_check,
            nationality: record.nationality.clone(),
            optional_data_2: "<".repeat(11),
            composite_check: '0',
            name: name_from_full_name(&record.full_name, options.family_name_words, TD1_LINE_LEN)?,
        };
        td1.composite_check = check_digit(&td1.composite_input())?;
        Ok(td1)
    }

    /// The characters the composite check digit covers: line 1 positions 6–30, line 2
    /// positions 1–7, 9–15 and 19–29.
    pub fn composite_input(&self) -> String {
        format!(
            "{}{}{}{}{}{}{}{}",
            self.document_number,
            self.document_number_check,
            self.optional_data_1,
            self.date_of_birth,
            self.date_of_birth_check,
            self.date_of_expiry,
            self.date_of_expiry_check,
            self.optional_data_2,
        )
    }

    /// The three lines.
    pub fn lines(&self) -> [String; 3] {
        [
            format!(
                "{}{}{}{}{}",
                self.document_code,
                self.issuing_state,
                self.document_number,
                self.document_number_check,
                self.optional_data_1
            ),
            format!(
                "{}{}{}{}{}{}{}{}",
                self.date_of_birth,
                self.date_of_birth_check,
                self.sex,
                self.date_of_expiry,
                self.date_of_expiry_check,
                self.nationality,
                self.optional_data_2,
                self.composite_check
            ),
            self.name.clone(),
        ]
    }

    /// The full document number: positions 6–14, extended into optional data 1 when position
    /// 15 is `<` (Part 5 §4.2.4, numbers longer than 9 characters).
    pub fn full_document_number(&self) -> String {
        if self.document_number_check == '<' {
            let ext: String = self
                .optional_data_1
                .chars()
                .take_while(|c| *c != '<')
                .collect();
            let ext = &ext[..ext.len().saturating_sub(1)];
            format!("{}{}", self.document_number.trim_end_matches('<'), ext)
        } else {
            self.document_number.trim_end_matches('<').to_string()
        }
    }

    /// The 12-digit personal ID number of a Vietnamese card (optional data 1), when present.
    pub fn vietnamese_id_number(&self) -> Option<&str> {
        let id = self.optional_data_1.get(..12)?;
        (self.issuing_state == "VNM" && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
    }

    /// BAC key seed input (document number, DOB, expiry, each with its check digit).
    pub fn mrz_information(&self) -> String {
        if self.document_number_check == '<' {
            let full = self.full_document_number();
            let cd = check_digit(&full).unwrap_or('0');
            format!(
                "{full}{cd}{}{}{}{}",
                self.date_of_birth,
                self.date_of_birth_check,
                self.date_of_expiry,
                self.date_of_expiry_check
            )
        } else {
            format!(
                "{}{}{}{}{}{}",
                self.document_number,
                self.document_number_check,
                self.date_of_birth,
                self.date_of_birth_check,
                self.date_of_expiry,
                self.date_of_expiry_check
            )
        }
    }
}

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
