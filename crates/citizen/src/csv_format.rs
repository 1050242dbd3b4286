//! The CSV form of the registry hand-over: a header row of [`KEYS`], then one record per row.
//!
//! Rows are split and unquoted by the `csv` crate (RFC 4180: `,` separator, `"` quoting with
//! `""` escapes, quoted cells may span lines, LF or CRLF line endings, a leading UTF-8 BOM is
//! dropped) and each row is deserialized into a [`RawRecord`] with serde. [`CsvReader`] reads one
//! row at a time, so a file is never held in memory whole.
//!
//! The `csv` crate is lenient by design: it reads `"ab"c` as `abc` and an unterminated quote as
//! a cell running to the end of the file. A hand-over with such a row is damaged, and guessing
//! what it meant could put a wrong name or address on an identity card, so every row is also
//! compared with the bytes it was read from: a row whose bytes are not exactly the strict CSV
//! form of its cells is refused with `syntax.csv` and reading goes on with the next row.

use crate::error::RecordError;
use crate::raw::{Entry, KEYS, RawRecord};
use csv::ByteRecord;
use std::io::Read;
use std::path::Path;

/// Columns that may be left out of the header; their empty cells mean "absent".
const OPTIONAL: [&str; 6] = [
    "date_of_expiry",
    "father_name",
    "mother_name",
    "spouse_name",
    "old_id_number",
    "photo",
];

/// CSV text, read whole: one entry per non-blank row after the header.
///
/// The header must name known columns, each at most once, and include every required key; if
/// it does not (or there is none), the whole text is refused with a `syntax.*` error at the
/// header's line. Empty cells of optional columns are absent; `date_of_expiry` is absent when
/// empty and no expiry when `null`. Each entry's line is where its row starts.
pub fn read_csv(text: &str) -> Result<Vec<Entry>, RecordError> {
    CsvReader::new(text.as_bytes())?.collect()
}

/// The CSV header line.
pub fn csv_header() -> String {
    KEYS.join(",")
}

impl RawRecord {
    /// One CSV row (same column order as [`KEYS`], no line ending), quoted where needed.
    pub fn to_csv_row(&self) -> String {
        let expiry = match &self.date_of_expiry {
            None => "",
            Some(None) => "null",
            Some(Some(d)) => d,
        };
        let cells = [
            &self.id_number,
            &self.full_name,
            &self.date_of_birth,
            &self.sex,
            &self.nationality,
            &self.ethnicity,
            &self.religion,
            &self.place_of_origin,
            &self.place_of_residence,
            &self.identifying_features,
            &self.date_of_issue,
            expiry,
            self.father_name.as_deref().unwrap_or_default(),
            self.mother_name.as_deref().unwrap_or_default(),
            self.spouse_name.as_deref().unwrap_or_default(),
            self.old_id_number.as_deref().unwrap_or_default(),
            self.photo.as_deref().unwrap_or_default(),
            &self.card_generation,
        ];
        // Writing into a Vec cannot fail and the cells are UTF-8, so the fallbacks are never
        // taken; they keep this function free of panics.
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(512)
            .from_writer(Vec::new());
        if out.write_record(cells).is_err() {
            return String::new();
        }
        let mut bytes = out.into_inner().unwrap_or_default();
        bytes.pop(); // the '\n' the writer ends the row with
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// Records of CSV input, read one row at a time.
///
/// [`CsvReader::new`] reads and checks the header; the iterator then gives one [`Entry`] per
/// non-blank row (a row that cannot be read is an entry with a `syntax.csv` error, and reading
/// goes on). An `Err` item is a failure of the input as a whole (an I/O error, bytes that are not
/// UTF-8); it is the last item.
pub struct CsvReader<R> {
    csv: csv::Reader<Kept<R>>,
    /// Names the input in file-level errors.
    name: String,
    header: ByteRecord,
    row: ByteRecord,
    /// Scratch space for rewriting the last cell of `row`.
    cell: Vec<u8>,
    first_row: bool,
    finished: bool,
}

impl CsvReader<std::fs::File> {
    /// Opens a CSV file and reads its header. Every error is a [`RecordError::File`] naming the
    /// path; header problems say at which line.
    pub fn open(path: &Path) -> Result<Self, RecordError> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| RecordError::File {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        CsvReader::named(file, name.clone()).map_err(|e| match e {
            RecordError::Syntax { reason, record, .. } => RecordError::File {
                path: name,
                reason: format!("line {}: {reason}", record.line.unwrap_or(1)),
            },
            other => other,
        })
    }
}

impl<R: Read> CsvReader<R> {
    /// Reads and checks the header of CSV input (see [`read_csv`] for what a header must hold).
    pub fn new(input: R) -> Result<Self, RecordError> {
        CsvReader::named(input, "CSV input".to_string())
    }

    fn named(input: R, name: String) -> Result<Self, RecordError> {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            // Rows with the wrong number of cells are reported by `record`, which says how
            // many cells there were.
            .flexible(true)
            // Only LF ends a row, as in every line count a person sees; the CR of a CRLF is
            // dropped by `next_row`. A lone CR stays in its cell (and validation refuses it).
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(Kept::new(input));
        let mut reader = CsvReader {
            csv,
            name,
            header: ByteRecord::new(),
            row: ByteRecord::new(),
            cell: Vec::new(),
            first_row: true,
            finished: false,
        };
        let line = match reader.next_row()? {
            None => {
                return Err(RecordError::syntax(
                    Some(1),
                    "syntax.csv",
                    "empty file: no header",
                ));
            }
            Some(Row {
                line,
                quoting: Err(reason),
            }) => {
                return Err(RecordError::syntax(Some(line), "syntax.csv", reason));
            }
            Some(Row {
                line,
                quoting: Ok(()),
            }) => line,
        };
        std::mem::swap(&mut reader.header, &mut reader.row);
        check_header(&reader.header, line)?;
        Ok(reader)
    }

    fn file_error(&self, reason: String) -> RecordError {
        RecordError::File {
            path: self.name.clone(),
            reason,
        }
    }

    /// Reads the next non-blank row into `self.row`. `Err` is a failure of the whole input.
    fn next_row(&mut self) -> Result<Option<Row>, RecordError> {
        loop {
            let start = self.csv.position().clone();
            match self.csv.read_byte_record(&mut self.row) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => {
                    let reason = match e.kind() {
                        csv::ErrorKind::Io(io) => io.to_string(),
                        _ => e.to_string(),
                    };
                    return Err(self.file_error(reason));
                }
            }
            let end = self.csv.position().byte();
            let Some(bytes) = self.csv.get_ref().bytes(start.byte(), end) else {
                return Err(self.file_error(format!(
                    "internal error: the bytes of the row at byte {} were not kept",
                    start.byte()
                )));
            };
            let mut text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let at = start.byte() + e.valid_up_to() as u64;
                    return Err(self.file_error(format!("not UTF-8 (byte {at})")));
                }
            };
            if std::mem::take(&mut self.first_row) {
                // csv-core dropped the BOM (`Kept` makes sure it sees it whole), but it is
                // still among the row's bytes.
                text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
            }
            // csv-core skips blank lines (bare LF) before a row without moving the row's
            // position, so the row starts as many lines later as it has leading LFs.
            let body = text.trim_start_matches('\n');
            let line = start.line() as usize + (text.len() - body.len());
            let body = match body.strip_suffix('\n') {
                Some(b) => match b.strip_suffix('\r') {
                    Some(b) => {
                        // The CR of a CRLF, which csv-core kept at the end of the last cell.
                        drop_final_cr(&mut self.row, &mut self.cell);
                        b
                    }
                    None => b,
                },
                None => body,
            };
            let checked = check_quoting(body, &self.row, line);
            self.csv.get_mut().release(end);
            let blank = self.row.len() == 1 && self.row.get(0).is_some_and(<[u8]>::is_empty);
            if checked.is_err() || !blank {
                return Ok(Some(Row {
                    line,
                    quoting: checked,
                }));
            }
        }
    }

    /// `self.row` as a record, once its cell count matches the header.
    fn record(&self) -> Result<RawRecord, String> {
        if self.row.len() != self.header.len() {
            return Err(format!(
                "{} cells, the header has {}",
                self.row.len(),
                self.header.len()
            ));
        }
        // Every column is known and every required one is there (`check_header`), and every
        // field is text, so this cannot fail; the message is kept should that ever change.
        let mut raw: RawRecord =
            self.row
                .deserialize(Some(&self.header))
                .map_err(|e| match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
                    _ => e.to_string(),
                })?;
        // serde maps an empty cell to "absent" for every optional column; `date_of_expiry`
        // also has the cell `null` for "no expiry".
        raw.date_of_expiry = match raw.date_of_expiry {
            Some(Some(d)) if d == "null" => Some(None),
            Some(None) => None,
            other => other,
        };
        Ok(raw)
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<Entry, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let Row { line, quoting } = match self.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => {
                self.finished = true;
                return None;
            }
            Err(e) => {
                self.finished = true;
                return Some(Err(e));
            }
        };
        let raw = quoting
            .and_then(|()| self.record())
            .map_err(|reason| RecordError::syntax(Some(line), "syntax.csv", reason));
        Some(Ok(Entry {
            line: Some(line),
            raw,
        }))
    }
}

/// Drops the CR at the end of the last cell of `row`, if there is one (through `scratch`: a
/// cell cannot be shortened in place).
fn drop_final_cr(row: &mut ByteRecord, scratch: &mut Vec<u8>) {
    let Some(last) = row.len().checked_sub(1) else {
        return;
    };
    let Some(kept) = row[last].strip_suffix(b"\r") else {
        return;
    };
    scratch.clear();
    scratch.extend_from_slice(kept);
    row.truncate(last);
    row.push_field(scratch);
}

/// Where a row read into `CsvReader::row` starts, and whether its bytes are well-formed CSV.
struct Row {
    line: usize,
    quoting: Result<(), String>,
}

/// Known columns, each at most once, every required one present.
fn check_header(header: &ByteRecord, line: usize) -> Result<(), RecordError> {
    let err = |rule, reason| RecordError::syntax(Some(line), rule, reason);
    for (i, h) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(h);
        if !KEYS.contains(&name.as_ref()) {
            return Err(err(
                "syntax.unknown_key",
                format!("unknown column {name:?}"),
            ));
        }
        if header.iter().take(i).any(|earlier| earlier == h) {
            return Err(err("syntax.csv", format!("column {name:?} appears twice")));
        }
    }
    for k in KEYS.iter().filter(|k| !OPTIONAL.contains(k)) {
        if !header.iter().any(|h| h == k.as_bytes()) {
            return Err(err("syntax.missing_key", format!("missing column {k:?}")));
        }
    }
    Ok(())
}

/// Whether `row` (a row's bytes without its line ending) is exactly the strict CSV form of the
/// cells csv-core read from it: each cell either written as it is, or in quotes with its quotes
/// doubled and the closing quote followed by `,` or the end of the row. This is a comparison,
/// not a second parser: csv-core decided where every cell starts.
fn check_quoting(row: &str, cells: &ByteRecord, line: usize) -> Result<(), String> {
    let bytes = row.as_bytes();
    let malformed = || Err("malformed quoting".to_string());
    let mut at = 0;
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            if bytes.get(at) != Some(&b',') {
                return malformed();
            }
            at += 1;
        }
        if bytes.get(at) != Some(&b'"') {
            if !bytes[at..].starts_with(cell) {
                return malformed();
            }
            at += cell.len();
            continue;
        }
        at += 1;
        let quoted = cell
            .iter()
            .flat_map(|b| match b {
                b'"' => &b"\"\""[..],
                _ => std::slice::from_ref(b),
            })
            .chain(b"\"");
        for want in quoted {
            match bytes.get(at) {
                None => return Err(format!("unterminated quote (row starting at line {line})")),
                Some(got) if got == want => at += 1,
                // csv-core went on after a closing quote and took the next character as text.
                Some(b'"') => {
                    return match row.get(at + 1..).and_then(|rest| rest.chars().next()) {
                        Some(c) => Err(format!("character {c:?} after a closing quote")),
                        None => malformed(),
                    };
                }
                Some(_) => return malformed(),
            }
        }
    }
    if at == bytes.len() {
        Ok(())
    } else {
        malformed()
    }
}

const BOM_LEN: usize = '\u{FEFF}'.len_utf8();

/// The input as the csv reader reads it, keeping the bytes of the rows not yet checked: the
/// csv crate does not say how a row was written, and `check_quoting` needs to know.
struct Kept<R> {
    inner: R,
    kept: Vec<u8>,
    /// Input offset of `kept[0]`.
    kept_from: u64,
    /// Input offset up to which the rows have been checked and their bytes may go.
    released: u64,
}

impl<R> Kept<R> {
    fn new(inner: R) -> Self {
        Kept {
            inner,
            kept: Vec::new(),
            kept_from: 0,
            released: 0,
        }
    }

    /// The input bytes from offset `from` to `to`, if still kept.
    fn bytes(&self, from: u64, to: u64) -> Option<&[u8]> {
        let index = |offset: u64| usize::try_from(offset.checked_sub(self.kept_from)?).ok();
        self.kept.get(index(from)?..index(to)?)
    }

    /// The bytes before input offset `to` are no longer needed.
    fn release(&mut self, to: u64) {
        self.released = self.released.max(to);
    }
}

impl<R: Read> Read for Kept<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Dropping released bytes only here, once per buffer the csv reader fills, keeps the
        // copying small: at most one buffer plus the row being read stays.
        let done = usize::try_from(self.released.saturating_sub(self.kept_from))
            .unwrap_or(usize::MAX)
            .min(self.kept.len());
        self.kept.drain(..done);
        self.kept_from += done as u64;
        let mut n = self.inner.read(buf)?;
        if self.kept_from == 0 && self.kept.is_empty() {
            // csv-core strips a BOM only if its first input holds all three bytes, and takes
            // an input that was nothing but the BOM for the end of the data: the first read
            // gathers more than a BOM unless the input ends first.
            while n > 0 && n <= BOM_LEN && n < buf.len() {
                match self.inner.read(&mut buf[n..])? {
                    0 => break,
                    more => n += more,
                }
            }
        }
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}
