//! The run: EF.CardAccess in plain, then each access protocol in the options' order (PACE with
//! the CAN or the MRZ, BAC), with a card reset between attempts and earlier failures turned into
//! warnings once one succeeds; then the application under secure messaging, and on to `files`
//! and `checks`. This is where card and transport failures end an inspection.

use super::checks::run_checks;
use super::files::{read_files, record_file};
use super::is_fatal;
use super::options::InspectOptions;
use super::report::{InspectReport, Inspection};
use crate::access::{self, Access};
use crate::apdu::Command;
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::session::Session;
use crate::sw::StatusWord;
use crate::transport::Transport;
use sign::pa::Status;

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

/// Everything after access control: the files, then the checks on them.
fn read_and_check(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    report: &mut InspectReport,
    files: &mut LdsFiles,
) -> Result<(), Error> {
    read_files(s, opts, report, files)?;
    run_checks(s, opts, report, files)
}
