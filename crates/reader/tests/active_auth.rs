//! Active Authentication verification against published signatures (ICAO 9303-11 §6.1; real
//! passports via pymrtd and gmrtd): RSA ISO/IEC 9796-2 scheme 1 with SHA-1 (trailer BC) and
//! SHA-256 (trailer 34CC).

use reader::aa::AaPublicKey;
use serde_json::Value;

fn vector(name: &str) -> Value {
    let v: Value = serde_json::from_str(include_str!("vectors/icao-9303-bac-aa.json")).unwrap();
    v["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap()
        .clone()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

#[test]
fn rsa_9796_2_real_passports_verify() {
    for name in [
        "aa.real_passport_rsa1024_sha1",
        "aa.real_passport_rsa1792_sha256",
    ] {
        let v = vector(name);
        let key = AaPublicKey::from_dg15(&h(&v["inputs"]["DG15"])).unwrap();
        let challenge = h(&v["inputs"]["RND.IFD"]);
        let sig = h(&v["inputs"]["signature"]);
        assert_eq!(key.verify(&challenge, &sig), Ok(()), "{name}");
        // another challenge, or a flipped signature bit, fails
        let mut other = challenge.clone();
        other[0] ^= 1;
        assert!(key.verify(&other, &sig).is_err(), "{name}");
        let mut bad = sig.clone();
        bad[10] ^= 0x40;
        assert!(key.verify(&challenge, &bad).is_err(), "{name}");
        assert!(key.verify(&challenge, &[0xFF; 300]).is_err(), "{name}");
    }
}
