//! Symmetric primitives of ICAO 9303-11 (§9.7-9.8): 2-key 3DES-CBC with a zero IV, the DES
//! retail MAC (ISO/IEC 9797-1 MAC algorithm 3), padding method 2, DES parity and the key
//! derivation function. Kept apart from the protocols so PACE/CA reuse them.

use des::cipher::generic_array::GenericArray;
use des::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use des::{Des, TdesEde2};
use zeroize::Zeroizing;

/// ISO/IEC 9797-1 padding method 2, DES parity and the constant-time compare are `pace`'s (one
/// copy for 3DES and AES, chip and terminal).
pub use pace::sym::{adjust_des_parity as set_des_parity, ct_eq, pad};

/// Removes padding method 2; `None` when the padding is not there (untrusted input).
pub fn unpad(data: &[u8]) -> Option<&[u8]> {
    let end = data.iter().rposition(|&b| b != 0)?;
    (data[end] == 0x80).then(|| &data[..end])
}

/// KDF(K, c) for 3DES keys (Part 11 §9.7.1): SHA-1(K || c)[0..16] with DES parity.
/// `c` = 1 for encryption, 2 for MAC (3 for the PACE password key).
pub fn kdf_3des(seed: &[u8], counter: u32) -> Zeroizing<[u8; 16]> {
    let derived = pace::sym::kdf(seed, counter, pace::Cipher::Tdes);
    let mut key = Zeroizing::new([0u8; 16]);
    key.copy_from_slice(derived.as_bytes());
    key
}

/// 2-key 3DES-CBC encryption; `data` must be a multiple of 8 bytes (callers pad first).
pub fn tdes_cbc_encrypt(key: &[u8; 16], iv: &[u8; 8], data: &[u8]) -> Vec<u8> {
    debug_assert!(data.len().is_multiple_of(8));
    let cipher = TdesEde2::new(GenericArray::from_slice(key));
    let mut prev = *iv;
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(8) {
        let mut block = [0u8; 8];
        for i in 0..chunk.len() {
            block[i] = chunk[i] ^ prev[i];
        }
        let mut ga = GenericArray::from(block);
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    out
}

/// 2-key 3DES-CBC decryption; `None` when `data` is not a multiple of 8 bytes.
pub fn tdes_cbc_decrypt(key: &[u8; 16], iv: &[u8; 8], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(8) {
        return None;
    }
    let cipher = TdesEde2::new(GenericArray::from_slice(key));
    let mut prev = *iv;
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(8) {
        let mut ga = GenericArray::clone_from_slice(chunk);
        cipher.decrypt_block(&mut ga);
        for i in 0..8 {
            out.push(ga[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    Some(out)
}

/// ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"), IV zero, over data that the
/// caller already padded to a multiple of 8 bytes. `key` = Ka || Kb.
pub fn retail_mac(key: &[u8; 16], padded: &[u8]) -> [u8; 8] {
    debug_assert!(padded.len().is_multiple_of(8));
    let ka = Des::new(GenericArray::from_slice(&key[..8]));
    let kb = Des::new(GenericArray::from_slice(&key[8..]));
    let mut h = GenericArray::from([0u8; 8]);
    for chunk in padded.chunks(8) {
        for i in 0..8 {
            h[i] ^= chunk[i];
        }
        ka.encrypt_block(&mut h);
    }
    kb.decrypt_block(&mut h);
    ka.encrypt_block(&mut h);
    h.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_roundtrip_and_rejects_garbage() {
        assert_eq!(pad(&[1, 2], 8), vec![1, 2, 0x80, 0, 0, 0, 0, 0]);
        assert_eq!(pad(&[0; 8], 8).len(), 16);
        assert_eq!(unpad(&[1, 2, 0x80, 0, 0]), Some(&[1u8, 2][..]));
        assert_eq!(unpad(&[1, 2, 0, 0]), None);
        assert_eq!(unpad(&[0, 0]), None);
        assert_eq!(unpad(&[]), None);
    }

    #[test]
    fn cbc_roundtrip_and_bad_length() {
        let key = [7u8; 16];
        let ct = tdes_cbc_encrypt(&key, &[0; 8], &[1u8; 24]);
        assert_eq!(tdes_cbc_decrypt(&key, &[0; 8], &ct).unwrap(), vec![1u8; 24]);
        assert!(tdes_cbc_decrypt(&key, &[0; 8], &ct[..5]).is_none());
    }
}
