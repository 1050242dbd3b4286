//! Host-side signing path benchmark: hash the DGs, build and sign the EF.SOD, append the audit
//! entry. Software keys (P-256, P-384) and, when `CCCD_TEST_PKCS11_MODULE` /
//! `CCCD_TEST_TOKEN_LABEL` / `CCCD_TEST_TOKEN_PIN` are set, SoftHSM2. Reports median/p95 latency
//! and signatures per second: without fsync, with one fsync per entry, and with group commit
//! across concurrent signers.
//!
//! Run: `cargo bench -p sign --bench sign_bench` (add `-- quick` for fewer iterations).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Store, new_pki, tlv};
use sign::{AuditLog, AuditMeta, AuditOptions, Curve, Durability, Pki, Secret, SodSigner};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A card-sized LDS: DG1 (MRZ), DG2 (~15 KB face), DG13, DG14, DG15.
fn dgs() -> BTreeMap<u8, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut dg1 = vec![0x5F, 0x1F, 90];
    dg1.extend_from_slice(&[b'<'; 90]);
    m.insert(1, tlv(0x61, &dg1));
    let photo: Vec<u8> = (0..15_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    m.insert(2, tlv(0x75, &photo));
    m.insert(13, tlv(0x6D, &[0x30; 600]));
    m.insert(14, tlv(0x6E, &[0x31; 300]));
    m.insert(15, tlv(0x6F, &[0x30; 90]));
    m
}

fn stats(name: &str, mut lat: Vec<Duration>, wall: Duration, threads: usize) {
    lat.sort();
    let n = lat.len();
    let med = lat[n / 2];
    let p95 = lat[(n * 95 / 100).min(n - 1)];
    let rate = n as f64 / wall.as_secs_f64();
    println!(
        "{name:<58} n={n:<5} threads={threads:<2} median={:>8.1}µs p95={:>8.1}µs  {:>8.0} sig/s",
        med.as_secs_f64() * 1e6,
        p95.as_secs_f64() * 1e6,
        rate
    );
}

struct Setup {
    _dir: tempfile::TempDir,
    pki: Pki,
    secret: Secret,
}

/// A PKI folder with one active DS, the tests' own.
fn setup(store: Store, curve: Curve) -> Setup {
    let (dir, pki, secret) = new_pki(store, curve);
    Setup {
        _dir: dir,
        pki,
        secret,
    }
}

fn run_audited(
    label: &str,
    s: &Setup,
    durability: Durability,
    threads: usize,
    total: usize,
    log: PathBuf,
) {
    let audit = Arc::new(
        AuditLog::open(
            &log,
            s.pki.audit_signer(&s.secret).expect("audit"),
            AuditOptions {
                checkpoint_every: 1000,
                durability,
            },
        )
        .expect("log"),
    );
    let signer = Arc::new(
        SodSigner::new(
            s.pki.document_signer(&s.secret, None).expect("ds"),
            audit.clone(),
        )
        .expect("signer"),
    );
    let data = Arc::new(dgs());
    // Warm up.
    for _ in 0..5 {
        signer.sign(&data, &AuditMeta::default()).expect("sign");
    }
    let per = total / threads;
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let signer = signer.clone();
            let data = data.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(per);
                for i in 0..per {
                    let m = AuditMeta {
                        station: format!("bench-{t}"),
                        operator: "bench".into(),
                        document_number: format!("{t:03}{i:09}"),
                    };
                    let t0 = Instant::now();
                    signer.sign(&data, &m).expect("sign");
                    lat.push(t0.elapsed());
                }
                lat
            })
        })
        .collect();
    let lat: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    let wall = start.elapsed();
    audit.close().expect("close");
    stats(label, lat, wall, threads);
}

fn bench_store(name: &str, store: Store, curve: Curve, quick: bool) {
    let s = setup(store, curve);
    let scale = |n: usize| if quick { (n / 10).max(20) } else { n };
    let ds = s.pki.document_signer(&s.secret, None).expect("ds");
    let data = dgs();
    let now = chrono::Utc::now();
    for _ in 0..5 {
        ds.sign_sod_unaudited(&data, now).expect("sign");
    }
    let n = scale(if name.contains("SoftHSM") { 500 } else { 3000 });
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t0 = Instant::now();
        ds.sign_sod_unaudited(&data, now).expect("sign");
        lat.push(t0.elapsed());
    }
    stats(
        &format!("{name}: hash DGs + build + sign SOD (no audit)"),
        lat,
        start.elapsed(),
        1,
    );
    let dir = s.pki.dir().to_path_buf();
    run_audited(
        &format!("{name}: + audit entry, no fsync"),
        &s,
        Durability::NoSyncBenchmarkOnly,
        1,
        n,
        dir.join("a1.jsonl"),
    );
    run_audited(
        &format!("{name}: + audit entry, fsync per entry"),
        &s,
        Durability::EveryEntry,
        1,
        scale(300),
        dir.join("a2.jsonl"),
    );
    for threads in [1, 4, 16] {
        run_audited(
            &format!("{name}: + audit entry, group commit"),
            &s,
            Durability::GroupCommit,
            threads,
            scale(if threads == 1 { 300 } else { 1600 }),
            dir.join(format!("a3-{threads}.jsonl")),
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    println!(
        "cccd sign benchmark ({} logical CPUs)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    bench_store("software P-256", Store::Software, Curve::P256, quick);
    bench_store("software P-384", Store::Software, Curve::P384, quick);
    let token_vars = [
        "CCCD_TEST_PKCS11_MODULE",
        "CCCD_TEST_TOKEN_LABEL",
        "CCCD_TEST_TOKEN_PIN",
    ];
    if token_vars.iter().all(|k| std::env::var(k).is_ok()) {
        bench_store("SoftHSM2 P-256", Store::SoftHsm, Curve::P256, quick);
    } else {
        println!(
            "SoftHSM2: CCCD_TEST_PKCS11_MODULE/CCCD_TEST_TOKEN_LABEL/CCCD_TEST_TOKEN_PIN not set, skipped"
        );
    }
}
