//! Records arriving in files: JSON syntax errors, JSONL batches with bad lines and duplicate ID
//! numbers, CSV with the same columns as JSON, and the file formats and file errors
//! `read_file` / `check_file` report.

mod common;

use citizen::{RawRecord, Rules, check_file, read_csv};
use common::{child, elder, good, photo_dir, today};
use serde_json::json;

#[test]
fn malformed_json_is_a_syntax_error() {
    let e = RawRecord::from_json("{\"id_number\": ").unwrap_err();
    assert_eq!(e.rule(), "syntax.json");
}

#[test]
fn jsonl_batch_reports_each_bad_line_and_duplicates() {
    let dir = photo_dir();
    let mut bad = good();
    bad["sex"] = json!("Q");
    let lines = [
        good().to_string(),
        "{not json".to_string(),
        String::new(),
        bad.to_string(),
        child().to_string(),
        good().to_string(),
    ];
    let path = dir.path().join("batch.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let out = check_file(&path, today(), &Rules::default()).unwrap();
    let summary: Vec<(Option<usize>, Result<(), &str>)> = out
        .iter()
        .map(|e| (e.line, e.result.as_ref().map(|_| ()).map_err(|e| e.rule())))
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some(1), Ok(())),
            (Some(2), Err("syntax.json")),
            (Some(4), Err("sex.value")),
            (Some(5), Ok(())),
            (Some(6), Err("batch.duplicate_id")),
        ]
    );
    let dup = out[4].result.as_ref().unwrap_err().to_string();
    assert!(
        dup.contains("line 6") && dup.contains("line 1") && dup.contains("079303012345"),
        "{dup}"
    );
    // A missing file is a file error.
    let e = check_file(&dir.path().join("nope.jsonl"), today(), &Rules::default()).unwrap_err();
    assert_eq!(e.rule(), "file");
}

#[test]
fn csv_with_the_same_columns() {
    let dir = photo_dir();
    let a = RawRecord::from_json(&good().to_string()).unwrap();
    let c = RawRecord::from_json(&child().to_string()).unwrap();
    let e = RawRecord::from_json(&elder().to_string()).unwrap();
    let text = format!(
        "{}\r\n{}\r\n{}\r\n{}\r\n\"unterminated\n",
        citizen::csv_header(),
        a.to_csv_row(),
        c.to_csv_row(),
        e.to_csv_row()
    );
    let entries = read_csv(&text).unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].raw.as_ref().unwrap(), &a);
    assert_eq!(entries[1].raw.as_ref().unwrap(), &c);
    assert_eq!(
        entries[2].raw.as_ref().unwrap(),
        &e,
        "null expiry survives CSV"
    );
    assert_eq!(entries[3].raw.as_ref().unwrap_err().rule(), "syntax.csv");
    assert_eq!(entries[3].line, Some(5));
    // Quoted cells with commas, quotes and a newline.
    let text = "id_number,full_name,date_of_birth,sex,nationality,ethnicity,religion,place_of_origin,place_of_residence,identifying_features,date_of_issue,photo,card_generation\n\
079303012345,Nguyễn Thị Bích Ngọc,2003-04-15,F,VNM,Kinh,Không,\"Quận 1, TP. HCM\",\"Số 12 \"\"A\"\",\nQuận 1\",Nốt ruồi,2021-06-01,portrait.jpg,cccd-2021\n\
079303012346,Nguyễn Thị Lan,2003-04-15,F,VNM,Kinh,Không,Huế,Huế,Sẹo,2021-06-01\n";
    let entries = read_csv(text).unwrap();
    assert_eq!(
        entries[0].raw.as_ref().unwrap().place_of_residence,
        "Số 12 \"A\",\nQuận 1"
    );
    assert_eq!(
        entries[0].raw.as_ref().unwrap().place_of_origin,
        "Quận 1, TP. HCM"
    );
    let path = dir.path().join("batch.csv");
    std::fs::write(&path, text).unwrap();
    let out = check_file(&path, today(), &Rules::default()).unwrap();
    // The newline is read faithfully, then refused by validation.
    assert_eq!(out[0].result.as_ref().unwrap_err().rule(), "text.control");
    assert_eq!(out[1].line, Some(4));
    assert_eq!(out[1].result.as_ref().unwrap_err().rule(), "syntax.csv");
    // Header problems refuse the file.
    for (header, what) in [
        ("id_number,shoe_size\n", "unknown column"),
        ("id_number,id_number\n", "twice"),
        ("id_number\n", "missing column"),
    ] {
        let p = dir.path().join("h.csv");
        std::fs::write(&p, header).unwrap();
        let e = check_file(&p, today(), &Rules::default()).unwrap_err();
        assert!(e.to_string().contains(what), "{e}");
    }
}

#[test]
fn file_formats_and_file_errors() {
    let dir = photo_dir();
    // A JSON array gives one entry per element.
    let arr = dir.path().join("two.json");
    std::fs::write(&arr, format!("[{}, {}]", good(), child())).unwrap();
    let out = check_file(&arr, today(), &Rules::default()).unwrap();
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|e| e.result.is_ok() && e.line.is_none()));
    // Unknown extension: one JSON document, or else JSONL.
    let txt = dir.path().join("one.txt");
    std::fs::write(&txt, format!("\u{FEFF}{:#}", good())).unwrap();
    assert_eq!(citizen::read_file(&txt).unwrap().len(), 1);
    std::fs::write(&txt, format!("{}\n{}\n", good(), child())).unwrap();
    assert_eq!(citizen::read_file(&txt).unwrap().len(), 2);
    // Not UTF-8.
    let bin = dir.path().join("latin1.jsonl");
    std::fs::write(&bin, b"{\"full_name\": \"Nguy\xEAn\"}\n").unwrap();
    let e = citizen::read_file(&bin).unwrap_err();
    assert!(e.to_string().contains("not UTF-8 (byte 19)"), "{e}");
    // Empty CSV.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    assert!(
        citizen::read_file(&empty)
            .unwrap_err()
            .to_string()
            .contains("no header")
    );
}
