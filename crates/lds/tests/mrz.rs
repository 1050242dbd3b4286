//! MRZ: ICAO check-digit examples, the TD1/TD3 specimens, the known misprinted lines, the two
//! synthetic Vietnamese examples of vietnam-cccd.md §2, transliteration of every Vietnamese
//! letter, truncation, and a property test of the build → parse round trip.

use chrono::NaiveDate;
use citizen::{CardGeneration, Expiry, Record, Sex};
use lds::mrz::{self, Mrz, MrzOptions, NoExpiryField};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let v: Value = serde_json::from_str(include_str!("vectors/icao-9303.json")).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn vector(name: &str) -> Value {
    vectors()
        .into_iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("vector {name} missing"))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn record(id: &str, name: &str, dob: NaiveDate, sex: Sex, expiry: Expiry) -> Record {
    Record {
        id_number: id.into(),
        full_name: name.into(),
        date_of_birth: dob,
        sex,
        nationality: "VNM".into(),
        ethnicity: "Kinh".into(),
        religion: "Không".into(),
        place_of_origin: "Hà Nội".into(),
        place_of_residence: "Hà Nội".into(),
        identifying_features: "Nốt ruồi".into(),
        date_of_issue: d(2021, 6, 1),
        date_of_expiry: expiry,
        father_name: None,
        mother_name: None,
        spouse_name: None,
        old_id_number: None,
        photo: None,
        card_generation: CardGeneration::Cccd2021,
    }
}

#[test]
fn icao_check_digit_examples() {
    for n in 1..=5 {
        let v = vector(&format!("mrz.check_digit.example{n}"));
        let data = v["inputs"]["data"].as_str().unwrap();
        let want = v["expected"]["check_digit"]
            .as_str()
            .unwrap()
            .chars()
            .next()
            .unwrap();
        assert_eq!(mrz::check_digit(data).unwrap(), want, "example {n}");
    }
}

#[test]
fn check_digit_rejects_non_mrz_characters() {
    let e = mrz::check_digit("AB1a").unwrap_err();
    assert!(e.to_string().contains("position 4"), "{e}");
}

#[test]
fn td1_specimen_parses_and_reproduces() {
    let v = vector("mrz.td1.specimen_utopia");
    let lines: Vec<&str> = ["line1", "line2", "line3"]
        .iter()
        .map(|k| v["inputs"][k].as_str().unwrap())
        .collect();
    let Mrz::Td1(td1) = mrz::parse(&lines.join("\n")).unwrap() else {
        panic!("not TD1")
    };
    let e = &v["expected"];
    assert_eq!(td1.document_number, e["document_number"].as_str().unwrap());
    assert_eq!(td1.date_of_birth, e["dob"].as_str().unwrap());
    assert_eq!(td1.date_of_expiry, e["doe"].as_str().unwrap());
    assert_eq!(
        td1.composite_input(),
        e["composite_input"].as_str().unwrap()
    );
    assert_eq!(
        td1.mrz_information(),
        e["MRZ_information"].as_str().unwrap()
    );
    assert_eq!(td1.name.trim_end_matches('<'), e["name"].as_str().unwrap());
    assert_eq!(td1.lines().to_vec(), lines);
    // The concatenated DG1 form parses to the same.
    assert_eq!(mrz::parse(&lines.concat()).unwrap(), Mrz::Td1(td1));
}

#[test]
fn td3_specimen_parses_and_reproduces() {
    let v = vector("mrz.td3.specimen_utopia");
    let l1 = v["inputs"]["line1"].as_str().unwrap();
    let l2 = v["inputs"]["line2"].as_str().unwrap();
    let Mrz::Td3(td3) = mrz::parse(&format!("{l1}\r\n{l2}\r\n")).unwrap() else {
        panic!("not TD3")
    };
    let e = &v["expected"];
    assert_eq!(td3.document_number, e["document_number"].as_str().unwrap());
    assert_eq!(td3.personal_number, e["personal_number"].as_str().unwrap());
    assert_eq!(
        td3.composite_input(),
        e["composite_input"].as_str().unwrap()
    );
    assert_eq!(td3.lines(), [l1.to_string(), l2.to_string()]);
    // The older edition line also verifies.
    let old = "L898902C<3UTO6908061F9406236ZE184226B<<<<<14";
    assert!(mrz::parse(&format!("{l1}\n{old}")).is_ok());
}

#[test]
fn td1_long_document_number_specimen() {
    let z = "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<";
    let Mrz::Td1(td1) = mrz::parse(z).unwrap() else {
        panic!()
    };
    assert_eq!(td1.full_document_number(), "D23145890734");
    assert_eq!(td1.mrz_information(), "D23145890734934071279507122");
}

#[test]
fn misprinted_part11_lines_are_rejected() {
    let v = vector("mrz.errata.part11_D2_composites");
    let td1_l2 = v["inputs"]["TD1_line2"].as_str().unwrap();
    let z = format!("I<UTOL898902C<3<<<<<<<<<<<<<<<\n{td1_l2}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    let e = mrz::parse(&z).unwrap_err();
    assert!(e.to_string().contains("composite"), "{e}");
    // With the corrected digit the same zone is accepted.
    let fixed = z.replace("<<<<<<<<<<<1\n", "<<<<<<<<<<<2\n");
    assert!(mrz::parse(&fixed).is_ok(), "{:?}", mrz::parse(&fixed));
}

#[test]
fn bad_zones_are_rejected_with_the_field() {
    let good = "IDVNM3030123457079303012345<<7\n0304155F2804154VNM<<<<<<<<<<<2\nNGUYEN<<THI<BICH<NGOC<<<<<<<<<";
    assert!(mrz::parse(good).is_ok());
    let cases = [
        (
            good.replacen("3030123457", "3030123458", 1),
            "document number",
        ),
        (good.replacen("<<7\n", "<<8\n", 1), "personal ID number"),
        (good.replacen("0304155F", "0304156F", 1), "date of birth"),
        (good.replacen("0304155F", "0302305F", 1), "date of birth"),
        (good.replacen("5F28", "5X28", 1), "sex"),
        (good.replacen("2804154", "2804155", 1), "date of expiry"),
        (good.replacen("<<<2\n", "<<<3\n", 1), "composite"),
        (good.replacen("NGUYEN", "NGUYeN", 1), "zone"),
        (good.replacen("NGUYEN<<", "<NGUYEN<", 1), "name"),
        (good.replacen("IDVNM", "XDVNM", 1), "document code"),
        (good[..good.len() - 1].to_string(), "line 3"),
        ("ABC".to_string(), "zone"),
        // Found by the fuzzer: 90 bytes with a multi-byte character at a line boundary.
        (
            String::from_utf8(include_bytes!("vectors/fuzz-mrz-non-ascii.bin").to_vec()).unwrap(),
            "zone",
        ),
    ];
    for (z, field) in cases {
        let e = mrz::parse(&z).unwrap_err();
        assert!(
            matches!(&e, lds::LdsError::Mrz { field: f, .. } if *f == field),
            "{z:?}: {e}"
        );
    }
    // 12-digit ID whose tail is not the document number.
    let doc = "303012346";
    let l1 = format!(
        "IDVNM{doc}{}079303012345<<7",
        mrz::check_digit(doc).unwrap()
    );
    let mut l2 = "0304155F2804154VNM<<<<<<<<<<<".to_string();
    let composite =
        mrz::check_digit(&format!("{}{}{}", &l1[5..30], &l2[0..7], &l2[8..29])).unwrap();
    l2.push(composite);
    let z = format!("{l1}\n{l2}\nNGUYEN<<THI<BICH<NGOC<<<<<<<<<");
    let e = mrz::parse(&z).unwrap_err();
    assert!(e.to_string().contains("last 9 digits"), "{e}");
}

#[test]
fn vietnamese_synthetic_examples() {
    let a = record(
        "079303012345",
        "Nguyễn Thị Bích Ngọc",
        d(2003, 4, 15),
        Sex::Female,
        Expiry::On(d(2028, 4, 15)),
    );
    assert_eq!(
        mrz::td1_lines(&a).unwrap(),
        [
            "IDVNM3030123457079303012345<<7",
            "0304155F2804154VNM<<<<<<<<<<<2",
            "NGUYEN<<THI<BICH<NGOC<<<<<<<<<",
        ]
    );
    let b = record(
        "001085000123",
        "Trần Văn A",
        d(1985, 1, 1),
        Sex::Male,
        Expiry::On(d(2025, 1, 1)),
    );
    let lines = mrz::td1_lines(&b).unwrap();
    assert_eq!(
        lines,
        [
            "IDVNM0850001235001085000123<<6",
            "8501019M2501017VNM<<<<<<<<<<<2",
            "TRAN<<VAN<A<<<<<<<<<<<<<<<<<<<",
        ]
    );
    let Mrz::Td1(td1) = mrz::parse(&lines.join("\n")).unwrap() else {
        panic!()
    };
    assert_eq!(td1.vietnamese_id_number(), Some("001085000123"));
}

#[test]
fn no_expiry_is_configurable() {
    let r = record(
        "001060000123",
        "Lê Văn Bình",
        d(1960, 3, 2),
        Sex::Male,
        Expiry::Never,
    );
    let [_, l2, _] = mrz::td1_lines(&r).unwrap();
    assert_eq!(&l2[8..15], "<<<<<<<");
    assert!(mrz::parse(&mrz::td1_lines(&r).unwrap().join("\n")).is_ok());
    let opts = MrzOptions {
        no_expiry: NoExpiryField::Date(d(2099, 12, 31)),
        ..MrzOptions::default()
    };
    let lines = mrz::td1_lines_with(&r, &opts).unwrap();
    assert_eq!(&lines[1][8..15], "9912315");
    assert!(mrz::parse(&lines.join("\n")).is_ok());
}

#[test]
fn td1_lines_reject_bad_records() {
    let mut r = record(
        "07930301234",
        "Nguyễn An",
        d(2003, 4, 15),
        Sex::Female,
        Expiry::Never,
    );
    assert!(matches!(
        mrz::td1_lines(&r),
        Err(lds::LdsError::Mrz {
            field: "document number",
            ..
        })
    ));
    r.id_number = "079303012345".into();
    r.full_name = "Nguyễn 安".into();
    assert!(matches!(
        mrz::td1_lines(&r),
        Err(lds::LdsError::Mrz { field: "name", .. })
    ));
    r.full_name = "  ".into();
    assert!(matches!(
        mrz::td1_lines(&r),
        Err(lds::LdsError::Mrz { field: "name", .. })
    ));
    r.full_name = "An".into();
    r.nationality = "vn".into();
    assert!(matches!(
        mrz::td1_lines(&r),
        Err(lds::LdsError::Mrz {
            field: "nationality",
            ..
        })
    ));
}

/// Every precomposed letter of the Vietnamese alphabet that is not ASCII: 12 vowels × 6 tone
/// forms, minus the 6 bare ASCII vowels, in both cases (132), plus Đ and đ: 134 letters, each
/// with the MRZ letter it must become.
const VIETNAMESE_LETTERS: &[(&str, char)] = &[
    ("ÀÁẢÃẠàáảãạ", 'A'),
    ("ĂẰẮẲẴẶăằắẳẵặ", 'A'),
    ("ÂẦẤẨẪẬâầấẩẫậ", 'A'),
    ("ÈÉẺẼẸèéẻẽẹ", 'E'),
    ("ÊỀẾỂỄỆêềếểễệ", 'E'),
    ("ÌÍỈĨỊìíỉĩị", 'I'),
    ("ÒÓỎÕỌòóỏõọ", 'O'),
    ("ÔỒỐỔỖỘôồốổỗộ", 'O'),
    ("ƠỜỚỞỠỢơờớởỡợ", 'O'),
    ("ÙÚỦŨỤùúủũụ", 'U'),
    ("ƯỪỨỬỮỰưừứửữự", 'U'),
    ("ỲÝỶỸỴỳýỷỹỵ", 'Y'),
    ("Đđ", 'D'),
];

#[test]
fn transliteration_of_all_vietnamese_letters() {
    let mut count = 0;
    for (letters, want) in VIETNAMESE_LETTERS {
        for c in letters.chars() {
            count += 1;
            let s = c.to_string();
            assert_eq!(mrz::transliterate(&s).unwrap(), want.to_string(), "{c}");
            // The decomposed (NFD) spelling gives the same result.
            use unicode_normalization::UnicodeNormalization;
            let nfd: String = s.nfd().collect();
            assert_eq!(
                mrz::transliterate(&nfd).unwrap(),
                want.to_string(),
                "{c} (NFD)"
            );
        }
    }
    assert_eq!(count, 134, "134 precomposed Vietnamese letters (with Đ/đ)");
}

#[test]
fn transliteration_punctuation() {
    assert_eq!(mrz::transliterate("H'Hen Niê").unwrap(), "HHEN<NIE");
    assert_eq!(mrz::transliterate("Ksor-Nay  Thị").unwrap(), "KSOR<NAY<THI");
    assert_eq!(mrz::transliterate(" Đặng ").unwrap(), "DANG");
    assert!(mrz::transliterate("Nguyễn1").is_err());
}

#[test]
fn truncation_follows_the_documented_steps() {
    // Fits: padded.
    assert_eq!(
        mrz::name_field("TRAN", "VAN<A", 30).unwrap(),
        format!("TRAN<<VAN<A{}", "<".repeat(19))
    );
    // Step 1: secondary components to initials, last first.
    let f = mrz::name_field("NGUYEN", "THI<BICH<NGOC<XUAN<HUONG<LAN", 30).unwrap();
    assert_eq!(f, "NGUYEN<<THI<BICH<NGOC<XUAN<H<L");
    let f = mrz::name_field("NGUYEN", "THIENHUONGLONG<BICHNGOCLAN<XUANLAN", 30).unwrap();
    assert_eq!(f, "NGUYEN<<THIENHUONGLONG<B<X<<<<");
    // Step 2: primary cut so the field is exactly full and ends with a letter.
    let f = mrz::name_field("TONNUCONGHUYENTONNUPHUCTHANH", "MINH<ANH", 30).unwrap();
    assert_eq!(f, "TONNUCONGHUYENTONNUPHUCTH<<M<A");
    assert_eq!(f.len(), 30);
    // Step 3: primary alone too long; never ends in a filler.
    let f = mrz::name_field("ABCDEFGHIJKLMNOPQRSTUVWXYZABC<DEFG", "", 30).unwrap();
    assert_eq!(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCD");
    assert!(mrz::name_field("", "AN", 30).is_err());
}

fn arb_name_word() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![
            'a', 'ă', 'â', 'đ', 'ế', 'ờ', 'ư', 'ỹ', 'n', 'g', 'h', 't', 'B', 'Đ', 'Ư',
        ]),
        1..9,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn td1_round_trip(
        words in proptest::collection::vec(arb_name_word(), 1..7),
        rest in 0u32..1_000_000,
        year in 1900i32..2030,
        ordinal in 1u32..365,
        female in any::<bool>(),
        years_valid in 1i32..60,
        never in any::<bool>(),
    ) {
        let dob = NaiveDate::from_yo_opt(year, ordinal).unwrap();
        let id = format!("079{}{:02}{rest:06}", if female { 1 } else { 0 }, year % 100);
        let expiry = if never { Expiry::Never } else { Expiry::On(NaiveDate::from_yo_opt(year + years_valid, ordinal.min(365)).unwrap()) };
        let r = record(&id, &words.join(" "), dob, if female { Sex::Female } else { Sex::Male }, expiry);
        let lines = mrz::td1_lines(&r).unwrap();
        for l in &lines { prop_assert_eq!(l.len(), 30); }
        let parsed = mrz::parse(&lines.join("\n")).unwrap();
        prop_assert_eq!(parsed.lines(), lines.to_vec());
        let Mrz::Td1(td1) = parsed else { panic!() };
        prop_assert_eq!(td1.vietnamese_id_number(), Some(id.as_str()));
    }
}
