//! Render time per card (both sides) at 300 and 600 dpi, for both designs; plus the cost of
//! encoding the outputs (PNG ×2 + PDF). Run with `cargo bench -p print --bench render`.
//! Targets (release build): ≤ 60 ms per card at 300 dpi, ≤ 250 ms at 600 dpi.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(v[v.len() / 2]),
        ms(v[(v.len() * 95 / 100).min(v.len() - 1)]),
    )
}

fn main() {
    let iterations: usize = std::env::var("CCCD_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    println!("print: render time per card (front + back), {iterations} iterations each");
    for (name, record) in [
        ("cccd-2021", common::record_2021()),
        ("cancuoc-2024", common::record_2024()),
    ] {
        for dpi in [300u32, 600] {
            let t = Instant::now();
            let renderer =
                print::Renderer::load(&common::template_dir(name), dpi).expect("template");
            let prepare = t.elapsed();
            let _ = renderer.render(&record).expect("warm-up");
            let mut render = Vec::with_capacity(iterations);
            let mut outputs = Vec::with_capacity(iterations);
            let dir = std::env::temp_dir().join(format!("cccd-bench-{name}-{dpi}"));
            for i in 0..iterations {
                let t = Instant::now();
                let card = renderer.render(&record).expect("render");
                render.push(t.elapsed());
                // Encoding is measured on a quarter of the rounds: it is slower and stable.
                if i % 4 == 0 {
                    let t = Instant::now();
                    print::write_outputs(&card, &dir, false).expect("write");
                    outputs.push(t.elapsed());
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            let (med, p95) = stats(render);
            let (omed, op95) = stats(outputs);
            println!(
                "{name:13} {dpi} dpi: render median {med:7.2} ms  p95 {p95:7.2} ms  ({:6.1} cards/s)  | PNG+PNG+PDF encode median {omed:7.1} ms p95 {op95:7.1} ms | template prepare {:.0} ms",
                1000.0 / med,
                prepare.as_secs_f64() * 1000.0
            );
        }
    }
}
