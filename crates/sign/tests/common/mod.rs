//! Shared test helpers: PKI folders on software keys or on the SoftHSM2 token named by the
//! `CCCD_TEST_*` variables, and sample data groups.
#![allow(dead_code)]

use sign::{Curve, DsOptions, InitOptions, Pki, Secret, TokenRef};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug)]
pub enum Store {
    Software,
    SoftHsm,
}

/// The SoftHSM token and PIN from the environment; panics with a clear message when unset.
pub fn token_from_env() -> (TokenRef, Secret) {
    let get = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: softhsm_ tests need CCCD_TEST_PKCS11_MODULE, CCCD_TEST_TOKEN_LABEL, CCCD_TEST_TOKEN_PIN and SOFTHSM2_CONF (scripts/test.sh sets them)")
        })
    };
    (
        TokenRef {
            module: PathBuf::from(get("CCCD_TEST_PKCS11_MODULE")),
            token_label: get("CCCD_TEST_TOKEN_LABEL"),
        },
        Secret::new(get("CCCD_TEST_TOKEN_PIN")),
    )
}

pub const PASS: &str = "correct horse battery staple";

/// A fresh PKI folder with one active DS.
pub fn new_pki(store: Store, curve: Curve) -> (tempfile::TempDir, Pki, Secret) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (token, secret) = match store {
        Store::Software => (None, Secret::new(PASS.into())),
        Store::SoftHsm => {
            let (t, s) = token_from_env();
            (Some(t), s)
        }
    };
    let now = chrono::Utc::now();
    let mut pki = Pki::init(
        dir.path(),
        &InitOptions {
            country: "VN".into(),
            org: "Bộ Công an".into(),
            curve,
            token,
            now,
        },
        &secret,
    )
    .expect("pki init");
    pki.issue_ds(&secret, &DsOptions::default())
        .expect("issue ds");
    (dir, pki, secret)
}

/// A TLV with a one-byte tag and a definite length.
pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(value);
    out
}

/// DG1, DG2 (≈15 KB, like a face image), DG13, DG14, DG15 with their real tags.
pub fn sample_dgs() -> BTreeMap<u8, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mrz = b"IDVNM0012345678001234567890<<<9001015M3001012VNM<<<<<<<<<<<6NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<<";
    let mut dg1v = vec![0x5F, 0x1F, mrz.len() as u8];
    dg1v.extend_from_slice(mrz);
    m.insert(1, tlv(0x61, &dg1v));
    let photo: Vec<u8> = (0..15_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    m.insert(2, tlv(0x75, &tlv(0x7F, &photo)));
    m.insert(13, tlv(0x6D, "Nguyễn Văn A · Hà Nội".as_bytes()));
    m.insert(14, tlv(0x6E, &[0x31, 0x03, 0x02, 0x01, 0x01]));
    m.insert(15, tlv(0x6F, &[0x30, 0x03, 0x02, 0x01, 0x02]));
    m
}

/// `openssl` on PATH?
pub fn have_openssl() -> bool {
    std::process::Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The error of a call that must fail (for `Ok` types without `Debug`).
pub fn fails<T>(r: sign::Result<T>, what: &str) -> sign::Error {
    match r {
        Ok(_) => panic!("{what}: expected an error"),
        Err(e) => e,
    }
}
