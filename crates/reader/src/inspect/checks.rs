//! The checks on what was read: passive authentication (and every data group read must be in
//! the SOD), EF.CardAccess against the signed DG14, then Active and Chip Authentication as the
//! options and the chip's DG14/DG15 decide. Every outcome is a check in the report; only card
//! and transport failures are errors.

use super::is_fatal;
use super::options::{AaPolicy, InspectOptions};
use super::report::InspectReport;
use crate::aa::{self, AaPublicKey};
use crate::chip_auth::{self, CaOffer};
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::session::Session;
use sign::pa::{Check, Status};
use std::collections::BTreeMap;

/// Passive authentication, EF.CardAccess against DG14, then AA and CA.
pub(super) fn run_checks(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    report: &mut InspectReport,
    files: &LdsFiles,
) -> Result<(), Error> {
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
