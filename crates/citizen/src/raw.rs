//! The wire format of a citizen record (what the registry hands over and what the registry
//! database stores), and readers for JSON, JSONL and CSV that give one result per record so
//! that one bad record never stops the others.

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

    /// One CSV row (same column order as [`KEYS`]), quoted where needed.
    pub fn to_csv_row(&self) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let expiry = match &self.date_of_expiry {
            None => String::new(),
            Some(None) => "null".into(),
            Some(Some(d)) => d.clone(),
        };
        let cells = [
            self.id_number.clone(),
            self.full_name.clone(),
            self.date_of_birth.clone(),
            self.sex.clone(),
            self.nationality.clone(),
            self.ethnicity.clone(),
            self.religion.clone(),
            self.place_of_origin.clone(),
            self.place_of_residence.clone(),
            self.identifying_features.clone(),
            self.date_of_issue.clone(),
            expiry,
            opt(&self.father_name),
            opt(&self.mother_name),
            opt(&self.spouse_name),
            opt(&self.old_id_number),
            opt(&self.photo),
            self.card_generation.clone(),
        ];
        cells
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The CSV header line.
pub fn csv_header() -> String {
    KEYS.join(",")
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
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Format::Json,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            Some("csv") => Format::Csv,
            _ => {
                if serde_json::from_str::<serde_json::Value>(text).is_ok() {
                    Format::Json
                } else {
                    Format::Jsonl
                }
            }
        }
    }
}

/// Reads every record of a file. Only an unreadable file (or a CSV header that is wrong) is an
/// error for the whole file; everything else is reported per record.
pub fn read_file(path: &Path) -> Result<Vec<Entry>, RecordError> {
    let bytes = std::fs::read(path).map_err(|e| RecordError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| RecordError::File {
        path: path.display().to_string(),
        reason: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    match Format::detect(path, text) {
        Format::Json => Ok(read_json(text)),
        Format::Jsonl => Ok(read_jsonl(text)),
        Format::Csv => read_csv(text).map_err(|e| match e {
            RecordError::Syntax { reason, record, .. } => RecordError::File {
                path: path.display().to_string(),
                reason: format!("line {}: {reason}", record.line.unwrap_or(1)),
            },
            other => other,
        }),
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

/// CSV (RFC 4180: `,` separator, `"` quoting with `""` escapes, quoted fields may span lines).
/// The header must name known columns, each at most once, and include every required key.
/// Empty cells of optional columns are absent; `date_of_expiry` is absent when empty and no
/// expiry when `null`.
pub fn read_csv(text: &str) -> Result<Vec<Entry>, RecordError> {
    let rows = split_csv(text);
    let mut rows = rows.into_iter();
    let (header_line, header) = match rows.next() {
        Some((line, Ok(cells))) => (line, cells),
        Some((line, Err(e))) => return Err(RecordError::syntax(Some(line), "syntax.csv", e)),
        None => {
            return Err(RecordError::syntax(
                Some(1),
                "syntax.csv",
                "empty file: no header",
            ));
        }
    };
    let known = &KEYS[..];
    for (i, h) in header.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            return Err(RecordError::syntax(
                Some(header_line),
                "syntax.unknown_key",
                format!("unknown column {h:?}"),
            ));
        }
        if header[..i].contains(h) {
            return Err(RecordError::syntax(
                Some(header_line),
                "syntax.csv",
                format!("column {h:?} appears twice"),
            ));
        }
    }
    let optional = [
        "date_of_expiry",
        "father_name",
        "mother_name",
        "spouse_name",
        "old_id_number",
        "photo",
    ];
    for k in known {
        if !optional.contains(k) && !header.iter().any(|h| h == k) {
            return Err(RecordError::syntax(
                Some(header_line),
                "syntax.missing_key",
                format!("missing column {k:?}"),
            ));
        }
    }
    let mut out = Vec::new();
    for (line, row) in rows {
        let cells = match row {
            Ok(c) => c,
            Err(e) => {
                out.push(Entry {
                    line: Some(line),
                    raw: Err(RecordError::syntax(Some(line), "syntax.csv", e)),
                });
                continue;
            }
        };
        if cells.len() == 1 && cells[0].is_empty() {
            continue; // blank line
        }
        if cells.len() != header.len() {
            out.push(Entry {
                line: Some(line),
                raw: Err(RecordError::syntax(
                    Some(line),
                    "syntax.csv",
                    format!("{} cells, the header has {}", cells.len(), header.len()),
                )),
            });
            continue;
        }
        let mut obj = serde_json::Map::new();
        for (h, c) in header.iter().zip(cells) {
            let value = if h == "date_of_expiry" && c == "null" {
                serde_json::Value::Null
            } else if optional.contains(&h.as_str()) && c.is_empty() {
                continue;
            } else {
                serde_json::Value::String(c)
            };
            obj.insert(h.clone(), value);
        }
        out.push(Entry {
            line: Some(line),
            raw: serde_json::from_value(serde_json::Value::Object(obj))
                .map_err(|e| json_error(&e, Some(line))),
        });
    }
    Ok(out)
}

/// Splits CSV text into rows of cells, each with the line it starts on.
fn split_csv(text: &str) -> Vec<(usize, Result<Vec<String>, String>)> {
    let mut rows = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut error = None;
        loop {
            match chars.next() {
                None => {
                    cells.push(std::mem::take(&mut cell));
                    break;
                }
                Some('\n') => {
                    line += 1;
                    cells.push(std::mem::take(&mut cell));
                    break;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some(',') => cells.push(std::mem::take(&mut cell)),
                Some('"') if cell.is_empty() => {
                    // Quoted cell.
                    loop {
                        match chars.next() {
                            None => {
                                error = Some(format!(
                                    "unterminated quote (row starting at line {start})"
                                ));
                                break;
                            }
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                cell.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                cell.push(c);
                            }
                        }
                    }
                    if error.is_some() {
                        break;
                    }
                    match chars.peek() {
                        Some(',') | Some('\n') | Some('\r') | None => {}
                        Some(c) => {
                            error = Some(format!("character {c:?} after a closing quote"));
                            // Skip to the end of the row.
                            for c in chars.by_ref() {
                                if c == '\n' {
                                    line += 1;
                                    break;
                                }
                            }
                            break;
                        }
                    }
                }
                Some(c) => cell.push(c),
            }
        }
        rows.push((start, error.map_or(Ok(cells), Err)));
    }
    rows
}
