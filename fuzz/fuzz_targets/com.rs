#![no_main]
use libfuzzer_sys::fuzz_target;

// Decoder of untrusted card data: never panics; what it accepts re-encodes byte for byte.
fuzz_target!(|data: &[u8]| {
    if let Ok(c) = lds::Com::decode(data) {
        assert_eq!(c.encode(), data);
    }
});
