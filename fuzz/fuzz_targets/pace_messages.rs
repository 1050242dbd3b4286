#![no_main]
use libfuzzer_sys::fuzz_target;
use pace::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_IM_AES_128};
use rand::SeedableRng;

// PACE and Chip Authentication messages from the other side of the card interface are
// untrusted: the terminal fed arbitrary chip answers, and the chip fed arbitrary terminal
// commands, must end in an error or a session, never a panic.
fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let oid = if selector & 1 == 0 {
        ID_PACE_ECDH_GM_AES_128
    } else {
        ID_PACE_ECDH_IM_AES_128
    };
    let id = if selector & 2 == 0 { 12 } else { 13 };
    let Ok(params) = pace::PaceParams::new(oid, id) else {
        return;
    };
    let password = pace::Password::from_can("123456").expect("CAN");
    let mut rng = rand::rngs::StdRng::seed_from_u64(u64::from(selector));
    // Messages: a length byte, then that many bytes, up to four of them.
    let mut messages = Vec::new();
    let mut at = rest;
    while let Some((&len, tail)) = at.split_first() {
        let n = usize::from(len).min(tail.len());
        messages.push(&tail[..n]);
        at = &tail[n..];
        if messages.len() == 4 {
            break;
        }
    }
    let mut terminal = pace::PaceTerminal::new(params, &password);
    for m in &messages {
        if terminal.next_step(m, &mut rng).is_err() {
            break;
        }
    }
    let mut chip = pace::PaceChip::new(params, &password);
    for m in &messages {
        if chip.general_authenticate(m, &mut rng).is_err() {
            break;
        }
    }
    let _ = pace::MseSetAt::decode(rest);
    let _ = pace::parse_mse_set_kat(rest);
    let _ = pace::DynamicAuthData::decode(rest);
});
