//! Symmetric primitives of ICAO 9303-11 §9.7–9.8, once for the chip and the terminal and for
//! 3DES and AES alike: the key derivation function, AES (one block; CBC without padding),
//! AES-CMAC, 2-key 3DES-CBC, the DES retail MAC (ISO/IEC 9797-1 MAC algorithm 3), ISO/IEC 7816-4
//! padding, DES key parity and the constant-time compare.
//!
//! CBC comes from the maintained `cbc` crate over `aes`/`des` (no padding: secure messaging pads
//! itself and only ever hands over whole blocks with an explicit IV).

use crate::error::{Error, Result};
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{
    BlockCipher, BlockDecrypt, BlockDecryptMut, BlockEncrypt, BlockEncryptMut, InnerIvInit,
    KeyInit, generic_array::GenericArray,
};
use cmac::{Cmac, Mac};
use des::{Des, TdesEde2};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

/// AES block size.
pub const AES_BLOCK: usize = 16;

/// The symmetric cipher a protocol's session keys are for (ICAO 9303-11 §9.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// Two-key 3DES (16 bytes, parity-adjusted), retail MAC. Keys derived with SHA-1.
    Tdes,
    /// AES-128, keys derived with SHA-1 (first 16 bytes).
    Aes128,
    /// AES-192, keys derived with SHA-256 (first 24 bytes).
    Aes192,
    /// AES-256, keys derived with SHA-256 (all 32 bytes).
    Aes256,
}

impl Cipher {
    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Cipher::Tdes | Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
        }
    }

    /// Block size in bytes (8 for 3DES, 16 for AES): the padding block of secure messaging.
    pub fn block_size(self) -> usize {
        match self {
            Cipher::Tdes => 8,
            _ => AES_BLOCK,
        }
    }
}

/// Counter of the key derivation function for the encryption key.
pub const KDF_ENC: u32 = 1;
/// Counter of the key derivation function for the MAC key.
pub const KDF_MAC: u32 = 2;
/// Counter of the key derivation function for the PACE password key K_π.
pub const KDF_PI: u32 = 3;

/// Secret bytes (a key or shared secret): zeroized on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(bytes))
    }

    /// The secret value.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

/// KDF(K, c) of ICAO 9303-11 §9.7.1: hash `K || c` (c as 32-bit big-endian) with SHA-1 for 3DES
/// and AES-128, SHA-256 for AES-192/256, and keep the key length of `cipher`. 3DES keys get
/// their parity bits adjusted.
pub fn kdf(secret: &[u8], counter: u32, cipher: Cipher) -> SecretBytes {
    let mut out = Zeroizing::new(match cipher {
        Cipher::Tdes | Cipher::Aes128 => {
            let mut h = Sha1::new();
            h.update(secret);
            h.update(counter.to_be_bytes());
            h.finalize().to_vec()
        }
        Cipher::Aes192 | Cipher::Aes256 => {
            let mut h = Sha256::new();
            h.update(secret);
            h.update(counter.to_be_bytes());
            h.finalize().to_vec()
        }
    });
    out.truncate(cipher.key_len());
    if cipher == Cipher::Tdes {
        adjust_des_parity(&mut out);
    }
    SecretBytes::new(out.to_vec())
}

/// Sets the least significant bit of each byte so that every byte has odd parity (DES keys).
pub fn adjust_des_parity(key: &mut [u8]) {
    for b in key.iter_mut() {
        let ones = (*b & 0xFE).count_ones();
        *b = (*b & 0xFE) | u8::from(ones % 2 == 0);
    }
}

/// ISO/IEC 7816-4 padding (ISO/IEC 9797-1 method 2): `80` then `00` up to a multiple of
/// `block`. Always adds at least one byte.
pub fn pad(data: &[u8], block: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + block);
    out.extend_from_slice(data);
    out.push(0x80);
    while out.len() % block != 0 {
        out.push(0x00);
    }
    out
}

/// Removes ISO/IEC 7816-4 padding; fails unless the data ends in `80 00*` within its last block.
pub fn unpad(data: &[u8], block: usize, what: &'static str) -> Result<Vec<u8>> {
    let mut i = data.len();
    while i > 0 && data[i - 1] == 0x00 && data.len() - i < block {
        i -= 1;
    }
    if i == 0 || data[i - 1] != 0x80 || data.len() - (i - 1) > block {
        return Err(Error::BadPadding { what });
    }
    Ok(data[..i - 1].to_vec())
}

/// AES with a key of 16, 24 or 32 bytes.
pub(crate) enum Aes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Aes {
    pub(crate) fn new(key: &[u8], what: &'static str) -> Result<Self> {
        Ok(match key.len() {
            16 => Aes::A128(aes::Aes128::new(GenericArray::from_slice(key))),
            24 => Aes::A192(aes::Aes192::new(GenericArray::from_slice(key))),
            32 => Aes::A256(aes::Aes256::new(GenericArray::from_slice(key))),
            n => {
                return Err(Error::BadLength {
                    what,
                    expected: "16, 24 or 32".into(),
                    actual: n,
                });
            }
        })
    }

    pub(crate) fn encrypt_block(&self, block: &mut [u8; AES_BLOCK]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            Aes::A128(c) => c.encrypt_block(b),
            Aes::A192(c) => c.encrypt_block(b),
            Aes::A256(c) => c.encrypt_block(b),
        }
    }

    /// CBC encryption of whole blocks.
    pub(crate) fn cbc_encrypt(
        &self,
        iv: &[u8; AES_BLOCK],
        data: &[u8],
        what: &'static str,
    ) -> Result<Vec<u8>> {
        check_blocks(data.len(), what)?;
        Ok(match self {
            Aes::A128(c) => cbc_encrypt(c.clone(), iv, data),
            Aes::A192(c) => cbc_encrypt(c.clone(), iv, data),
            Aes::A256(c) => cbc_encrypt(c.clone(), iv, data),
        })
    }

    /// CBC decryption of whole blocks.
    pub(crate) fn cbc_decrypt(
        &self,
        iv: &[u8; AES_BLOCK],
        data: &[u8],
        what: &'static str,
    ) -> Result<Vec<u8>> {
        check_blocks(data.len(), what)?;
        match self {
            Aes::A128(c) => cbc_decrypt(c.clone(), iv, data),
            Aes::A192(c) => cbc_decrypt(c.clone(), iv, data),
            Aes::A256(c) => cbc_decrypt(c.clone(), iv, data),
        }
        .ok_or(Error::BadCiphertextLength {
            what,
            len: data.len(),
            block: AES_BLOCK,
        })
    }
}

/// CBC encryption of whole blocks (the caller has checked the length) with any block cipher.
fn cbc_encrypt<C>(cipher: C, iv: &[u8], data: &[u8]) -> Vec<u8>
where
    C: BlockEncrypt + BlockCipher + Clone,
{
    cbc::Encryptor::<C>::inner_iv_slice_init(cipher, iv)
        .map(|e| e.encrypt_padded_vec_mut::<NoPadding>(data))
        .unwrap_or_default()
}

/// CBC decryption; `None` when the data is not whole blocks.
fn cbc_decrypt<C>(cipher: C, iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
where
    C: BlockDecrypt + BlockCipher + Clone,
{
    cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .ok()?
        .decrypt_padded_vec_mut::<NoPadding>(data)
        .ok()
}

/// 2-key 3DES-CBC encryption (ICAO 9303-11 §9.8.6.1); `data` must be a multiple of 8 bytes
/// (callers pad first); anything else encrypts to nothing.
pub fn tdes_cbc_encrypt(key: &[u8; 16], iv: &[u8; 8], data: &[u8]) -> Vec<u8> {
    if !data.len().is_multiple_of(8) {
        return Vec::new();
    }
    cbc_encrypt(TdesEde2::new(GenericArray::from_slice(key)), iv, data)
}

/// 2-key 3DES-CBC decryption; `None` when `data` is not a multiple of 8 bytes (untrusted input).
pub fn tdes_cbc_decrypt(key: &[u8; 16], iv: &[u8; 8], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(8) {
        return None;
    }
    cbc_decrypt(TdesEde2::new(GenericArray::from_slice(key)), iv, data)
}

/// ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"), IV zero, over data that the
/// caller already padded to a multiple of 8 bytes. `key` = Ka || Kb. (No maintained crate offers
/// MAC algorithm 3 over `des`; it is single-DES CBC with Ka, then one DES decryption with Kb and
/// one encryption with Ka on the last block.)
pub fn retail_mac(key: &[u8; 16], padded: &[u8]) -> [u8; 8] {
    let ka = Des::new(GenericArray::from_slice(&key[..8]));
    let kb = Des::new(GenericArray::from_slice(&key[8..]));
    let whole = &padded[..padded.len() - padded.len() % 8];
    let chain = cbc_encrypt(ka.clone(), &[0u8; 8], whole);
    let mut h = GenericArray::from([0u8; 8]);
    if let Some(last) = chain.rchunks_exact(8).next() {
        h.copy_from_slice(last);
    }
    kb.decrypt_block(&mut h);
    ka.encrypt_block(&mut h);
    h.into()
}

fn check_blocks(len: usize, what: &'static str) -> Result<()> {
    if len == 0 || !len.is_multiple_of(AES_BLOCK) {
        Err(Error::BadCiphertextLength {
            what,
            len,
            block: AES_BLOCK,
        })
    } else {
        Ok(())
    }
}

/// AES-CBC encryption of whole blocks with an explicit IV (no padding is added).
pub fn aes_cbc_encrypt(key: &[u8], iv: &[u8; AES_BLOCK], data: &[u8]) -> Result<Vec<u8>> {
    Aes::new(key, "AES key")?.cbc_encrypt(iv, data, "AES-CBC plaintext")
}

/// AES-CBC decryption of whole blocks with an explicit IV (padding is not removed).
pub fn aes_cbc_decrypt(key: &[u8], iv: &[u8; AES_BLOCK], data: &[u8]) -> Result<Vec<u8>> {
    Aes::new(key, "AES key")?.cbc_decrypt(iv, data, "AES-CBC ciphertext")
}

/// Full 16-byte AES-CMAC (NIST SP 800-38B) with a 16-, 24- or 32-byte key. ICAO protocols use
/// the first 8 bytes.
pub fn aes_cmac(key: &[u8], data: &[u8]) -> Result<[u8; AES_BLOCK]> {
    fn run<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<[u8; AES_BLOCK]> {
        let mut m = <M as Mac>::new_from_slice(key).map_err(|_| Error::BadLength {
            what: "AES-CMAC key",
            expected: "16, 24 or 32".into(),
            actual: key.len(),
        })?;
        m.update(data);
        let tag = m.finalize().into_bytes();
        let mut out = [0u8; AES_BLOCK];
        out.copy_from_slice(&tag[..AES_BLOCK]);
        Ok(out)
    }
    match key.len() {
        16 => run::<Cmac<aes::Aes128>>(key, data),
        24 => run::<Cmac<aes::Aes192>>(key, data),
        32 => run::<Cmac<aes::Aes256>>(key, data),
        n => Err(Error::BadLength {
            what: "AES-CMAC key",
            expected: "16, 24 or 32".into(),
            actual: n,
        }),
    }
}

/// AES-CMAC truncated to the 8 bytes ICAO uses for tokens and secure-messaging MACs.
pub fn aes_cmac8(key: &[u8], data: &[u8]) -> Result<[u8; 8]> {
    let full = aes_cmac(key, data)?;
    let mut out = [0u8; 8];
    out.copy_from_slice(&full[..8]);
    Ok(out)
}

/// Constant-time equality for MACs, tokens and recovered digests: the one comparison of secrets
/// in the workspace (the card core re-exports it). Unequal lengths are unequal; callers that
/// receive a MAC check its length against the cipher's first, so an empty MAC never compares.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn bac_kdf_vector_with_parity() {
        // ICAO 9303-11 Appendix D.1: Kseed -> KEnc/KMAC (3DES, parity adjusted).
        let kseed = h("239AB9CB282DAF66231DC5A4DF6BFBAE");
        assert_eq!(
            kdf(&kseed, KDF_ENC, Cipher::Tdes).as_bytes(),
            h("AB94FDECF2674FDFB9B391F85D7F76F2")
        );
        assert_eq!(
            kdf(&kseed, KDF_MAC, Cipher::Tdes).as_bytes(),
            h("7962D9ECE03D1ACD4C76089DCE131543")
        );
    }

    #[test]
    fn aes_cmac_rfc4493_examples() {
        // NIST SP 800-38B / RFC 4493 example key and messages.
        let key = h("2B7E151628AED2A6ABF7158809CF4F3C");
        assert_eq!(
            aes_cmac(&key, &[]).unwrap().to_vec(),
            h("BB1D6929E95937287FA37D129B756746")
        );
        assert_eq!(
            aes_cmac(&key, &h("6BC1BEE22E409F96E93D7E117393172A"))
                .unwrap()
                .to_vec(),
            h("070A16B46B4D4144F79BDD9DD04A287C")
        );
        assert!(matches!(
            aes_cmac(&key[..15], b"x"),
            Err(Error::BadLength { .. })
        ));
    }

    #[test]
    fn aes_cbc_sp800_38a_vector() {
        // NIST SP 800-38A F.2.1 CBC-AES128, first block.
        let key = h("2B7E151628AED2A6ABF7158809CF4F3C");
        let iv: [u8; 16] = h("000102030405060708090A0B0C0D0E0F").try_into().unwrap();
        let pt = h("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51");
        let ct = aes_cbc_encrypt(&key, &iv, &pt).unwrap();
        assert_eq!(
            ct,
            h("7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B2")
        );
        assert_eq!(aes_cbc_decrypt(&key, &iv, &ct).unwrap(), pt);
        assert!(matches!(
            aes_cbc_decrypt(&key, &iv, &ct[..17]),
            Err(Error::BadCiphertextLength { .. })
        ));
        assert!(matches!(
            aes_cbc_decrypt(&key, &iv, &[]),
            Err(Error::BadCiphertextLength { .. })
        ));
    }

    #[test]
    fn padding_round_trip_and_rejection() {
        assert_eq!(pad(&[], 8), h("8000000000000000"));
        assert_eq!(pad(&[1; 16], 16).len(), 32);
        assert_eq!(unpad(&pad(b"abc", 16), 16, "t").unwrap(), b"abc");
        assert_eq!(unpad(&pad(&[0u8; 15], 16), 16, "t").unwrap(), [0u8; 15]);
        assert!(unpad(&[0u8; 16], 16, "t").is_err());
        assert!(unpad(&h("0102038001"), 16, "t").is_err());
        assert!(unpad(&[], 16, "t").is_err());
        // Padding longer than one block is refused.
        let mut long = vec![0x80];
        long.extend_from_slice(&[0u8; 16]);
        assert!(unpad(&long, 16, "t").is_err());
    }

    #[test]
    fn des_parity() {
        let mut k = [0x00u8, 0x01, 0xFE, 0xFF];
        adjust_des_parity(&mut k);
        assert_eq!(k, [0x01, 0x01, 0xFE, 0xFE]);
    }
}
