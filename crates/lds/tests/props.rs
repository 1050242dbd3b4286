//! Property tests: TLV tag and length forms, DG13 round trip, and decoders never panicking.

use lds::dg13::{Dg13, Entry, Text, Value};
use lds::tlv::{Reader, Rules, decode_one, encode};
use lds::{LdsFile, Oid};
use proptest::prelude::*;

fn arb_tag() -> impl Strategy<Value = u32> {
    prop_oneof![
        // One byte, low 5 bits not 11111.
        any::<u8>()
            .prop_filter("not a long-form marker", |b| b & 0x1F != 0x1F)
            .prop_map(u32::from),
        // Two bytes.
        (any::<u8>(), 0u8..0x80)
            .prop_map(|(a, b)| (u32::from(a | 0x1F) << 8) | u32::from(b))
            .prop_filter("no 80", |t| t & 0xFF != 0x80),
        // Three bytes.
        (any::<u8>(), 0x81u8..=0xFF, 0u8..0x80)
            .prop_map(|(a, b, c)| (u32::from(a | 0x1F) << 16) | (u32::from(b) << 8) | u32::from(c)),
    ]
}

proptest! {
    #[test]
    fn tlv_round_trips_every_length_form(tag in arb_tag(), len in prop_oneof![0usize..0x80, 0x80usize..0x100, 0x100usize..0x1_0000, 0x1_0000usize..0x1_2000]) {
        let value: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let bytes = encode(tag, &value);
        let header = bytes.len() - len;
        let tag_len = if tag > 0xFFFF { 3 } else if tag > 0xFF { 2 } else { 1 };
        let len_len = match len { 0..=0x7F => 1, 0x80..=0xFF => 2, 0x100..=0xFFFF => 3, _ => 4 };
        prop_assert_eq!(header, tag_len + len_len);
        let t = decode_one(&bytes, Rules::Der).unwrap();
        prop_assert_eq!(t.tag, tag);
        prop_assert_eq!(t.value, &value[..]);
        prop_assert_eq!(t.value_offset, header);
    }

    #[test]
    fn non_minimal_lengths_only_in_ber(len in 0usize..0x100, extra in 1usize..3) {
        // The same length written with `extra` more bytes than needed.
        let value = vec![0xAB; len];
        let minimal = if len < 0x80 { 0 } else { 1 };
        let n = minimal + extra;
        let mut bytes = vec![0x04, 0x80 | n as u8];
        bytes.extend_from_slice(&len.to_be_bytes()[8 - n..]);
        bytes.extend_from_slice(&value);
        let e = decode_one(&bytes, Rules::Der).unwrap_err();
        prop_assert_eq!(e.offset(), 1);
        let t = decode_one(&bytes, Rules::Ber).unwrap();
        prop_assert_eq!(t.value.len(), len);
    }

    #[test]
    fn reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for rules in [Rules::Ber, Rules::Der] {
            for t in Reader::new(&bytes, 0, rules) {
                match t {
                    Ok(t) => prop_assert!(t.value_offset + t.value.len() <= bytes.len()),
                    Err(e) => prop_assert!(e.offset() <= bytes.len()),
                }
            }
        }
    }

    #[test]
    fn lds_decoders_never_panic(first in prop::sample::select(vec![0x60u8, 0x61, 0x75, 0x6D, 0x6E, 0x6F, 0x31]), rest in proptest::collection::vec(any::<u8>(), 0..80)) {
        let mut bytes = vec![first];
        bytes.extend(rest);
        if let Ok(f) = LdsFile::decode(&bytes) {
            prop_assert_eq!(f.encode(), bytes);
        }
    }
}

fn arb_text() -> impl Strategy<Value = Text> {
    prop_oneof![
        "[A-Za-z0-9 /:.,-]{0,20}".prop_map(Text::Printable),
        "[a-zA-Zàáảãạăằắẳẵặâầấẩẫậđêềếểễệôồốổỗộơờớởỡợưừứửữự ]{0,40}".prop_map(Text::Utf8),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        arb_text().prop_map(Value::Text),
        proptest::collection::vec(proptest::collection::vec(arb_text(), 0..3), 0..3)
            .prop_map(Value::Sequences),
    ]
}

proptest! {
    #[test]
    fn dg13_round_trip(values in proptest::collection::vec(arb_value(), 0..17), version in 0u64..300) {
        let dg13 = Dg13 {
            version,
            oid: Oid(lds::dg13::UTF8_FORM_OID.to_vec()),
            entries: values.into_iter().enumerate().map(|(i, value)| Entry { number: i as u8 + 1, value }).collect(),
        };
        let bytes = dg13.encode();
        let back = Dg13::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &dg13);
        prop_assert_eq!(back.encode(), bytes);
    }
}
