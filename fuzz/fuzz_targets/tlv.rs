#![no_main]
use icao::tlv::{self, Reader, Rules};
use libfuzzer_sys::fuzz_target;

// The one BER-TLV codec (icao::tlv) over arbitrary bytes, with both rule sets: never panics,
// values and error offsets stay inside the input, constructed values are walked to the leaves,
// DER decoding re-encodes byte for byte, and the header, prefix and whole-input forms agree with
// the reader.
fuzz_target!(|data: &[u8]| {
    for rules in [Rules::Ber, Rules::Der] {
        walk(data, Reader::new(data, 0, rules), rules, 0);
        let first = Reader::new(data, 0, rules).read();
        match (&first, tlv::read_header(data, rules)) {
            (Ok(t), Ok(h)) => {
                assert_eq!((h.tag, h.header_len, h.total_len()), (t.tag, t.header_len(), t.encoded_len()));
            }
            (Ok(_), Err(e)) => panic!("header refused but TLV read: {e}"),
            (Err(_), _) => {}
        }
        match tlv::decode_prefix(data, rules) {
            Ok((t, rest)) => {
                assert_eq!(Ok(t), first);
                assert_eq!(t.encoded_len() + rest.len(), data.len());
                assert_eq!(tlv::decode_one(data, rules).is_ok(), rest.is_empty());
            }
            Err(e) => assert_eq!(Err(e), first),
        }
    }
});

fn walk(data: &[u8], reader: Reader<'_>, rules: Rules, depth: usize) {
    for item in reader {
        match item {
            Ok(t) => {
                assert!(t.value_offset + t.value.len() <= data.len());
                assert_eq!(&data[t.value_offset..t.value_offset + t.value.len()], t.value);
                if rules == Rules::Der {
                    let whole = &data[t.offset..t.offset + t.encoded_len()];
                    assert_eq!(tlv::encode(t.tag, t.value), whole);
                    assert_eq!(tlv::encoded_size(t.tag, t.value.len()), whole.len());
                }
                if t.constructed() && depth < 16 {
                    walk(data, t.children(rules), rules, depth + 1);
                }
            }
            Err(e) => assert!(e.offset() <= data.len(), "{e}"),
        }
    }
}
