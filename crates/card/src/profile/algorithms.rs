//! The cryptography a chip model uses: secure-messaging ciphers, the Active Authentication and
//! Chip Authentication algorithms, and whether keys are injected or generated on the chip
//! (which decides the personalization commands the profile must name).

use serde::{Deserialize, Serialize};

/// Algorithms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Algorithms {
    /// Secure-messaging ciphers, e.g. `["3des"]`, `["3des", "aes-128"]`.
    pub secure_messaging: Vec<String>,
    /// The Active Authentication key.
    pub active_authentication: AaAlgorithm,
    /// How the AA key gets onto the chip.
    pub aa_key_provisioning: KeyProvisioning,
    /// Chip Authentication key (DG14), if the chip has one.
    #[serde(default)]
    pub chip_authentication: Option<CaAlgorithm>,
}

/// Active Authentication algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AaAlgorithm {
    /// RSA, ISO/IEC 9796-2 digital signature scheme 1 (partial recovery).
    RsaIso9796_2 { key_bits: usize, hash: HashAlg },
    /// ECDSA on NIST P-256, plain r||s (BSI TR-03111), over RND.IFD.
    EcdsaP256 { hash: HashAlg },
}

/// Chip Authentication algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CaAlgorithm {
    /// ECDH on NIST P-256, key generated on the chip.
    EcdhP256,
}

/// Hash functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlg {
    Sha1,
    Sha256,
}

/// How a key pair reaches the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyProvisioning {
    /// Generated on the host, injected with PUT DATA, then zeroized on the host (JMRTD).
    Inject,
    /// GENERATE ASYMMETRIC KEY PAIR on the chip; only the public key leaves it.
    GenerateOnChip,
}
