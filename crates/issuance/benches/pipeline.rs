//! Pipeline throughput and memory, with in-process virtual chips (no pcscd: the host side and
//! the chip's timing model are what is measured; PC/SC round trips are benchmarked by the
//! reader/vchip crates).
//!
//! `cargo bench -p issuance --bench pipeline`. Environment: `CCCD_BENCH_CARDS` (cards per
//! throughput run, default 40), `CCCD_BENCH_MEMORY_RECORDS` (default 10000; 0 skips it).
//! Prints cards/min for 1 and 2 encoders with the timing model off and realistic, with and
//! without printing, and the peak RSS (VmHWM) of one large batch.

use issuance::encoder::{Encoder, InProcessEncoder};
use issuance::journal::SqliteJournal;
use issuance::pipeline::{self, Context, Printer};
use issuance::registry::Registry;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

struct Setup {
    _dir: tempfile::TempDir,
    ctx: Arc<Context>,
    audit: PathBuf,
    profile: Arc<reader::Profile>,
}

fn setup(records: usize, print: bool) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("station.db");
    let today = chrono::Local::now().date_naive();
    let registry = Arc::new(Registry::open(&db).expect("registry"));
    registry.seed(records, 3, today, |_| {}).expect("seed");
    let secret = sign::Secret::new("bench passphrase".into());
    let pki_dir = dir.path().join("pki");
    let mut pki = sign::Pki::init(
        &pki_dir,
        &sign::InitOptions {
            country: "VN".into(),
            org: "bench".into(),
            curve: sign::Curve::P256,
            token: None,
            now: chrono::Utc::now(),
        },
        &secret,
    )
    .expect("pki");
    pki.issue_ds(&secret, &sign::DsOptions::default())
        .expect("ds");
    let opened = pipeline::open_pki(&pki_dir, &secret, None, "bench", "bench").expect("open pki");
    let profile = Arc::new(
        reader::Profile::load(&repo().join("firmware-profiles/cccd-chip.toml")).expect("profile"),
    );
    let printer = print
        .then(|| Arc::new(Printer::load(&repo().join("card-templates"), 300).expect("templates")));
    let ctx = Arc::new(Context {
        station: "bench".into(),
        registry,
        journal: Arc::new(SqliteJournal::open(&db).expect("journal")),
        signer: opened.signer.clone(),
        profile: Arc::clone(&profile),
        trust: Arc::new(opened.trust),
        printer,
        out: dir.path().join("cards"),
        batch: None,
        today,
        card_timeout: Duration::from_secs(1),
        stop: Arc::new(AtomicBool::new(false)),
        observer: Arc::new(|_| {}),
    });
    Setup {
        _dir: dir,
        ctx,
        audit: opened.audit_path,
        profile,
    }
}

fn run(st: &Setup, encoders: usize, timing: vchip::TimingMode) -> pipeline::Summary {
    let ids = st.ctx.registry.ids().expect("ids");
    pipeline::prepare(&st.ctx, &st.audit, &ids).expect("prepare");
    let encs: Vec<Box<dyn Encoder>> = (0..encoders)
        .map(|i| {
            Box::new(
                InProcessEncoder::new(&format!("enc{i}"), Arc::clone(&st.profile), 1_000_000)
                    .with_timing(timing),
            ) as Box<dyn Encoder>
        })
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(pipeline::run(Arc::clone(&st.ctx), encs))
        .expect("run")
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let cards = env_usize("CCCD_BENCH_CARDS", 40);
    println!("pipeline throughput, {cards} cards per run, in-process cccd-chip chips");
    for print in [false, true] {
        for timing in [vchip::TimingMode::Off, vchip::TimingMode::Realistic] {
            let mut rates = Vec::new();
            for encoders in [1, 2] {
                let st = setup(cards, print);
                let t = Instant::now();
                let s = run(&st, encoders, timing);
                assert_eq!(
                    s.issued as usize,
                    cards,
                    "all issued: {:?}",
                    s.outcomes.first()
                );
                let per_min = cards as f64 * 60.0 / t.elapsed().as_secs_f64();
                rates.push(per_min);
                let chip: f64 = ["chip_keys", "write", "inspect"]
                    .iter()
                    .filter_map(|k| s.stages.get(k))
                    .map(|x| x.mean_ms)
                    .sum();
                println!(
                    "  print={print:<5} timing={timing:?}{pad} encoders={encoders}: {per_min:8.1} cards/min  (chip stages {chip:.1} ms/card, sign {:.2} ms, render {:.1} ms)",
                    s.stages.get("sign").map_or(0.0, |x| x.mean_ms),
                    s.stages.get("render").map_or(0.0, |x| x.mean_ms),
                    pad = if timing == vchip::TimingMode::Off {
                        "      "
                    } else {
                        ""
                    },
                );
            }
            println!("    2 encoders / 1 encoder = {:.2}x", rates[1] / rates[0]);
        }
    }
    let n = env_usize("CCCD_BENCH_MEMORY_RECORDS", 10_000);
    if n > 0 {
        let t = Instant::now();
        let st = setup(n, false);
        let seeded = t.elapsed();
        let s = run(&st, 2, vchip::TimingMode::Off);
        println!(
            "memory: {n}-record batch (seed {:.0} s, run {:.0} s, {} issued, printing off, in-process chips): peak RSS {} MiB",
            seeded.as_secs_f64(),
            s.elapsed_ms / 1000.0,
            s.issued,
            peak_rss_kib().map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0))
        );
    }
}
