//! Every LDS file of one card, built from a validated record.

use crate::FileId;
use crate::asn1::{Oid, SubjectPublicKeyInfo, oids};
use crate::com::Com;
use crate::dg1::Dg1;
use crate::dg2::Dg2;
use crate::dg13::Dg13;
use crate::error::LdsError;
use crate::mrz::{self, MrzOptions};
use crate::security_infos::{Dg15, SecurityInfo, SecurityInfos};
use citizen::Record;
use std::collections::BTreeMap;

/// A PACE parameter choice for EF.CardAccess (and DG14): protocol OID content octets and the
/// standardized domain parameter ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceChoice {
    pub protocol: Vec<u8>,
    pub parameter_id: u64,
}

impl Default for PaceChoice {
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1 (ID 13), as in Part 11 App. G.1.
    fn default() -> Self {
        PaceChoice {
            protocol: oids::ID_PACE_ECDH_GM_AES_128.to_vec(),
            parameter_id: 13,
        }
    }
}

/// What besides the record goes into the chip.
#[derive(Debug, Clone, Default)]
pub struct LdsOptions {
    pub mrz: MrzOptions,
    /// Active Authentication public key (EC P-256 or RSA): adds DG15, and for EC an
    /// ActiveAuthenticationInfo (ecdsa-plain-SHA256) in DG14.
    pub aa_public_key: Option<SubjectPublicKeyInfo>,
    /// Chip Authentication public key (EC): adds ChipAuthenticationPublicKeyInfo (id-PK-ECDH)
    /// and ChipAuthenticationInfo (id-CA-ECDH-AES-CBC-CMAC-128, version 1) to DG14.
    pub ca_public_key: Option<SubjectPublicKeyInfo>,
    /// PACE support: EF.CardAccess with these PACEInfos (also copied into DG14).
    pub pace: Vec<PaceChoice>,
}

/// The chip-security files of a card: DG14, DG15 and EF.CardAccess, as [`LdsOptions`] asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityFiles {
    pub dg14: Option<Vec<u8>>,
    pub dg15: Option<Vec<u8>>,
    pub card_access: Option<Vec<u8>>,
}

impl LdsOptions {
    /// DG14 (CA key, ECDSA AA info and the PACEInfos), DG15 (AA key) and EF.CardAccess (the
    /// PACEInfos) from the chip's keys and the PACE choices; none of them depends on the record.
    pub fn security_files(&self) -> Result<SecurityFiles, LdsError> {
        let mut files = SecurityFiles::default();
        for p in &self.pace {
            // Standardized domain parameters of Part 11 §9.5.1: 0–2 (DH), 8–18 (EC).
            if !matches!(p.parameter_id, 0..=2 | 8..=18) {
                return Err(LdsError::build(
                    "EF.CardAccess",
                    format!(
                        "{} is not a standardized PACE domain parameter ID (0–2, 8–18)",
                        p.parameter_id
                    ),
                ));
            }
        }
        let mut infos = Vec::new();
        for p in &self.pace {
            infos.push(SecurityInfo::pace(&p.protocol, Some(p.parameter_id)));
        }
        if let Some(ca) = &self.ca_public_key {
            let protocol = match ca.kind() {
                crate::asn1::KeyKind::Ec { .. } => (oids::ID_PK_ECDH, oids::ID_CA_ECDH_AES_128),
                crate::asn1::KeyKind::Dh => (oids::ID_PK_DH, oids::ID_CA_DH_AES_128),
                _ => {
                    return Err(LdsError::build(
                        "DG14",
                        format!(
                            "Chip Authentication key must be EC or DH, not {}",
                            ca.describe()
                        ),
                    ));
                }
            };
            infos.push(SecurityInfo::ChipAuthenticationPublicKey {
                protocol: Oid(protocol.0.to_vec()),
                public_key: ca.clone(),
                key_id: None,
            });
            infos.push(SecurityInfo::ChipAuthentication {
                protocol: Oid(protocol.1.to_vec()),
                version: 1,
                key_id: None,
            });
        }
        if let Some(aa) = &self.aa_public_key {
            let dg15 = Dg15::new(aa.clone())?;
            if aa.is_p256() {
                infos.push(SecurityInfo::ActiveAuthentication {
                    protocol: Oid(oids::ID_AA.to_vec()),
                    version: 1,
                    signature_algorithm: Oid(oids::ECDSA_PLAIN_SHA256.to_vec()),
                });
            }
            files.dg15 = Some(dg15.encode());
        }
        // DG14 exists for Chip Authentication or ECDSA Active Authentication; PACEInfos alone
        // belong in EF.CardAccess.
        if infos
            .iter()
            .any(|i| !matches!(i, SecurityInfo::Pace { .. }))
        {
            files.dg14 = Some(SecurityInfos(infos).sorted().encode_dg14());
        }
        files.card_access = (!self.pace.is_empty()).then(|| {
            let pace = self
                .pace
                .iter()
                .map(|p| SecurityInfo::pace(&p.protocol, Some(p.parameter_id)))
                .collect();
            SecurityInfos(pace).sorted().encode()
        });
        Ok(files)
    }
}

/// The files of one card. `data_groups` (DG number → complete file bytes) is what the
/// EF.SOD signer takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdsSet {
    pub com: Vec<u8>,
    pub data_groups: BTreeMap<u8, Vec<u8>>,
    pub card_access: Option<Vec<u8>>,
}

impl LdsSet {
    /// Builds EF.COM, DG1, DG2 (when the record has a photo: the 2024 card of a child under 6
    /// has none), DG13, and DG14/DG15/EF.CardAccess as the options ask.
    pub fn build(record: &Record, options: &LdsOptions) -> Result<LdsSet, LdsError> {
        let mut dgs = BTreeMap::new();
        let lines = mrz::td1_lines_with(record, &options.mrz)?;
        dgs.insert(1, Dg1::from_lines(&lines).encode());
        if let Some(photo) = &record.photo {
            dgs.insert(2, Dg2::from_photo(photo, record.sex)?.encode());
        }
        dgs.insert(13, Dg13::from_record(record).encode());

        let security = options.security_files()?;
        if let Some(dg14) = security.dg14 {
            dgs.insert(14, dg14);
        }
        if let Some(dg15) = security.dg15 {
            dgs.insert(15, dg15);
        }
        let card_access = security.card_access;
        let present: Vec<FileId> = dgs
            .keys()
            .filter_map(|n| FileId::from_dg_number(*n))
            .collect();
        Ok(LdsSet {
            com: Com::new(&present).encode(),
            data_groups: dgs,
            card_access,
        })
    }

    /// The bytes of one file, if the set has it.
    pub fn file(&self, id: FileId) -> Option<&[u8]> {
        match id {
            FileId::Com => Some(&self.com),
            FileId::CardAccess => self.card_access.as_deref(),
            other => other
                .dg_number()
                .and_then(|n| self.data_groups.get(&n))
                .map(Vec::as_slice),
        }
    }

    /// Every file present, EF.COM first, then the data groups, then EF.CardAccess.
    pub fn files(&self) -> Vec<(FileId, &[u8])> {
        let mut out = vec![(FileId::Com, self.com.as_slice())];
        for (n, bytes) in &self.data_groups {
            if let Some(id) = FileId::from_dg_number(*n) {
                out.push((id, bytes.as_slice()));
            }
        }
        if let Some(ca) = &self.card_access {
            out.push((FileId::CardAccess, ca.as_slice()));
        }
        out
    }
}
