//! The chip's persistent state (its EEPROM): lifecycle, files, access secrets (the MRZ hash, the
//! PACE CAN), the PACE retry counters, private keys, and the chip image file that stands in for
//! it between processes.
//!
//! The retry counters live here, not in the volatile session, because a counter that came back
//! with every power cycle would give a skimmer unlimited guesses: the chip decrements one at
//! MSE:Set AT and writes it before the nonce leaves the chip. Fields added after the first image
//! format (`can`, `pace_counters`) have serde defaults, so older images still load.
//!
//! The image is test infrastructure, not a product format: it holds the chip's PRIVATE KEYS in
//! clear (as the EEPROM of a real chip does), so it is written with mode 0600, atomically
//! (temporary file, fsync, rename), and must be treated as secret.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::fs::FileSystem;
use crate::keys::{EcKey, KeyError, RsaAaKey, zeroizing_hex};

/// The two lifecycle states. The transition is one command and cannot be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// Personalization commands allowed.
    Personalization,
    /// Locked: personalization commands answer 6985; reading needs BAC.
    Operational,
}

/// Everything a chip keeps across power cycles.
#[derive(Clone, Serialize, Deserialize)]
pub struct PersistentState {
    pub lifecycle: Lifecycle,
    pub fs: FileSystem,
    /// SHA-1 of MRZ_information (20 bytes): its first 16 bytes are the BAC key seed; PACE with
    /// an MRZ password uses all 20.
    #[serde(with = "opt_secret")]
    pub mrz_hash: Option<Zeroizing<Vec<u8>>>,
    /// RSA AA key injected by the personalization terminal (JMRTD profile).
    pub rsa_aa: Option<RsaAaKey>,
    /// ECDSA P-256 AA key generated on the chip.
    #[serde(with = "opt_ec")]
    pub ec_aa: Option<EcKey>,
    /// ECDH P-256 Chip Authentication key generated on the chip.
    #[serde(with = "opt_ec")]
    pub ca_key: Option<EcKey>,
    /// The PACE password CAN (6 ASCII digits) from PUT DATA 65; anyone who knows it can open a
    /// PACE session, so it is as secret as the MRZ hash.
    #[serde(default, with = "opt_text_secret")]
    pub can: Option<Zeroizing<String>>,
    /// Remaining attempts of the PACE passwords that have a failure counter, by password name
    /// (`"can"`, `"mrz"`); a password without an entry has its full count (or no counter).
    #[serde(default)]
    pub pace_counters: BTreeMap<String, u8>,
}

impl std::fmt::Debug for PersistentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersistentState")
            .field("lifecycle", &self.lifecycle)
            .field("files", &self.fs.files().map(|e| e.fid).collect::<Vec<_>>())
            .field("mrz_hash", &self.mrz_hash.as_ref().map(|_| "<redacted>"))
            .field("rsa_aa", &self.rsa_aa)
            .field("ec_aa", &self.ec_aa)
            .field("ca_key", &self.ca_key)
            .field("can", &self.can.as_ref().map(|_| "<redacted>"))
            .field("pace_counters", &self.pace_counters)
            .finish()
    }
}

impl PersistentState {
    /// A blank chip fresh from the fab: personalization state, no files, no keys.
    pub fn blank(capacity: Option<usize>, per_file_overhead: usize) -> Self {
        Self {
            lifecycle: Lifecycle::Personalization,
            fs: FileSystem::new(capacity, per_file_overhead),
            mrz_hash: None,
            rsa_aa: None,
            ec_aa: None,
            ca_key: None,
            can: None,
            pace_counters: BTreeMap::new(),
        }
    }

    /// EEPROM bytes the keys and secrets take. The retry counters are not counted: a chip keeps
    /// them in reserved system memory, so a full file area can never stop one being written.
    pub fn key_bytes(&self) -> usize {
        let rsa = self
            .rsa_aa
            .as_ref()
            .map_or(0, |k| k.modulus.len() + k.private_exponent.len());
        let ec = |k: &Option<EcKey>| if k.is_some() { 32 + 65 } else { 0 };
        rsa + ec(&self.ec_aa)
            + ec(&self.ca_key)
            + self.mrz_hash.as_ref().map_or(0, |h| h.len())
            + self.can.as_ref().map_or(0, |c| c.len())
    }
}

/// The image file: a versioned JSON object naming the profile it was made for.
#[derive(Serialize, Deserialize)]
struct ImageFile {
    version: u32,
    profile: String,
    chip: PersistentState,
}

const IMAGE_VERSION: u32 = 1;

/// Writes `state` as the image of a chip of profile `profile` to `path`, mode 0600, atomically.
pub fn save_image(path: &Path, profile: &str, state: &PersistentState) -> Result<(), Error> {
    let image_err = |reason: String| Error::Image {
        path: path.to_path_buf(),
        reason,
    };
    let json = Zeroizing::new(
        serde_json::to_vec_pretty(&ImageFile {
            version: IMAGE_VERSION,
            profile: profile.to_string(),
            chip: state.clone(),
        })
        .map_err(|e| image_err(format!("encoding: {e}")))?,
    );
    let file_name = path
        .file_name()
        .ok_or_else(|| image_err("not a file path".into()))?
        .to_string_lossy()
        .into_owned();
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        image_err(format!("writing: {e}"))
    })
}

/// Reads a chip image; it must have been made for `profile`.
pub fn load_image(path: &Path, profile: &str) -> Result<PersistentState, Error> {
    let image_err = |reason: String| Error::Image {
        path: path.to_path_buf(),
        reason,
    };
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| image_err(format!("reading: {e}")))?);
    let image: ImageFile =
        serde_json::from_slice(&bytes).map_err(|e| image_err(format!("not a chip image: {e}")))?;
    if image.version != IMAGE_VERSION {
        return Err(image_err(format!(
            "image version {} is not {IMAGE_VERSION}",
            image.version
        )));
    }
    if image.profile != profile {
        return Err(image_err(format!(
            "made for profile {:?}, not {profile:?}",
            image.profile
        )));
    }
    Ok(image.chip)
}

mod opt_secret {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        v: &Option<Zeroizing<Vec<u8>>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => zeroizing_hex::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(Zeroizing::new)
            .map(|t| {
                hex::decode(t.as_str())
                    .map(Zeroizing::new)
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// An optional secret text (the CAN): a JSON string, zeroized buffers.
mod opt_text_secret {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        v: &Option<Zeroizing<String>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Zeroizing<String>>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Zeroizing::new))
    }
}

mod opt_ec {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<EcKey>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(k) => zeroizing_hex::serialize(&k.scalar(), s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EcKey>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(Zeroizing::new)
            .map(|t| {
                let d = Zeroizing::new(hex::decode(t.as_str()).map_err(serde::de::Error::custom)?);
                EcKey::from_scalar(&d)
                    .map_err(|e: KeyError| serde::de::Error::custom(e.to_string()))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chip.json");
        let mut st = PersistentState::blank(Some(1000), 0);
        st.fs.create(0x011E, 3, Some(0x1E), 0).unwrap();
        st.fs.write(0x011E, 0, &[0x60, 1, 0]).unwrap();
        st.mrz_hash = Some(Zeroizing::new(vec![7; 20]));
        st.ec_aa = Some(EcKey::generate());
        st.lifecycle = Lifecycle::Operational;
        save_image(&path, "cccd-chip", &st).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let back = load_image(&path, "cccd-chip").unwrap();
        assert_eq!(back.lifecycle, Lifecycle::Operational);
        assert_eq!(back.fs, st.fs);
        assert_eq!(back.mrz_hash.as_deref(), st.mrz_hash.as_deref());
        assert_eq!(
            back.ec_aa.unwrap().public_point(),
            st.ec_aa.as_ref().unwrap().public_point()
        );
        assert!(back.ca_key.is_none() && back.rsa_aa.is_none());
        assert!(format!("{st:?}").contains("redacted"));
    }

    #[test]
    fn can_and_pace_counters_round_trip_and_older_images_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chip.json");
        let mut st = PersistentState::blank(Some(1000), 0);
        st.can = Some(Zeroizing::new("731946".to_string()));
        st.pace_counters.insert("can".into(), 7);
        assert_eq!(
            st.key_bytes(),
            6,
            "the CAN takes EEPROM like the other secrets"
        );
        save_image(&path, "cccd-chip", &st).unwrap();
        let back = load_image(&path, "cccd-chip").unwrap();
        assert_eq!(back.can.as_deref().map(String::as_str), Some("731946"));
        assert_eq!(back.pace_counters.get("can"), Some(&7));
        assert!(!format!("{st:?}").contains("731946"));

        // An image written before PACE: no `can`, no `pace_counters`.
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let chip = json["chip"].as_object_mut().unwrap();
        chip.remove("can");
        chip.remove("pace_counters");
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        let old = load_image(&path, "cccd-chip").unwrap();
        assert!(old.can.is_none() && old.pace_counters.is_empty());
    }

    #[test]
    fn bad_images_are_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chip.json");
        save_image(&path, "cccd-chip", &PersistentState::blank(None, 0)).unwrap();
        let e = load_image(&path, "jmrtd-applet").unwrap_err().to_string();
        assert!(e.contains("made for profile \"cccd-chip\""), "{e}");
        std::fs::write(&path, b"{\"version\": 1}").unwrap();
        assert!(
            load_image(&path, "cccd-chip")
                .unwrap_err()
                .to_string()
                .contains("not a chip image")
        );
        let text =
            serde_json::to_string(&serde_json::json!({"version": 9, "profile": "x", "chip": {}}))
                .unwrap();
        std::fs::write(&path, text).unwrap();
        assert!(load_image(&path, "x").is_err());
        assert!(
            load_image(&dir.path().join("absent"), "x")
                .unwrap_err()
                .to_string()
                .contains("reading")
        );
        assert!(
            save_image(
                &dir.path().join("no/such/dir/x"),
                "x",
                &PersistentState::blank(None, 0)
            )
            .is_err()
        );
    }
}
