//! Inspection, the core of `cccd chip read` and `cccd verify`: access control, EF.COM, every
//! data group it lists, EF.SOD, passive authentication (with a CSCA), Active Authentication, and
//! a report naming every check.
//!
//! Access control is a list of [`AccessProtocol`]s tried in order, with a card reset between
//! attempts (a failed attempt may leave the chip in any state): [`Bac`] now; PACE (issue 7)
//! is one more implementation returning its AES [`SecureChannel`].

use crate::aa::{self, AaPublicKey};
use crate::apdu::Command;
use crate::bac::{self, BacKeys, MrzInfo};
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::profile::Profile;
use crate::session::{ReadPlan, Session};
use crate::sm::SecureChannel;
use crate::tlv;
use crate::transport::{Exchange, Transport};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sign::pa::{Check, PaReport, Status};
use std::collections::BTreeMap;
use std::path::Path;

/// An access-control protocol: establishes secure messaging with the chip.
pub trait AccessProtocol {
    /// Name for reports ("BAC", "PACE").
    fn name(&self) -> &'static str;
    /// Runs the protocol over the raw exchange and returns the session channel.
    fn establish(&self, ch: &mut dyn Exchange) -> Result<SecureChannel, Error>;
}

/// Basic Access Control with the MRZ fields.
pub struct Bac {
    keys: BacKeys,
}

impl Bac {
    pub fn new(mrz: &MrzInfo) -> Self {
        Bac {
            keys: BacKeys::from_mrz(mrz),
        }
    }
}

impl AccessProtocol for Bac {
    fn name(&self) -> &'static str {
        "BAC"
    }
    fn establish(&self, ch: &mut dyn Exchange) -> Result<SecureChannel, Error> {
        bac::authenticate(ch, &self.keys, &mut rand::rngs::OsRng)
    }
}

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
}

/// What to do.
pub struct InspectOptions<'a> {
    /// The eMRTD application identifier to select.
    pub aid: Vec<u8>,
    /// Access protocols, tried in order.
    pub access: Vec<Box<dyn AccessProtocol + 'a>>,
    /// How files are read.
    pub read: ReadPlan,
    /// Passive authentication trust, if any.
    pub trust: Option<&'a Trust>,
    /// Run Active Authentication when DG15 is present.
    pub active_authentication: bool,
}

impl<'a> InspectOptions<'a> {
    /// BAC with `mrz`, short APDUs (works with every chip), AA on, no PA.
    pub fn bac(mrz: &MrzInfo) -> Self {
        InspectOptions {
            aid: vec![0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01],
            access: vec![Box::new(Bac::new(mrz))],
            read: ReadPlan::short_sm(),
            trust: None,
            active_authentication: true,
        }
    }

    /// Reads with the largest chunks `profile` allows (e.g. extended length on cccd-chip).
    pub fn with_profile(mut self, profile: &Profile) -> Self {
        self.aid = profile.aid.clone();
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
}

/// One file read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRead {
    pub ef: String,
    pub fid: String,
    pub bytes: usize,
    pub sha256: String,
}

/// The inspection report: every check with its status and reason.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InspectReport {
    pub version: u32,
    /// The access protocol that succeeded, if any.
    pub access: Option<String>,
    pub files: Vec<FileRead>,
    pub checks: Vec<Check>,
    /// The full passive-authentication report, when a CSCA was given.
    pub passive_authentication: Option<PaReport>,
    /// The Active Authentication key, if DG15 was read.
    pub aa_key: Option<String>,
}

impl InspectReport {
    /// True when no check failed.
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    fn push(&mut self, id: impl Into<String>, status: Status, detail: impl Into<String>) {
        self.checks.push(Check {
            id: id.into(),
            status,
            detail: detail.into(),
        });
    }
}

/// The files read and the report.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub files: LdsFiles,
    pub report: InspectReport,
}

/// Inspects the card. Card/transport failures are `Err`; everything about the card's contents
/// and authenticity (including a failed access control, e.g. a wrong MRZ) is in the report.
pub fn inspect(
    transport: &mut dyn Transport,
    opts: &InspectOptions<'_>,
) -> Result<Inspection, Error> {
    let mut report = InspectReport {
        version: 1,
        access: None,
        files: Vec::new(),
        checks: Vec::new(),
        passive_authentication: None,
        aa_key: None,
    };
    for (i, protocol) in opts.access.iter().enumerate() {
        if i > 0 {
            transport.reset()?;
        }
        let mut tx = transport.transaction()?;
        let mut s = Session::new(&mut *tx);
        let select = Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(opts.aid.clone());
        let sel = s.transmit(&select)?;
        if !sel.is_ok() {
            report.push(
                "application.select",
                Status::Fail,
                format!("SELECT eMRTD application: {}", sel.status_word()),
            );
            return Ok(Inspection {
                files: LdsFiles::new(),
                report,
            });
        }
        let id = format!("access.{}", protocol.name().to_ascii_lowercase());
        match protocol.establish(s.exchange()) {
            Ok(sm) => {
                s.secure(sm);
                report.push(
                    id,
                    Status::Pass,
                    format!("{} established secure messaging", protocol.name()),
                );
                report.access = Some(protocol.name().to_string());
                let files = read_and_check(&mut s, opts, &mut report)?;
                return Ok(Inspection { files, report });
            }
            Err(e @ (Error::CardRemoved | Error::Transport { .. } | Error::Pcsc { .. })) => {
                return Err(e);
            }
            Err(e) => report.push(id, Status::Fail, e.to_string()),
        }
    }
    if opts.access.is_empty() {
        report.push("access", Status::Fail, "no access protocol configured");
    }
    Ok(Inspection {
        files: LdsFiles::new(),
        report,
    })
}

fn read_and_check(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    report: &mut InspectReport,
) -> Result<LdsFiles, Error> {
    let mut files = LdsFiles::new();
    let read = |s: &mut Session<'_>,
                ef: Ef,
                report: &mut InspectReport,
                files: &mut LdsFiles|
     -> Result<bool, Error> {
        match s.read_ef(ef, None, &opts.read) {
            Ok(data) => {
                report.files.push(FileRead {
                    ef: ef.to_string(),
                    fid: format!("{:04X}", ef.fid()),
                    bytes: data.len(),
                    sha256: hex::encode_upper(Sha256::digest(&data)),
                });
                report.push(
                    format!("file.{ef}"),
                    Status::Pass,
                    format!("{} bytes read", data.len()),
                );
                files.insert(ef, data);
                Ok(true)
            }
            Err(e @ (Error::CardRemoved | Error::Transport { .. } | Error::Pcsc { .. })) => Err(e),
            Err(e) => {
                report.push(format!("file.{ef}"), Status::Fail, e.to_string());
                Ok(false)
            }
        }
    };
    let mut listed = Vec::new();
    if read(s, Ef::Com, report, &mut files)? {
        match com_data_groups(&files[&Ef::Com]) {
            Ok(dgs) => {
                report.push(
                    "com.parse",
                    Status::Pass,
                    format!("EF.COM lists {}", list(&dgs)),
                );
                listed = dgs;
            }
            Err(reason) => report.push("com.parse", Status::Fail, reason),
        }
    }
    for ef in &listed {
        read(s, *ef, report, &mut files)?;
    }
    read(s, Ef::Sod, report, &mut files)?;

    // Passive authentication.
    let dgs: BTreeMap<u8, Vec<u8>> = files
        .iter()
        .filter_map(|(ef, d)| {
            if let Ef::Dg(n) = ef {
                Some((*n, d.clone()))
            } else {
                None
            }
        })
        .collect();
    match (opts.trust, files.get(&Ef::Sod)) {
        (None, _) => report.push("pa", Status::Skipped, "no CSCA given"),
        (Some(_), None) => report.push("pa", Status::Fail, "EF.SOD could not be read"),
        (Some(trust), Some(sod)) => {
            let pa = sign::verify_sod(&sign::PaInput {
                sod,
                dgs: Some(&dgs),
                cscas: &trust.cscas,
                crl: trust.crl.as_ref(),
                at: trust.at,
            });
            for c in &pa.checks {
                report.checks.push(Check {
                    id: format!("pa.{}", c.id),
                    status: c.status,
                    detail: c.detail.clone(),
                });
            }
            // every DG read must be covered by the SOD
            for n in dgs.keys() {
                if !pa.dgs_in_sod.contains(n) {
                    report.push(
                        format!("pa.dg.{n}.listed"),
                        Status::Fail,
                        format!("DG{n} is on the chip but not in EF.SOD"),
                    );
                }
            }
            report.passive_authentication = Some(pa);
        }
    }

    // Active Authentication.
    match files.get(&Ef::Dg(15)) {
        None => report.push("aa", Status::Skipped, "no DG15 on the chip"),
        Some(_) if !opts.active_authentication => {
            report.push("aa", Status::Skipped, "not requested")
        }
        Some(dg15) => match AaPublicKey::from_dg15(dg15) {
            Err(e) => report.push("aa", Status::Fail, e.to_string()),
            Ok(key) => {
                report.aa_key = Some(key.describe());
                let mut challenge = [0u8; 8];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut challenge);
                match s.transmit(&aa::internal_authenticate_command(&challenge)) {
                    Err(
                        e @ (Error::CardRemoved | Error::Transport { .. } | Error::Pcsc { .. }),
                    ) => return Err(e),
                    Err(e) => {
                        report.push("aa", Status::Fail, format!("INTERNAL AUTHENTICATE: {e}"))
                    }
                    Ok(r) if !r.is_ok() => report.push(
                        "aa",
                        Status::Fail,
                        format!("INTERNAL AUTHENTICATE: card answered {}", r.status_word()),
                    ),
                    Ok(r) => match key.verify(&challenge, &r.data) {
                        Ok(()) => report.push(
                            "aa",
                            Status::Pass,
                            format!(
                                "{} signature over a fresh challenge verifies",
                                key.describe()
                            ),
                        ),
                        Err(reason) => report.push("aa", Status::Fail, reason),
                    },
                }
            }
        },
    }
    Ok(files)
}

fn list(dgs: &[Ef]) -> String {
    dgs.iter().map(Ef::to_string).collect::<Vec<_>>().join(", ")
}

/// The data groups EF.COM lists in its tag list (`60 { … 5C <tags> }`).
pub fn com_data_groups(com: &[u8]) -> Result<Vec<Ef>, String> {
    let inner = match tlv::read(com) {
        Ok((0x60, inner, used)) if used == com.len() => inner,
        _ => return Err("EF.COM is not a 60 TLV filling the file".into()),
    };
    let tags = tlv::find(inner, 0x5C).ok_or("EF.COM has no tag list 5C")?;
    tags.iter()
        .map(|&t| Ef::from_dg_tag(t).ok_or_else(|| format!("EF.COM lists unknown tag {t:02X}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_tag_list() {
        let com = hex::decode("60145F0104303130365F36063034303030305C026175").unwrap();
        assert_eq!(com_data_groups(&com), Ok(vec![Ef::Dg(1), Ef::Dg(2)]));
        assert!(com_data_groups(&com[..10]).is_err());
        assert!(com_data_groups(&hex::decode("6003010100").unwrap()).is_err());
        assert!(com_data_groups(&hex::decode("60035C0177").unwrap()).is_err());
    }
}
