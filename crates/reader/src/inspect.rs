//! Inspection, the core of `cccd chip read` and `cccd verify`, done like a border-control
//! reader (ICAO 9303-11 §4.2, §6): read EF.CardAccess in plain; PACE with the CAN or the MRZ
//! when the chip offers it; BAC when PACE is absent or fails (with a card reset between
//! attempts: a failed attempt may leave the chip in any state); EF.COM and every data group it
//! lists, EF.SOD; passive authentication (with a CSCA, and the CRL when given); Chip
//! Authentication when DG14 offers it, else Active Authentication; and a report naming every
//! check, which protocols ran, and why any failed.
//!
//! Everything read from the card is untrusted input: lengths, TLVs, keys and OIDs are checked
//! before use, and a malformed file is a failed check, never a panic.

use crate::aa::{self, AaPublicKey};
use crate::access::{self, Access, PacePassword, PaceRun};
use crate::apdu::Command;
use crate::bac::MrzInfo;
use crate::can::Can;
use crate::chip_auth::{self, CaOffer};
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::profile::Profile;
use crate::session::{ReadPlan, Session};
use crate::sw::StatusWord;
use crate::tlv;
use crate::transport::Transport;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sign::pa::{Check, PaReport, Status};
use std::collections::BTreeMap;
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
    fn plan(&self, block: usize) -> ReadPlan {
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
    /// The access protocol that succeeded ("PACE" or "BAC"), if any.
    pub access: Option<String>,
    /// What PACE ran with, when it succeeded.
    pub pace: Option<PaceRun>,
    /// The secure-messaging cipher files were read under ("AES-128", "3DES").
    pub secure_messaging: Option<String>,
    /// The Chip Authentication that succeeded ("ECDH NIST P-256 AES-128"), if any.
    pub chip_authentication: Option<String>,
    pub files: Vec<FileRead>,
    pub checks: Vec<Check>,
    /// The full passive-authentication report, when a CSCA was given.
    pub passive_authentication: Option<PaReport>,
    /// The Active Authentication key, if DG15 was read.
    pub aa_key: Option<String>,
}

impl InspectReport {
    fn new() -> Self {
        InspectReport {
            version: 1,
            access: None,
            pace: None,
            secure_messaging: None,
            chip_authentication: None,
            files: Vec::new(),
            checks: Vec::new(),
            passive_authentication: None,
            aa_key: None,
        }
    }

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

/// Card and transport failures end an inspection; everything else is a check.
fn is_fatal(e: &Error) -> bool {
    matches!(
        e,
        Error::CardRemoved | Error::Transport { .. } | Error::Pcsc { .. }
    )
}

/// Inspects the card. Card/transport failures are `Err`; everything about the card's contents
/// and authenticity (including a failed access control, e.g. a wrong CAN) is in the report.
pub fn inspect(
    transport: &mut dyn Transport,
    opts: &InspectOptions<'_>,
) -> Result<Inspection, Error> {
    let mut report = InspectReport::new();
    let mut files = LdsFiles::new();

    // EF.CardAccess, in plain, before any access control: it says whether PACE is offered
    // (read for BAC-only inspections too, so the file set is complete and DG14 can vouch for it).
    let mut offers: Option<Vec<pace::PaceParams>> = None;
    if !opts.access.is_empty() {
        let mut tx = transport.transaction()?;
        let mut s = Session::new(&mut *tx);
        match s.read_ef(Ef::CardAccess, None, &opts.plan(0)) {
            Ok(bytes) => {
                record_file(&mut report, Ef::CardAccess, &bytes);
                match access::pace_offers(&bytes) {
                    Ok(o) => offers = Some(o),
                    Err(e) => report.push("card_access.parse", Status::Fail, e.to_string()),
                }
                files.insert(Ef::CardAccess, bytes);
            }
            Err(e) if is_fatal(&e) => return Err(e),
            Err(Error::Status {
                sw: StatusWord::FileNotFound,
                ..
            }) => report.push(
                format!("file.{}", Ef::CardAccess),
                Status::Skipped,
                "absent: the chip does not offer PACE",
            ),
            Err(e) => report.push(
                format!("file.{}", Ef::CardAccess),
                Status::Fail,
                e.to_string(),
            ),
        }
    }

    let mut failed: Vec<usize> = Vec::new();
    let mut touched = false;
    for protocol in &opts.access {
        let id = format!("access.{}", protocol.name().to_ascii_lowercase());
        if let Access::Pace(pw) = protocol {
            match offers.as_deref() {
                None => {
                    report.push(
                        id,
                        Status::Skipped,
                        "the chip offers no PACE (no usable EF.CardAccess)",
                    );
                    continue;
                }
                Some([]) => {
                    report.push(id, Status::Skipped, format!("PACE with the {}: EF.CardAccess offers no parameters this reader supports", pw.name()));
                    continue;
                }
                Some(_) => {}
            }
        }
        // A failed attempt may leave the chip in any state: start the next one from a reset.
        if touched {
            transport.reset()?;
        }
        touched = true;
        let mut tx = transport.transaction()?;
        let mut s = Session::new(&mut *tx);
        let select = Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(opts.aid.clone());
        let attempt = match protocol {
            Access::Pace(pw) => {
                let offers = offers.as_deref().unwrap_or_default();
                access::pace_establish(s.exchange(), offers, pw).map(|(sm, run)| {
                    s.secure(sm);
                    let detail = format!(
                        "PACE with the {} ({}) established {} secure messaging",
                        run.password,
                        run.description,
                        s.cipher_name().unwrap_or("?")
                    );
                    report.pace = Some(run);
                    detail
                })
            }
            Access::Bac(mrz) => {
                let sel = s.transmit(&select)?;
                if !sel.is_ok() {
                    report.push(
                        "application.select",
                        Status::Fail,
                        format!("SELECT eMRTD application: {}", sel.status_word()),
                    );
                    return Ok(Inspection { files, report });
                }
                access::bac_establish(s.exchange(), mrz).map(|sm| {
                    s.secure(sm);
                    "BAC established 3DES secure messaging".to_string()
                })
            }
        };
        match attempt {
            Ok(detail) => {
                // Earlier failures were survived by falling back: warnings, not failures.
                for i in &failed {
                    report.checks[*i].status = Status::Warning;
                    report.checks[*i]
                        .detail
                        .push_str(&format!("; fell back to {}", protocol.name()));
                }
                report.push(id, Status::Pass, detail);
                report.access = Some(protocol.name().to_string());
                report.secure_messaging = s.cipher_name().map(str::to_string);
                if matches!(protocol, Access::Pace(_)) {
                    // After PACE (run at MF level) the application is selected under SM.
                    match s.transmit(&select) {
                        Ok(r) if r.is_ok() => {}
                        Ok(r) => {
                            report.push(
                                "application.select",
                                Status::Fail,
                                format!("SELECT eMRTD application: {}", r.status_word()),
                            );
                            return Ok(Inspection { files, report });
                        }
                        Err(e) if is_fatal(&e) => return Err(e),
                        Err(e) => {
                            report.push(
                                "application.select",
                                Status::Fail,
                                format!("SELECT eMRTD application: {e}"),
                            );
                            return Ok(Inspection { files, report });
                        }
                    }
                }
                read_and_check(&mut s, opts, &mut report, &mut files)?;
                return Ok(Inspection { files, report });
            }
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                let what = match protocol {
                    Access::Pace(pw) => format!("PACE with the {}", pw.name()),
                    Access::Bac(_) => "BAC".to_string(),
                };
                failed.push(report.checks.len());
                report.push(id, Status::Fail, format!("{what} failed: {e}"));
            }
        }
    }
    if report.access.is_none() {
        report.push(
            "access",
            Status::Fail,
            if opts.access.is_empty() {
                "no access protocol configured".to_string()
            } else {
                "no access protocol opened secure messaging; nothing could be read".to_string()
            },
        );
    }
    Ok(Inspection { files, report })
}

fn record_file(report: &mut InspectReport, ef: Ef, data: &[u8]) {
    report.files.push(FileRead {
        ef: ef.to_string(),
        fid: format!("{:04X}", ef.fid()),
        bytes: data.len(),
        sha256: hex::encode_upper(Sha256::digest(data)),
    });
    report.push(
        format!("file.{ef}"),
        Status::Pass,
        format!("{} bytes read", data.len()),
    );
}

fn read_and_check(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    report: &mut InspectReport,
    files: &mut LdsFiles,
) -> Result<(), Error> {
    let plan = opts.plan(s.block_len().unwrap_or(0));
    let read = |s: &mut Session<'_>,
                ef: Ef,
                report: &mut InspectReport,
                files: &mut LdsFiles|
     -> Result<bool, Error> {
        match s.read_ef(ef, None, &plan) {
            Ok(data) => {
                record_file(report, ef, &data);
                files.insert(ef, data);
                Ok(true)
            }
            Err(e) if is_fatal(&e) => Err(e),
            Err(e) => {
                report.push(format!("file.{ef}"), Status::Fail, e.to_string());
                Ok(false)
            }
        }
    };
    let mut listed = Vec::new();
    if read(s, Ef::Com, report, files)? {
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
        read(s, *ef, report, files)?;
    }
    read(s, Ef::Sod, report, files)?;

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
    check_card_access_against_dg14(files, report);

    // Chip Authentication is offered by DG14; Active Authentication by DG15. AA goes first
    // when both run: a failed CA ends the secure-messaging session.
    let ca_offer = match files.get(&Ef::Dg(14)) {
        None => Ok(None),
        Some(dg14) => CaOffer::from_dg14(dg14),
    };
    let ca_runs = opts.chip_authentication && matches!(ca_offer, Ok(Some(_)));
    let aa_runs = match opts.active_authentication {
        AaPolicy::Never => false,
        AaPolicy::Always => true,
        AaPolicy::Auto => !ca_runs,
    };
    if let Some(Ok(key)) = files.get(&Ef::Dg(15)).map(|d| AaPublicKey::from_dg15(d)) {
        report.aa_key = Some(key.describe());
    }
    if aa_runs {
        active_authentication(s, files, report)?;
    } else if files.contains_key(&Ef::Dg(15)) {
        let why = if opts.active_authentication == AaPolicy::Never {
            "not requested"
        } else {
            "Chip Authentication proves this chip (DG14 offers it)"
        };
        report.push("aa", Status::Skipped, why);
    } else {
        report.push("aa", Status::Skipped, "no DG15 on the chip");
    }
    match ca_offer {
        Err(e) => report.push("ca", Status::Fail, e.to_string()),
        Ok(None) => report.push(
            "ca",
            Status::Skipped,
            if files.contains_key(&Ef::Dg(14)) {
                "DG14 offers no Chip Authentication key"
            } else {
                "no DG14 on the chip"
            },
        ),
        Ok(Some(_)) if !opts.chip_authentication => {
            report.push("ca", Status::Skipped, "not requested")
        }
        Ok(Some(offer)) => chip_authentication(s, opts, &offer, files, report)?,
    }
    Ok(())
}

/// DG14 (covered by passive authentication) repeats the PACEInfos of EF.CardAccess (which
/// nothing signs): they must agree, or someone edited EF.CardAccess (e.g. to force weaker
/// parameters).
fn check_card_access_against_dg14(files: &LdsFiles, report: &mut InspectReport) {
    let (Some(card_access), Some(dg14)) = (files.get(&Ef::CardAccess), files.get(&Ef::Dg(14)))
    else {
        return;
    };
    let pace_infos =
        |infos: Result<lds::SecurityInfos, lds::LdsError>| infos.map(|i| i.pace_parameters());
    match (
        pace_infos(lds::SecurityInfos::decode_card_access(card_access)),
        pace_infos(lds::SecurityInfos::decode_dg14(dg14)),
    ) {
        (Ok(a), Ok(d)) if d.is_empty() => report.push(
            "card_access.dg14",
            Status::Warning,
            format!(
                "DG14 repeats none of the {} PACEInfos of EF.CardAccess",
                a.len()
            ),
        ),
        (Ok(a), Ok(d)) if a == d => report.push(
            "card_access.dg14",
            Status::Pass,
            "EF.CardAccess offers exactly the PACE parameters DG14 lists",
        ),
        (Ok(_), Ok(_)) => report.push(
            "card_access.dg14",
            Status::Fail,
            "EF.CardAccess and DG14 list different PACE parameters",
        ),
        _ => {} // a file that does not decode already failed its own check
    }
}

fn active_authentication(
    s: &mut Session<'_>,
    files: &LdsFiles,
    report: &mut InspectReport,
) -> Result<(), Error> {
    let Some(dg15) = files.get(&Ef::Dg(15)) else {
        report.push("aa", Status::Skipped, "no DG15 on the chip");
        return Ok(());
    };
    let key = match AaPublicKey::from_dg15(dg15) {
        Ok(k) => k,
        Err(e) => {
            report.push("aa", Status::Fail, e.to_string());
            return Ok(());
        }
    };
    report.aa_key = Some(key.describe());
    let mut challenge = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut challenge);
    match s.transmit(&aa::internal_authenticate_command(&challenge)) {
        Err(e) if is_fatal(&e) => return Err(e),
        Err(e) => report.push("aa", Status::Fail, format!("INTERNAL AUTHENTICATE: {e}")),
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
    Ok(())
}

/// Chip Authentication, then the proof: EF.COM read again under the new keys must verify and
/// match. A clone without the private key fails one or the other.
fn chip_authentication(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    offer: &CaOffer,
    files: &LdsFiles,
    report: &mut InspectReport,
) -> Result<(), Error> {
    if !s.is_secure() {
        report.push("ca", Status::Fail, "no secure messaging to run it under");
        return Ok(());
    }
    if let Err(e) = chip_auth::authenticate(s, offer) {
        if is_fatal(&e) {
            return Err(e);
        }
        report.push(
            "ca",
            Status::Fail,
            format!("{} refused: {e}", offer.describe()),
        );
        return Ok(());
    }
    let plan = opts.plan(s.block_len().unwrap_or(0));
    match s.read_ef(Ef::Com, None, &plan) {
        Ok(com) if files.get(&Ef::Com) == Some(&com) => {
            report.chip_authentication = Some(offer.describe());
            report.secure_messaging = s.cipher_name().map(str::to_string);
            report.push(
                "ca",
                Status::Pass,
                format!(
                    "{}: the chip holds the DG14 private key (EF.COM read again under the new keys matches)",
                    offer.describe()
                ),
            );
        }
        Ok(_) => report.push(
            "ca",
            Status::Fail,
            "EF.COM read under the Chip Authentication keys differs from the first read",
        ),
        Err(e) if is_fatal(&e) => return Err(e),
        Err(e) => report.push(
            "ca",
            Status::Fail,
            format!(
                "the chip's answer under the Chip Authentication keys does not verify ({e}): it does not hold the DG14 private key (a cloned chip?)"
            ),
        ),
    }
    Ok(())
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
