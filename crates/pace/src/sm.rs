//! AES secure-messaging primitives (ICAO 9303-11 §9.8) for the sessions PACE and Chip
//! Authentication establish. The framing (DO87/DO97/DO99/DO8E, protected header, Lc/Le) lives
//! in the `reader` crate and is shared by chip and terminal; it calls the [`SmCipher`] trait,
//! which a 3DES implementation can provide too, so one framing serves both ciphers.
//!
//! # How the framing calls it
//!
//! One [`AesSm`] per session per side, created with [`AesSm::new`] from the
//! [`SessionKeys`](crate::SessionKeys) (SSC = 0 after PACE and after Chip Authentication).
//! With `b = cipher.block_size()` (16 for AES, 8 for 3DES):
//!
//! **Protect a command** (terminal; the chip mirrors it in `unprotect`):
//! 1. `sm.increment_ssc()?`
//! 2. if the command has data: `c = sm.encrypt(data)?`; `DO87 = 87 L (01 || c)` (use `DO85 = 85 L c`
//!    for an odd INS)
//! 3. if it has Le: `DO97 = 97 L Le` (`97 01 00` for Le = 256 short, `97 02 00 00` extended)
//! 4. masked header `H = (CLA | 0x0C) INS P1 P2`; `M = pad(H, b) || DO87 || DO97`
//!    ([`crate::sym::pad`]); `DO8E = 8E 08 sm.mac(&M)?`
//! 5. send `H Lc' DO87 DO97 DO8E Le'` with `Le' = 00` (or `00 00` extended).
//!
//! **Unprotect a response** (terminal; the chip mirrors it to protect):
//! 1. `sm.increment_ssc()?`
//! 2. split `DO87`, `DO99` (`99 02 SW1 SW2`, mandatory), `DO8E`; `sm.verify_mac(&(DO87 || DO99), mac)?`
//!    (a missing DO99 or DO8E is an error before any MAC check)
//! 3. if DO87 is present: check its first value byte is `01`, `data = sm.decrypt(&rest)?`
//!
//! `mac` prepends the SSC and pads the whole message before the MAC, as ICAO requires for both
//! ciphers; `encrypt` pads and uses `IV = E(K_enc, SSC)` for AES (3DES uses a zero IV); `decrypt`
//! removes the padding. Any error ends the session: the chip answers `6988` and drops its keys,
//! the terminal aborts.
//!
//! The SSC is incremented exactly twice per command-response pair (once by each direction), on
//! both sides, even when the command fails to verify on the chip (the chip then answers without
//! secure messaging and the session is dead anyway).

use crate::error::{Error, Result};
use crate::pace::SessionKeys;
use crate::sym::{AES_BLOCK, Aes, Cipher, SecretBytes, aes_cmac8, ct_eq, pad, unpad};
use std::fmt;

/// Cipher operations of a secure-messaging session, independent of the APDU framing.
pub trait SmCipher {
    /// Padding block size (16 for AES, 8 for 3DES).
    fn block_size(&self) -> usize;
    /// The current send sequence counter.
    fn ssc(&self) -> &[u8];
    /// Increments the SSC (before protecting or unprotecting each APDU).
    fn increment_ssc(&mut self) -> Result<()>;
    /// Pads `plaintext` (ISO/IEC 7816-4) and encrypts it: the value of DO87 after the `01`.
    fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>>;
    /// Decrypts a DO87 cryptogram (without the `01`) and removes the padding.
    fn decrypt(&self, cryptogram: &[u8]) -> Result<Vec<u8>>;
    /// The 8-byte MAC over `pad(SSC || message)`: the value of DO8E.
    fn mac(&self, message: &[u8]) -> Result<[u8; 8]>;
    /// Checks a DO8E value in constant time.
    fn verify_mac(&self, message: &[u8], mac: &[u8]) -> Result<()> {
        if ct_eq(&self.mac(message)?, mac) {
            Ok(())
        } else {
            Err(Error::MacMismatch)
        }
    }
}

/// AES secure messaging: 16-byte SSC, `IV = E(K_enc, SSC)`, AES-CBC, AES-CMAC truncated to 8.
pub struct AesSm {
    enc: Aes,
    k_mac: SecretBytes,
    ssc: [u8; AES_BLOCK],
}

impl fmt::Debug for AesSm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesSm")
            .field("keys", &"<redacted>")
            .field("ssc", &crate::ec::hex_upper(&self.ssc))
            .finish()
    }
}

impl AesSm {
    /// A new session with SSC = 0 (after PACE or Chip Authentication).
    pub fn new(keys: &SessionKeys) -> Result<Self> {
        Self::with_ssc(keys, [0; AES_BLOCK])
    }

    /// A session with an explicit SSC (tests, resuming a trace).
    pub fn with_ssc(keys: &SessionKeys, ssc: [u8; AES_BLOCK]) -> Result<Self> {
        if keys.cipher() == Cipher::Tdes {
            return Err(Error::BadLength {
                what: "AES secure messaging keys",
                expected: "16, 24 or 32 (AES session keys, not 3DES)".into(),
                actual: keys.k_enc().len(),
            });
        }
        Ok(AesSm {
            enc: Aes::new(keys.k_enc(), "K_enc")?,
            k_mac: SecretBytes::new(keys.k_mac().to_vec()),
            ssc,
        })
    }

    /// The IV of the current APDU: `E(K_enc, SSC)`.
    pub fn iv(&self) -> [u8; AES_BLOCK] {
        let mut iv = self.ssc;
        self.enc.encrypt_block(&mut iv);
        iv
    }
}

impl SmCipher for AesSm {
    fn block_size(&self) -> usize {
        AES_BLOCK
    }

    fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    fn increment_ssc(&mut self) -> Result<()> {
        for b in self.ssc.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                return Ok(());
            }
        }
        // Wrapped to zero: a counter value would repeat.
        Err(Error::SscExhausted)
    }

    fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.enc.cbc_encrypt(
            &self.iv(),
            &pad(plaintext, AES_BLOCK),
            "secure messaging data",
        )
    }

    fn decrypt(&self, cryptogram: &[u8]) -> Result<Vec<u8>> {
        let padded = self
            .enc
            .cbc_decrypt(&self.iv(), cryptogram, "secure messaging DO87")?;
        unpad(&padded, AES_BLOCK, "secure messaging DO87")
    }

    fn mac(&self, message: &[u8]) -> Result<[u8; 8]> {
        let mut n = Vec::with_capacity(AES_BLOCK + message.len() + AES_BLOCK);
        n.extend_from_slice(&self.ssc);
        n.extend_from_slice(message);
        aes_cmac8(self.k_mac.as_bytes(), &pad(&n, AES_BLOCK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sym::{aes_cbc_encrypt, aes_cmac};

    fn keys() -> SessionKeys {
        // Appendix G.1 session keys.
        SessionKeys::from_keys(
            Cipher::Aes128,
            &hex::decode("F5F0E35C0D7161EE6724EE513A0D9A7F").unwrap(),
            &hex::decode("FE251C7858B356B24514B3BD5F4297D1").unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn ssc_increments_with_carry_and_exhausts() {
        let mut sm = AesSm::with_ssc(&keys(), {
            let mut s = [0u8; 16];
            s[15] = 0xFF;
            s
        })
        .unwrap();
        sm.increment_ssc().unwrap();
        assert_eq!(sm.ssc()[14..], [1, 0]);
        let mut full = AesSm::with_ssc(&keys(), [0xFF; 16]).unwrap();
        assert_eq!(full.increment_ssc(), Err(Error::SscExhausted));
    }

    #[test]
    fn iv_is_ssc_encrypted_under_kenc() {
        let mut sm = AesSm::new(&keys()).unwrap();
        sm.increment_ssc().unwrap();
        let mut ssc = [0u8; 16];
        ssc[15] = 1;
        // E(K, SSC) = CBC with a zero IV over one block.
        let expected = aes_cbc_encrypt(keys().k_enc(), &[0; 16], &ssc).unwrap();
        assert_eq!(sm.iv().to_vec(), expected);
        // And the cryptogram is CBC under that IV over the padded data.
        let c = sm.encrypt(&[0x01, 0x1E]).unwrap();
        let mut padded = vec![0x01, 0x1E, 0x80];
        padded.resize(16, 0);
        assert_eq!(
            c,
            aes_cbc_encrypt(keys().k_enc(), &sm.iv(), &padded).unwrap()
        );
    }

    #[test]
    fn mac_covers_ssc_and_padding() {
        let mut sm = AesSm::new(&keys()).unwrap();
        sm.increment_ssc().unwrap();
        let m = b"\x0C\xA4\x02\x0C\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x97\x01\x00";
        let mut n = sm.ssc().to_vec();
        n.extend_from_slice(m);
        let full = aes_cmac(keys().k_mac(), &pad(&n, 16)).unwrap();
        assert_eq!(sm.mac(m).unwrap(), full[..8]);
        assert!(sm.verify_mac(m, &full[..8]).is_ok());
        assert_eq!(sm.verify_mac(m, &[0; 8]), Err(Error::MacMismatch));
        assert_eq!(sm.verify_mac(m, &full[..7]), Err(Error::MacMismatch));
        // The same message under the next SSC has a different MAC.
        let before = sm.mac(m).unwrap();
        sm.increment_ssc().unwrap();
        assert_ne!(sm.mac(m).unwrap(), before);
    }

    #[test]
    fn chip_and_terminal_round_trip_and_tamper() {
        let mut term = AesSm::new(&keys()).unwrap();
        let mut chip = AesSm::new(&keys()).unwrap();
        for data in [&b""[..], b"abc", &[0u8; 16], &[7u8; 255]] {
            term.increment_ssc().unwrap();
            chip.increment_ssc().unwrap();
            let c = term.encrypt(data).unwrap();
            assert_eq!(c.len() % 16, 0);
            assert_eq!(chip.decrypt(&c).unwrap(), data);
            let mut bad = c.clone();
            let last = bad.len() - 1;
            bad[last] ^= 0x01;
            assert!(chip.decrypt(&bad).is_err());
            assert!(matches!(
                chip.decrypt(&c[..c.len() - 1]),
                Err(Error::BadCiphertextLength { .. })
            ));
        }
    }

    #[test]
    fn refuses_3des_keys_and_redacts_debug() {
        let k = SessionKeys::from_keys(Cipher::Tdes, &[1; 16], &[2; 16]).unwrap();
        assert!(AesSm::new(&k).is_err());
        let sm = AesSm::new(&keys()).unwrap();
        assert!(!format!("{sm:?}").contains("F5F0"));
        assert!(SessionKeys::from_keys(Cipher::Aes256, &[1; 16], &[2; 32]).is_err());
    }
}
