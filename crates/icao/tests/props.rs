//! Property tests: every encoding decodes back to what was encoded, every length form is the
//! shortest, and no input makes any decoder panic or point outside the input.

use icao::check_digit::{char_value, check_digit};
use icao::oid;
use icao::tlv::{self, Reader, Rules, decode_one, decode_prefix, read_header};
use proptest::prelude::*;

/// Tags the codec accepts: 1 byte (not a long-form marker), 2 bytes, 3 bytes without a leading
/// `80` group.
fn arb_tag() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u8>()
            .prop_filter("not a long-form marker", |b| b & 0x1F != 0x1F)
            .prop_map(u32::from),
        (any::<u8>(), 0u8..0x80).prop_map(|(a, b)| (u32::from(a | 0x1F) << 8) | u32::from(b)),
        (any::<u8>(), 0x81u8..=0xFF, 0u8..0x80)
            .prop_map(|(a, b, c)| (u32::from(a | 0x1F) << 16) | (u32::from(b) << 8) | u32::from(c)),
    ]
}

fn arb_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        0usize..0x80,
        0x80usize..0x100,
        0x100usize..0x1_0000,
        0x1_0000usize..0x1_2000
    ]
}

proptest! {
    #[test]
    fn encode_then_decode_round_trips(tag in arb_tag(), len in arb_len(), rules in prop::sample::select(vec![Rules::Ber, Rules::Der])) {
        let value: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let bytes = tlv::encode(tag, &value);
        prop_assert_eq!(bytes.len(), tlv::encoded_size(tag, len));
        let header = tlv::tag_size(tag) + tlv::len_size(len);
        let t = decode_one(&bytes, rules).unwrap();
        prop_assert_eq!((t.tag, t.value, t.offset, t.value_offset), (tag, &value[..], 0, header));
        prop_assert_eq!(t.encoded_len(), bytes.len());
        let h = read_header(&bytes[..header], rules).unwrap();
        prop_assert_eq!((h.tag, h.header_len, h.value_len, h.total_len()), (tag, header, len, bytes.len()));
        let mut appended = vec![0xEE];
        tlv::encode_into(tag, &value, &mut appended);
        prop_assert_eq!(&appended[1..], &bytes[..]);
    }

    #[test]
    fn sequences_and_nesting_round_trip(items in proptest::collection::vec((arb_tag(), proptest::collection::vec(any::<u8>(), 0..200)), 0..8), outer in arb_tag(), base in 0usize..1000) {
        let parts: Vec<Vec<u8>> = items.iter().map(|(t, v)| tlv::encode(*t, v)).collect();
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let whole = tlv::encode_parts(outer, &refs);
        prop_assert_eq!(&whole, &tlv::encode(outer, &parts.concat()));
        let mut r = Reader::new(&whole, base, Rules::Der);
        let o = r.read().unwrap();
        r.finish("outer").unwrap();
        let mut at = o.value_offset;
        let mut children = o.children(Rules::Der);
        for (tag, value) in &items {
            let c = children.expect(*tag, "child").unwrap();
            prop_assert_eq!((c.value, c.offset), (&value[..], at));
            at += c.encoded_len();
        }
        prop_assert!(children.is_empty());
        prop_assert_eq!(at, base + whole.len());
    }

    #[test]
    fn non_minimal_lengths_only_in_ber(len in 0usize..0x100, extra in 1usize..3) {
        let minimal = if len < 0x80 { 0 } else { 1 };
        let n = minimal + extra;
        let mut bytes = vec![0x04, 0x80 | n as u8];
        bytes.extend_from_slice(&len.to_be_bytes()[8 - n..]);
        bytes.extend(std::iter::repeat_n(0xAB, len));
        let e = decode_one(&bytes, Rules::Der).unwrap_err();
        prop_assert_eq!(e.offset(), 1);
        prop_assert_eq!(decode_one(&bytes, Rules::Ber).unwrap().value.len(), len);
    }

    #[test]
    fn no_input_panics_and_offsets_stay_inside(bytes in proptest::collection::vec(any::<u8>(), 0..96), base in 0usize..64) {
        for rules in [Rules::Ber, Rules::Der] {
            for t in Reader::new(&bytes, base, rules) {
                match t {
                    Ok(t) => {
                        prop_assert!(t.value_offset - base + t.value.len() <= bytes.len());
                        if rules == Rules::Der {
                            // DER decoding is exact: re-encoding gives the same bytes.
                            let start = t.offset - base;
                            prop_assert_eq!(tlv::encode(t.tag, t.value), &bytes[start..start + t.encoded_len()]);
                        }
                    }
                    Err(e) => prop_assert!(e.offset() - base <= bytes.len()),
                }
            }
            match decode_one(&bytes, rules) {
                Ok(t) => prop_assert_eq!(t.encoded_len(), bytes.len()),
                Err(e) => prop_assert!(e.offset() <= bytes.len()),
            }
            if let Ok((t, rest)) = decode_prefix(&bytes, rules) {
                prop_assert_eq!(t.encoded_len() + rest.len(), bytes.len());
            }
            if let Ok(h) = read_header(&bytes, rules) {
                prop_assert!(h.header_len <= bytes.len());
            }
        }
    }

    #[test]
    fn oid_text_round_trips(first in 0u64..3, second in 0u64..40, rest in proptest::collection::vec(any::<u64>(), 0..8)) {
        let second = if first == 2 { second * 1000 } else { second };
        let mut arcs = vec![first, second];
        arcs.extend(rest);
        let text = arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
        let content = oid::encode_dotted(&text).unwrap();
        prop_assert_eq!(oid::validate_content(&content), Ok(()));
        prop_assert_eq!(oid::arcs(&content), arcs);
        prop_assert_eq!(oid::to_dotted(&content), text);
    }

    #[test]
    fn oid_helpers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..24), text in "[0-9.]{0,30}") {
        let _ = oid::validate_content(&bytes);
        let _ = oid::to_dotted(&bytes);
        if let Ok(content) = oid::encode_dotted(&text) {
            prop_assert_eq!(oid::validate_content(&content), Ok(()));
        }
    }

    #[test]
    fn check_digit_is_a_weighted_sum(data in "[0-9A-Z<]{0,50}") {
        let sum: u32 = data.chars().enumerate().map(|(i, c)| char_value(c).unwrap() * [7, 3, 1][i % 3]).sum();
        prop_assert_eq!(check_digit(&data), Ok(char::from_digit(sum % 10, 10).unwrap()));
    }

    #[test]
    fn check_digit_refuses_other_characters(prefix in "[0-9A-Z<]{0,10}", bad in "[^0-9A-Z<]", suffix in ".{0,5}") {
        let data = format!("{prefix}{bad}{suffix}");
        let e = check_digit(&data).unwrap_err();
        prop_assert!(e.to_string().contains(&format!("position {}", prefix.len() + 1)), "{}", e);
    }
}
