//! The validated citizen record and its small value types.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Sex as the registry records it and the MRZ prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

/// Which card design and which validity law apply to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CardGeneration {
    /// Chip-based Citizen Identity Card, Circular 06/2021/TT-BCA, Law on Citizen Identification 2014.
    #[serde(rename = "cccd-2021")]
    Cccd2021,
    /// Căn cước card, Circular 16/2024/TT-BCA, Law on Identity 2023.
    #[serde(rename = "cancuoc-2024")]
    Cancuoc2024,
}

impl CardGeneration {
    /// The name used in record files.
    pub fn as_str(self) -> &'static str {
        match self {
            CardGeneration::Cccd2021 => "cccd-2021",
            CardGeneration::Cancuoc2024 => "cancuoc-2024",
        }
    }
}

/// The card's expiry: a date, or none ("Không thời hạn", issued at age 58 or later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expiry {
    On(NaiveDate),
    Never,
}

/// Encoding of the portrait, recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhotoFormat {
    Jpeg,
    Jpeg2000,
}

/// The portrait as read from disk and checked: the bytes go into DG2 and onto the printed card.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    /// Where it was read from (already resolved against the record file's folder).
    pub path: PathBuf,
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Photo {
    // The bytes are large and say nothing to a human reading a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photo")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A validated citizen record. All text is NFC-normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 12 digits: province/country code (3), sex+century digit, birth year (2), 6 random digits.
    pub id_number: String,
    /// Family name first, Vietnamese with diacritics.
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    /// ICAO 3-letter code; `VNM` for every citizen.
    pub nationality: String,
    pub ethnicity: String,
    pub religion: String,
    pub place_of_origin: String,
    pub place_of_residence: String,
    pub identifying_features: String,
    pub date_of_issue: NaiveDate,
    /// Given or computed from the card generation's rules.
    pub date_of_expiry: Expiry,
    pub father_name: Option<String>,
    pub mother_name: Option<String>,
    pub spouse_name: Option<String>,
    /// The old 9-digit CMND number, when the citizen had one.
    pub old_id_number: Option<String>,
    /// None only where the card has no photo (the 2024 card for children under 6).
    pub photo: Option<Photo>,
    pub card_generation: CardGeneration,
}
