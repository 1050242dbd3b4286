//! What the chip model is, apart from its commands: APDU and file limits, memory, lifecycle
//! rules, the protocols it offers and the timing model of the virtual chip. Plain data; the
//! rules tying these fields together are in `validate`.

use serde::{Deserialize, Serialize};

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
