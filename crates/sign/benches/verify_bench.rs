//! Signature verification benchmark (passive authentication's inner loop): one ECDSA signature
//! per curve we verify (P-256/384/521, brainpoolP256r1/384r1/512r1, SHA-1 on P-384) and RSA
//! PKCS#1 v1.5 / PSS, each through `sigverify::verify_signature` exactly as `verify_sod` calls
//! it (SPKI parsing included). Reports the median latency and verifications per second.
//!
//! Run: `cargo bench -p sign --bench verify_bench` (add `-- quick` for a shorter run).

use der::Decode;
use sign::sigverify::{Hash, verify_signature};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use std::time::{Duration, Instant};

fn hexv(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

fn alg(oid: der::asn1::ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

fn ecdsa_alg(hash: &str) -> AlgorithmIdentifierOwned {
    alg(match hash {
        "sha1" => sign::oids::ECDSA_SHA1,
        "sha256" => sign::oids::ECDSA_SHA256,
        "sha384" => sign::oids::ECDSA_SHA384,
        "sha512" => sign::oids::ECDSA_SHA512,
        other => panic!("hash {other}"),
    })
}

/// Times `verify` until `budget` is spent (at least 5 runs) and prints median and rate.
fn bench(name: &str, budget: Duration, mut verify: impl FnMut() -> bool) {
    assert!(verify(), "{name}: the vector does not verify");
    let mut lat = Vec::new();
    let start = Instant::now();
    while lat.len() < 5 || (start.elapsed() < budget && lat.len() < 100_000) {
        let t = Instant::now();
        let ok = verify();
        lat.push(t.elapsed());
        assert!(ok, "{name}");
    }
    lat.sort();
    let med = lat[lat.len() / 2];
    println!(
        "{name:<34} n={:<6} median={:>9.1}µs {:>9.0} verify/s",
        lat.len(),
        med.as_secs_f64() * 1e6,
        1.0 / med.as_secs_f64()
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let budget = Duration::from_millis(if quick { 200 } else { 2000 });
    let named: serde_json::Value =
        serde_json::from_str(include_str!("../tests/vectors/ecdsa_named.json")).expect("json");
    let msg = hexv(&named["message"]);
    for v in named["vectors"].as_array().expect("vectors") {
        let der = hexv(&v["spki"]);
        let sig = hexv(&v["signature"]);
        let a = ecdsa_alg(v["hash"].as_str().expect("hash"));
        let name = format!(
            "ECDSA {} / {}",
            v["curve"].as_str().expect("curve"),
            v["hash"].as_str().expect("hash")
        );
        bench(&name, budget, || {
            let spki = SubjectPublicKeyInfoOwned::from_der(&der).expect("spki");
            verify_signature(&spki, &a, None, &msg, &sig).is_ok()
        });
    }
    let explicit: serde_json::Value =
        serde_json::from_str(include_str!("../tests/vectors/ecdsa_explicit.json")).expect("json");
    let rsa = &explicit["rsa"];
    let der = hexv(&rsa["spki"]);
    let msg = hexv(&rsa["message"]);
    let pkcs1 = hexv(&rsa["pkcs1_sha256"]);
    bench("RSA-2048 PKCS#1 v1.5 / sha256", budget, || {
        let spki = SubjectPublicKeyInfoOwned::from_der(&der).expect("spki");
        verify_signature(&spki, &alg(sign::oids::RSA_SHA256), None, &msg, &pkcs1).is_ok()
    });
    let pss_alg = AlgorithmIdentifierOwned::from_der(&hex::decode("304106092A864886F70D01010A3034A00F300D06096086480165030402010500A11C301A06092A864886F70D010108300D06096086480165030402010500A203020120").expect("hex")).expect("alg");
    let pss = hexv(&rsa["pss_sha256_salt32"]);
    bench("RSA-2048 PSS / sha256", budget, || {
        let spki = SubjectPublicKeyInfoOwned::from_der(&der).expect("spki");
        verify_signature(&spki, &pss_alg, Some(Hash::Sha256), &msg, &pss).is_ok()
    });
}
