//! The elementary files of the eMRTD application this crate writes and reads, with their file
//! identifiers, short EF identifiers and LDS tags (ICAO 9303-10 §4.7, Table 38).

use std::collections::BTreeMap;
use std::fmt;

/// An EF of the eMRTD application, or EF.CardAccess (in the MF on a real chip; the virtual chip
/// keeps one flat file system). Ordered as personalization writes them: EF.COM, DG1..DG16,
/// EF.SOD, EF.CardAccess.
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
    /// File identifier.
    pub fn fid(self) -> u16 {
        match self {
            Ef::Com => 0x011E,
            Ef::Dg(n) => 0x0100 | n as u16,
            Ef::Sod => 0x011D,
            Ef::CardAccess => 0x011C,
        }
    }

    /// Short EF identifier.
    pub fn sfi(self) -> u8 {
        match self {
            Ef::Com => 0x1E,
            Ef::Dg(n) => n,
            Ef::Sod => 0x1D,
            Ef::CardAccess => 0x1C,
        }
    }

    /// The LDS tag the file's content starts with.
    pub fn tag(self) -> u8 {
        match self {
            Ef::Com => 0x60,
            Ef::Sod => 0x77,
            Ef::CardAccess => 0x31,
            Ef::Dg(n) => dg_tag(n).unwrap_or(0),
        }
    }

    /// A data group by number, if 1..=16.
    pub fn dg(n: u8) -> Option<Ef> {
        (1..=16).contains(&n).then_some(Ef::Dg(n))
    }

    /// The data group whose LDS tag is `tag` (as listed in EF.COM's tag list `5C`).
    pub fn from_dg_tag(tag: u8) -> Option<Ef> {
        (1..=16u8).find(|&n| dg_tag(n) == Some(tag)).map(Ef::Dg)
    }

    /// True for a DG number in range.
    pub fn is_valid(self) -> bool {
        !matches!(self, Ef::Dg(n) if !(1..=16).contains(&n))
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
    const TAGS: [u8; 16] = [
        0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F,
        0x70,
    ];
    TAGS.get((n as usize).checked_sub(1)?).copied()
}

impl fmt::Display for Ef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ef::Com => f.write_str("EF.COM"),
            Ef::Dg(n) => write!(f, "DG{n}"),
            Ef::Sod => f.write_str("EF.SOD"),
            Ef::CardAccess => f.write_str("EF.CardAccess"),
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
