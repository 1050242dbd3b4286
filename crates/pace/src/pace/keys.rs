//! The session keys a PACE run (or Chip Authentication) ends with, and the authentication token
//! computed with them. Separate from the two role state machines because `ca` and `sm` use the
//! keys too, without any PACE run.

use crate::ec::EcPoint;
use crate::error::{Error, Result};
use crate::sym::{Cipher, KDF_ENC, KDF_MAC, SecretBytes, aes_cmac8, kdf};
use crate::tlv::public_key_data_object;

/// Session keys K_enc and K_mac of a secure-messaging session, derived from a shared secret
/// with KDF counters 1 and 2. Zeroized on drop; `Debug` is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKeys {
    cipher: Cipher,
    k_enc: SecretBytes,
    k_mac: SecretBytes,
}

impl SessionKeys {
    /// `K_enc = KDF(K, 1)`, `K_mac = KDF(K, 2)` for `cipher`.
    pub fn derive(shared_secret: &[u8], cipher: Cipher) -> Self {
        SessionKeys {
            cipher,
            k_enc: kdf(shared_secret, KDF_ENC, cipher),
            k_mac: kdf(shared_secret, KDF_MAC, cipher),
        }
    }

    /// Builds keys from known values (e.g. a vector); lengths must match the cipher.
    pub fn from_keys(cipher: Cipher, k_enc: &[u8], k_mac: &[u8]) -> Result<Self> {
        for (what, k) in [("K_enc", k_enc), ("K_mac", k_mac)] {
            if k.len() != cipher.key_len() {
                return Err(Error::BadLength {
                    what,
                    expected: cipher.key_len().to_string(),
                    actual: k.len(),
                });
            }
        }
        Ok(SessionKeys {
            cipher,
            k_enc: SecretBytes::new(k_enc.to_vec()),
            k_mac: SecretBytes::new(k_mac.to_vec()),
        })
    }

    /// The cipher these keys are for.
    pub fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// The encryption key K_enc.
    pub fn k_enc(&self) -> &[u8] {
        self.k_enc.as_bytes()
    }

    /// The MAC key K_mac.
    pub fn k_mac(&self) -> &[u8] {
        self.k_mac.as_bytes()
    }
}

/// Authentication token `T = MAC(K_mac, 7F49{06 OID, 86 PK})` truncated to 8 bytes, computed
/// over the *other* party's ephemeral public key (AES-CMAC; ICAO 9303-11 §4.4.3.4).
pub fn authentication_token(
    keys: &SessionKeys,
    protocol_oid: &[u8],
    peer_ephemeral: &EcPoint,
) -> Result<[u8; 8]> {
    aes_cmac8(
        keys.k_mac(),
        &public_key_data_object(protocol_oid, peer_ephemeral),
    )
}
