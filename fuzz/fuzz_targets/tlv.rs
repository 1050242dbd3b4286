#![no_main]
use libfuzzer_sys::fuzz_target;

// BER and DER readers over arbitrary bytes: never panic, values stay inside the input.
fuzz_target!(|data: &[u8]| {
    for rules in [lds::tlv::Rules::Ber, lds::tlv::Rules::Der] {
        for t in lds::tlv::Reader::new(data, 0, rules).flatten() {
            assert!(t.value_offset + t.value.len() <= data.len());
            if rules == lds::tlv::Rules::Der {
                assert_eq!(lds::tlv::encode(t.tag, t.value), data[t.offset..t.offset + t.encoded_len()]);
            }
        }
    }
});
