//! Published vectors, copied from the shared ICAO 9303 vector file (`icao-9303.json`: `mrz.*`,
//! `lds.*`, `oids.*`, `bac.*`) into this file so that nothing is read at run time.

use icao::check_digit::{check_digit, is_valid};
use icao::file_id::{EMRTD_AID, FileId};
use icao::oid::{self, DomainParameters, Group, ObjectId};
use icao::tlv::{self, ErrorKind, Reader, Rules, decode_one, decode_prefix, read_header};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn check_digit_examples_of_part3() {
    // Doc 9303 Part 3 §4.9, Appendix A examples 1–5.
    let examples = [
        ("520727", '3'),
        ("AB2134<<<", '5'),
        ("HA672242<658022549601086<<<<<<<<<<<<<<0", '8'),
        ("D231458907<<<<<<<<<<<<<<<34071279507122<<<<<<<<<<<", '2'),
        ("HA672242<658022549601086<<<<<<<0", '8'),
    ];
    for (data, want) in examples {
        assert_eq!(check_digit(data), Ok(want), "{data}");
    }
}

#[test]
fn check_digits_of_the_specimens() {
    // TD1 specimen (Part 5 Appendix A): I<UTOD231458907<<<<<<<<<<<<<<< / 7408122F1204159UTO…6.
    assert_eq!(check_digit("D23145890"), Ok('7'));
    assert_eq!(check_digit("740812"), Ok('2'));
    assert_eq!(check_digit("120415"), Ok('9'));
    assert_eq!(
        check_digit("D231458907<<<<<<<<<<<<<<<74081221204159<<<<<<<<<<<"),
        Ok('6')
    );
    // TD3 specimen (Part 4 Appendix A).
    assert_eq!(check_digit("L898902C3"), Ok('6'));
    assert_eq!(check_digit("ZE184226B<<<<<"), Ok('1'));
    assert_eq!(
        check_digit("L898902C3674081221204159ZE184226B<<<<<1"),
        Ok('0')
    );
    // Part 11 Appendix D.2 erratum: the printed composites 8 (TD2) and 1 (TD1) are wrong, 2 is
    // right in both.
    let td2 = "L898902C<369080619406236<<<<<<<";
    assert!(!is_valid(td2, '8') && is_valid(td2, '2'));
    let td1 = "L898902C<3<<<<<<<<<<<<<<<69080619406236<<<<<<<<<<<";
    assert!(!is_valid(td1, '1') && is_valid(td1, '2'));
    // Long document number (Part 11 D.2): D23145890734, check digit 9 in the optional data.
    assert_eq!(check_digit("D23145890734"), Ok('9'));
}

#[test]
fn tlv_examples_of_part10_and_part11() {
    // EF.COM of Part 11 Appendix D.4: LDS 0106, Unicode 040000, DG1 and DG2.
    let com = hex("60145F0104303130365F36063034303030305C026175");
    let t = decode_one(&com, Rules::Der).unwrap();
    assert_eq!((t.tag, t.value.len(), t.constructed()), (0x60, 0x14, true));
    let mut r = t.children(Rules::Der);
    assert_eq!(r.expect(0x5F01, "LDS version").unwrap().value, b"0106");
    assert_eq!(
        r.expect(0x5F36, "Unicode version").unwrap().value,
        b"040000"
    );
    let list = r.expect(0x5C, "tag list").unwrap();
    r.finish("EF.COM").unwrap();
    let dgs: Vec<FileId> = list
        .value
        .iter()
        .filter_map(|t| FileId::from_dg_tag(*t))
        .collect();
    assert_eq!(dgs, [FileId::Dg1, FileId::Dg2]);
    assert_eq!(
        tlv::encode_parts(
            0x60,
            &[
                &tlv::encode(0x5F01, b"0106"),
                &tlv::encode(0x5F36, b"040000"),
                &tlv::encode(0x5C, &[0x61, 0x75]),
            ]
        ),
        com
    );

    // DG1 of the TD2 specimen (Part 10 worked example).
    let dg1 = hex(
        "614B5F1F48493C55544F4552494B53534F4E3C3C414E4E413C4D415249413C3C3C3C3C3C3C3C3C3C3C\
         4432333134353839303755544F3734303831323246313230343135393C3C3C3C3C3C3C36",
    );
    let outer = decode_one(&dg1, Rules::Der).unwrap();
    let mrz = outer.children(Rules::Der).expect(0x5F1F, "MRZ").unwrap();
    assert_eq!((mrz.offset, mrz.value_offset, mrz.value.len()), (2, 5, 72));
    assert_eq!(&mrz.value[..36], b"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<");
    assert_eq!(tlv::encode(0x61, &tlv::encode(0x5F1F, mrz.value)), dg1);

    // EF.CardAccess of Part 11 Appendix G.1: one PACEInfo, ECDH-GM-AES-128, v2, parameter 13.
    let ca = hex("31143012060A04007F0007020204020202010202010D");
    let set = decode_one(&ca, Rules::Der).unwrap();
    let info = set.children(Rules::Der).expect(0x30, "PACEInfo").unwrap();
    let mut f = info.children(Rules::Der);
    let protocol = f.expect(0x06, "protocol").unwrap();
    assert_eq!(
        ObjectId::from_content(protocol.value),
        Some(oid::ID_PACE_ECDH_GM_AES_128)
    );
    assert_eq!(f.expect(0x02, "version").unwrap().value, [2]);
    let id = f.expect(0x02, "parameterId").unwrap().value[0];
    assert_eq!(
        DomainParameters::from_id(id.into()).unwrap().curve(),
        Some(oid::BRAINPOOL_P256R1)
    );

    // ChipAuthenticationInfo and TerminalAuthenticationInfo of the BSI TR-03105-5 DG14.
    for (h, protocol) in [
        ("300F060A04007F00070202030201020101", oid::ID_CA_ECDH_3DES),
        ("300D060804007F0007020202020101", oid::ID_TA),
    ] {
        let bytes = hex(h);
        let seq = decode_one(&bytes, Rules::Der).unwrap();
        let o = seq.children(Rules::Der).expect(0x06, "protocol").unwrap();
        assert_eq!(o.value, protocol.content(), "{h}");
    }
}

#[test]
fn tlv_errors_carry_offsets() {
    // The cases of the old lds codec, same offsets, same words.
    let cases: &[(&str, usize, &str)] = &[
        ("0480", 1, "indefinite length (80) is not allowed"),
        ("048100", 1, "length 0 not in its shortest form"),
        ("04820005AABBCCDDEE", 1, "length 5 not in its shortest form"),
        ("0485", 1, "reserved length byte 85"),
        ("0403AABB", 1, "length 3 runs past the input (2 bytes left)"),
        ("5F", 1, "tag truncated"),
        (
            "5F80",
            1,
            "tag number with a leading zero continuation byte",
        ),
        ("5FFFFF01", 0, "tag longer than 3 bytes"),
        ("04", 1, "length missing, input ends"),
        ("0401AA00", 3, "1 trailing byte(s) after the TLV"),
        ("", 0, "expected a tag, input ends"),
        ("0482", 1, "length bytes truncated"),
    ];
    for (h, offset, reason) in cases {
        let e = decode_one(&hex(h), Rules::Der).unwrap_err();
        assert_eq!(e.offset(), *offset, "{h}: {e}");
        assert_eq!(e.reason(), *reason, "{h}");
        assert_eq!(
            e.to_string(),
            format!("TLV error at byte {offset}: {reason}")
        );
    }
    // Offsets are absolute inside nested values; context names the element.
    let nested = hex("6D0630040201FF99");
    let mut r = Reader::new(&nested[2..], 2, Rules::Der);
    let inner = r.read().unwrap();
    let mut c = inner.children(Rules::Der);
    assert_eq!(c.read().unwrap().offset, 4);
    let e = c.expect(0x02, "version").unwrap_err();
    assert_eq!(e.offset(), 8);
    assert_eq!(e.context(), Some("version"));
    assert_eq!(e.reason(), "version: length missing, input ends");
    let e = Reader::new(&nested, 0, Rules::Der)
        .expect(0x60, "EF.COM")
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::UnexpectedTag {
            expected: 0x60,
            found: 0x6D
        }
    );
    assert_eq!(e.reason(), "EF.COM: expected tag 60, found 6D");
    assert_eq!(
        e.with_context("DG13").reason(),
        "DG13: EF.COM: expected tag 60, found 6D"
    );
}

#[test]
fn headers_prefixes_and_sizes() {
    // What a reader learns from the first bytes of an EF (the old reader helper's cases).
    let total = |b: &[u8]| read_header(b, Rules::Ber).map(|h| h.total_len()).ok();
    assert_eq!(total(&[0x60, 0x14]), Some(22));
    assert_eq!(total(&[0x75, 0x82, 0x50, 0x00]), Some(4 + 0x5000));
    assert_eq!(total(&[0x7F, 0x61, 0x03]), Some(6));
    assert_eq!(total(&[0x75, 0x85, 0, 0, 0, 0, 1]), None);
    assert_eq!(total(&[0x75]), None);
    assert_eq!(total(&[]), None);
    let h = read_header(&[0x77, 0x81, 0x80], Rules::Der).unwrap();
    assert_eq!((h.tag, h.header_len, h.value_len), (0x77, 3, 0x80));
    // EF.SOD with padding after the 77 object.
    let mut sod = tlv::encode(0x77, &[0x30, 0x00]);
    sod.extend_from_slice(&[0xFF, 0xFF]);
    let (t, rest) = decode_prefix(&sod, Rules::Der).unwrap();
    assert_eq!(
        (t.tag, t.value, rest),
        (0x77, &[0x30, 0][..], &[0xFF, 0xFF][..])
    );
    assert!(decode_one(&sod, Rules::Der).is_err());
    // Secure-messaging objects built in place.
    let mut dos = Vec::new();
    tlv::encode_into(0x87, &[0x01; 0x80], &mut dos);
    tlv::encode_into(0x8E, &[0xAA; 8], &mut dos);
    assert_eq!(&dos[..3], &[0x87, 0x81, 0x80]);
    assert_eq!(
        dos.len(),
        tlv::encoded_size(0x87, 0x80) + tlv::encoded_size(0x8E, 8)
    );
    let got: Vec<u32> = Reader::new(&dos, 0, Rules::Der)
        .map(|t| t.unwrap().tag)
        .collect();
    assert_eq!(got, [0x87, 0x8E]);
    assert_eq!(tlv::encode(0x7F49, &[]), [0x7F, 0x49, 0x00]);
}

#[test]
fn file_table_of_part10() {
    // Part 10 §4.7 Table 38 (FID, SFI, tag).
    let rows: [(FileId, u16, u8, Option<u8>, &str); 19] = [
        (FileId::Com, 0x011E, 0x1E, Some(0x60), "EF.COM"),
        (FileId::Dg1, 0x0101, 0x01, Some(0x61), "DG1"),
        (FileId::Dg2, 0x0102, 0x02, Some(0x75), "DG2"),
        (FileId::Dg3, 0x0103, 0x03, Some(0x63), "DG3"),
        (FileId::Dg4, 0x0104, 0x04, Some(0x76), "DG4"),
        (FileId::Dg5, 0x0105, 0x05, Some(0x65), "DG5"),
        (FileId::Dg6, 0x0106, 0x06, Some(0x66), "DG6"),
        (FileId::Dg7, 0x0107, 0x07, Some(0x67), "DG7"),
        (FileId::Dg8, 0x0108, 0x08, Some(0x68), "DG8"),
        (FileId::Dg9, 0x0109, 0x09, Some(0x69), "DG9"),
        (FileId::Dg10, 0x010A, 0x0A, Some(0x6A), "DG10"),
        (FileId::Dg11, 0x010B, 0x0B, Some(0x6B), "DG11"),
        (FileId::Dg12, 0x010C, 0x0C, Some(0x6C), "DG12"),
        (FileId::Dg13, 0x010D, 0x0D, Some(0x6D), "DG13"),
        (FileId::Dg14, 0x010E, 0x0E, Some(0x6E), "DG14"),
        (FileId::Dg15, 0x010F, 0x0F, Some(0x6F), "DG15"),
        (FileId::Dg16, 0x0110, 0x10, Some(0x70), "DG16"),
        (FileId::Sod, 0x011D, 0x1D, Some(0x77), "EF.SOD"),
        (FileId::CardAccess, 0x011C, 0x1C, None, "EF.CardAccess"),
    ];
    assert_eq!(rows.map(|r| r.0), FileId::ALL);
    for (id, fid, sfi, tag, name) in rows {
        assert_eq!(
            (id.fid(), id.sfi(), id.tag(), id.name()),
            (fid, sfi, tag, name)
        );
        assert_eq!(id.to_string(), name);
        assert_eq!(id.file_name(), format!("{name}.bin"));
        assert_eq!(FileId::from_fid(fid), Some(id));
        assert_eq!(id.in_master_file(), id == FileId::CardAccess);
        if let Some(tag) = tag {
            assert_eq!(FileId::from_tag(tag), Some(id));
            assert_eq!(id.first_byte(), tag);
        }
        if let Some(n) = id.dg_number() {
            assert_eq!(FileId::from_dg_number(n), Some(id));
            assert_eq!(FileId::from_dg_tag(id.first_byte()), Some(id));
        }
    }
    assert_eq!(FileId::CardAccess.first_byte(), 0x31);
    assert_eq!(FileId::from_dg_tag(0x60), None);
    assert_eq!(FileId::from_dg_tag(0x77), None);
    assert_eq!(FileId::from_dg_number(0), None);
    assert_eq!(FileId::from_dg_number(17), None);
    assert!(FileId::Sod < FileId::CardAccess && FileId::Com < FileId::Dg1);
    assert_eq!(EMRTD_AID, &hex("A0000002471001")[..]);
}

#[test]
fn oid_der_of_the_shared_table() {
    // `oids.der`: Part 10 §4.6.2.3, Part 11 §9.2, Part 12 §7.1.1, DER computed.
    let table = [
        (oid::LDS_SECURITY_OBJECT, "0606678108010101"),
        (oid::CSCA_MASTER_LIST, "0606678108010102"),
        (oid::CSCA_MASTER_LIST_SIGNING_KEY, "0606678108010103"),
        (oid::ID_AA, "0606678108010105"),
        (oid::NAME_CHANGE, "060767810801010601"),
        (oid::DOCUMENT_TYPE_LIST, "060767810801010602"),
        (oid::DEVIATION_LIST, "0606678108010107"),
        (oid::DEVIATION_LIST_SIGNING_KEY, "0606678108010108"),
        (oid::ID_PACE_ECDH_GM_AES_128, "060A04007F00070202040202"),
        (oid::ID_PACE_DH_GM_AES_128, "060A04007F00070202040102"),
        (oid::ID_PACE_ECDH_IM_AES_128, "060A04007F00070202040402"),
        (oid::ID_PK_ECDH, "060904007F000702020102"),
        (oid::ID_CA_ECDH_3DES, "060A04007F00070202030201"),
        (oid::ID_TA, "060804007F0007020202"),
        (oid::ECDSA_PLAIN_SHA256, "060A04007F00070101040103"),
        // Named curves, as in the DG14/DG15 SubjectPublicKeyInfos.
        (oid::P256, "06082A8648CE3D030107"),
        (oid::BRAINPOOL_P256R1, "06092B2403030208010107"),
        (oid::EC_PUBLIC_KEY, "06072A8648CE3D0201"),
        (oid::RSA_ENCRYPTION, "06092A864886F70D010101"),
    ];
    for (o, der) in table {
        assert_eq!(o.to_der(), hex(der), "{o:?}");
        assert_eq!(
            oid::encode_dotted(o.dotted()).unwrap(),
            o.content(),
            "{o:?}"
        );
        assert_eq!(oid::to_dotted(o.content()), o.dotted());
    }
}

#[test]
fn every_oid_is_consistent_and_unique() {
    for (i, o) in oid::ALL.iter().enumerate() {
        assert_eq!(
            oid::encode_dotted(o.dotted()).unwrap(),
            o.content(),
            "{o:?}"
        );
        assert_eq!(oid::validate_content(o.content()), Ok(()));
        assert_eq!(ObjectId::from_content(o.content()), Some(*o));
        for p in &oid::ALL[..i] {
            assert_ne!(p.content(), o.content(), "{p:?} and {o:?}");
            assert_ne!(p.name(), o.name());
        }
    }
    // Every PACE and CA protocol sits two arcs under its family root, every PK one arc.
    for o in oid::ALL {
        if o.name().starts_with("id-PACE-") && o.dotted().matches('.').count() == 10 {
            assert!(oid::ID_PACE.is_parent_of(o.content()), "{o:?}");
        }
    }
    assert!(oid::BSI_PROTOCOLS.is_parent_of(oid::ID_CA_ECDH_AES_128.content()));
    assert!(!oid::ID_PACE.is_parent_of(oid::ID_PACE.content()));
}

#[test]
fn standardized_domain_parameters() {
    // Part 11 §9.5.1: 0–2 MODP, 8–18 curves, 3–7 reserved.
    assert_eq!(
        DomainParameters::from_id(0).unwrap().group,
        Group::Modp {
            modulus_bits: 1024,
            order_bits: 160
        }
    );
    assert_eq!(
        DomainParameters::from_id(12).unwrap().curve(),
        Some(oid::P256)
    );
    assert_eq!(
        DomainParameters::from_curve(oid::BRAINPOOL_P256R1.content()).map(|p| p.id),
        Some(13)
    );
    assert_eq!(
        DomainParameters::from_id(18).unwrap().curve(),
        Some(oid::P521)
    );
    for reserved in [3, 7, 19, 255, u64::MAX] {
        assert_eq!(DomainParameters::from_id(reserved), None);
    }
}
