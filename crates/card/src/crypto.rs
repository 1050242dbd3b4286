//! The symmetric primitives BAC and 3DES secure messaging use, under the names the card core
//! always had: all of them are `pace::sym`'s (one copy for chip and terminal, 3DES and AES);
//! only the lenient [`unpad`] and the fixed-size [`kdf_3des`] are shaped here.

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

/// 2-key 3DES-CBC and the DES retail MAC are `pace`'s too (on the `cbc` crate).
pub use pace::sym::{retail_mac, tdes_cbc_decrypt, tdes_cbc_encrypt};

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
