//! The TD1 zone of a Vietnamese card (Doc 9303 Part 5 §4.2, vietnam-cccd.md §2), built from a
//! record: the fields, their check digits, the composite, and the three lines.

use super::{TD1_LINE_LEN, check_digit, name_from_full_name};
use crate::error::LdsError;
use chrono::{Datelike, NaiveDate};
use citizen::{Expiry, Record, Sex};

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
