//! CSV input at the edges: quoting, line endings, blank lines, ragged rows, the BOM, reading in
//! pieces, and failures of the input part-way. The rows here are read, not validated.

use citizen::{CsvReader, Entry, RawRecord, RecordError, read_csv};
use proptest::prelude::*;
use std::io::Read;

/// The 13 columns every row here has: the required ones and `photo`.
const HEADER: &str = "id_number,full_name,date_of_birth,sex,nationality,ethnicity,religion,place_of_origin,place_of_residence,identifying_features,date_of_issue,photo,card_generation";

/// A row for `HEADER` whose place of residence is `residence`, written as it is.
fn row(id: &str, residence: &str) -> String {
    format!(
        "{id},Nguyễn Thị Lan,2003-04-15,F,VNM,Kinh,Không,Huế,{residence},Sẹo,2021-06-01,p.jpg,cccd-2021"
    )
}

/// (line, place of residence or the error's reason) of every entry.
fn summary(entries: &[Entry]) -> Vec<(Option<usize>, Result<String, String>)> {
    entries
        .iter()
        .map(|e| {
            let r = match &e.raw {
                Ok(raw) => Ok(raw.place_of_residence.clone()),
                Err(RecordError::Syntax { rule, reason, .. }) => {
                    assert_eq!(*rule, "syntax.csv", "{reason}");
                    Err(reason.clone())
                }
                Err(other) => panic!("not a syntax error: {other}"),
            };
            (e.line, r)
        })
        .collect()
}

fn ok(line: usize, residence: &str) -> (Option<usize>, Result<String, String>) {
    (Some(line), Ok(residence.to_string()))
}

fn bad(line: usize, reason: &str) -> (Option<usize>, Result<String, String>) {
    (Some(line), Err(reason.to_string()))
}

#[test]
fn quoted_cells_keep_separators_line_breaks_and_doubled_quotes() {
    let text = [
        HEADER,
        &row("1", "\"Số 12 \"\"A\"\", Lê Lợi\""),
        &row("2", "\"Tầng 3\r\nSố 4\nHuế\""),
        &row("3", "\"\""),
        &row("4", "Nhà \"B\" 5"),
        &row("5", "Huế"),
    ]
    .join("\n");
    assert_eq!(
        summary(&read_csv(&text).unwrap()),
        vec![
            ok(2, "Số 12 \"A\", Lê Lợi"),
            // A CR or LF inside quotes is text: the cell keeps it, and the row after starts
            // two lines further down.
            ok(3, "Tầng 3\r\nSố 4\nHuế"),
            ok(6, ""),
            // A quote inside a cell that does not start with one is text.
            ok(7, "Nhà \"B\" 5"),
            ok(8, "Huế"),
        ]
    );
}

#[test]
fn text_after_a_closing_quote_refuses_the_row_and_reading_goes_on() {
    // The csv crate alone would read these as `Huếx`, `Huế\r` and `Số 12 A" Lê Lợi"`: a damaged
    // row is refused rather than guessed at.
    let text = [
        HEADER,
        &row("1", "\"Huế\"x"),
        &row("2", "\"Huế\"\r"),
        &row("3", "\"Số 12 \"A\" Lê Lợi\""),
        &row("4", "Huế"),
    ]
    .join("\n");
    assert_eq!(
        summary(&read_csv(&text).unwrap()),
        vec![
            bad(2, "character 'x' after a closing quote"),
            bad(3, "character '\\r' after a closing quote"),
            bad(4, "character 'A' after a closing quote"),
            ok(5, "Huế"),
        ]
    );
}

#[test]
fn an_unterminated_quote_refuses_the_rest_of_the_input_as_one_row() {
    let text = [
        HEADER,
        &row("1", "Huế"),
        &row("2", "\"Huế"),
        &row("3", "Huế"),
        "",
    ]
    .join("\n");
    assert_eq!(
        summary(&read_csv(&text).unwrap()),
        vec![
            ok(2, "Huế"),
            bad(3, "unterminated quote (row starting at line 3)"),
        ]
    );
}

#[test]
fn ragged_rows_are_refused_and_reading_goes_on() {
    let text = [
        HEADER,
        "1,Nguyễn Thị Lan",
        &format!("{},extra", row("2", "Huế")),
        " ",
        &row("3", "Huế"),
    ]
    .join("\n");
    assert_eq!(
        summary(&read_csv(&text).unwrap()),
        vec![
            bad(2, "2 cells, the header has 13"),
            bad(3, "14 cells, the header has 13"),
            // A line of spaces is not blank: it is a row of one cell.
            bad(4, "1 cells, the header has 13"),
            ok(5, "Huế"),
        ]
    );
    let e = read_csv(&text).unwrap()[0].raw.clone().unwrap_err();
    assert_eq!(e.record().and_then(|r| r.line), Some(2));
}

#[test]
fn blank_lines_crlf_and_the_bom() {
    // Blank lines (LF, CRLF, or a lone empty quoted cell) are skipped wherever they are,
    // before the header too; CRLF and LF may be mixed; lines are still counted.
    let text = format!(
        "\u{FEFF}\n\r\n{HEADER}\r\n\r\n{}\r\n\n\"\"\n{}\n\r\n{}",
        row("1", "Huế"),
        row("2", "\"Hà Nội\""),
        row("3", "Đà Nẵng")
    );
    assert_eq!(
        summary(&read_csv(&text).unwrap()),
        vec![ok(5, "Huế"), ok(8, "Hà Nội"), ok(10, "Đà Nẵng")]
    );
    // The CR of a CRLF is not part of the last cell, quoted or not.
    let text = format!(
        "{HEADER}\r\n{}\r\n{}\"\r\n",
        row("1", "Huế"),
        row("2", "Huế")
    );
    let text = text.replacen(",cccd-2021\"", ",\"cccd-2021\"", 1);
    let entries = read_csv(&text).unwrap();
    for e in &entries {
        assert_eq!(e.raw.as_ref().unwrap().card_generation, "cccd-2021");
    }
    assert_eq!(entries.len(), 2);
}

#[test]
fn a_lone_cr_stays_in_its_cell() {
    // Only LF (or CRLF) ends a row; a CR elsewhere is text, which validation refuses as a
    // control character.
    let text = format!(
        "{HEADER}\n{}\n{}\r",
        row("1", "Hà Nội\rHuế"),
        row("2", "Huế")
    );
    let entries = read_csv(&text).unwrap();
    assert_eq!(summary(&entries), vec![ok(2, "Hà Nội\rHuế"), ok(3, "Huế")]);
    assert_eq!(
        entries[1].raw.as_ref().unwrap().card_generation,
        "cccd-2021\r"
    );
}

#[test]
fn header_problems_refuse_the_input() {
    let err = |text: &str| match read_csv(text) {
        Err(RecordError::Syntax {
            record,
            rule,
            reason,
        }) => (record.line, rule, reason),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted: {text:?}"),
    };
    assert_eq!(
        err(""),
        (Some(1), "syntax.csv", "empty file: no header".to_string())
    );
    assert_eq!(
        err("\u{FEFF}"),
        (Some(1), "syntax.csv", "empty file: no header".to_string())
    );
    assert_eq!(
        err("\n\r\n\n"),
        (Some(1), "syntax.csv", "empty file: no header".to_string())
    );
    assert_eq!(
        err("\n\nid_number,\"full_name\"x\n"),
        (
            Some(3),
            "syntax.csv",
            "character 'x' after a closing quote".to_string()
        )
    );
    assert_eq!(
        err("\u{FEFF}id_number,shoe_size\n"),
        (
            Some(1),
            "syntax.unknown_key",
            "unknown column \"shoe_size\"".to_string()
        )
    );
    // Quoted column names are column names.
    let quoted = HEADER
        .split(',')
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(",");
    let entries = read_csv(&format!("{quoted}\n{}\n", row("1", "Huế"))).unwrap();
    assert_eq!(summary(&entries), vec![ok(2, "Huế")]);
}

#[test]
fn empty_optional_cells_are_absent_and_null_is_no_expiry() {
    let text = format!(
        "{HEADER},date_of_expiry,father_name,old_id_number\n{},,,\n{},null,Nguyễn Văn Nam,\n{},2028-04-15, ,012345678\n",
        row("1", "Huế"),
        row("2", "Huế"),
        row("3", "Huế")
    );
    let raws: Vec<RawRecord> = read_csv(&text)
        .unwrap()
        .into_iter()
        .map(|e| e.raw.unwrap())
        .collect();
    let fields = |r: &RawRecord| {
        (
            r.date_of_expiry.clone(),
            r.father_name.clone(),
            r.old_id_number.clone(),
        )
    };
    assert_eq!(fields(&raws[0]), (None, None, None));
    assert_eq!(
        fields(&raws[1]),
        (Some(None), Some("Nguyễn Văn Nam".into()), None)
    );
    assert_eq!(
        fields(&raws[2]),
        (
            Some(Some("2028-04-15".into())),
            Some(" ".into()),
            Some("012345678".into())
        )
    );
    // A required column's empty cell is an empty value, refused later by validation.
    let text = format!("{HEADER}\n{}\n", row("", "Huế"));
    assert_eq!(
        read_csv(&text).unwrap()[0].raw.as_ref().unwrap().id_number,
        ""
    );
}

/// Hands out its bytes `chunk` at a time, then (if `fail`) an I/O error.
struct Pieces {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
    fail: bool,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.bytes.len() && self.fail {
            return Err(std::io::Error::other("the tape snapped"));
        }
        let n = self.chunk.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn pieces(text: &[u8], chunk: usize, fail: bool) -> Pieces {
    Pieces {
        bytes: text.to_vec(),
        at: 0,
        chunk,
        fail,
    }
}

#[test]
fn reading_in_pieces_gives_what_reading_whole_gives() {
    // Rows of every kind, long enough to cross the csv reader's buffer many times.
    let mut text = format!("\u{FEFF}{HEADER}\r\n");
    for i in 0..400 {
        let residence = match i % 6 {
            0 => "Huế".to_string(),
            1 => format!("\"Số {i} \"\"A\"\",\r\nQuận 1\""),
            2 => "\"Huế\"x".to_string(),
            3 => format!("{} {}", "Đường".repeat(i % 50), i),
            4 => "\"\"".to_string(),
            _ => "Hà Nội\rHuế".to_string(),
        };
        text.push_str(&row(&i.to_string(), &residence));
        text.push_str(if i % 2 == 0 { "\r\n" } else { "\n\n" });
    }
    let whole: Vec<_> = read_csv(&text)
        .unwrap()
        .into_iter()
        .map(|e| (e.line, e.raw))
        .collect();
    assert_eq!(whole.len(), 400);
    for chunk in [1, 2, 3, 7, 64, 8191, 1 << 20] {
        let read: Vec<_> = CsvReader::new(pieces(text.as_bytes(), chunk, false))
            .unwrap()
            .map(|e| e.map(|e| (e.line, e.raw)).unwrap())
            .collect();
        assert!(read == whole, "read {chunk} bytes at a time");
    }
}

#[test]
fn a_failure_part_way_is_the_last_item() {
    let text = format!("{HEADER}\n{}\n{}\n", row("1", "Huế"), row("2", "Huế"));
    let items: Vec<_> = CsvReader::new(pieces(text.as_bytes(), 100, true))
        .unwrap()
        .collect();
    assert_eq!(items.len(), 3);
    assert!(items[..2].iter().all(|i| i.as_ref().unwrap().raw.is_ok()));
    match &items[2] {
        Err(e @ RecordError::File { reason, .. }) => {
            assert_eq!(reason, "the tape snapped");
            assert_eq!(e.rule(), "file");
            assert_eq!(e.record(), None);
        }
        other => panic!("{other:?}"),
    }
    // Bytes that are not UTF-8: the input is not text at all, whatever came before.
    let mut bytes = format!("{HEADER}\n{}\n", row("1", "Huế")).into_bytes();
    let at = bytes.len() + 2;
    bytes.extend_from_slice(b"1,Nguy\xEAn");
    let items: Vec<_> = CsvReader::new(&bytes[..]).unwrap().collect();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1].as_ref().unwrap_err().to_string(),
        format!("CSV input: not UTF-8 (byte {})", at + 4)
    );
    // As a file: the same error, naming it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.csv");
    std::fs::write(&path, &bytes).unwrap();
    let e = citizen::read_file(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: not UTF-8 (byte {})", path.display(), at + 4)
    );
    // A header that is not UTF-8 refuses the file before any row.
    std::fs::write(&path, b"id_n\xFFmber\n").unwrap();
    let e = CsvReader::open(&path).err().unwrap();
    assert!(e.to_string().ends_with(": not UTF-8 (byte 4)"), "{e}");
}

#[test]
fn open_file_gives_csv_records_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.csv");
    let text = format!(
        "{HEADER}\n{}\n\n{}\n",
        row("1", "Huế"),
        row("2", "\"Hà\nNội\"")
    );
    std::fs::write(&path, &text).unwrap();
    let mut entries = citizen::open_file(&path).unwrap();
    let first = entries.next().unwrap().unwrap();
    assert_eq!(first.line, Some(2));
    let second = entries.next().unwrap().unwrap();
    assert_eq!(second.raw.unwrap().place_of_residence, "Hà\nNội");
    assert_eq!(second.line, Some(4));
    assert!(entries.next().is_none());
    // The header's problems are the file's, at their line.
    std::fs::write(&path, "\nid_number,colour\n").unwrap();
    let e = citizen::open_file(&path).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!("{}: line 2: unknown column \"colour\"", path.display())
    );
}

#[test]
fn rows_are_written_as_before() {
    let mut raw: RawRecord = serde_json::from_value(serde_json::json!({
        "id_number": "079303012345",
        "full_name": "Nguyễn Thị Bích Ngọc",
        "date_of_birth": "2003-04-15",
        "sex": "F",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Quận 1, TP. HCM",
        "place_of_residence": "Số 12 \"A\"\r\nQuận 1",
        "identifying_features": "",
        "date_of_issue": "2021-06-01",
        "card_generation": "cccd-2021"
    }))
    .unwrap();
    assert_eq!(
        raw.to_csv_row(),
        "079303012345,Nguyễn Thị Bích Ngọc,2003-04-15,F,VNM,Kinh,Không,\"Quận 1, TP. HCM\",\"Số 12 \"\"A\"\"\r\nQuận 1\",,2021-06-01,,,,,,,cccd-2021"
    );
    raw.date_of_expiry = Some(None);
    raw.photo = Some("a,b.jpg".into());
    assert!(
        raw.to_csv_row()
            .ends_with(",2021-06-01,null,,,,,\"a,b.jpg\",cccd-2021")
    );
}

/// Cell text with everything CSV has to quote, and Vietnamese letters.
fn cell() -> impl Strategy<Value = String> {
    "[a-zA-Zàếộđ ,\"\r\n\t]{0,12}"
}

fn optional() -> impl Strategy<Value = Option<String>> {
    prop::option::of(cell().prop_filter("empty means absent", |s| !s.is_empty()))
}

fn any_raw() -> impl Strategy<Value = RawRecord> {
    let expiry = prop_oneof![
        Just(None),
        Just(Some(None)),
        cell()
            .prop_filter("empty or null mean absent or none", |s| {
                !s.is_empty() && s != "null"
            })
            .prop_map(|s| Some(Some(s))),
    ];
    (
        prop::collection::vec(cell(), 12),
        expiry,
        prop::collection::vec(optional(), 5),
    )
        .prop_map(|(r, date_of_expiry, o)| RawRecord {
            id_number: r[0].clone(),
            full_name: r[1].clone(),
            date_of_birth: r[2].clone(),
            sex: r[3].clone(),
            nationality: r[4].clone(),
            ethnicity: r[5].clone(),
            religion: r[6].clone(),
            place_of_origin: r[7].clone(),
            place_of_residence: r[8].clone(),
            identifying_features: r[9].clone(),
            date_of_issue: r[10].clone(),
            date_of_expiry,
            father_name: o[0].clone(),
            mother_name: o[1].clone(),
            spouse_name: o[2].clone(),
            old_id_number: o[3].clone(),
            photo: o[4].clone(),
            card_generation: r[11].clone(),
        })
}

proptest! {
    /// Whatever the cells hold, a written row reads back as the same record, on its own line
    /// count, with LF or CRLF endings.
    #[test]
    fn written_rows_read_back(raws in prop::collection::vec(any_raw(), 1..6), crlf: bool) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = citizen::csv_header() + end;
        let mut lines = Vec::new();
        let mut line = 2;
        for r in &raws {
            let row = r.to_csv_row();
            lines.push(Some(line));
            line += 1 + row.matches('\n').count();
            text.push_str(&row);
            text.push_str(end);
        }
        let entries = read_csv(&text).unwrap();
        let read: Vec<_> = entries.iter().map(|e| e.raw.clone().unwrap()).collect();
        prop_assert_eq!(read, raws);
        prop_assert_eq!(entries.iter().map(|e| e.line).collect::<Vec<_>>(), lines);
    }
}
