//! Throughput of the front of the pipeline: records validated per second (JSON parse +
//! every rule + photo read from disk) and the LDS build per record (EF.COM, DG1, DG2, DG13,
//! DG14, DG15, EF.CardAccess). Times many iterations with `Instant` and prints median, p95
//! and the rate. Run: `cargo bench -p lds --bench throughput`.

use std::hint::black_box;
use std::time::{Duration, Instant};

const PORTRAIT: &[u8] = include_bytes!("../tests/vectors/portrait.jpg");
const P256_PUB: &[u8] = include_bytes!("../tests/vectors/p256_pub.der");
const P256_CA_PUB: &[u8] = include_bytes!("../tests/vectors/p256_ca_pub.der");

const RECORD: &str = r#"{"id_number":"079303012345","full_name":"Nguyễn Thị Bích Ngọc","date_of_birth":"2003-04-15","sex":"F","nationality":"VNM","ethnicity":"Kinh","religion":"Không","place_of_origin":"Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh","place_of_residence":"12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh","identifying_features":"Nốt ruồi C:1cm dưới trước mép trái","date_of_issue":"2021-06-01","father_name":"Nguyễn Văn Hùng","mother_name":"Lê Thị Hoa","photo":"portrait.jpg","card_generation":"cccd-2021"}"#;

fn measure(name: &str, iterations: usize, mut f: impl FnMut()) {
    for _ in 0..iterations / 10 {
        f(); // warm-up
    }
    let mut times: Vec<Duration> = Vec::with_capacity(iterations);
    let start = Instant::now();
    for _ in 0..iterations {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    let total = start.elapsed();
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!(
        "{name:<40} median {:>8.1} µs  p95 {:>8.1} µs  {:>10.0} /s",
        median.as_secs_f64() * 1e6,
        p95.as_secs_f64() * 1e6,
        iterations as f64 / total.as_secs_f64()
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("cccd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("portrait.jpg"), PORTRAIT).expect("photo");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");

    measure("record: parse + validate (photo from disk)", 20_000, || {
        let raw = citizen::RawRecord::from_json(black_box(RECORD)).expect("parses");
        black_box(citizen::validate(&raw, &dir, today).expect("valid"));
    });
    let raw = citizen::RawRecord::from_json(RECORD).expect("parses");
    let record = citizen::validate(&raw, &dir, today).expect("valid");
    measure("mrz: TD1 lines of a record", 100_000, || {
        black_box(lds::mrz::td1_lines(black_box(&record)).expect("mrz"));
    });
    let options = lds::LdsOptions {
        aa_public_key: Some(lds::SubjectPublicKeyInfo::from_der_or_pem(P256_PUB).expect("key")),
        ca_public_key: Some(lds::SubjectPublicKeyInfo::from_der_or_pem(P256_CA_PUB).expect("key")),
        pace: vec![lds::PaceChoice::default()],
        ..lds::LdsOptions::default()
    };
    measure("lds: build every file of a record", 20_000, || {
        black_box(lds::LdsSet::build(black_box(&record), &options).expect("set"));
    });
    let set = lds::LdsSet::build(&record, &options).expect("set");
    measure("lds: decode every file of a record", 20_000, || {
        for (_, bytes) in set.files() {
            black_box(lds::LdsFile::decode(black_box(bytes)).expect("decodes"));
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}
