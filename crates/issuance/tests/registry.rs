//! Registry intake: import of JSONL/CSV with bad records reported and skipped, idempotent
//! re-import, photos stored in the database, seeding, loading for issuance.

use chrono::NaiveDate;
use issuance::registry::{Loader, Registry};
use issuance::seed;
use serde_json::Value;
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

/// A hand-over of `n` good records in `dir` (batch.jsonl + photos/).
fn batch(dir: &Path, n: usize) -> (std::path::PathBuf, Vec<Value>) {
    let path = seed::export(dir, n, 7).unwrap();
    let recs = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (path, recs)
}

fn write_jsonl(path: &Path, recs: &[Value]) {
    let text: String = recs.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

#[test]
fn import_then_reimport_is_idempotent_and_photos_live_in_the_db() {
    let dir = tempfile::tempdir().unwrap();
    let (input, recs) = batch(dir.path(), 6);
    let reg = Registry::open(&dir.path().join("reg.db")).unwrap();
    let r = reg.import_file(&input, None, today()).unwrap();
    assert_eq!((r.new, r.unchanged, r.updated), (6, 0, 0), "{:?}", r.bad);
    assert!(r.bad.is_empty());
    let again = reg.import_file(&input, None, today()).unwrap();
    assert_eq!((again.new, again.unchanged, again.updated), (0, 6, 0));
    assert_eq!(reg.count().unwrap(), 6);
    // The photos are in the database: delete the files, the records still load.
    std::fs::remove_dir_all(dir.path().join("photos")).unwrap();
    let id = recs[0]["id_number"].as_str().unwrap();
    let stored = reg.get(id).unwrap().unwrap();
    assert_eq!(
        stored.raw.photo.as_deref(),
        Some(format!("{id}.jpg").as_str())
    );
    assert!(
        stored.source.ends_with("batch.jsonl:1"),
        "{}",
        stored.source
    );
    let loader = Loader::new().unwrap();
    let rec = loader.load(&reg, id, today()).unwrap().unwrap();
    assert_eq!(rec.id_number, id);
    assert!(rec.photo.unwrap().bytes.starts_with(&[0xFF, 0xD8]));
    // A changed record is updated, not duplicated.
    let mut changed = recs.clone();
    changed[1]["place_of_residence"] =
        Value::from("Số 1 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh");
    let copy = dir.path().join("changed.jsonl");
    // Photos are needed again for the new import.
    seed::export(dir.path(), 6, 7).unwrap();
    write_jsonl(&copy, &changed);
    let r = reg.import_file(&copy, None, today()).unwrap();
    assert_eq!((r.new, r.unchanged, r.updated), (0, 5, 1));
    assert_eq!(reg.ids().unwrap().len(), 6);
}

#[test]
fn bad_records_are_reported_with_their_reason_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (_, recs) = batch(dir.path(), 12);
    std::fs::write(
        dir.path().join("photos/not-an-image.jpg"),
        b"GIF89a not a portrait",
    )
    .unwrap();
    let big = vec![0xFFu8; 200 * 1024];
    std::fs::write(dir.path().join("photos/big.jpg"), big).unwrap();
    let mut bad = recs.clone();
    let mut set = |i: usize, k: &str, v: Value| {
        bad[i][k] = v;
    };
    // One kind of fault per record; records 10 and 11 stay good.
    set(0, "id_number", Value::from("07909512345"));
    let id1 = recs[1]["id_number"].as_str().unwrap().to_string();
    let flipped = {
        let mut b = id1.clone().into_bytes();
        b[3] ^= 1; // the sex digit no longer matches `sex`
        String::from_utf8(b).unwrap()
    };
    set(1, "id_number", Value::from(flipped));
    set(2, "date_of_birth", Value::from("1990-02-30"));
    set(3, "photo", Value::from("photos/not-an-image.jpg"));
    set(4, "photo", Value::from("photos/big.jpg"));
    set(5, "photo", Value::from("photos/absent.jpg"));
    set(
        6,
        "full_name",
        Value::from(format!("Nguyễn {}", "Văn ".repeat(30))),
    );
    set(7, "date_of_issue", Value::from("2099-01-01"));
    set(8, "sex", Value::from("X"));
    bad[9] = bad[10].clone(); // duplicate ID number
    let input = dir.path().join("bad.jsonl");
    let mut text: String = bad.iter().map(|r| format!("{r}\n")).collect();
    text.push_str("{\"id_number\": \"001\", \"nickname\": \"x\"}\n"); // unknown key
    text.push_str("not json at all\n");
    std::fs::write(&input, text).unwrap();
    let reg = Registry::open(&dir.path().join("reg.db")).unwrap();
    let r = reg.import_file(&input, None, today()).unwrap();
    let rules: Vec<&str> = r.bad.iter().map(|b| b.rule.as_str()).collect();
    assert_eq!(r.new, 2, "{rules:?}");
    assert_eq!(r.bad.len(), 12, "{:#?}", r.bad);
    for expected in [
        "id.format",
        "id.sex",
        "date.calendar",
        "photo.format",
        "photo.size",
        "photo.read",
        "name.length",
        "issue.future",
        "sex.value",
        "batch.duplicate_id",
        "syntax.unknown_key",
        "syntax.json",
    ] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
    for b in &r.bad {
        assert!(b.line.is_some(), "{b:?}");
        assert!(!b.reason.is_empty());
    }
    let dup = r
        .bad
        .iter()
        .find(|b| b.rule == "batch.duplicate_id")
        .unwrap();
    assert_eq!(dup.line, Some(11));
    assert!(dup.reason.contains("line 10"), "{}", dup.reason);
}

#[test]
fn csv_and_a_separate_photo_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_, recs) = batch(dir.path(), 3);
    let mut csv = citizen::csv_header();
    csv.push('\n');
    for r in &recs {
        let mut raw: citizen::RawRecord = serde_json::from_value(r.clone()).unwrap();
        // Photos named relative to --photos DIR.
        raw.photo = raw
            .photo
            .map(|p| p.trim_start_matches("photos/").to_string());
        csv.push_str(&raw.to_csv_row());
        csv.push('\n');
    }
    let sub = dir.path().join("handover");
    std::fs::create_dir_all(&sub).unwrap();
    let input = sub.join("batch.csv");
    std::fs::write(&input, csv).unwrap();
    let reg = Registry::open(&dir.path().join("reg.db")).unwrap();
    // Without --photos the photos are looked for next to the CSV: all missing.
    let r = reg.import_file(&input, None, today()).unwrap();
    assert_eq!(r.new, 0);
    assert!(r.bad.iter().all(|b| b.rule == "photo.read"), "{:?}", r.bad);
    let r = reg
        .import_file(&input, Some(&dir.path().join("photos")), today())
        .unwrap();
    assert_eq!(r.new, 3, "{:?}", r.bad);
}

#[test]
fn a_missing_or_malformed_file_is_an_error_for_the_whole_import() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(&dir.path().join("reg.db")).unwrap();
    let err = reg
        .import_file(&dir.path().join("nope.jsonl"), None, today())
        .unwrap_err();
    assert!(err.to_string().contains("nope.jsonl"), "{err}");
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "id_number,colour\n1,2\n").unwrap();
    let err = reg.import_file(&csv, None, today()).unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn seeding_is_deterministic_and_every_record_loads() {
    let dir = tempfile::tempdir().unwrap();
    let a = Registry::open(&dir.path().join("a.db")).unwrap();
    let b = Registry::open(&dir.path().join("b.db")).unwrap();
    let mut ticks = Vec::new();
    let r = a.seed(40, 5, today(), |n| ticks.push(n)).unwrap();
    assert_eq!(r.new, 40);
    assert_eq!(ticks.last(), Some(&40));
    b.seed(40, 5, today(), |_| {}).unwrap();
    let ids = a.ids().unwrap();
    assert_eq!(ids, b.ids().unwrap());
    let loader = Loader::new().unwrap();
    let mut generations = std::collections::HashSet::new();
    for id in &ids {
        assert_eq!(
            a.get(id).unwrap(),
            b.get(id).unwrap().map(|mut s| {
                s.imported_at = a.get(id).unwrap().unwrap().imported_at;
                s
            })
        );
        let rec = loader.load(&a, id, today()).unwrap().unwrap();
        generations.insert(rec.card_generation);
    }
    assert_eq!(generations.len(), 2, "a mix of 2021 and 2024 cards");
    // Seeding the same seed again changes nothing.
    assert_eq!(a.seed(40, 5, today(), |_| {}).unwrap().unchanged, 40);
}

#[test]
fn loading_revalidates_and_reports_unknown_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reg.db");
    let reg = Registry::open(&path).unwrap();
    reg.seed(2, 1, today(), |_| {}).unwrap();
    let ids = reg.ids().unwrap();
    let loader = Loader::new().unwrap();
    let err = loader.load(&reg, "001099000000", today()).unwrap_err();
    assert!(
        err.to_string()
            .contains("001099000000: not in the registry"),
        "{err}"
    );
    // Edited behind our back: a photo that is not an image is rejected at load time.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE citizens SET photo = x'00112233' WHERE id_number = ?1",
        [&ids[0]],
    )
    .unwrap();
    conn.execute(
        "UPDATE citizens SET photo = NULL WHERE id_number = ?1",
        [&ids[1]],
    )
    .unwrap();
    let e = loader.load(&reg, &ids[0], today()).unwrap().unwrap_err();
    assert_eq!(e.rule(), "photo.format", "{e}");
    let e = loader.load(&reg, &ids[1], today()).unwrap().unwrap_err();
    assert_eq!(e.rule(), "photo.read", "{e}");
    // A record dated after "today" is refused when loaded on an earlier day.
    let early = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    assert!(loader.load(&reg, &ids[0], early).unwrap().is_err());
    conn.execute(
        "UPDATE citizens SET record = '{' WHERE id_number = ?1",
        [&ids[1]],
    )
    .unwrap();
    let err = reg.get(&ids[1]).unwrap_err();
    assert!(err.to_string().contains("stored JSON unreadable"), "{err}");
}
