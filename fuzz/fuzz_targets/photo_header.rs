#![no_main]
use libfuzzer_sys::fuzz_target;

// JPEG / JPEG 2000 header reader: never panics, dimensions are non-zero when accepted.
fuzz_target!(|data: &[u8]| {
    if let Ok(info) = citizen::photo::inspect(data) {
        assert!(info.width > 0 && info.height > 0);
    }
});
