//! A card's LDS, built once: the record's part before any card is touched, the chip's part after
//! the chip keys.
//!
//! `lds::LdsSet::build` makes every file in one call, from the record and the chip's keys. The
//! pipeline needs the record's files earlier than it has the keys: a record whose MRZ or portrait
//! cannot be encoded must be rejected before a blank card is used, and the MRZ gives the chip's
//! access key, which the chip needs *before* it makes its keys. Calling `LdsSet::build` twice
//! (once with no keys as a pre-flight, once with them) encoded the MRZ, the portrait and DG13
//! twice per card. Instead [`RecordLds`] is built once from the record through the same `lds`
//! pieces `LdsSet::build` uses (`Td1`, `Dg1`, `Dg2`, `Dg13`), and [`RecordLds::with_chip_keys`]
//! adds only what depends on the chip (`LdsOptions::security_files`: DG14, DG15, EF.CardAccess)
//! and EF.COM (which lists every data group). A test checks the result is byte for byte
//! `LdsSet::build`'s.

use citizen::Record;
use lds::mrz::{MrzOptions, Td1};
use lds::{Com, Dg1, Dg2, Dg13, FileId, LdsError, LdsSet, SecurityFiles};
use reader::bac::{BacError, MrzInfo};
use reader::files::{Ef, LdsFiles};
use reader::perso::ChipKeys;
use std::collections::BTreeMap;

/// The data groups of a card that come from the record alone: DG1 (the MRZ), DG2 (the portrait,
/// absent on the 2024 card of a child under 6) and DG13 (the Vietnamese fields), with the TD1
/// zone they were built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLds {
    td1: Td1,
    mrz_options: MrzOptions,
    data_groups: BTreeMap<u8, Vec<u8>>,
}

impl RecordLds {
    /// Encodes the record's MRZ, DG1, DG2 and DG13 (default MRZ options, as every card has).
    pub fn build(record: &Record) -> Result<RecordLds, LdsError> {
        let mrz_options = MrzOptions::default();
        let td1 = Td1::from_record(record, &mrz_options)?;
        let mut data_groups = BTreeMap::new();
        data_groups.insert(1, Dg1::from_lines(&td1.lines()).encode());
        if let Some(photo) = &record.photo {
            data_groups.insert(2, Dg2::from_photo(photo, record.sex)?.encode());
        }
        data_groups.insert(13, Dg13::from_record(record).encode());
        Ok(RecordLds {
            td1,
            mrz_options,
            data_groups,
        })
    }

    /// The card's MRZ.
    pub fn td1(&self) -> &Td1 {
        &self.td1
    }

    /// The BAC (and PACE-MRZ) key of the card.
    pub fn mrz_key(&self) -> Result<MrzInfo, BacError> {
        bac_mrz(&self.td1)
    }

    /// Every file of the card once the chip has its keys: the record's data groups plus DG14,
    /// DG15 and EF.CardAccess from the chip's keys and the profile's PACE offers, and EF.COM.
    pub fn with_chip_keys(
        &self,
        keys: &ChipKeys,
        profile: &reader::Profile,
    ) -> Result<LdsSet, LdsError> {
        let options = keys.lds_options(profile)?;
        if options.mrz != self.mrz_options {
            // The MRZ was encoded with other options than the chip's LDS asks for: DG1 would
            // not be the card's. `ChipKeys::lds_options` leaves them default, so this is a bug.
            return Err(LdsError::Build {
                file: "DG1",
                reason: "the chip's LDS options ask for other MRZ options than the record's MRZ was built with".into(),
            });
        }
        Ok(self.with_security(options.security_files()?))
    }

    /// The record's data groups with the chip-security files, and EF.COM listing them all.
    pub fn with_security(&self, security: SecurityFiles) -> LdsSet {
        let mut data_groups = self.data_groups.clone();
        data_groups.extend(security.dg14.map(|dg14| (14, dg14)));
        data_groups.extend(security.dg15.map(|dg15| (15, dg15)));
        let present: Vec<FileId> = data_groups
            .keys()
            .filter_map(|n| FileId::from_dg_number(*n))
            .collect();
        LdsSet {
            com: Com::new(&present).encode(),
            data_groups,
            card_access: security.card_access,
        }
    }

    /// One check per record data group, named `record.dgN`: are the files read from a chip the
    /// ones this record gives?
    pub fn compare(&self, files: &LdsFiles) -> Vec<sign::Check> {
        [(1u8, "MRZ"), (2, "portrait"), (13, "personal data (DG13)")]
            .into_iter()
            .map(|(n, what)| {
                let (status, detail) = match (self.data_groups.get(&n), files.get(&Ef::Dg(n))) {
                    (None, None) => (
                        sign::Status::Skipped,
                        format!("no DG{n} expected or present"),
                    ),
                    (Some(_), None) => (
                        sign::Status::Fail,
                        format!("DG{n} ({what}) missing from the chip"),
                    ),
                    (None, Some(_)) => (
                        sign::Status::Fail,
                        format!("DG{n} ({what}) on the chip, but the record has none"),
                    ),
                    (Some(want), Some(got)) if want == got => (
                        sign::Status::Pass,
                        format!("DG{n} ({what}) matches the registry record"),
                    ),
                    (Some(_), Some(_)) => (
                        sign::Status::Fail,
                        format!("DG{n} ({what}) differs from the registry record"),
                    ),
                };
                sign::Check {
                    id: format!("record.dg{n}"),
                    status,
                    detail,
                }
            })
            .collect()
    }
}

/// The BAC (and PACE-MRZ) key fields of a card's MRZ. A card without expiry (issued at 58 or
/// later) prints fillers `<<<<<<` as its expiry; its key comes from those characters
/// (`reader::bac::NO_EXPIRY`), and PACE with the CAN does not need the MRZ at all.
pub fn bac_mrz(td1: &Td1) -> Result<MrzInfo, BacError> {
    MrzInfo::new(
        &td1.full_document_number(),
        &td1.date_of_birth,
        &td1.date_of_expiry,
    )
}

/// Compare the files read from a chip with what the registry record says the chip must hold:
/// DG1 (the MRZ), DG2 (the portrait, byte for byte the registry's photo in its face record) and
/// DG13 (the Vietnamese fields). One check per data group, named `record.dgN`.
pub fn compare_with_record(files: &LdsFiles, record: &Record) -> Vec<sign::Check> {
    match RecordLds::build(record) {
        Ok(expected) => expected.compare(files),
        Err(e) => vec![sign::Check {
            id: "record.lds".into(),
            status: sign::Status::Fail,
            detail: format!("the registry record does not give an LDS: {e}"),
        }],
    }
}
