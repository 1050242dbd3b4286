#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

// EF.SOD is read from the card: passive authentication of arbitrary bytes (with arbitrary data
// groups beside it) must end in a report with failed checks, never a panic, and never pass.
fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = usize::from(split).min(rest.len());
    let (dg, sod) = rest.split_at(at);
    let mut dgs = BTreeMap::new();
    dgs.insert(1u8, dg.to_vec());
    let input = sign::PaInput {
        sod,
        dgs: Some(&dgs),
        cscas: &[],
        crl: None,
        at: chrono::Utc::now(),
    };
    // No CSCA is trusted, so whatever the bytes say, passive authentication must not pass.
    assert!(!sign::verify_sod(&input).passed(), "PA passed with no trusted CSCA");
});
