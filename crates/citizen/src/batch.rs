//! Checking a whole file: read every record, validate each one, flag duplicate ID numbers.

use crate::error::RecordError;
use crate::raw::open_file;
use crate::record::Record;
use crate::validate::{Rules, validate_with};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// One record of a checked file.
#[derive(Debug, Clone)]
pub struct CheckedEntry {
    /// 1-based line where the record starts, when the format has lines per record.
    pub line: Option<usize>,
    pub result: Result<Record, RecordError>,
}

/// Reads and validates every record of `path` (photos relative to its folder), one at a time as
/// [`open_file`](crate::open_file) gives them. A file-level error (unreadable file, bad CSV
/// header, a CSV file that fails part-way) is the only `Err`; a second record with an ID number
/// already seen in the file is refused with `batch.duplicate_id`.
pub fn check_file(
    path: &Path,
    today: NaiveDate,
    rules: &Rules,
) -> Result<Vec<CheckedEntry>, RecordError> {
    let base = path.parent().unwrap_or(Path::new("."));
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();
    let mut out = Vec::new();
    for entry in open_file(path)? {
        let entry = entry?;
        let line = entry.line;
        let mut result = entry
            .raw
            .and_then(|raw| validate_with(&raw, base, today, rules));
        if let Ok(r) = &result {
            if let Some(first) = seen.get(&r.id_number) {
                result = Err(RecordError::invalid(
                    &r.id_number,
                    "id_number",
                    "batch.duplicate_id",
                    match first {
                        Some(l) => format!("the same ID number is already on line {l}"),
                        None => "the same ID number appears twice in the file".to_string(),
                    },
                ));
            } else {
                seen.insert(r.id_number.clone(), line);
            }
        }
        if let Some(l) = line {
            result = result.map_err(|e| e.at_line(l));
        }
        out.push(CheckedEntry { line, result });
    }
    Ok(out)
}
