//! The command set: one [`Header`] per command kind, and the data layouts each kind implies
//! (documented on [`Commands`]). The encoder builds its APDUs and the virtual chip dispatches on
//! these headers, so a new chip model with the same layouts needs no code.

use serde::{Deserialize, Serialize};

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
