//! Timings of one full PACE-GM key agreement (chip and terminal in one process), one Chip
//! Authentication (both sides) and one ECDSA Active Authentication (sign + verify), per curve.
//! Run: `cargo bench -p pace` (prints median, p95 and operations per second).

use pace::aa::{self, AaHash, AaSigner};
use pace::params::{ID_CA_ECDH_AES_128, ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_IM_AES_128};
use pace::{
    CaParams, CaTerminal, ChipStep, Curve, EcPrivateKey, PaceChip, PaceParams, PaceTerminal,
    Password, TerminalStep, chip_authenticate,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::{Duration, Instant};

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!(
        "{name:<44} n={:<5} median {:>9.3} ms  p95 {:>9.3} ms  {:>8.1} /s",
        samples.len(),
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        1.0 / median.as_secs_f64()
    );
}

fn time<F: FnMut()>(iterations: usize, mut f: F) -> Vec<Duration> {
    for _ in 0..iterations / 10 + 1 {
        f();
    }
    (0..iterations)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

/// One PACE run through the GENERAL AUTHENTICATE drivers (data fields only, no APDUs).
fn pace_once(params: PaceParams, pw: &Password, rng: &mut StdRng) {
    let mut chip = PaceChip::new(params, pw);
    let mut term = PaceTerminal::new(params, pw);
    let mut step = PaceTerminal::first_command();
    loop {
        match step {
            TerminalStep::Send { data, .. } => {
                let response = match chip.general_authenticate(&data, rng).unwrap() {
                    ChipStep::Respond(r) | ChipStep::Established { response: r, .. } => r,
                };
                step = term.next_step(&response, rng).unwrap();
            }
            TerminalStep::Established(_) => return,
        }
    }
}

fn main() {
    let iterations: usize = std::env::var("PACE_BENCH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let mut rng = StdRng::seed_from_u64(1);
    let pw = Password::from_vietnam_id_number("001099012345").unwrap();
    for (curve, id) in [(Curve::NistP256, 12), (Curve::BrainpoolP256r1, 13)] {
        let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, id).unwrap();
        report(
            &format!("PACE-GM AES-128 {} (both sides)", curve.name()),
            time(iterations, || pace_once(params, &pw, &mut rng)),
        );
        let im = PaceParams::new(ID_PACE_ECDH_IM_AES_128, id).unwrap();
        report(
            &format!("PACE-IM AES-128 {} (both sides)", curve.name()),
            time(iterations, || pace_once(im, &pw, &mut rng)),
        );

        let ca = CaParams::new(ID_CA_ECDH_AES_128).unwrap();
        let chip_key = EcPrivateKey::generate(curve, &mut rng).unwrap();
        let chip_pub = chip_key.public_key().unwrap();
        report(
            &format!("CA ECDH AES-128 {} (both sides)", curve.name()),
            time(iterations, || {
                let term = CaTerminal::new(ca, &chip_pub, &mut rng).unwrap();
                let keys = chip_authenticate(ca, &chip_key, term.ephemeral_public_key().to_sec1())
                    .unwrap();
                assert_eq!(&keys, term.session_keys());
            }),
        );

        let signer = AaSigner::new(EcPrivateKey::generate(curve, &mut rng).unwrap());
        let q = signer.public_key().unwrap();
        let rnd = [1u8, 2, 3, 4, 5, 6, 7, 8];
        report(
            &format!("AA ECDSA SHA-256 {} (sign + verify)", curve.name()),
            time(iterations, || {
                let sig = signer.sign(AaHash::Sha256, &rnd, &mut rng).unwrap();
                aa::verify(&q, AaHash::Sha256, &rnd, &sig).unwrap();
            }),
        );
    }
}
