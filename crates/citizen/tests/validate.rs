//! Validation: good records of both generations, and one bad record per rule, each refused with
//! its own (field, rule) pair.

use chrono::NaiveDate;
use citizen::{
    CardGeneration, Expiry, PhotoFormat, RawRecord, RecordError, Rules, Sex, check_file,
    expiry_for, qr_payload, read_csv, validate, validate_with,
};
use serde_json::{Value, json};
use std::path::Path;

const PORTRAIT: &[u8] = include_bytes!("data/portrait.jpg");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 6, 1)
}

/// A folder with the portrait and a few broken photos.
fn photo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("portrait.jpg"), PORTRAIT).unwrap();
    std::fs::write(p.join("not-an-image.jpg"), b"GIF89a not a portrait").unwrap();
    std::fs::write(p.join("truncated.jpg"), &PORTRAIT[..PORTRAIT.len() / 2]).unwrap();
    std::fs::write(p.join("small.jpg"), with_size(PORTRAIT, 60, 80)).unwrap();
    std::fs::write(p.join("landscape.jpg"), with_size(PORTRAIT, 320, 240)).unwrap();
    std::fs::write(p.join("huge.jpg"), padded(PORTRAIT, 120 * 1024)).unwrap();
    std::fs::write(p.join("portrait.jp2"), jp2(240, 320, true)).unwrap();
    std::fs::write(p.join("nocodestream.jp2"), jp2(240, 320, false)).unwrap();
    dir
}

/// The JPEG with its frame header rewritten to `w`×`h`.
fn with_size(jpeg: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut b = jpeg.to_vec();
    let i = b.windows(2).position(|x| x == [0xFF, 0xC0]).unwrap();
    b[i + 5..i + 7].copy_from_slice(&h.to_be_bytes());
    b[i + 7..i + 9].copy_from_slice(&w.to_be_bytes());
    b
}

/// The JPEG grown past `size` bytes with comment segments after SOI.
fn padded(jpeg: &[u8], size: usize) -> Vec<u8> {
    let mut b = jpeg[..2].to_vec();
    while b.len() < size {
        b.extend_from_slice(&[0xFF, 0xFE, 0xFF, 0xFF]);
        b.extend(std::iter::repeat_n(b'x', 0xFFFD));
    }
    b.extend_from_slice(&jpeg[2..]);
    b
}

/// A JP2 file: signature, ftyp, jp2h with ihdr, and (optionally) a codestream box.
fn jp2(w: u32, h: u32, codestream: bool) -> Vec<u8> {
    let mut b = vec![0, 0, 0, 12, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 20, b'f', b't', b'y', b'p', b'j', b'p', b'2', b' ', 0, 0, 0, 0, b'j', b'p', b'2',
        b' ',
    ]);
    let mut ihdr = vec![0, 0, 0, 22, b'i', b'h', b'd', b'r'];
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&[0, 3, 7, 7, 0, 0]);
    b.extend_from_slice(&(8 + ihdr.len() as u32).to_be_bytes());
    b.extend_from_slice(b"jp2h");
    b.extend_from_slice(&ihdr);
    if codestream {
        let cs = [
            0xFF, 0x4F, 0xFF, 0x51, 0, 0x29, 0, 0, 0, 0, 0, 0, 0xFF, 0xD9,
        ];
        b.extend_from_slice(&(8 + cs.len() as u32).to_be_bytes());
        b.extend_from_slice(b"jp2c");
        b.extend_from_slice(&cs);
    }
    b
}

/// Example 1 of vietnam-cccd.md §2 as a record.
fn good() -> Value {
    json!({
        "id_number": "079303012345",
        "full_name": "Nguyễn Thị Bích Ngọc",
        "date_of_birth": "2003-04-15",
        "sex": "F",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
        "place_of_residence": "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
        "identifying_features": "Nốt ruồi C:1cm dưới trước mép trái",
        "date_of_issue": "2021-06-01",
        "photo": "portrait.jpg",
        "card_generation": "cccd-2021"
    })
}

/// A 2024 card of a child under 6: no photo.
fn child() -> Value {
    json!({
        "id_number": "001222001234",
        "full_name": "Trần Minh Khôi",
        "date_of_birth": "2022-05-10",
        "sex": "M",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Hà Nội",
        "place_of_residence": "Phường Hàng Bạc, Hà Nội",
        "identifying_features": "",
        "date_of_issue": "2024-08-01",
        "father_name": "Trần Văn Nam",
        "mother_name": "Lê Thị Hoa",
        "card_generation": "cancuoc-2024"
    })
}

/// Issued at 64: no expiry.
fn elder() -> Value {
    json!({
        "id_number": "001060000123",
        "full_name": "Lê Văn Bình",
        "date_of_birth": "1960-03-02",
        "sex": "M",
        "nationality": "VNM",
        "ethnicity": "Kinh",
        "religion": "Phật giáo",
        "place_of_origin": "Nam Định",
        "place_of_residence": "Hà Nội",
        "identifying_features": "",
        "date_of_issue": "2025-01-10",
        "date_of_expiry": null,
        "spouse_name": "Phạm Thị Hạnh",
        "old_id_number": "012345678",
        "photo": "portrait.jp2",
        "card_generation": "cancuoc-2024"
    })
}

fn check(v: &Value, dir: &Path) -> Result<citizen::Record, RecordError> {
    RawRecord::from_json(&v.to_string()).and_then(|raw| validate(&raw, dir, today()))
}

#[test]
fn good_records_of_both_generations() {
    let dir = photo_dir();
    let a = check(&good(), dir.path()).unwrap();
    assert_eq!(a.date_of_expiry, Expiry::On(d(2028, 4, 15)));
    assert_eq!(a.sex, Sex::Female);
    let photo = a.photo.as_ref().unwrap();
    assert_eq!(
        (photo.format, photo.width, photo.height),
        (PhotoFormat::Jpeg, 240, 320)
    );

    let c = check(&child(), dir.path()).unwrap();
    assert!(c.photo.is_none());
    assert_eq!(c.date_of_expiry, Expiry::On(d(2036, 5, 10)));
    assert_eq!(c.card_generation, CardGeneration::Cancuoc2024);

    let e = check(&elder(), dir.path()).unwrap();
    assert_eq!(e.date_of_expiry, Expiry::Never);
    let photo = e.photo.as_ref().unwrap();
    assert_eq!(
        (photo.format, photo.width, photo.height),
        (PhotoFormat::Jpeg2000, 240, 320)
    );
    assert_eq!(e.old_id_number.as_deref(), Some("012345678"));

    // The given expiry that agrees with the law is accepted.
    let mut v = good();
    v["date_of_expiry"] = json!("2028-04-15");
    assert!(check(&v, dir.path()).is_ok());
    // A birth registered abroad (840 = United States).
    let mut v = good();
    v["id_number"] = json!("840303012345");
    assert!(check(&v, dir.path()).is_ok());
    // A child with a photo is fine too.
    let mut v = child();
    v["photo"] = json!("portrait.jpg");
    assert!(check(&v, dir.path()).is_ok());
}

#[test]
fn decomposed_names_are_normalized_not_rejected() {
    use unicode_normalization::UnicodeNormalization;
    let dir = photo_dir();
    let mut v = good();
    let nfd: String = "Nguyễn Thị Bích Ngọc".nfd().collect();
    assert_ne!(nfd, "Nguyễn Thị Bích Ngọc");
    v["full_name"] = json!(nfd);
    v["place_of_residence"] = json!("Hà Nội".nfd().collect::<String>());
    let r = check(&v, dir.path()).unwrap();
    assert_eq!(r.full_name, "Nguyễn Thị Bích Ngọc");
    assert_eq!(r.place_of_residence, "Hà Nội");
    // Ethnic-minority names with apostrophes and hyphens.
    let mut v = good();
    v["full_name"] = json!("H'Hen Niê Ksor-Nay");
    assert_eq!(
        check(&v, dir.path()).unwrap().full_name,
        "H'Hen Niê Ksor-Nay"
    );
    // f/j/w/z are refused when the rules say so.
    let mut v = good();
    v["full_name"] = json!("Y Wang");
    let raw = RawRecord::from_json(&v.to_string()).unwrap();
    assert!(validate(&raw, dir.path(), today()).is_ok());
    let strict = Rules {
        allow_fjwz: false,
        ..Rules::default()
    };
    let e = validate_with(&raw, dir.path(), today(), &strict).unwrap_err();
    assert_eq!(e.rule(), "name.chars");
}

#[test]
fn expiry_rules_of_both_laws() {
    use CardGeneration::*;
    let dob = d(2000, 6, 15);
    let at = |age: i32, extra_days: i64| {
        citizen::birthday(dob, age) + chrono::Days::new(extra_days as u64)
    };
    let on = |age| Expiry::On(citizen::birthday(dob, age));
    // 2014 law: 25 / 40 / 60, the 2-years-before rule, none from 58.
    assert_eq!(expiry_for(Cccd2021, dob, at(14, 0)), on(25));
    assert_eq!(expiry_for(Cccd2021, dob, at(22, 364)), on(25));
    assert_eq!(expiry_for(Cccd2021, dob, at(23, 0)), on(40));
    assert_eq!(expiry_for(Cccd2021, dob, at(37, 0)), on(40));
    assert_eq!(expiry_for(Cccd2021, dob, at(38, 0)), on(60));
    assert_eq!(expiry_for(Cccd2021, dob, at(57, 300)), on(60));
    assert_eq!(expiry_for(Cccd2021, dob, at(58, 0)), Expiry::Never);
    // 2023 law: 14 / 25 / 40 / 60 (table of vietnam-cccd.md §6).
    assert_eq!(expiry_for(Cancuoc2024, dob, at(0, 30)), on(14));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(11, 364)), on(14));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(12, 0)), on(25));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(13, 0)), on(25));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(14, 0)), on(25));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(23, 0)), on(40));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(25, 0)), on(40));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(38, 0)), on(60));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(40, 0)), on(60));
    assert_eq!(expiry_for(Cancuoc2024, dob, at(58, 0)), Expiry::Never);
    // 29 February birthdays fall on 28 February in common years.
    assert_eq!(citizen::birthday(d(2004, 2, 29), 25), d(2029, 2, 28));
}

type Mutation = Box<dyn Fn(&mut Value)>;
/// (base record, mutation, expected field (None for syntax errors), expected rule)
type Case = (fn() -> Value, Mutation, Option<&'static str>, &'static str);

fn set(key: &'static str, value: Value) -> Mutation {
    Box::new(move |v: &mut Value| {
        v[key] = value.clone();
    })
}

fn remove(key: &'static str) -> Mutation {
    Box::new(move |v: &mut Value| {
        v.as_object_mut().unwrap().remove(key);
    })
}

fn many(ms: Vec<Mutation>) -> Mutation {
    Box::new(move |v: &mut Value| {
        for m in &ms {
            m(v)
        }
    })
}

#[test]
fn one_bad_record_per_rule() {
    let dir = photo_dir();
    // (base record, mutation, expected field (None for syntax errors), expected rule)
    let cases: Vec<Case> = vec![
        (
            good,
            set("nickname", json!("Ngọc")),
            None,
            "syntax.unknown_key",
        ),
        (good, remove("full_name"), None, "syntax.missing_key"),
        (
            good,
            set("id_number", json!(79303012345u64)),
            None,
            "syntax.type",
        ),
        (
            good,
            set("card_generation", json!("cmnd-1999")),
            Some("card_generation"),
            "generation.value",
        ),
        (
            good,
            set("id_number", json!("07930301234")),
            Some("id_number"),
            "id.format",
        ),
        (
            good,
            set("id_number", json!("003303012345")),
            Some("id_number"),
            "id.code",
        ),
        (
            good,
            set("id_number", json!("079103012345")),
            Some("id_number"),
            "id.century",
        ),
        (
            good,
            set("id_number", json!("079203012345")),
            Some("id_number"),
            "id.sex",
        ),
        (
            good,
            set("id_number", json!("079304012345")),
            Some("id_number"),
            "id.birth_year",
        ),
        (
            good,
            set("date_of_birth", json!("15/04/2003")),
            Some("date_of_birth"),
            "date.format",
        ),
        (
            good,
            set("date_of_birth", json!("2003-02-30")),
            Some("date_of_birth"),
            "date.calendar",
        ),
        (
            good,
            set("date_of_birth", json!("2027-01-01")),
            Some("date_of_birth"),
            "dob.future",
        ),
        (
            good,
            set("date_of_birth", json!("1890-01-01")),
            Some("date_of_birth"),
            "dob.too_old",
        ),
        (good, set("sex", json!("X")), Some("sex"), "sex.value"),
        (
            good,
            set("nationality", json!("VN")),
            Some("nationality"),
            "nationality.value",
        ),
        (
            good,
            set("full_name", json!(" ")),
            Some("full_name"),
            "name.required",
        ),
        (
            good,
            set("full_name", json!("Nguyễn Thị 3")),
            Some("full_name"),
            "name.chars",
        ),
        (
            good,
            set("full_name", json!("Nguyễn  Thị Ngọc")),
            Some("full_name"),
            "name.form",
        ),
        (
            good,
            set("full_name", json!(format!("Nguyễn {}", "a".repeat(80)))),
            Some("full_name"),
            "name.length",
        ),
        (
            good,
            set("full_name", json!("Ngọc")),
            Some("full_name"),
            "name.words",
        ),
        (
            good,
            set("father_name", json!("Nguyễn Văn B.")),
            Some("father_name"),
            "name.chars",
        ),
        (
            good,
            set("mother_name", json!("-Lê Thị C")),
            Some("mother_name"),
            "name.form",
        ),
        (
            good,
            many(vec![
                set("id_number", json!("079305012345")),
                set("date_of_birth", json!("2005-04-15")),
                set("spouse_name", json!("Lê Văn D")),
            ]),
            Some("spouse_name"),
            "spouse.age",
        ),
        (
            good,
            set("ethnicity", json!("")),
            Some("ethnicity"),
            "text.required",
        ),
        (
            good,
            set("religion", json!("  ")),
            Some("religion"),
            "text.required",
        ),
        (
            good,
            set("place_of_residence", json!("Hà Nội\u{7}")),
            Some("place_of_residence"),
            "text.control",
        ),
        (
            good,
            set("place_of_origin", json!("Hà Nội|Huế")),
            Some("place_of_origin"),
            "text.separator",
        ),
        (
            good,
            set("identifying_features", json!("x".repeat(251))),
            Some("identifying_features"),
            "text.length",
        ),
        (
            good,
            set("identifying_features", json!("")),
            Some("identifying_features"),
            "text.required",
        ),
        (
            good,
            set("date_of_issue", json!("2021/06/01")),
            Some("date_of_issue"),
            "date.format",
        ),
        (
            good,
            set("date_of_issue", json!("2002-01-01")),
            Some("date_of_issue"),
            "issue.before_birth",
        ),
        (
            good,
            set("date_of_issue", json!("2026-07-01")),
            Some("date_of_issue"),
            "issue.future",
        ),
        (
            good,
            set("date_of_issue", json!("2017-03-01")),
            Some("date_of_issue"),
            "issue.age",
        ),
        (
            good,
            set("date_of_issue", json!("2024-08-01")),
            Some("date_of_issue"),
            "issue.period",
        ),
        (
            child,
            set("date_of_issue", json!("2024-06-30")),
            Some("date_of_issue"),
            "issue.period",
        ),
        (
            good,
            set("date_of_expiry", json!("2028-02-30")),
            Some("date_of_expiry"),
            "date.calendar",
        ),
        (
            good,
            set("date_of_expiry", json!("2020-01-01")),
            Some("date_of_expiry"),
            "expiry.before_issue",
        ),
        (
            good,
            set("date_of_expiry", json!("2043-04-15")),
            Some("date_of_expiry"),
            "expiry.mismatch",
        ),
        (
            good,
            set("date_of_expiry", json!(null)),
            Some("date_of_expiry"),
            "expiry.never_not_allowed",
        ),
        (
            elder,
            set("date_of_expiry", json!("2030-01-01")),
            Some("date_of_expiry"),
            "expiry.should_be_never",
        ),
        (
            good,
            set("old_id_number", json!("12345678")),
            Some("old_id_number"),
            "old_id.format",
        ),
        (good, remove("photo"), Some("photo"), "photo.missing"),
        (
            elder,
            set("photo", json!(null)),
            Some("photo"),
            "photo.missing",
        ),
        (
            good,
            set("photo", json!("missing.jpg")),
            Some("photo"),
            "photo.read",
        ),
        (
            good,
            set("photo", json!("not-an-image.jpg")),
            Some("photo"),
            "photo.format",
        ),
        (
            good,
            set("photo", json!("truncated.jpg")),
            Some("photo"),
            "photo.header",
        ),
        (
            good,
            set("photo", json!("nocodestream.jp2")),
            Some("photo"),
            "photo.header",
        ),
        (
            good,
            set("photo", json!("small.jpg")),
            Some("photo"),
            "photo.dimensions",
        ),
        (
            good,
            set("photo", json!("landscape.jpg")),
            Some("photo"),
            "photo.aspect",
        ),
        (
            good,
            set("photo", json!("huge.jpg")),
            Some("photo"),
            "photo.size",
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    let mut messages = std::collections::HashSet::new();
    for (i, (base, mutate, field, rule)) in cases.iter().enumerate() {
        let mut v = base();
        mutate(&mut v);
        let err = check(&v, dir.path()).expect_err(&format!("case {i} ({rule}) was accepted"));
        assert_eq!(err.rule(), *rule, "case {i}: {err}");
        assert_eq!(err.field(), *field, "case {i}: {err}");
        // Field errors name the record by its ID number.
        if field.is_some() && *rule != "id.format" {
            assert!(err.to_string().starts_with("record "), "{err}");
        }
        assert!(
            messages.insert(err.to_string()),
            "case {i}: same message as another case"
        );
        seen.insert((*field, *rule));
    }
    // `expiry.expired`, `batch.duplicate_id`, `syntax.json` and `syntax.csv` are in the tests
    // below.
    assert!(
        seen.len() >= 40,
        "{} distinct (field, rule) pairs",
        seen.len()
    );
    assert!(cases.len() >= 47);
}

#[test]
fn expired_cards_are_refused_when_the_rules_say_so() {
    let dir = photo_dir();
    let mut v = good();
    v["date_of_issue"] = json!("2021-03-10");
    v["id_number"] = json!("001085000123");
    v["date_of_birth"] = json!("1985-01-01");
    v["sex"] = json!("M");
    let raw = RawRecord::from_json(&v.to_string()).unwrap();
    let r = validate(&raw, dir.path(), today()).unwrap();
    assert_eq!(r.date_of_expiry, Expiry::On(d(2025, 1, 1)));
    let rules = Rules {
        reject_expired: true,
        ..Rules::default()
    };
    let e = validate_with(&raw, dir.path(), today(), &rules).unwrap_err();
    assert_eq!(
        (e.field(), e.rule()),
        (Some("date_of_expiry"), "expiry.expired")
    );
}

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
fn raw_record_serializes_back() {
    let dir = photo_dir();
    for v in [good(), child(), elder()] {
        let raw = RawRecord::from_json(&v.to_string()).unwrap();
        let back: Value = serde_json::from_str(&raw.to_json()).unwrap();
        assert_eq!(back, v);
        // From a validated record and back again validates to the same record.
        let rec = validate(&raw, dir.path(), today()).unwrap();
        let again = validate(&RawRecord::from_record(&rec), dir.path(), today()).unwrap();
        assert_eq!(again, rec);
    }
}

#[test]
fn qr_payload_of_both_generations() {
    let dir = photo_dir();
    let mut v = good();
    v["old_id_number"] = json!("025123456");
    let a = check(&v, dir.path()).unwrap();
    assert_eq!(
        qr_payload(&a),
        "079303012345|025123456|Nguyễn Thị Bích Ngọc|15042003|Nữ|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|01062021"
    );
    let c = check(&child(), dir.path()).unwrap();
    assert_eq!(
        qr_payload(&c),
        "001222001234||Trần Minh Khôi|10052022|Nam|Phường Hàng Bạc, Hà Nội|01082024||||"
    );
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
