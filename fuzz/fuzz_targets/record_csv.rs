#![no_main]
use libfuzzer_sys::fuzz_target;

// CSV batches: never panic; every row yields an entry or the header is refused.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = citizen::read_csv(text);
        let _ = citizen::read_jsonl(text);
        let _ = citizen::read_json(text);
    }
});
