//! Helpers shared by the Chip Authentication and Active Authentication known-answer tests: the
//! vector file they both read and its hex and curve-name decoding.

use pace::Curve;
use serde_json::Value;

pub const CA_AA: &str = include_str!("../vectors/ca-aa.json");

pub fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

pub fn curve(name: &str) -> Curve {
    match name {
        "NIST P-256" => Curve::NistP256,
        "brainpoolP256r1" => Curve::BrainpoolP256r1,
        other => panic!("{other}"),
    }
}
