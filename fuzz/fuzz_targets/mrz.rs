#![no_main]
use libfuzzer_sys::fuzz_target;

// MRZ parser: a zone it accepts is reproduced exactly by its lines.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(m) = lds::mrz::parse(text)
    {
        let again = lds::mrz::parse(&m.lines().join("\n")).expect("own lines parse");
        assert_eq!(again, m);
    }
});
