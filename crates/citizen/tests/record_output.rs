//! What a validated record turns back into: the raw record (JSON that round-trips, and validates
//! to the same record again) and the QR payload printed on the card.

mod common;

use citizen::{RawRecord, qr_payload, validate};
use common::{check, child, elder, good, photo_dir, today};
use serde_json::{Value, json};

#[test]
fn raw_record_serializes_back() {
    let dir = photo_dir();
    for v in [good(), child(), elder()] {
        let raw = RawRecord::from_json(&v.to_string()).unwrap();
        let back: Value = serde_json::from_str(&raw.to_json()).unwrap();
        assert_eq!(back, v);
        // From a validated record and back again validates to the same record.
        let rec = validate(&raw, dir.path(), today()).unwrap();
        let again = validate(&RawRecord::from_record(&rec), dir.path(), today()).unwrap();
        assert_eq!(again, rec);
    }
}

#[test]
fn qr_payload_of_both_generations() {
    let dir = photo_dir();
    let mut v = good();
    v["old_id_number"] = json!("025123456");
    let a = check(&v, dir.path()).unwrap();
    assert_eq!(
        qr_payload(&a),
        "079303012345|025123456|Nguyễn Thị Bích Ngọc|15042003|Nữ|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|01062021"
    );
    let c = check(&child(), dir.path()).unwrap();
    assert_eq!(
        qr_payload(&c),
        "001222001234||Trần Minh Khôi|10052022|Nam|Phường Hàng Bạc, Hà Nội|01082024||||"
    );
}
