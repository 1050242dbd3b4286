//! Decoding a file whose kind is known only from its first byte (`cccd lds dump`).

use crate::FileId;
use crate::com::Com;
use crate::dg1::Dg1;
use crate::dg2::Dg2;
use crate::dg13::Dg13;
use crate::error::LdsError;
use crate::security_infos::{Dg15, SecurityInfos};

/// A decoded LDS file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdsFile {
    Com(Com),
    Dg1(Dg1),
    Dg2(Dg2),
    Dg13(Dg13),
    Dg14(SecurityInfos),
    Dg15(Dg15),
    CardAccess(SecurityInfos),
}

impl LdsFile {
    /// Decodes EF.COM, DG1, DG2, DG13, DG14, DG15 (by their LDS tag) or EF.CardAccess (a bare
    /// SET, `31`).
    pub fn decode(bytes: &[u8]) -> Result<LdsFile, LdsError> {
        match bytes.first() {
            None => Err(LdsError::tlv(0, "empty file")),
            Some(0x60) => Com::decode(bytes).map(LdsFile::Com),
            Some(0x61) => Dg1::decode(bytes).map(LdsFile::Dg1),
            Some(0x75) => Dg2::decode(bytes).map(LdsFile::Dg2),
            Some(0x6D) => Dg13::decode(bytes).map(LdsFile::Dg13),
            Some(0x6E) => SecurityInfos::decode_dg14(bytes).map(LdsFile::Dg14),
            Some(0x6F) => Dg15::decode(bytes).map(LdsFile::Dg15),
            Some(0x31) => SecurityInfos::decode_card_access(bytes).map(LdsFile::CardAccess),
            Some(t) => Err(LdsError::tlv(
                0,
                format!(
                    "tag {t:02X} is not a file this tool decodes{}",
                    FileId::from_tag(*t)
                        .map(|f| format!(" ({f})"))
                        .unwrap_or_default()
                ),
            )),
        }
    }

    pub fn id(&self) -> FileId {
        match self {
            LdsFile::Com(_) => FileId::Com,
            LdsFile::Dg1(_) => FileId::Dg1,
            LdsFile::Dg2(_) => FileId::Dg2,
            LdsFile::Dg13(_) => FileId::Dg13,
            LdsFile::Dg14(_) => FileId::Dg14,
            LdsFile::Dg15(_) => FileId::Dg15,
            LdsFile::CardAccess(_) => FileId::CardAccess,
        }
    }

    /// Re-encodes the file (byte-exact for anything [`LdsFile::decode`] accepted).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            LdsFile::Com(c) => c.encode(),
            LdsFile::Dg1(d) => d.encode(),
            LdsFile::Dg2(d) => d.encode(),
            LdsFile::Dg13(d) => d.encode(),
            LdsFile::Dg14(s) => s.encode_dg14(),
            LdsFile::Dg15(d) => d.encode(),
            LdsFile::CardAccess(s) => s.encode(),
        }
    }
}
