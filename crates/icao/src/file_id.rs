//! The elementary files of the LDS1 eMRTD application and EF.CardAccess of the master file
//! (Doc 9303 Part 10 §4.7, Table 38): file identifier, short EF identifier, LDS tag and name, in
//! one table.
//!
//! The LDS builder names its outputs with it, the reader selects and reads by it, the virtual
//! chip lays out its file system with it, and EF.COM's tag list and EF.SOD's data group hashes
//! refer to files by their tag or number: all of them must agree, so there is one table.

use std::fmt;

/// The application identifier of the LDS1 eMRTD application (Doc 9303 Part 10), selected with
/// `SELECT` by DF name (`00 A4 04 0C 07 A0000002471001`) before any data group is read.
pub const EMRTD_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];

/// An eMRTD file. EF.CardAccess lives in the MF; the others in the eMRTD application.
///
/// The order (derived `Ord`) is the order personalization writes them and Table 38 lists them:
/// EF.COM, DG1..DG16, EF.SOD, EF.CardAccess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileId {
    Com,
    Dg1,
    Dg2,
    Dg3,
    Dg4,
    Dg5,
    Dg6,
    Dg7,
    Dg8,
    Dg9,
    Dg10,
    Dg11,
    Dg12,
    Dg13,
    Dg14,
    Dg15,
    Dg16,
    Sod,
    CardAccess,
}

/// One row of Table 38.
struct Row {
    fid: u16,
    /// The tag of the file's outer TLV; `None` for EF.CardAccess (a bare SecurityInfos).
    tag: Option<u8>,
    name: &'static str,
}

const fn row(fid: u16, tag: u8, name: &'static str) -> Row {
    Row {
        fid,
        tag: Some(tag),
        name,
    }
}

/// Indexed by `FileId as usize`. The SFI is the low five bits of the FID for every file here.
const TABLE: [Row; 19] = [
    row(0x011E, 0x60, "EF.COM"),
    row(0x0101, 0x61, "DG1"),
    row(0x0102, 0x75, "DG2"),
    row(0x0103, 0x63, "DG3"),
    row(0x0104, 0x76, "DG4"),
    row(0x0105, 0x65, "DG5"),
    row(0x0106, 0x66, "DG6"),
    row(0x0107, 0x67, "DG7"),
    row(0x0108, 0x68, "DG8"),
    row(0x0109, 0x69, "DG9"),
    row(0x010A, 0x6A, "DG10"),
    row(0x010B, 0x6B, "DG11"),
    row(0x010C, 0x6C, "DG12"),
    row(0x010D, 0x6D, "DG13"),
    row(0x010E, 0x6E, "DG14"),
    row(0x010F, 0x6F, "DG15"),
    row(0x0110, 0x70, "DG16"),
    row(0x011D, 0x77, "EF.SOD"),
    Row {
        fid: 0x011C,
        tag: None,
        name: "EF.CardAccess",
    },
];

impl FileId {
    /// Every file, in table order.
    pub const ALL: [FileId; 19] = [
        FileId::Com,
        FileId::Dg1,
        FileId::Dg2,
        FileId::Dg3,
        FileId::Dg4,
        FileId::Dg5,
        FileId::Dg6,
        FileId::Dg7,
        FileId::Dg8,
        FileId::Dg9,
        FileId::Dg10,
        FileId::Dg11,
        FileId::Dg12,
        FileId::Dg13,
        FileId::Dg14,
        FileId::Dg15,
        FileId::Dg16,
        FileId::Sod,
        FileId::CardAccess,
    ];

    #[inline]
    const fn row(self) -> &'static Row {
        &TABLE[self as usize]
    }

    /// DG1..DG16 by number.
    #[inline]
    pub const fn from_dg_number(n: u8) -> Option<FileId> {
        match n {
            1..=16 => Some(Self::ALL[n as usize]),
            _ => None,
        }
    }

    /// The data group number (1–16), or None for EF.COM, EF.SOD, EF.CardAccess.
    #[inline]
    pub const fn dg_number(self) -> Option<u8> {
        match self as u8 {
            i @ 1..=16 => Some(i),
            _ => None,
        }
    }

    #[inline]
    pub const fn is_data_group(self) -> bool {
        self.dg_number().is_some()
    }

    /// The 2-byte file identifier (SELECT by FID, P1 = 02). `const`, so that a crate that needs
    /// a FID as a constant (the virtual chip's EF.CardAccess) takes it from this table.
    #[inline]
    pub const fn fid(self) -> u16 {
        self.row().fid
    }

    /// The short EF identifier (READ BINARY with P1 = 0x80 | SFI, ISO/IEC 7816-4 §7.2.2).
    #[inline]
    pub const fn sfi(self) -> u8 {
        (self.fid() & 0x1F) as u8
    }

    /// The LDS tag of the file's outer TLV; EF.CardAccess has none (bare SecurityInfos).
    #[inline]
    pub const fn tag(self) -> Option<u8> {
        self.row().tag
    }

    /// The first byte of the file's content: the LDS tag, or `31` (the SET OF of SecurityInfos,
    /// Part 11 §9.2) for EF.CardAccess. What a reader checks the first byte read against.
    pub const fn first_byte(self) -> u8 {
        match self.tag() {
            Some(tag) => tag,
            None => 0x31,
        }
    }

    /// Whether the file sits in the master file rather than the eMRTD application (Table 38):
    /// read it before selecting the application.
    pub fn in_master_file(self) -> bool {
        self == FileId::CardAccess
    }

    /// The file whose outer tag is `tag` (EF.COM, a data group or EF.SOD).
    #[inline]
    pub fn from_tag(tag: u8) -> Option<FileId> {
        FileId::ALL.into_iter().find(|f| f.tag() == Some(tag))
    }

    /// The data group whose LDS tag is `tag`, as listed in EF.COM's tag list `5C` (Part 10
    /// §4.6.1); None for EF.COM's and EF.SOD's own tags.
    pub fn from_dg_tag(tag: u8) -> Option<FileId> {
        FileId::from_tag(tag).filter(|f| f.is_data_group())
    }

    /// The file with this FID (011C is taken as EF.CardAccess, the MF file; inside the
    /// application the same FID is EF.CVCA, which this table does not hold).
    pub fn from_fid(fid: u16) -> Option<FileId> {
        FileId::ALL.into_iter().find(|f| f.fid() == fid)
    }

    /// "EF.COM", "DG1", …, "EF.SOD", "EF.CardAccess".
    #[inline]
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The file name `cccd lds build` writes: "EF.COM.bin", "DG1.bin", …
    pub fn file_name(self) -> String {
        format!("{}.bin", self.name())
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_the_enum() {
        for (i, id) in FileId::ALL.into_iter().enumerate() {
            assert_eq!(id as usize, i);
        }
        for n in 1..=16u8 {
            let id = FileId::from_dg_number(n).unwrap();
            assert_eq!(
                (id.dg_number(), id.fid(), id.sfi()),
                (Some(n), 0x100 + u16::from(n), n)
            );
            assert_eq!(id.name(), format!("DG{n}"));
        }
    }
}
