//! What an inspection is asked to do: the access protocols to try, how to read, the trust
//! anchors for passive authentication and when Active Authentication runs. Separate from the
//! run itself so callers (`cccd chip read`, `cccd verify`, issuance's quality control) build
//! options without pulling in the protocol code.

use crate::access::{Access, PacePassword};
use crate::bac::MrzInfo;
use crate::can::Can;
use crate::error::Error;
use crate::profile::Profile;
use crate::session::ReadPlan;
use chrono::{DateTime, Utc};
use std::path::Path;

/// Trust anchors for passive authentication.
pub struct Trust {
    pub cscas: Vec<x509_cert::Certificate>,
    pub crl: Option<x509_cert::crl::CertificateList>,
    /// Time certificates are judged at.
    pub at: DateTime<Utc>,
}

impl Trust {
    /// Loads CSCA certificates (PEM bundle or DER) from `path`, judged now.
    pub fn load(path: &Path) -> Result<Trust, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let cscas =
            sign::certs::parse_certificates(&bytes, &path.display().to_string()).map_err(|e| {
                Error::Inspect {
                    file: path.display().to_string(),
                    reason: e.to_string(),
                }
            })?;
        Ok(Trust {
            cscas,
            crl: None,
            at: Utc::now(),
        })
    }

    /// [`Trust::load`] plus a CRL (PEM or DER) when given: a revoked Document Signer then fails
    /// passive authentication.
    pub fn load_with_crl(csca: &Path, crl: Option<&Path>) -> Result<Trust, Error> {
        let mut trust = Trust::load(csca)?;
        if let Some(path) = crl {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            trust.crl = Some(
                sign::certs::parse_crl(&bytes, &path.display().to_string()).map_err(|e| {
                    Error::Inspect {
                        file: path.display().to_string(),
                        reason: e.to_string(),
                    }
                })?,
            );
        }
        Ok(trust)
    }
}

/// When Active Authentication runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AaPolicy {
    /// When DG15 is present and Chip Authentication does not run (ICAO: CA when DG14 offers
    /// it, else AA).
    Auto,
    /// Whenever DG15 is present, also after Chip Authentication (quality control of a new
    /// card checks both keys).
    Always,
    /// Never.
    Never,
}

/// What to do.
pub struct InspectOptions<'a> {
    /// The eMRTD application identifier to select.
    pub aid: Vec<u8>,
    /// Access protocols, tried in order until one opens secure messaging.
    pub access: Vec<Access>,
    /// How files are read (the chunk is recomputed for the cipher the session ends up with).
    pub read: ReadPlan,
    /// Largest response data field the chip returns (the profile's; 256 for any chip).
    pub max_response: usize,
    /// Passive authentication trust, if any.
    pub trust: Option<&'a Trust>,
    pub active_authentication: AaPolicy,
    /// Run Chip Authentication when DG14 offers it.
    pub chip_authentication: bool,
}

impl<'a> InspectOptions<'a> {
    fn with_access(access: Vec<Access>) -> Self {
        InspectOptions {
            aid: vec![0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01],
            access,
            read: ReadPlan::short_sm(),
            max_response: 256,
            trust: None,
            active_authentication: AaPolicy::Auto,
            chip_authentication: true,
        }
    }

    /// BAC only, with `mrz`; short APDUs (works with every chip); CA/AA as the chip offers;
    /// no PA.
    pub fn bac(mrz: &MrzInfo) -> Self {
        Self::with_access(vec![Access::Bac(mrz.clone())])
    }

    /// A border-control reader with the MRZ: PACE with the MRZ when offered, else BAC.
    pub fn mrz(mrz: &MrzInfo) -> Self {
        Self::with_access(vec![
            Access::Pace(PacePassword::Mrz(mrz.clone())),
            Access::Bac(mrz.clone()),
        ])
    }

    /// PACE with the CAN; with `mrz`, BAC when PACE is absent or fails.
    pub fn can(can: &Can, mrz: Option<&MrzInfo>) -> Self {
        let mut access = vec![Access::Pace(PacePassword::Can(can.clone()))];
        access.extend(mrz.map(|m| Access::Bac(m.clone())));
        Self::with_access(access)
    }

    /// What a reader does with the keys it has: PACE with the CAN when given, else PACE with
    /// the MRZ; then BAC with the MRZ as the fallback. Neither: nothing can open the chip (the
    /// report says so).
    pub fn with_keys(can: Option<&Can>, mrz: Option<&MrzInfo>) -> Self {
        let mut access = Vec::new();
        match (can, mrz) {
            (Some(can), _) => access.push(Access::Pace(PacePassword::Can(can.clone()))),
            (None, Some(mrz)) => access.push(Access::Pace(PacePassword::Mrz(mrz.clone()))),
            (None, None) => {}
        }
        access.extend(mrz.map(|m| Access::Bac(m.clone())));
        Self::with_access(access)
    }

    /// Reads with the largest chunks `profile` allows (e.g. extended length on cccd-chip).
    pub fn with_profile(mut self, profile: &Profile) -> Self {
        self.aid = profile.aid.clone();
        self.max_response = profile.apdu.max_response_data;
        self.read = ReadPlan {
            chunk: crate::sm::max_plain_for(profile.apdu.max_response_data, 8),
            extended: profile.apdu.extended_length,
            ins: profile.commands.read_binary.ins,
            odd_ins: profile.commands.read_binary_odd.map(|h| h.ins),
        };
        self
    }

    pub fn with_trust(mut self, trust: &'a Trust) -> Self {
        self.trust = Some(trust);
        self
    }

    pub fn with_aa(mut self, policy: AaPolicy) -> Self {
        self.active_authentication = policy;
        self
    }

    /// The read plan for a session whose cipher has block length `block` (0: plain).
    pub(super) fn plan(&self, block: usize) -> ReadPlan {
        let limit = self
            .max_response
            .min(if self.read.extended { 65_536 } else { 256 });
        let chunk = if block == 0 {
            limit
        } else {
            crate::sm::max_plain_for(limit, block)
        };
        ReadPlan {
            chunk: chunk.min(self.read.chunk.max(1)).max(1),
            ..self.read
        }
    }
}
