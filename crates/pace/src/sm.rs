//! AES secure-messaging primitives (ICAO 9303-11 §9.8) for the sessions PACE and Chip
//! Authentication establish.
//!
//! Two layers:
//! - [`AesCipher`]: stateless, keys only, the exact shape of the `reader` crate's
//!   `reader::sm::SmCipher` trait (the framing there owns the SSC and the padding), so AES plugs
//!   into the shared `SecureChannel` of reader and vchip with a few lines (below).
//! - [`AesSm`]: the same operations with the SSC kept inside, for code that frames APDUs itself
//!   and for the tests here.
//!
//! The rules (ICAO 9303-11 §9.8.6, BSI TR-03110-3 F): SSC is one block (16 bytes), zero when a
//! session starts (after PACE and after CA), incremented before each command *and* before each
//! response; `IV = E(K_enc, SSC)` (AES-ECB of the SSC block), AES-CBC over ISO/IEC 7816-4-padded
//! data; `MAC = AES-CMAC(K_mac, pad(SSC || message))` truncated to 8 bytes, where the padding
//! is applied although CMAC would not need it.
//!
//! # Wiring into `reader::sm` (its trait as of issue 4)
//!
//! ```text
//! pub struct Aes(pace::sm::AesCipher);
//! impl SmCipher for Aes {
//!     fn block_len(&self) -> usize { 16 }
//!     fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Vec<u8> {
//!         self.0.encrypt(ssc, padded).unwrap_or_default() // SecureChannel only passes whole
//!     }                                                      // blocks and a 16-byte SSC
//!     fn decrypt(&self, ssc: &[u8], c: &[u8]) -> Option<Vec<u8>> { self.0.decrypt(ssc, c).ok() }
//!     fn mac(&self, padded: &[u8]) -> [u8; 8] { self.0.mac(padded) }
//!     fn name(&self) -> &'static str { self.0.name() }
//! }
//! // after PACE / CA (AES):
//! let channel = SecureChannel::new(Box::new(Aes(AesCipher::new(&keys)?)), &[0u8; 16])?;
//! // after CA with 3DES (keys.cipher() == Cipher::Tdes):
//! let channel = SecureChannel::tdes(keys.k_enc().try_into()?, keys.k_mac().try_into()?, [0; 8]);
//! ```
//!
//! # The framing, for code that does it by hand with [`AesSm`]
//!
//! **Protect a command** (terminal; the chip mirrors it to unprotect):
//! 1. `sm.increment_ssc()?`
//! 2. with data: `DO87 = 87 L (01 || sm.encrypt(data)?)` (`DO85 = 85 L cryptogram` for odd INS)
//! 3. with Le: `DO97 = 97 L Le`
//! 4. `H = (CLA | 0C) INS P1 P2`; `M = pad(H, 16) || DO87 || DO97`; `DO8E = 8E 08 sm.mac(&M)?`
//! 5. send `H Lc' DO87 DO97 DO8E 00` (or extended `00 00`)
//!
//! **Unprotect a response**: `sm.increment_ssc()?`; split `DO87`, `DO99` (mandatory), `DO8E`;
//! `sm.verify_mac(&(DO87 || DO99), &mac)?`; `data = sm.decrypt(&cryptogram_after_01)?`.
//! Any failure ends the session (the chip answers 6988 in plain and drops its keys).

use crate::error::{Error, Result};
use crate::pace::SessionKeys;
use crate::sym::{AES_BLOCK, Aes, Cipher, SecretBytes, aes_cmac8, ct_eq, pad, unpad};
use std::fmt;

/// Stateless AES secure-messaging cipher: K_enc for CBC with `IV = E(K_enc, SSC)`, K_mac for
/// CMAC. Input padding is the caller's (the reader's framing pads before calling).
pub struct AesCipher {
    enc: Aes,
    k_mac: SecretBytes,
    name: &'static str,
}

impl fmt::Debug for AesCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AesCipher({}, keys redacted)", self.name)
    }
}

impl AesCipher {
    /// From AES session keys (PACE or CA with AES); refuses 3DES keys.
    pub fn new(keys: &SessionKeys) -> Result<Self> {
        let name = match keys.cipher() {
            Cipher::Aes128 => "AES-128",
            Cipher::Aes192 => "AES-192",
            Cipher::Aes256 => "AES-256",
            Cipher::Tdes => {
                return Err(Error::BadLength {
                    what: "AES secure messaging keys",
                    expected: "AES session keys (16, 24 or 32 bytes), not 3DES".into(),
                    actual: keys.k_enc().len(),
                });
            }
        };
        // Validates the MAC key length once, so `mac` cannot fail later.
        aes_cmac8(keys.k_mac(), &[])?;
        Ok(AesCipher {
            enc: Aes::new(keys.k_enc(), "K_enc")?,
            k_mac: SecretBytes::new(keys.k_mac().to_vec()),
            name,
        })
    }

    /// Block, SSC and padding length: 16.
    pub fn block_len(&self) -> usize {
        AES_BLOCK
    }

    /// "AES-128", "AES-192" or "AES-256".
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `IV = E(K_enc, SSC)`; the SSC must be 16 bytes.
    pub fn iv(&self, ssc: &[u8]) -> Result<[u8; AES_BLOCK]> {
        let mut iv: [u8; AES_BLOCK] = ssc.try_into().map_err(|_| Error::BadLength {
            what: "AES secure messaging SSC",
            expected: "16".into(),
            actual: ssc.len(),
        })?;
        self.enc.encrypt_block(&mut iv);
        Ok(iv)
    }

    /// CBC-encrypts already padded data (whole blocks) for the current SSC.
    pub fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Result<Vec<u8>> {
        self.enc
            .cbc_encrypt(&self.iv(ssc)?, padded, "secure messaging data")
    }

    /// CBC-decrypts a cryptogram for the current SSC; the padding is left on.
    pub fn decrypt(&self, ssc: &[u8], cryptogram: &[u8]) -> Result<Vec<u8>> {
        self.enc
            .cbc_decrypt(&self.iv(ssc)?, cryptogram, "secure messaging DO87")
    }

    /// AES-CMAC over already padded data that starts with the SSC, truncated to 8 bytes.
    pub fn mac(&self, padded: &[u8]) -> [u8; 8] {
        // The key length was validated in `new`.
        aes_cmac8(self.k_mac.as_bytes(), padded).unwrap_or([0; 8])
    }
}

/// AES secure messaging with the SSC kept inside: 16-byte SSC, `IV = E(K_enc, SSC)`,
/// AES-CBC, AES-CMAC truncated to 8.
pub struct AesSm {
    cipher: AesCipher,
    ssc: [u8; AES_BLOCK],
}

impl fmt::Debug for AesSm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesSm")
            .field("cipher", &self.cipher)
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
        Ok(AesSm {
            cipher: AesCipher::new(keys)?,
            ssc,
        })
    }

    /// The stateless cipher underneath.
    pub fn cipher(&self) -> &AesCipher {
        &self.cipher
    }

    /// The current send sequence counter.
    pub fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    /// The IV of the current APDU: `E(K_enc, SSC)`.
    pub fn iv(&self) -> [u8; AES_BLOCK] {
        let mut iv = self.ssc;
        self.cipher.enc.encrypt_block(&mut iv);
        iv
    }

    /// Increments the SSC (before protecting or unprotecting each APDU); fails rather than
    /// wrap around to a value already used.
    pub fn increment_ssc(&mut self) -> Result<()> {
        for b in self.ssc.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                return Ok(());
            }
        }
        Err(Error::SscExhausted)
    }

    /// Pads `plaintext` and encrypts it: the DO87 value after the `01` indicator.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.cipher.encrypt(&self.ssc, &pad(plaintext, AES_BLOCK))
    }

    /// Decrypts a DO87 cryptogram (without the `01`) and removes the padding.
    pub fn decrypt(&self, cryptogram: &[u8]) -> Result<Vec<u8>> {
        let padded = self.cipher.decrypt(&self.ssc, cryptogram)?;
        unpad(&padded, AES_BLOCK, "secure messaging DO87")
    }

    /// The DO8E value: CMAC over `pad(SSC || message)`, 8 bytes.
    pub fn mac(&self, message: &[u8]) -> Result<[u8; 8]> {
        let mut n = Vec::with_capacity(AES_BLOCK + message.len() + AES_BLOCK);
        n.extend_from_slice(&self.ssc);
        n.extend_from_slice(message);
        Ok(self.cipher.mac(&pad(&n, AES_BLOCK)))
    }

    /// Checks a DO8E value in constant time.
    pub fn verify_mac(&self, message: &[u8], mac: &[u8]) -> Result<()> {
        if ct_eq(&self.mac(message)?, mac) {
            Ok(())
        } else {
            Err(Error::MacMismatch)
        }
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
    fn stateless_cipher_matches_stateful_session() {
        let mut sm = AesSm::new(&keys()).unwrap();
        sm.increment_ssc().unwrap();
        let c = sm.cipher();
        assert_eq!(c.block_len(), 16);
        assert_eq!(c.name(), "AES-128");
        let padded = pad(b"hello", 16);
        let ct = c.encrypt(sm.ssc(), &padded).unwrap();
        assert_eq!(ct, sm.encrypt(b"hello").unwrap());
        assert_eq!(c.decrypt(sm.ssc(), &ct).unwrap(), padded);
        let mut m = sm.ssc().to_vec();
        m.extend_from_slice(b"abc");
        assert_eq!(c.mac(&pad(&m, 16)), sm.mac(b"abc").unwrap());
        assert!(matches!(c.iv(&[0; 8]), Err(Error::BadLength { .. })));
        assert!(matches!(
            c.encrypt(sm.ssc(), b"not whole blocks"[..15].as_ref()),
            Err(Error::BadCiphertextLength { .. })
        ));
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
