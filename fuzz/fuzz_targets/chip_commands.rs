#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

// The virtual chip's command parser and dispatcher take whatever a terminal sends: a sequence of
// arbitrary APDUs, on either firmware profile and in any lifecycle state a blank chip reaches,
// must be answered with a status word, never a panic.
static PROFILES: OnceLock<[Arc<card::Profile>; 2]> = OnceLock::new();

fn profiles() -> &'static [Arc<card::Profile>; 2] {
    PROFILES.get_or_init(|| {
        let load = |text: &str, name: &str| {
            Arc::new(card::Profile::from_toml(text, name).expect("firmware profile"))
        };
        [
            load(include_str!("../../firmware-profiles/cccd-chip.toml"), "cccd-chip.toml"),
            load(include_str!("../../firmware-profiles/jmrtd-applet.toml"), "jmrtd-applet.toml"),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, mut rest)) = data.split_first() else {
        return;
    };
    let profile = Arc::clone(&profiles()[usize::from(selector & 1)]);
    let mut chip = vchip::Chip::blank(profile);
    // APDUs: a length byte, then that many bytes, up to 16 of them.
    for _ in 0..16 {
        let Some((&len, tail)) = rest.split_first() else {
            break;
        };
        let n = usize::from(len).min(tail.len());
        let answer = chip.process(&tail[..n]);
        assert!(answer.len() >= 2, "every answer ends in a status word");
        rest = &tail[n..];
    }
});
