//! LDS files: the Doc 9303 worked examples and reference files decode and re-encode byte for
//! byte; a card's set built from a record decodes back to the record; bad input is refused with
//! an offset, never a panic.

use chrono::NaiveDate;
use citizen::{CardGeneration, Expiry, Photo, PhotoFormat, Record, Sex};
use lds::{
    Com, Dg1, Dg2, Dg13, Dg15, FileId, KeyKind, LdsError, LdsFile, LdsOptions, LdsSet, PaceChoice,
    SecurityInfo, SecurityInfos, SubjectPublicKeyInfo, mrz,
};
use serde_json::Value;

const PORTRAIT: &[u8] = include_bytes!("vectors/portrait.jpg");
const P256_PUB: &[u8] = include_bytes!("vectors/p256_pub.der");
const P256_PUB_PEM: &[u8] = include_bytes!("vectors/p256_pub.pem");
const P256_CA_PUB: &[u8] = include_bytes!("vectors/p256_ca_pub.der");
const RSA_PUB: &[u8] = include_bytes!("vectors/rsa2048_pub.der");

fn files() -> Value {
    serde_json::from_str(include_str!("vectors/lds-files.json")).unwrap()
}

fn icao(name: &str) -> Value {
    let v: Value = serde_json::from_str(include_str!("vectors/icao-9303.json")).unwrap();
    v["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()
        .clone()
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.trim()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn record() -> Record {
    Record {
        id_number: "079303012345".into(),
        full_name: "Nguyễn Thị Bích Ngọc".into(),
        date_of_birth: d(2003, 4, 15),
        sex: Sex::Female,
        nationality: "VNM".into(),
        ethnicity: "Kinh".into(),
        religion: "Không".into(),
        place_of_origin: "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh".into(),
        place_of_residence: "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh".into(),
        identifying_features: "Nốt ruồi C:1cm dưới trước mép trái".into(),
        date_of_issue: d(2021, 6, 1),
        date_of_expiry: Expiry::On(d(2028, 4, 15)),
        father_name: Some("Nguyễn Văn Hùng".into()),
        mother_name: None,
        spouse_name: None,
        old_id_number: Some("025123456".into()),
        photo: Some(Photo {
            path: "portrait.jpg".into(),
            format: PhotoFormat::Jpeg,
            width: 240,
            height: 320,
            bytes: PORTRAIT.to_vec(),
        }),
        card_generation: CardGeneration::Cccd2021,
    }
}

#[test]
fn file_table_matches_part10() {
    let t = icao("lds.file_table");
    let e = &t["expected"];
    let mut ids = vec![
        (FileId::Com, "EF.COM"),
        (FileId::Sod, "EF.SOD"),
        (FileId::CardAccess, "EF.CardAccess (MF)"),
    ];
    for n in 1..=16u8 {
        ids.push((FileId::from_dg_number(n).unwrap(), ""));
    }
    for (id, key) in ids {
        let key = if key.is_empty() {
            id.name().to_string()
        } else {
            key.to_string()
        };
        let row = &e[&key];
        assert_eq!(
            format!("{:04X}", id.fid()),
            row["FID"].as_str().unwrap(),
            "{key}"
        );
        assert_eq!(
            format!("{:02X}", id.sfi()),
            row["SFI"].as_str().unwrap(),
            "{key}"
        );
        match id.tag() {
            Some(tag) => assert_eq!(format!("{tag:02X}"), row["tag"].as_str().unwrap(), "{key}"),
            None => assert!(row["tag"].as_str().unwrap().starts_with("none")),
        }
        assert_eq!(FileId::from_fid(id.fid()), Some(id));
        if let Some(tag) = id.tag() {
            assert_eq!(FileId::from_tag(tag), Some(id));
        }
        if let Some(n) = id.dg_number() {
            assert_eq!(FileId::from_dg_number(n), Some(id));
        }
    }
    assert_eq!(FileId::from_dg_number(0), None);
    assert_eq!(FileId::from_dg_number(17), None);
    assert_eq!(FileId::Dg13.file_name(), "DG13.bin");
}

#[test]
fn ef_com_example() {
    let bytes = hex(icao("lds.ef_com_example")["inputs"]["EF.COM"]
        .as_str()
        .unwrap());
    let com = Com::decode(&bytes).unwrap();
    assert_eq!(com.lds_version, "0106");
    assert_eq!(com.unicode_version, "040000");
    assert_eq!(com.data_groups(), vec![FileId::Dg1, FileId::Dg2]);
    assert_eq!(com.encode(), bytes);
}

#[test]
fn dg1_part10_example_and_bsi_td3() {
    let bytes = hex(icao("mrz.td2.specimen_utopia")["expected"]["DG1"]
        .as_str()
        .unwrap());
    let dg1 = Dg1::decode(&bytes).unwrap();
    assert_eq!(
        dg1.lines(),
        vec![
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6"
        ]
    );
    assert_eq!(dg1.encode(), bytes);
    let bsi = hex(files()["bsi_DG1"].as_str().unwrap());
    let dg1 = Dg1::decode(&bsi).unwrap();
    assert_eq!(dg1.encode(), bsi);
    let mrz::Mrz::Td3(td3) = dg1.parse_mrz().unwrap() else {
        panic!()
    };
    assert_eq!(td3.document_number, "C11T002JM");
    assert_eq!(LdsFile::decode(&bsi).unwrap().encode(), bsi);
}

#[test]
fn dg2_part10_example() {
    let bytes = hex(include_str!("vectors/dg2_part10.hex"));
    let dg2 = Dg2::decode(&bytes).unwrap();
    assert_eq!(dg2.templates.len(), 1);
    let t = &dg2.templates[0];
    assert_eq!(
        t.header,
        vec![(0x80, vec![1, 1]), (0x87, vec![1, 1]), (0x88, vec![0, 8])]
    );
    let img = dg2.first_image().unwrap();
    assert_eq!((img.width, img.height), (148, 70));
    assert!(img.image.starts_with(&[0xFF, 0xD8]) && img.image.ends_with(&[0xFF, 0xD9]));
    // The size in the record is the size in the JPEG frame header.
    let info = citizen::photo::inspect(&img.image).unwrap();
    assert_eq!((info.width, info.height), (148, 70));
    assert_eq!(dg2.encode(), bytes);
}

#[test]
fn dg14_dg15_card_access_references() {
    let f = files();
    for key in ["bsi_DG14", "etsi_DG14"] {
        let bytes = hex(f[key].as_str().unwrap());
        let infos = SecurityInfos::decode_dg14(&bytes).unwrap();
        assert!(
            infos
                .0
                .iter()
                .any(|i| matches!(i, SecurityInfo::ChipAuthenticationPublicKey { .. })),
            "{key}"
        );
        assert!(
            infos
                .0
                .iter()
                .any(|i| matches!(i, SecurityInfo::ChipAuthentication { version: 1, .. })),
            "{key}"
        );
        assert_eq!(infos.encode_dg14(), bytes, "{key}");
    }
    for key in [
        "bsi_DG15",
        "etsi_DG15",
        "aa_rsa1024_DG15",
        "aa_ecdsa_bp256_DG15",
    ] {
        let bytes = hex(f[key].as_str().unwrap());
        let dg15 = Dg15::decode(&bytes).unwrap();
        assert_eq!(dg15.encode(), bytes, "{key}");
    }
    let rsa = Dg15::decode(&hex(f["aa_rsa1024_DG15"].as_str().unwrap())).unwrap();
    assert_eq!(
        rsa.public_key.kind(),
        KeyKind::Rsa {
            modulus_bits: 1024,
            exponent: 65537
        }
    );
    let bp = Dg15::decode(&hex(f["aa_ecdsa_bp256_DG15"].as_str().unwrap())).unwrap();
    assert!(
        matches!(bp.public_key.kind(), KeyKind::Ec { curve: Some(c), point_len: 65 } if c.to_string() == "1.3.36.3.3.2.8.1.1.7")
    );
    // ActiveAuthenticationInfo alone, wrapped as a set.
    let aa = hex(f["aa_ActiveAuthenticationInfo"].as_str().unwrap());
    let set = [vec![0x31, aa.len() as u8], aa.clone()].concat();
    let infos = SecurityInfos::decode(&set, 0, "test").unwrap();
    match &infos.0[0] {
        SecurityInfo::ActiveAuthentication {
            protocol,
            version,
            signature_algorithm,
        } => {
            assert_eq!(protocol.to_string(), "2.23.136.1.1.5");
            assert_eq!(*version, 1);
            assert_eq!(signature_algorithm.to_string(), "0.4.0.127.0.7.1.1.4.1.3");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(infos.encode(), set);
    // Part 11 App. G.1 EF.CardAccess.
    let ca = hex(f["pace_g1_EF.CardAccess"].as_str().unwrap());
    let infos = SecurityInfos::decode_card_access(&ca).unwrap();
    assert_eq!(
        infos.0,
        vec![SecurityInfo::pace(
            &PaceChoice::default().protocol,
            Some(13)
        )]
    );
    assert_eq!(infos.encode(), ca);
    assert_eq!(LdsFile::decode(&ca).unwrap().id(), FileId::CardAccess);
}

#[test]
fn oids_match_their_der_vectors() {
    let o = icao("oids.der");
    for (dotted, der) in o["expected"].as_object().unwrap() {
        let oid = lds::Oid::from_dotted(dotted).unwrap();
        assert_eq!(
            hex::encode_upper(oid.to_der()),
            der.as_str().unwrap(),
            "{dotted}"
        );
        assert_eq!(&oid.to_string(), dotted);
    }
    assert!(lds::Oid::from_dotted("3.1").is_err());
    assert!(lds::Oid::from_dotted("1.2.x").is_err());
}

fn full_options() -> LdsOptions {
    LdsOptions {
        aa_public_key: Some(SubjectPublicKeyInfo::from_der_or_pem(P256_PUB).unwrap()),
        ca_public_key: Some(SubjectPublicKeyInfo::from_der_or_pem(P256_CA_PUB).unwrap()),
        pace: vec![PaceChoice::default()],
        ..LdsOptions::default()
    }
}

#[test]
fn set_built_from_a_record_decodes_back() {
    let r = record();
    let set = LdsSet::build(&r, &full_options()).unwrap();
    assert_eq!(
        set.data_groups.keys().copied().collect::<Vec<_>>(),
        vec![1, 2, 13, 14, 15]
    );
    let com = Com::decode(&set.com).unwrap();
    assert_eq!(
        (com.lds_version.as_str(), com.unicode_version.as_str()),
        ("0107", "040000")
    );
    assert_eq!(com.tags, vec![0x61, 0x75, 0x6D, 0x6E, 0x6F]);
    for (id, bytes) in set.files() {
        let f = LdsFile::decode(bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(f.id(), id);
        assert_eq!(f.encode(), bytes, "{id} re-encodes byte for byte");
        if let Some(tag) = id.tag() {
            assert_eq!(bytes[0], tag);
        }
    }
    let dg1 = Dg1::decode(set.file(FileId::Dg1).unwrap()).unwrap();
    assert_eq!(dg1.lines(), mrz::td1_lines(&r).unwrap().to_vec());
    assert!(dg1.parse_mrz().is_ok());
    let dg2 = Dg2::decode(set.file(FileId::Dg2).unwrap()).unwrap();
    let img = dg2.first_image().unwrap();
    assert_eq!(
        (img.width, img.height, img.image_data_type, img.gender),
        (240, 320, 0, 2)
    );
    assert_eq!(img.image, PORTRAIT);
    let f = Dg13::decode(set.file(FileId::Dg13).unwrap())
        .unwrap()
        .fields();
    assert_eq!(f.id_number.as_deref(), Some("079303012345"));
    assert_eq!(f.full_name.as_deref(), Some("Nguyễn Thị Bích Ngọc"));
    assert_eq!(f.date_of_birth.as_deref(), Some("15/04/2003"));
    assert_eq!(f.sex.as_deref(), Some("Nữ"));
    assert_eq!(f.nationality.as_deref(), Some("Việt Nam"));
    assert_eq!(f.date_of_expiry.as_deref(), Some("15/04/2028"));
    assert_eq!(f.father_name.as_deref(), Some("Nguyễn Văn Hùng"));
    assert_eq!(f.mother_name, None);
    assert_eq!(f.spouse_name, None);
    assert_eq!(f.old_id_number.as_deref(), Some("025123456"));
    let dg14 = SecurityInfos::decode_dg14(set.file(FileId::Dg14).unwrap()).unwrap();
    let kinds: Vec<&str> = dg14.0.iter().map(SecurityInfo::kind).collect();
    for k in [
        "PACEInfo",
        "ChipAuthenticationInfo",
        "ChipAuthenticationPublicKeyInfo",
        "ActiveAuthenticationInfo",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    let dg15 = Dg15::decode(set.file(FileId::Dg15).unwrap()).unwrap();
    assert_eq!(dg15.public_key.der, P256_PUB);
    assert!(dg15.public_key.is_p256());
    assert!(set.card_access.is_some());
}

#[test]
fn rsa_aa_key_and_pem_input() {
    let pem = SubjectPublicKeyInfo::from_der_or_pem(P256_PUB_PEM).unwrap();
    assert_eq!(pem.der, P256_PUB);
    let opts = LdsOptions {
        aa_public_key: Some(SubjectPublicKeyInfo::from_der_or_pem(RSA_PUB).unwrap()),
        ..LdsOptions::default()
    };
    let set = LdsSet::build(&record(), &opts).unwrap();
    let dg15 = Dg15::decode(&set.data_groups[&15]).unwrap();
    assert!(matches!(
        dg15.public_key.kind(),
        KeyKind::Rsa {
            modulus_bits: 2048,
            ..
        }
    ));
    // RSA AA needs no ActiveAuthenticationInfo, so without a CA key there is no DG14.
    assert_eq!(
        set.data_groups.keys().copied().collect::<Vec<_>>(),
        vec![1, 2, 13, 15]
    );
    assert_eq!(
        Com::decode(&set.com).unwrap().tags,
        vec![0x61, 0x75, 0x6D, 0x6F]
    );
}

#[test]
fn bad_keys_are_refused() {
    // A brainpool key is fine to read but not accepted for DG15 by this issuer.
    let bp = Dg15::decode(&hex(files()["aa_ecdsa_bp256_DG15"].as_str().unwrap())).unwrap();
    let e = Dg15::new(bp.public_key.clone()).unwrap_err();
    assert!(e.to_string().contains("P-256 or RSA"), "{e}");
    let e = LdsSet::build(
        &record(),
        &LdsOptions {
            aa_public_key: Some(bp.public_key),
            ..LdsOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, LdsError::Build { file: "DG15", .. }));
    let rsa = SubjectPublicKeyInfo::from_der_or_pem(RSA_PUB).unwrap();
    let e = LdsSet::build(
        &record(),
        &LdsOptions {
            ca_public_key: Some(rsa),
            ..LdsOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, LdsError::Build { file: "DG14", .. }));
    assert!(
        SubjectPublicKeyInfo::from_der_or_pem(
            b"-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----\n"
        )
        .is_err()
    );
    assert!(SubjectPublicKeyInfo::from_der_or_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n").is_err());
    assert!(SubjectPublicKeyInfo::from_der_or_pem(&P256_PUB[..40]).is_err());
    let pace = vec![PaceChoice {
        parameter_id: 3,
        ..PaceChoice::default()
    }];
    let e = LdsSet::build(
        &record(),
        &LdsOptions {
            pace,
            ..LdsOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            LdsError::Build {
                file: "EF.CardAccess",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn record_without_photo_and_without_expiry() {
    let mut r = record();
    r.photo = None;
    r.date_of_expiry = Expiry::Never;
    r.spouse_name = Some("Trần Văn Nam".into());
    r.mother_name = Some("Lê Thị Hoa".into());
    let set = LdsSet::build(&r, &LdsOptions::default()).unwrap();
    assert_eq!(
        set.data_groups.keys().copied().collect::<Vec<_>>(),
        vec![1, 13]
    );
    assert_eq!(Com::decode(&set.com).unwrap().tags, vec![0x61, 0x6D]);
    assert!(set.card_access.is_none());
    let f = Dg13::decode(&set.data_groups[&13]).unwrap().fields();
    assert_eq!(f.date_of_expiry.as_deref(), Some("Không thời hạn"));
    assert_eq!(f.spouse_name.as_deref(), Some("Trần Văn Nam"));
    assert_eq!(f.mother_name.as_deref(), Some("Lê Thị Hoa"));
}

#[test]
fn dg13_both_parent_shapes_and_empty_spouse() {
    // NghiaLio shape: SEQUENCE{INT 13, SEQUENCE{father, mother}}, unmarried 30 03 02 01 0E.
    let father = "Nguyễn Văn Hùng".as_bytes();
    let mother = "Lê Thị Hoa".as_bytes();
    let strings = [
        lds::tlv::encode(0x0C, father),
        lds::tlv::encode(0x0C, mother),
    ]
    .concat();
    let joint = lds::tlv::encode(
        0x30,
        &[vec![2, 1, 13], lds::tlv::encode(0x30, &strings)].concat(),
    );
    let spouse = vec![0x30, 0x03, 0x02, 0x01, 0x0E];
    let id = hex("3011020101130C303739333033303132333435");
    let set = lds::tlv::encode(0x31, &[id, joint, spouse].concat());
    let body = [hex("020101060628D316010008"), set].concat();
    let dg13 = lds::tlv::encode(0x6D, &lds::tlv::encode(0x30, &body));
    let decoded = Dg13::decode(&dg13).unwrap();
    let f = decoded.fields();
    assert_eq!(f.id_number.as_deref(), Some("079303012345"));
    assert_eq!(f.father_name.as_deref(), Some("Nguyễn Văn Hùng"));
    assert_eq!(f.mother_name.as_deref(), Some("Lê Thị Hoa"));
    assert_eq!(f.spouse_name, None);
    assert_eq!(decoded.encode(), dg13);
    // The leeon/CMC shape, as we emit it.
    let built = Dg13::from_record(&Record {
        mother_name: Some("Lê Thị Hoa".into()),
        ..record()
    });
    let bytes = built.encode();
    let again = Dg13::decode(&bytes).unwrap();
    assert_eq!(again.fields().mother_name.as_deref(), Some("Lê Thị Hoa"));
    assert_eq!(
        again.fields().father_name.as_deref(),
        Some("Nguyễn Văn Hùng")
    );
    let leeon = lds::tlv::encode(
        0x30,
        &[
            vec![2, 1, 13],
            lds::tlv::encode(0x30, &lds::tlv::encode(0x0C, father)),
            lds::tlv::encode(0x30, &lds::tlv::encode(0x0C, mother)),
        ]
        .concat(),
    );
    assert!(
        bytes.windows(leeon.len()).any(|w| w == leeon),
        "per-parent SEQUENCEs"
    );
}

#[test]
fn tlv_codec_rules() {
    use lds::tlv::{Reader, Rules, decode_one, encode};
    let ok = encode(0x5F1F, b"ABC");
    assert_eq!(ok, hex("5F1F03414243"));
    let t = decode_one(&ok, Rules::Der).unwrap();
    assert_eq!((t.tag, t.value, t.value_offset), (0x5F1F, &b"ABC"[..], 3));
    let long = encode(0x04, &[0u8; 300]);
    assert_eq!(&long[..4], &hex("0482012C"));
    let cases: &[(&str, usize, &str)] = &[
        ("0480", 1, "indefinite"),
        ("048100", 1, "shortest form"),
        ("04820005AABBCCDDEE", 1, "shortest form"),
        ("0485", 1, "reserved"),
        ("0403AABB", 1, "runs past"),
        ("5F", 1, "tag truncated"),
        ("5F80", 1, "leading zero"),
        ("5FFFFF01", 0, "longer than 3"),
        ("04", 1, "length missing"),
        ("0401AA00", 3, "trailing"),
        ("", 0, "expected a tag"),
        ("0482", 1, "truncated"),
    ];
    for (h, offset, what) in cases {
        let e = decode_one(&hex(h), Rules::Der).unwrap_err();
        assert_eq!(e.offset(), *offset, "{h}: {e}");
        assert!(e.to_string().contains(what), "{h}: {e}");
    }
    // BER accepts non-minimal lengths.
    assert_eq!(decode_one(&hex("048100"), Rules::Ber).unwrap().value, b"");
    // Offsets are absolute inside nested values.
    let nested = hex("6D0630040201FF99");
    let mut r = Reader::new(&nested[2..], 2, Rules::Der);
    let inner = r.read().unwrap();
    let mut c = inner.children(Rules::Der);
    assert_eq!(c.read().unwrap().offset, 4);
    let e = c.read().unwrap_err();
    assert_eq!(e.offset(), 8);
}

#[test]
fn bad_files_are_refused_with_offsets() {
    let set = LdsSet::build(&record(), &full_options()).unwrap();
    // Every truncation of every file is an error, never a panic.
    for (id, bytes) in set.files() {
        for cut in 0..bytes.len() {
            assert!(LdsFile::decode(&bytes[..cut]).is_err(), "{id} cut at {cut}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        let e = LdsFile::decode(&longer).unwrap_err();
        assert_eq!(e.offset(), Some(bytes.len()), "{id}: {e}");
    }
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (hex("600A5F010230315F36005C00"), "LDS version"),
        (hex("60105F0104303130375F3606303430303030"), "tag list"),
        (
            hex("60135F0104303130375F36063034303030305C0199"),
            "not a data group tag",
        ),
        (hex("61065F1F03414243"), "MRZ of 3"),
        (
            lds::tlv::encode(0x61, &lds::tlv::encode(0x5F1F, &[b'a'; 90])),
            "not an MRZ character",
        ),
        (
            hex("7503 7F6100".replace(' ', "").as_str()),
            "number of instances",
        ),
        (hex("0000"), "not a file this tool decodes"),
        (hex("77020000"), "EF.SOD"),
        (hex("6E023100"), "no SecurityInfo"),
        (hex("6F03300100"), "AlgorithmIdentifier"),
    ];
    for (bytes, what) in cases {
        let e = LdsFile::decode(&bytes).unwrap_err();
        assert!(e.offset().is_some(), "{e}");
        assert!(e.to_string().contains(what), "{what}: {e}");
    }
    // A DG2 whose face record length lies.
    let mut dg2 = set.data_groups[&2].clone();
    let fac = dg2.windows(4).position(|w| w == b"FAC\0").unwrap();
    dg2[fac + 11] ^= 1;
    let e = Dg2::decode(&dg2).unwrap_err();
    assert!(
        e.to_string().contains("record length") && e.offset() == Some(fac + 8),
        "{e}"
    );
    // DG13 with a field number twice.
    let twice = lds::tlv::encode(
        0x6D,
        &lds::tlv::encode(
            0x30,
            &[
                hex("020101060628D316010008"),
                lds::tlv::encode(0x31, &hex("30060201011301413006020101130142")),
            ]
            .concat(),
        ),
    );
    let e = Dg13::decode(&twice).unwrap_err();
    assert!(
        e.to_string().contains("appears twice") && e.offset() == Some(27),
        "{e}"
    );
}
