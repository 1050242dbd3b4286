//! The elementary files of the eMRTD application this crate writes and reads (ICAO 9303-10
//! §4.7, Table 38).
//!
//! The table itself (FIDs, SFIs, LDS tags, names) is [`icao::FileId`], shared with the LDS
//! builder and the virtual chip. [`Ef`] stays as the name the reader, the personalization and
//! the CLI use, because they construct and match data groups by number (`Ef::Dg(n)`); every one
//! of its methods asks [`FileId`].

use std::collections::BTreeMap;
use std::fmt;

pub use icao::FileId;

/// An EF of the eMRTD application, or EF.CardAccess (in the MF on a real chip; the virtual chip
/// keeps one flat file system). Ordered as personalization writes them: EF.COM, DG1..DG16,
/// EF.SOD, EF.CardAccess (the order of [`FileId`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Ef {
    Com,
    /// A data group, 1..=16.
    Dg(u8),
    Sod,
    /// The PACE parameters (a bare SecurityInfos SET), readable without access control.
    CardAccess,
}

/// LDS files by EF, each with its full TLV (EF.COM starts with 60, DG1 with 61, …).
pub type LdsFiles = BTreeMap<Ef, Vec<u8>>;

impl Ef {
    /// The row of the file table; `None` for a data group number outside 1..=16, which
    /// [`Ef::is_valid`] refuses and personalization checks before it uses any identifier.
    #[inline]
    pub fn file_id(self) -> Option<FileId> {
        match self {
            Ef::Com => Some(FileId::Com),
            Ef::Dg(n) => FileId::from_dg_number(n),
            Ef::Sod => Some(FileId::Sod),
            Ef::CardAccess => Some(FileId::CardAccess),
        }
    }

    /// File identifier (0 for an invalid data group number: no file has it).
    pub fn fid(self) -> u16 {
        self.file_id().map_or(0, FileId::fid)
    }

    /// Short EF identifier (0 for an invalid data group number: not an SFI).
    pub fn sfi(self) -> u8 {
        self.file_id().map_or(0, FileId::sfi)
    }

    /// The byte the file's content starts with: its LDS tag, `31` for EF.CardAccess (a bare
    /// SecurityInfos SET), 0 for an invalid data group number.
    pub fn tag(self) -> u8 {
        self.file_id().map_or(0, FileId::first_byte)
    }

    /// A data group by number, if 1..=16.
    pub fn dg(n: u8) -> Option<Ef> {
        FileId::from_dg_number(n).map(|_| Ef::Dg(n))
    }

    /// The data group whose LDS tag is `tag` (as listed in EF.COM's tag list `5C`).
    pub fn from_dg_tag(tag: u8) -> Option<Ef> {
        FileId::from_dg_tag(tag)
            .and_then(FileId::dg_number)
            .map(Ef::Dg)
    }

    /// True for a DG number in range.
    pub fn is_valid(self) -> bool {
        self.file_id().is_some()
    }
}

/// The files to personalize: everything `set` holds (EF.COM, its data groups, EF.CardAccess when
/// it has PACEInfos) plus the signed `sod`.
pub fn from_lds_set(set: &lds::LdsSet, sod: Vec<u8>) -> LdsFiles {
    let mut files = LdsFiles::new();
    files.insert(Ef::Com, set.com.clone());
    for (n, bytes) in &set.data_groups {
        if let Some(ef) = Ef::dg(*n) {
            files.insert(ef, bytes.clone());
        }
    }
    files.insert(Ef::Sod, sod);
    if let Some(card_access) = &set.card_access {
        files.insert(Ef::CardAccess, card_access.clone());
    }
    files
}

/// LDS tag of data group `n` (Part 10 Table 38).
pub fn dg_tag(n: u8) -> Option<u8> {
    FileId::from_dg_number(n).and_then(FileId::tag)
}

impl fmt::Display for Ef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.file_id()) {
            (_, Some(id)) => f.write_str(id.name()),
            // Only a data group number outside 1..=16 has no row: it still prints as what it
            // claims to be, for the error that refuses it.
            (Ef::Dg(n), None) => write!(f, "DG{n}"),
            (other, None) => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(
            (Ef::Com.fid(), Ef::Com.sfi(), Ef::Com.tag()),
            (0x011E, 0x1E, 0x60)
        );
        assert_eq!(
            (Ef::Dg(2).fid(), Ef::Dg(2).sfi(), Ef::Dg(2).tag()),
            (0x0102, 2, 0x75)
        );
        assert_eq!((Ef::Sod.fid(), Ef::Sod.sfi()), (0x011D, 0x1D));
        assert_eq!(Ef::from_dg_tag(0x6F), Some(Ef::Dg(15)));
        assert_eq!(Ef::from_dg_tag(0x77), None);
        assert_eq!(Ef::dg(17), None);
        assert!(!Ef::Dg(0).is_valid());
        let order: Vec<Ef> = [Ef::Sod, Ef::Dg(2), Ef::Com, Ef::Dg(1)]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(order, vec![Ef::Com, Ef::Dg(1), Ef::Dg(2), Ef::Sod]);
        assert_eq!(Ef::Dg(13).to_string(), "DG13");
        assert_eq!(
            (
                Ef::CardAccess.fid(),
                Ef::CardAccess.sfi(),
                Ef::CardAccess.tag()
            ),
            (0x011C, 0x1C, 0x31)
        );
        assert!(Ef::Sod < Ef::CardAccess);
    }
}
