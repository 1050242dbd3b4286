//! The wire format of a citizen record (what the registry hands over and what the registry
//! database stores), and readers for JSON, JSONL and CSV files that give one result per record
//! so that one bad record never stops the others. The CSV form itself is in `csv_format`.

use crate::csv_format::CsvReader;
use crate::error::RecordError;
use crate::record::{Expiry, Record, Sex};
use serde::{Deserialize, Deserializer, Serialize};
use std::path::Path;

/// A record as written in the input file: every value still text, not yet validated.
/// Unknown keys are refused. `date_of_expiry` distinguishes absent (compute from the law) from
/// `null` (no expiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecord {
    pub id_number: String,
    pub full_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub nationality: String,
    pub ethnicity: String,
    pub religion: String,
    pub place_of_origin: String,
    pub place_of_residence: String,
    pub identifying_features: String,
    pub date_of_issue: String,
    /// Absent: computed. `Some(None)`: `null`, no expiry. `Some(Some(date))`: given.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub date_of_expiry: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_id_number: Option<String>,
    /// Path to the portrait, relative to the folder of the file holding the record. Absent or
    /// `null` only for 2024 cards of children under 6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    pub card_generation: String,
}

/// A key that is present (even as `null`) becomes `Some(..)`; an absent key stays `None`
/// through `#[serde(default)]`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The column names of the CSV format, which are the JSON keys.
pub const KEYS: [&str; 18] = [
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
    "ethnicity",
    "religion",
    "place_of_origin",
    "place_of_residence",
    "identifying_features",
    "date_of_issue",
    "date_of_expiry",
    "father_name",
    "mother_name",
    "spouse_name",
    "old_id_number",
    "photo",
    "card_generation",
];

impl RawRecord {
    /// Parses one JSON object.
    pub fn from_json(text: &str) -> Result<RawRecord, RecordError> {
        serde_json::from_str(text).map_err(|e| json_error(&e, None))
    }

    /// The JSON form (one line), as stored by the registry database.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The wire form of a validated record; the photo path is written as given.
    pub fn from_record(r: &Record) -> RawRecord {
        let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        RawRecord {
            id_number: r.id_number.clone(),
            full_name: r.full_name.clone(),
            date_of_birth: date(r.date_of_birth),
            sex: match r.sex {
                Sex::Male => "M".into(),
                Sex::Female => "F".into(),
            },
            nationality: r.nationality.clone(),
            ethnicity: r.ethnicity.clone(),
            religion: r.religion.clone(),
            place_of_origin: r.place_of_origin.clone(),
            place_of_residence: r.place_of_residence.clone(),
            identifying_features: r.identifying_features.clone(),
            date_of_issue: date(r.date_of_issue),
            date_of_expiry: Some(match r.date_of_expiry {
                Expiry::On(d) => Some(date(d)),
                Expiry::Never => None,
            }),
            father_name: r.father_name.clone(),
            mother_name: r.mother_name.clone(),
            spouse_name: r.spouse_name.clone(),
            old_id_number: r.old_id_number.clone(),
            photo: r.photo.as_ref().map(|p| p.path.display().to_string()),
            card_generation: r.card_generation.as_str().to_string(),
        }
    }
}

fn json_error(e: &serde_json::Error, line: Option<usize>) -> RecordError {
    let msg = e.to_string();
    let rule = if msg.starts_with("unknown field") {
        "syntax.unknown_key"
    } else if msg.starts_with("missing field") {
        "syntax.missing_key"
    } else if msg.starts_with("invalid type") {
        "syntax.type"
    } else {
        "syntax.json"
    };
    RecordError::syntax(line, rule, msg)
}

/// One record of an input file, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// 1-based line where the record starts (JSONL, CSV); None for a single JSON document.
    pub line: Option<usize>,
    pub raw: Result<RawRecord, RecordError>,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One object (or an array of objects).
    Json,
    /// One object per line; blank lines are skipped.
    Jsonl,
    /// A header line of key names, then one record per row.
    Csv,
}

impl Format {
    /// By file extension (`.json`, `.jsonl`/`.ndjson`, `.csv`); otherwise from the content:
    /// a document that parses as one JSON value is JSON, anything else JSONL.
    pub fn detect(path: &Path, text: &str) -> Format {
        Format::by_extension(path).unwrap_or_else(|| {
            if serde_json::from_str::<serde_json::Value>(text).is_ok() {
                Format::Json
            } else {
                Format::Jsonl
            }
        })
    }

    fn by_extension(path: &Path) -> Option<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Some(Format::Json),
            Some("jsonl" | "ndjson") => Some(Format::Jsonl),
            Some("csv") => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Reads every record of a file (see [`open_file`]). Only an unreadable file (or a CSV header
/// that is wrong) is an error for the whole file; everything else is reported per record.
pub fn read_file(path: &Path) -> Result<Vec<Entry>, RecordError> {
    open_file(path)?.collect()
}

/// The records of a file, one at a time, in the format [`Format::detect`] gives. A CSV file is
/// read as the records are taken, so it is never in memory whole; JSON and JSONL files are read
/// first (a JSON document has to be, and telling JSON from JSONL by content needs the text).
///
/// `Err` here is a file that cannot be opened or a CSV header that is wrong; an `Err` item is a
/// file that fails part-way (an I/O error, bytes that are not UTF-8) and is the last item. Both
/// are [`RecordError::File`].
pub fn open_file(path: &Path) -> Result<FileEntries, RecordError> {
    if Format::by_extension(path) == Some(Format::Csv) {
        return CsvReader::open(path).map(|r| FileEntries(Source::Csv(Box::new(r))));
    }
    let file_error = |reason: String| RecordError::File {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| file_error(e.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| file_error(format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    // A `.csv` file went to `CsvReader` above, and content alone never says CSV.
    let entries = match Format::detect(path, text) {
        Format::Json => read_json(text),
        Format::Jsonl | Format::Csv => read_jsonl(text),
    };
    Ok(FileEntries(Source::Read(entries.into_iter())))
}

/// The records of a file, from [`open_file`].
pub struct FileEntries(Source);

enum Source {
    Csv(Box<CsvReader<std::fs::File>>),
    Read(std::vec::IntoIter<Entry>),
}

impl Iterator for FileEntries {
    type Item = Result<Entry, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Source::Csv(r) => r.next(),
            Source::Read(entries) => entries.next().map(Ok),
        }
    }
}

/// A JSON document: one object, or an array of objects (one entry each).
pub fn read_json(text: &str) -> Vec<Entry> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|v| Entry {
                line: None,
                raw: serde_json::from_value(v).map_err(|e| json_error(&e, None)),
            })
            .collect(),
        Ok(_) => vec![Entry {
            line: None,
            raw: RawRecord::from_json(text),
        }],
        Err(e) => vec![Entry {
            line: None,
            raw: Err(json_error(&e, None)),
        }],
    }
}

/// JSON Lines: one object per non-blank line.
pub fn read_jsonl(text: &str) -> Vec<Entry> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Entry {
            line: Some(i + 1),
            raw: serde_json::from_str(l).map_err(|e| json_error(&e, Some(i + 1))),
        })
        .collect()
}
