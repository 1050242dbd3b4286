//! The elementary files of the LDS1 eMRTD application (Doc 9303 Part 10 Table 38).

/// An LDS file. EF.CardAccess lives in the MF; the others in the eMRTD application.
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

/// LDS tags of DG1..DG16.
const DG_TAGS: [u8; 16] = [
    0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70,
];

impl FileId {
    /// Every file, in FID order of the table.
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

    /// DG1..DG16 in number order (they follow EF.COM in [`FileId::ALL`]).
    fn dgs() -> &'static [FileId] {
        &Self::ALL[1..17]
    }

    /// DG1..DG16 by number.
    pub fn from_dg_number(n: u8) -> Option<FileId> {
        Self::dgs().get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The data group number (1–16), or None for EF.COM, EF.SOD, EF.CardAccess.
    pub fn dg_number(self) -> Option<u8> {
        Self::dgs()
            .iter()
            .position(|d| *d == self)
            .map(|i| i as u8 + 1)
    }

    /// The 2-byte file identifier.
    pub fn fid(self) -> u16 {
        match self {
            FileId::Com => 0x011E,
            FileId::Sod => 0x011D,
            FileId::CardAccess => 0x011C,
            dg => 0x0100 + u16::from(dg.dg_number().unwrap_or(0)),
        }
    }

    /// The short file identifier (READ BINARY with P1 = 0x80 | SFI).
    pub fn sfi(self) -> u8 {
        (self.fid() & 0x1F) as u8
    }

    /// The LDS tag of the file's outer TLV; EF.CardAccess has none (bare SecurityInfos).
    pub fn tag(self) -> Option<u8> {
        match self {
            FileId::Com => Some(0x60),
            FileId::Sod => Some(0x77),
            FileId::CardAccess => None,
            dg => dg.dg_number().map(|n| DG_TAGS[usize::from(n) - 1]),
        }
    }

    /// The file whose outer tag is `tag`.
    pub fn from_tag(tag: u8) -> Option<FileId> {
        FileId::ALL.into_iter().find(|f| f.tag() == Some(tag))
    }

    /// The file with this FID (011C is taken as EF.CardAccess, the MF file).
    pub fn from_fid(fid: u16) -> Option<FileId> {
        FileId::ALL.into_iter().find(|f| f.fid() == fid)
    }

    /// "EF.COM", "DG1", …, "EF.SOD", "EF.CardAccess".
    pub fn name(self) -> String {
        match self {
            FileId::Com => "EF.COM".into(),
            FileId::Sod => "EF.SOD".into(),
            FileId::CardAccess => "EF.CardAccess".into(),
            dg => format!("DG{}", dg.dg_number().unwrap_or(0)),
        }
    }

    /// The file name `cccd lds build` writes: "EF.COM.bin", "DG1.bin", …
    pub fn file_name(self) -> String {
        format!("{}.bin", self.name())
    }
}

impl std::fmt::Display for FileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}
