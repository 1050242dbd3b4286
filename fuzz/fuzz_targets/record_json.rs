#![no_main]
use libfuzzer_sys::fuzz_target;

// One JSON record, then validation against a fixed date (no photo folder: photo rules fail
// cleanly). What parses serializes back to the same record.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(raw) = citizen::RawRecord::from_json(text)
    {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid date");
        let _ = citizen::validate(&raw, std::path::Path::new("/nonexistent-fuzz-dir"), today);
        let back = citizen::RawRecord::from_json(&raw.to_json()).expect("own JSON parses");
        assert_eq!(back, raw);
    }
});
