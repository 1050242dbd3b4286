#![no_main]
use libfuzzer_sys::fuzz_target;

// SubjectPublicKeyInfo (DER or PEM key files): never panics; kind() and describe() are total.
fuzz_target!(|data: &[u8]| {
    if let Ok(k) = lds::SubjectPublicKeyInfo::from_der_or_pem(data) {
        let _ = k.describe();
        let _ = k.is_p256();
    }
});
