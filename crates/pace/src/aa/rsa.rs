//! Active Authentication with RSA and ISO/IEC 9796-2 digital signature scheme 1 (partial message
//! recovery), as ICAO 9303-11 §6.1 and Appendix F describe it: both halves, so the chip that
//! signs and the terminal that verifies share one reading of the format.
//!
//! The message representative is `F = 6A || M1 || H(M1 || M2) || trailer`, where M2 is the
//! terminal's 8-byte challenge and the trailer is `BC` (SHA-1, option 1) or `xx CC` (option 2,
//! `xx` naming the hash: 33 SHA-1, 38 SHA-224, 34 SHA-256, 36 SHA-384, 35 SHA-512). The chip
//! signs `s = F^d mod n`; the terminal recovers `F = s^e mod n` (or `n - F`, 9796-2 §B.6) and
//! checks `H(M1 || M2)`.

use crate::error::{Error, Result};
use rsa::BigUint;
use rsa::RsaPublicKey;
use rsa::traits::PublicKeyParts;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// The hash a chip signs with, and its trailer (ICAO 9303-11 §6.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaAaHash {
    /// Trailer option 1, `BC`.
    Sha1,
    /// Trailer option 2, `34 CC`.
    Sha256,
}

impl RsaAaHash {
    /// `H(parts[0] || parts[1] || …)`.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Self::Sha1 => hash_parts::<Sha1>(parts),
            Self::Sha256 => hash_parts::<Sha256>(parts),
        }
    }

    /// The trailer that ends the representative.
    pub fn trailer(self) -> &'static [u8] {
        match self {
            Self::Sha1 => &[0xBC],
            Self::Sha256 => &[0x34, 0xCC],
        }
    }

    /// Digest length in bytes (a length of a hash, never empty: no `is_empty`).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

fn hash_parts<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = D::new();
    parts.iter().for_each(|p| h.update(p));
    h.finalize().to_vec()
}

/// The message representative F = 6A || M1 || H(M1 || M2) || trailer for a modulus of
/// `k_bytes` bytes; `None` when M1 does not have the length that fills F exactly.
pub fn representative(m1: &[u8], m2: &[u8], hash: RsaAaHash, k_bytes: usize) -> Option<Vec<u8>> {
    let trailer = hash.trailer();
    let m1_len = k_bytes.checked_sub(1 + hash.len() + trailer.len())?;
    if m1.len() != m1_len {
        return None;
    }
    let mut f = Vec::with_capacity(k_bytes);
    f.push(0x6A);
    f.extend_from_slice(m1);
    f.extend_from_slice(&hash.digest(&[m1, m2]));
    f.extend_from_slice(trailer);
    Some(f)
}

/// Chip side: signs the terminal's challenge M2 with a key held as the JMRTD applet holds it
/// (modulus and private exponent only), M1 all zero, `s = F^d mod n`, left-padded to the modulus
/// length. Raw modular exponentiation with the `rsa` crate's big integers.
pub fn sign(
    modulus: &[u8],
    private_exponent: &[u8],
    m2: &[u8],
    hash: RsaAaHash,
) -> Result<Vec<u8>> {
    if modulus.is_empty() {
        return Err(Error::RsaKeyIncomplete("modulus"));
    }
    if private_exponent.is_empty() {
        return Err(Error::RsaKeyIncomplete("private exponent"));
    }
    let n = BigUint::from_bytes_be(modulus);
    let bits = n.bits();
    let too_short = Error::RsaModulusTooShort {
        bits,
        hash_len: hash.len(),
    };
    // F must be below n: F starts with 6A, so with a modulus whose bit length is not a multiple
    // of 8, use one byte less (the recovered message is shorter, as 9796-2 allows).
    let k_bytes = bits.div_ceil(8) - usize::from(!bits.is_multiple_of(8));
    let m1_len = k_bytes
        .checked_sub(1 + hash.len() + hash.trailer().len())
        .filter(|l| *l > 0)
        .ok_or_else(|| too_short.clone())?;
    let f = representative(&vec![0u8; m1_len], m2, hash, k_bytes).ok_or(too_short)?;
    let d = BigUint::from_bytes_be(private_exponent);
    let s = BigUint::from_bytes_be(&f).modpow(&d, &n).to_bytes_be();
    let mut out = vec![0u8; modulus.len().saturating_sub(s.len())];
    out.extend_from_slice(&s);
    Ok(out)
}

/// Terminal side: verifies the chip's answer to INTERNAL AUTHENTICATE over `challenge` (M2)
/// against the DG15 key. The reason of a failure is a sentence for the inspection report.
pub fn verify(
    key: &RsaPublicKey,
    challenge: &[u8],
    signature: &[u8],
) -> std::result::Result<(), String> {
    let n = key.n();
    let k = n.bits().div_ceil(8);
    let s = BigUint::from_bytes_be(signature);
    if &s >= n {
        return Err("signature is not smaller than the modulus".into());
    }
    let mut f = s.modpow(key.e(), n);
    if (&f % 16u32) != BigUint::from(12u32) {
        f = n - &f;
    }
    let fb = f.to_bytes_be();
    if fb.len() > k || fb.len() < 2 + 20 {
        return Err("recovered message has the wrong length".into());
    }
    let mut full = vec![0u8; k - fb.len()];
    full.extend_from_slice(&fb);
    // The leading byte is 6A when the modulus bit length is a multiple of 8; skip zero bytes.
    let start = full.iter().position(|&b| b != 0).unwrap_or(full.len());
    let fb = &full[start..];
    if fb.first() != Some(&0x6A) {
        return Err(format!(
            "header is {:02X}, expected 6A",
            fb.first().copied().unwrap_or(0)
        ));
    }
    let (hash_len, trailer_len): (usize, usize) = match fb[fb.len() - 1] {
        0xBC => (20, 1),
        0xCC => match fb[fb.len() - 2] {
            0x33 => (20, 2),
            0x38 => (28, 2),
            0x34 => (32, 2),
            0x36 => (48, 2),
            0x35 => (64, 2),
            other => return Err(format!("unknown hash identifier {other:02X} in trailer")),
        },
        other => return Err(format!("trailer {other:02X} is neither BC nor xxCC")),
    };
    if fb.len() < 1 + hash_len + trailer_len {
        return Err("recovered message too short".into());
    }
    let d = &fb[fb.len() - trailer_len - hash_len..fb.len() - trailer_len];
    let m1 = &fb[1..fb.len() - trailer_len - hash_len];
    let parts: [&[u8]; 2] = [m1, challenge];
    let digest = match hash_len {
        20 => hash_parts::<Sha1>(&parts),
        28 => hash_parts::<Sha224>(&parts),
        32 => hash_parts::<Sha256>(&parts),
        48 => hash_parts::<Sha384>(&parts),
        _ => hash_parts::<Sha512>(&parts),
    };
    if crate::sym::ct_eq(&digest, d) {
        Ok(())
    } else {
        Err("digest does not match H(M1 || challenge)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::PrivateKeyParts;

    #[test]
    fn chip_signature_verifies_on_the_terminal_and_fails_when_altered() {
        let mut rng = rand::thread_rng();
        for bits in [1024usize, 1020] {
            let key = rsa::RsaPrivateKey::new(&mut rng, bits).unwrap();
            let (n, d) = (key.n().to_bytes_be(), key.d().to_bytes_be());
            for hash in [RsaAaHash::Sha1, RsaAaHash::Sha256] {
                let mut sig = sign(&n, &d, b"\x01\x02\x03\x04\x05\x06\x07\x08", hash).unwrap();
                let public = key.to_public_key();
                assert_eq!(
                    verify(&public, b"\x01\x02\x03\x04\x05\x06\x07\x08", &sig),
                    Ok(())
                );
                assert!(verify(&public, b"\x01\x02\x03\x04\x05\x06\x07\x09", &sig).is_err());
                let last = sig.len() - 1;
                sig[last] ^= 1;
                assert!(verify(&public, b"\x01\x02\x03\x04\x05\x06\x07\x08", &sig).is_err());
            }
        }
    }

    #[test]
    fn incomplete_and_tiny_keys_are_errors() {
        assert_eq!(
            sign(&[], &[1], b"x", RsaAaHash::Sha1),
            Err(Error::RsaKeyIncomplete("modulus"))
        );
        assert_eq!(
            sign(&[0xC5; 16], &[], b"x", RsaAaHash::Sha1),
            Err(Error::RsaKeyIncomplete("private exponent"))
        );
        assert_eq!(
            sign(&[0xC5; 16], &[3], b"x", RsaAaHash::Sha256),
            Err(Error::RsaModulusTooShort {
                bits: 128,
                hash_len: 32
            })
        );
    }
}
