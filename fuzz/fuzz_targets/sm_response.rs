#![no_main]
use card::apdu::{Command, Response};
use card::sm::SecureChannel;
use libfuzzer_sys::fuzz_target;

// A secure-messaging response comes from the card: untrusted. Unwrapping arbitrary response
// bytes (DO'87'/'99'/'8E' in any order, lengths, padding, MACs) under 3DES and AES channels must
// end in a response or an SmError, never a panic; and so must unwrapping arbitrary protected
// commands on the chip side.
fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut channel = if selector & 1 == 0 {
        SecureChannel::tdes([0x11; 16], [0x22; 16], [0; 8])
    } else {
        let keys = pace::SessionKeys::derive(&[0x33; 32], pace::Cipher::Aes128);
        match SecureChannel::from_session_keys(&keys) {
            Ok(c) => c,
            Err(_) => return,
        }
    };
    if selector & 2 == 0 {
        if let Ok(resp) = Response::parse(rest) {
            let _ = channel.unprotect_response(&resp);
        }
    } else if let Ok(cmd) = Command::parse(rest) {
        let _ = channel.unprotect_command(&cmd);
    }
});
