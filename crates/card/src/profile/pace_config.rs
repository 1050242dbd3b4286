//! The `[pace]` section of a profile: the PACEInfos EF.CardAccess offers, the passwords the chip
//! accepts and their retry counters, with the mapping to the `pace` crate's parameter and policy
//! types. Separate because it is the one section that names protocol OIDs.

use serde::{Deserialize, Serialize};

/// The chip's PACE configuration (ICAO 9303-11 §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaceConfig {
    /// The PACEInfos personalization writes to EF.CardAccess (and DG14), preferred first; the
    /// chip accepts MSE:Set AT for exactly these.
    pub offers: Vec<PaceOffer>,
    /// The passwords the chip accepts: `mrz` (from the MRZ secret of PUT DATA 62) and `can`
    /// (PUT DATA 65).
    pub passwords: Vec<PacePassword>,
    /// Failure counter of the CAN; absent fields = no counter (the ICAO default).
    #[serde(default)]
    pub can_retry: RetryConfig,
    /// Failure counter of the MRZ password.
    #[serde(default)]
    pub mrz_retry: RetryConfig,
}

/// One PACEInfo: a protocol and a standardized domain parameter ID (Part 11 §9.5.1: 12 = NIST
/// P-256, 13 = brainpoolP256r1, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaceOffer {
    pub protocol: PaceProtocol,
    pub parameter_id: u64,
}

/// PACE protocols the profile format names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaceProtocol {
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-128.
    #[serde(rename = "ecdh-gm-aes-128")]
    EcdhGmAes128,
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-192.
    #[serde(rename = "ecdh-gm-aes-192")]
    EcdhGmAes192,
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-256.
    #[serde(rename = "ecdh-gm-aes-256")]
    EcdhGmAes256,
    /// id-PACE-ECDH-IM-AES-CBC-CMAC-128.
    #[serde(rename = "ecdh-im-aes-128")]
    EcdhImAes128,
}

impl PaceProtocol {
    /// The protocol OID's content octets.
    pub fn oid(self) -> &'static [u8] {
        use pace::params::*;
        match self {
            PaceProtocol::EcdhGmAes128 => ID_PACE_ECDH_GM_AES_128,
            PaceProtocol::EcdhGmAes192 => ID_PACE_ECDH_GM_AES_192,
            PaceProtocol::EcdhGmAes256 => ID_PACE_ECDH_GM_AES_256,
            PaceProtocol::EcdhImAes128 => ID_PACE_ECDH_IM_AES_128,
        }
    }

    /// The secure-messaging cipher it ends in, as `algorithms.secure_messaging` names it.
    pub fn cipher_name(self) -> &'static str {
        match self {
            PaceProtocol::EcdhGmAes128 | PaceProtocol::EcdhImAes128 => "aes-128",
            PaceProtocol::EcdhGmAes192 => "aes-192",
            PaceProtocol::EcdhGmAes256 => "aes-256",
        }
    }
}

impl PaceOffer {
    /// The parameter set `pace` runs.
    pub fn params(&self) -> Result<pace::PaceParams, pace::Error> {
        pace::PaceParams::new(self.protocol.oid(), self.parameter_id)
    }
}

/// A PACE password kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PacePassword {
    Mrz,
    Can,
}

/// A password's failure counter, as `pace::RetryPolicy` models it: `max_attempts` failed
/// attempts before the password is blocked (none = unlimited), optionally suspended at
/// `suspend_at` remaining attempts until a PACE with the CAN succeeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryConfig {
    #[serde(default)]
    pub max_attempts: Option<u8>,
    #[serde(default)]
    pub suspend_at: Option<u8>,
}

impl RetryConfig {
    pub fn policy(&self) -> pace::RetryPolicy {
        pace::RetryPolicy {
            max_attempts: self.max_attempts,
            suspend_at: self.suspend_at,
        }
    }
}
