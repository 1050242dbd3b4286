//! Validation: good records of both generations, and one bad record per rule, each refused with
//! its own (field, rule) pair.

mod common;

use citizen::{
    CardGeneration, Expiry, PhotoFormat, RawRecord, Rules, Sex, expiry_for, validate, validate_with,
};
use common::{check, child, d, elder, good, photo_dir, today};
use serde_json::{Value, json};

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
