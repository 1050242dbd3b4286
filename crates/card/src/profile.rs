//! Firmware profiles: a chip model's command set and limits as data (`firmware-profiles/*.toml`).
//! The encoder (`perso`) drives a chip from its profile alone; the virtual chip (`vchip`)
//! implements a profile from the same file. Adding a chip model needs Rust code only when it
//! brings a new command encoding (an enum variant below).

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::Path;

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

/// APDU size limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApduLimits {
    /// Extended Lc/Le accepted. Without it the chip answers an extended APDU with 6700.
    pub extended_length: bool,
    /// Largest plain command data field (Lc) the chip accepts.
    pub max_command_data: usize,
    /// Largest response data field the chip returns for one command.
    pub max_response_data: usize,
    /// Largest plain data per UPDATE BINARY when the command is sent under secure messaging
    /// (JMRTD: 223, so the wrapped command fits 255).
    pub max_command_data_sm: usize,
}

/// File limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    /// Largest EF the chip can create, in bytes.
    pub max_file_size: usize,
    /// Largest number of EFs.
    pub max_files: usize,
}

/// Non-volatile memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    /// Bytes available for EF contents and keys; a create or write past it fails with 6A84.
    pub capacity: usize,
    /// Bytes of allocation overhead per created file (header, FCP), counted against capacity.
    pub per_file_overhead: usize,
}

/// The chip's lifecycle and what it allows in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// What a terminal needs to read EFs BEFORE the lock: `plain` (the personalization terminal
    /// reads without access control) or `bac` (JMRTD: READ BINARY always needs BAC).
    pub read_before_lock: ReadAccess,
    /// SELECT of an EF after lock needs BAC/PACE (JMRTD: 6982 otherwise).
    pub select_after_lock_needs_access: bool,
}

/// Access condition for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadAccess {
    Plain,
    Bac,
}

/// Access and authentication protocols the chip offers after lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocols {
    pub bac: bool,
    pub pace: bool,
    pub active_authentication: bool,
    pub chip_authentication: bool,
}

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

/// A command header. Data layouts are fixed by the command's kind (documented per field of
/// [`Commands`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub cla: u8,
    pub ins: u8,
    #[serde(default)]
    pub p1: u8,
    #[serde(default)]
    pub p2: u8,
}

impl Header {
    /// A command with this header.
    pub fn command(&self) -> crate::apdu::Command {
        crate::apdu::Command::new(self.cla, self.ins, self.p1, self.p2)
    }
}

/// CREATE FILE data layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CreateFileFormat {
    /// JMRTD: `63 04 <size:2> <FID:2>`; the file is NOT selected afterwards.
    Jmrtd,
    /// ISO/IEC 7816-9 FCP: `62 L { 80 02 <size:2>, 83 02 <FID:2>, 88 01 <SFI << 3> }`; the
    /// created file becomes the current EF.
    Fcp,
}

/// MRZ / BAC secret layout for PUT DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MrzSecretFormat {
    /// `62 L { 04 L docNr, 04 06 DOB, 04 06 DOE }`: document number trimmed, upper case, no `<`
    /// padding; the chip computes the check digits, K_seed, K_Enc and K_MAC.
    JmrtdTag62,
}

/// The command set. Data layouts:
/// - `select_application`: data = AID.
/// - `select_file`: data = FID (2 bytes); Lc must be 2.
/// - `create_file`: see [`CreateFileFormat`].
/// - `update_binary`: even INS, offset in P1-P2 (≤ 32767), data = chunk.
/// - `update_binary_odd`: odd INS, P1-P2 = 0000, data = `54 02 <offset:2> 53 L <chunk>`.
/// - `read_binary`: even INS, P1-P2 offset (or P1 = 80|SFI, P2 = offset), Le.
/// - `read_binary_odd`: odd INS, data = `54 02 <offset:2>`, response `53 L <data>`.
/// - `put_mrz`: see [`MrzSecretFormat`].
/// - `put_aa_modulus` / `put_aa_private_exponent`: `60 L {04 L modulus}` / `61 L {04 L d}`, leading 00 stripped.
/// - `generate_aa_key` / `generate_ca_key`: no data, Le 00; response `7F49 L { 86 41 04 X Y }`.
/// - `put_can`: `65 L { 04 L <CAN digits> }` (ASCII, 6 digits for ICAO CANs); the chip keeps it
///   as a PACE password.
/// - `manage_security_environment` (INS 22; P1-P2 select the variant and are not part of the
///   header match): `C1 A4` MSE:Set AT for PACE (`80 OID, 83 password ref, [84 parameter ID]`),
///   `41 A4` MSE:Set AT for Chip Authentication with AES (`80 OID, [84 key ID]`), `41 A6`
///   MSE:Set KAT for Chip Authentication with 3DES (`91 PK_PCD, [84 key ID]`).
/// - `general_authenticate` (INS 86): dynamic authentication data `7C L { … }`; CLA `10` chains
///   the PACE steps, the last one goes with CLA `00`.
/// - `lock`: no data; irreversible switch to the operational state.
/// - `get_challenge`, `external_authenticate`, `internal_authenticate`: ICAO 9303-11.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    pub select_application: Header,
    pub select_file: Header,
    pub create_file: Header,
    pub create_file_format: CreateFileFormat,
    pub update_binary: Header,
    #[serde(default)]
    pub update_binary_odd: Option<Header>,
    pub read_binary: Header,
    #[serde(default)]
    pub read_binary_odd: Option<Header>,
    pub put_mrz: Header,
    pub put_mrz_format: MrzSecretFormat,
    #[serde(default)]
    pub put_aa_modulus: Option<Header>,
    #[serde(default)]
    pub put_aa_private_exponent: Option<Header>,
    #[serde(default)]
    pub generate_aa_key: Option<Header>,
    #[serde(default)]
    pub generate_ca_key: Option<Header>,
    #[serde(default)]
    pub put_can: Option<Header>,
    #[serde(default)]
    pub manage_security_environment: Option<Header>,
    #[serde(default)]
    pub general_authenticate: Option<Header>,
    pub lock: Header,
    pub get_challenge: Header,
    pub external_authenticate: Header,
    pub internal_authenticate: Header,
}

/// Parameters of the virtual chip's timing model (`--timing realistic`): a contact chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// Transfer rate on the contact interface, bits per second (both directions).
    pub transfer_rate_bps: u32,
    /// Fixed processing time per APDU, microseconds.
    pub command_overhead_us: u32,
    /// EEPROM page size in bytes; writes cost whole pages.
    pub eeprom_page_size: usize,
    /// Time to erase and write one EEPROM page, microseconds.
    pub eeprom_page_write_us: u32,
    /// One Active Authentication signature, microseconds.
    pub aa_sign_us: u32,
    /// One on-chip key pair generation, microseconds (0 when keys are injected).
    pub keygen_us: u32,
    /// One EC scalar multiplication on the chip (PACE, Chip Authentication), microseconds.
    #[serde(default)]
    pub ecdh_us: u32,
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

    /// Consistency rules a hand-edited profile could break.
    fn validate(&self) -> Result<(), String> {
        let a = &self.apdu;
        if self.aid.is_empty() || self.aid.len() > 16 {
            return Err("aid must be 1..16 bytes".into());
        }
        if self.atr.len() < 2 || self.atr.len() > 33 {
            return Err("atr must be 2..33 bytes".into());
        }
        let short_ok = |n: usize, max: usize| n >= 1 && n <= max;
        let (cmax, rmax) = if a.extended_length {
            (65_535, 65_536)
        } else {
            (255, 256)
        };
        if !short_ok(a.max_command_data, cmax) || !short_ok(a.max_response_data, rmax) {
            return Err(format!(
                "apdu limits exceed what {} APDUs carry",
                if a.extended_length {
                    "extended"
                } else {
                    "short"
                }
            ));
        }
        if a.max_command_data_sm == 0 || a.max_command_data_sm > a.max_command_data {
            return Err("apdu.max_command_data_sm must be 1..=max_command_data".into());
        }
        if self.files.max_file_size == 0 || self.files.max_file_size > 65_535 {
            return Err("files.max_file_size must be 1..=65535".into());
        }
        if self.files.max_file_size > 32_767
            && (self.commands.update_binary_odd.is_none()
                || self.commands.read_binary_odd.is_none())
        {
            return Err(
                "files larger than 32767 bytes need update_binary_odd and read_binary_odd".into(),
            );
        }
        match self.algorithms.aa_key_provisioning {
            KeyProvisioning::Inject => {
                if self.commands.put_aa_modulus.is_none()
                    || self.commands.put_aa_private_exponent.is_none()
                {
                    return Err("aa_key_provisioning = inject needs put_aa_modulus and put_aa_private_exponent".into());
                }
                if !matches!(
                    self.algorithms.active_authentication,
                    AaAlgorithm::RsaIso9796_2 { .. }
                ) {
                    return Err("key injection is defined for RSA keys only".into());
                }
            }
            KeyProvisioning::GenerateOnChip => {
                if self.commands.generate_aa_key.is_none() {
                    return Err(
                        "aa_key_provisioning = generate-on-chip needs generate_aa_key".into(),
                    );
                }
            }
        }
        if self.algorithms.chip_authentication.is_some() && self.commands.generate_ca_key.is_none()
        {
            return Err("chip_authentication needs generate_ca_key".into());
        }
        self.validate_pace()?;
        if self.timing.transfer_rate_bps == 0 || self.timing.eeprom_page_size == 0 {
            return Err("timing.transfer_rate_bps and timing.eeprom_page_size must be > 0".into());
        }
        Ok(())
    }

    /// PACE and Chip Authentication need their commands and a consistent `[pace]` section.
    fn validate_pace(&self) -> Result<(), String> {
        let c = &self.commands;
        let auth_commands =
            c.manage_security_environment.is_some() && c.general_authenticate.is_some();
        if self.protocols.chip_authentication {
            if self.algorithms.chip_authentication.is_none() {
                return Err(
                    "protocols.chip_authentication needs algorithms.chip_authentication".into(),
                );
            }
            if !auth_commands {
                return Err("chip_authentication needs manage_security_environment and general_authenticate".into());
            }
        }
        match (&self.pace, self.protocols.pace) {
            (None, true) => return Err("protocols.pace needs a [pace] section".into()),
            (Some(_), false) => {
                return Err("a [pace] section needs protocols.pace = true".into());
            }
            (None, false) => return Ok(()),
            (Some(_), true) => {}
        }
        let Some(pace) = &self.pace else {
            return Ok(());
        };
        if !auth_commands {
            return Err("pace needs manage_security_environment and general_authenticate".into());
        }
        if pace.offers.is_empty() {
            return Err("pace.offers is empty".into());
        }
        for offer in &pace.offers {
            offer.params().map_err(|e| format!("pace.offers: {e}"))?;
            let cipher = offer.protocol.cipher_name();
            if !self.algorithms.secure_messaging.iter().any(|c| c == cipher) {
                return Err(format!(
                    "pace.offers uses {cipher}, which algorithms.secure_messaging does not list"
                ));
            }
        }
        if pace.passwords.is_empty() {
            return Err("pace.passwords is empty".into());
        }
        if pace.passwords.contains(&PacePassword::Can) && c.put_can.is_none() {
            return Err("a CAN password needs the put_can command".into());
        }
        for (name, retry) in [("can_retry", pace.can_retry), ("mrz_retry", pace.mrz_retry)] {
            pace::RetryCounter::new(retry.policy()).map_err(|e| format!("pace.{name}: {e}"))?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    const JMRTD: &str = include_str!("../../../firmware-profiles/jmrtd-applet.toml");
    const CCCD: &str = include_str!("../../../firmware-profiles/cccd-chip.toml");

    #[test]
    fn shipped_profiles_load() {
        let j = Profile::from_toml(JMRTD, "jmrtd-applet.toml").unwrap();
        assert_eq!(j.aid, hex::decode("A0000002471001").unwrap());
        assert!(!j.apdu.extended_length);
        assert_eq!(j.apdu.max_command_data, 255);
        assert_eq!(j.max_read_sm(), 231);
        let c = Profile::from_toml(CCCD, "cccd-chip.toml").unwrap();
        assert!(c.apdu.extended_length);
        assert_eq!(
            c.algorithms.aa_key_provisioning,
            KeyProvisioning::GenerateOnChip
        );
    }

    #[test]
    fn inconsistent_profiles_are_rejected() {
        for (from, to, why) in [
            (
                "max_command_data = 255",
                "max_command_data = 300",
                "short limits",
            ),
            ("aid = \"A0000002471001\"", "aid = \"XY\"", "bad hex"),
            (
                "max_file_size = 32767",
                "max_file_size = 40000",
                "odd INS missing",
            ),
            ("name = ", "nom = ", "unknown field"),
        ] {
            assert!(JMRTD.contains(from), "{from}");
            let text = JMRTD.replacen(from, to, 1);
            let e = Profile::from_toml(&text, "x.toml").unwrap_err();
            assert!(
                e.to_string().starts_with("firmware profile x.toml:"),
                "{why}: {e}"
            );
        }
        assert!(Profile::load(Path::new("/nonexistent/profile.toml")).is_err());
    }

    /// A hand-edited PACE or CA section that the chip could not honour is refused with the
    /// field named.
    #[test]
    fn inconsistent_pace_and_ca_settings_are_rejected() {
        for (from, to, why) in [
            ("pace = true", "pace = false", "needs protocols.pace = true"),
            ("parameter_id = 13 }", "parameter_id = 99 }", "pace.offers"),
            (
                r#"secure_messaging = ["3des", "aes-128", "aes-256"]"#,
                r#"secure_messaging = ["3des", "aes-128"]"#,
                "aes-256, which algorithms.secure_messaging does not list",
            ),
            (
                "can_retry = { max_attempts = 10 }",
                "can_retry = { max_attempts = 0 }",
                "pace.can_retry",
            ),
            (
                "can_retry = { max_attempts = 10 }",
                "can_retry = { suspend_at = 1 }",
                "pace.can_retry",
            ),
            (
                r#"passwords = ["can", "mrz"]"#,
                "passwords = []",
                "pace.passwords is empty",
            ),
            ("put_can = {", "# put_can = {", "put_can"),
            (
                "general_authenticate = {",
                "# general_authenticate = {",
                "general_authenticate",
            ),
            (
                r#"chip_authentication = { kind = "ecdh-p256" }"#,
                "",
                "needs algorithms.chip_authentication",
            ),
            (
                r#"{ protocol = "ecdh-gm-aes-128", parameter_id = 13 },"#,
                r#"{ protocol = "ecdh-gm-aes-512", parameter_id = 13 },"#,
                "unknown variant",
            ),
        ] {
            assert!(CCCD.contains(from), "{from}");
            let text = CCCD.replacen(from, to, 1);
            let e = Profile::from_toml(&text, "x.toml").unwrap_err().to_string();
            assert!(e.contains(why), "{why}: {e}");
        }
        // Without a [pace] section and with PACE off, a profile is fine (the JMRTD applet).
        let j = Profile::from_toml(JMRTD, "jmrtd-applet.toml").unwrap();
        assert!(j.pace_offers().is_empty() && j.pace_choices().is_empty());
        let c = Profile::from_toml(CCCD, "cccd-chip.toml").unwrap();
        assert_eq!(c.pace_offers().len(), 3);
        assert_eq!(c.pace_choices()[0].parameter_id, 13);
    }
}
