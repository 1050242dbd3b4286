//! Firmware profiles: a chip model's command set and limits as data (`firmware-profiles/*.toml`).
//! The encoder (`perso`) drives a chip from its profile alone; the virtual chip (`vchip`)
//! implements a profile from the same file. Adding a chip model needs Rust code only when it
//! brings a new command encoding (an enum variant in `commands` or `algorithms`).
//!
//! | module | holds |
//! |---|---|
//! | (here) | [`Profile`], loading it from TOML, what callers derive from it |
//! | `limits` | the chip's sizes, lifecycle, protocols and timing model |
//! | `algorithms` | the AA and CA algorithms and how keys reach the chip |
//! | `commands` | the command headers and the data layouts they imply |
//! | `pace_config` | the `[pace]` section: PACEInfos, passwords, retry counters |
//! | `validate` | the consistency rules a hand-edited profile could break |

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod algorithms;
mod commands;
mod limits;
mod pace_config;
mod validate;

pub use algorithms::{AaAlgorithm, Algorithms, CaAlgorithm, HashAlg, KeyProvisioning};
pub use commands::{Commands, CreateFileFormat, Header, MrzSecretFormat};
pub use limits::{ApduLimits, FileLimits, Lifecycle, Memory, Protocols, ReadAccess, Timing};
pub use pace_config::{PaceConfig, PaceOffer, PacePassword, PaceProtocol, RetryConfig};

/// A firmware profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name, e.g. `jmrtd-applet`.
    pub name: String,
    pub description: String,
    /// eMRTD application identifier, hex (`A0000002471001`).
    #[serde(with = "hex_bytes")]
    pub aid: Vec<u8>,
    /// Answer-to-reset the (virtual) chip presents, hex.
    #[serde(with = "hex_bytes")]
    pub atr: Vec<u8>,
    pub apdu: ApduLimits,
    pub files: FileLimits,
    pub memory: Memory,
    pub lifecycle: Lifecycle,
    pub protocols: Protocols,
    pub algorithms: Algorithms,
    /// PACE: what EF.CardAccess offers, which passwords the chip knows, their retry counters.
    /// Required when `protocols.pace` is true.
    #[serde(default)]
    pub pace: Option<PaceConfig>,
    pub commands: Commands,
    pub timing: Timing,
}

impl Profile {
    /// Parses a profile from TOML text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, Error> {
        let p: Profile = toml::from_str(text).map_err(|e| Error::Profile {
            path: origin.to_string(),
            reason: e.to_string(),
        })?;
        p.validate().map_err(|reason| Error::Profile {
            path: origin.to_string(),
            reason,
        })?;
        Ok(p)
    }

    /// Loads a profile file.
    pub fn load(path: &Path) -> Result<Profile, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Profile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Profile::from_toml(&text, &path.display().to_string())
    }

    /// The PACEInfos EF.CardAccess carries for this profile (empty without PACE).
    pub fn pace_offers(&self) -> &[PaceOffer] {
        self.pace.as_ref().map_or(&[], |p| p.offers.as_slice())
    }

    /// The PACEInfos to build EF.CardAccess (and DG14) with, in the profile's order.
    pub fn pace_choices(&self) -> Vec<lds::PaceChoice> {
        self.pace_offers()
            .iter()
            .map(|o| lds::PaceChoice {
                protocol: o.protocol.oid().to_vec(),
                parameter_id: o.parameter_id,
            })
            .collect()
    }

    /// Largest plain response data per READ BINARY under secure messaging (3DES), such that the
    /// wrapped response still fits `max_response_data` (231 for a short-APDU chip).
    pub fn max_read_sm(&self) -> usize {
        crate::sm::max_plain_for(self.apdu.max_response_data, 8)
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode_upper(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        hex::decode(&compact).map_err(serde::de::Error::custom)
    }
}
