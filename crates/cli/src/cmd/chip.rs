//! `cccd chip`: write one card end to end (LDS, keys, EF.SOD, personalization by profile,
//! read-back, lock) or read and inspect one card, through a PC/SC reader. Writing is the
//! personalization half of the issuance card flow (`issuance::card_flow`, the same code every
//! batch card goes through) on the one card in the reader, with no journal and no printer;
//! reading is `reader::inspect`.

use super::pki::secret;
use super::record::{load_one, today_or};
use anyhow::Context;
use issuance::card_flow::{
    CardData, CardFailure, CardFlow, Issuer, Lane, ReleaseReason, SpoilReason, Unjournaled,
};
use issuance::encoder::Encoder;
use issuance::journal::SignatureRef;
use issuance::pipeline::open_pki;
use reader::Can;
use reader::bac::MrzInfo;
use reader::files::Ef;
use reader::inspect::{InspectOptions, Trust, inspect};
use reader::pcsc::PcscTransport;
use reader::trace::Tracing;
use reader::{Profile, Transport};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Personalize the card in READER: build the LDS from RECORD, put the AA key on the chip,
    /// sign EF.SOD (one audit entry), write every file as the profile prescribes, read it back,
    /// compare, lock. Exit 1 when the card could not be personalized (it is then NOT locked).
    Write(WriteArgs),
    /// Read the card in READER with BAC: EF.COM, every data group it lists, EF.SOD; passive
    /// authentication with --csca; Active Authentication. Files go to --out. Exit 1 when a
    /// check fails (wrong MRZ included).
    Read(ReadArgs),
}

#[derive(clap::Args)]
pub struct WriteArgs {
    /// PC/SC reader name (see `cccd readers`).
    #[arg(long)]
    reader: String,
    /// Firmware profile (firmware-profiles/*.toml).
    #[arg(long)]
    profile: PathBuf,
    /// The citizen record (one JSON object; photo paths relative to its folder).
    #[arg(long)]
    record: PathBuf,
    /// The PKI folder (`cccd pki init`).
    #[arg(long)]
    pki: PathBuf,
    /// Log every APDU to this file, secrets redacted.
    #[arg(long)]
    trace: Option<PathBuf>,
    /// PKI passphrase file (else CCCD_PASSPHRASE, else a prompt).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Station name for the audit log.
    #[arg(long, default_value = "cli")]
    station: String,
    /// Operator name for the audit log.
    #[arg(long, default_value = "operator")]
    operator: String,
    /// Seconds to wait for a card in the reader.
    #[arg(long, default_value_t = 30)]
    wait: u64,
    /// Print the personalization report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("key").required(true).multiple(true).args(["mrz", "can"])))]
pub struct ReadArgs {
    /// PC/SC reader name.
    #[arg(long)]
    reader: String,
    /// MRZ key: DOCUMENT_NUMBER,YYMMDD(birth),YYMMDD(expiry): PACE with the MRZ when no CAN is
    /// given, and BAC as the fallback.
    #[arg(long, value_parser = parse_mrz)]
    mrz: Option<MrzInfo>,
    /// The 6-digit Card Access Number for PACE (Vietnam: the last 6 digits of the ID number).
    #[arg(long, value_parser = crate::cmd::verify::parse_can)]
    can: Option<Can>,
    /// Certificate revocation list (PEM or DER) for passive authentication (with --csca).
    #[arg(long, requires = "csca")]
    crl: Option<PathBuf>,
    /// Active Authentication: auto (only when DG14 offers no Chip Authentication), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    aa: crate::cmd::verify::AaArg,
    /// Folder for the files read (EF.CardAccess.bin, EF.COM.bin, DG<n>.bin, EF.SOD.bin).
    #[arg(long)]
    out: PathBuf,
    /// CSCA certificate(s), PEM or DER: enables passive authentication.
    #[arg(long)]
    csca: Option<PathBuf>,
    /// Firmware profile of the chip, to read with its largest chunks (default: short APDUs,
    /// which every chip accepts).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Seconds to wait for a card in the reader.
    #[arg(long, default_value_t = 30)]
    wait: u64,
    /// Machine-readable report (`"version": 1`).
    #[arg(long)]
    json: bool,
}

fn parse_mrz(s: &str) -> Result<MrzInfo, String> {
    MrzInfo::parse(s).map_err(|e| e.to_string())
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Write(a) => write(a),
        Cmd::Read(a) => read(a),
    }
}

/// A PC/SC connection, traced into `trace` when given.
fn open(
    reader_name: &str,
    wait: u64,
    trace: Option<&Path>,
) -> anyhow::Result<Box<dyn Transport + Send>> {
    let card = PcscTransport::wait_for_card(reader_name, Duration::from_secs(wait))?;
    Ok(match trace {
        None => Box::new(card),
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            Box::new(Tracing::new(card, Arc::new(Mutex::new(file))))
        }
    })
}

fn write(a: WriteArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::load(&a.profile)?;
    let record = match load_one(&a.record, today_or(None))? {
        Ok(r) => r,
        Err(e) => {
            eprintln!("record {}: {e}", a.record.display());
            return Ok(ExitCode::from(1));
        }
    };
    // The record's data groups and its chip's secrets, before the PKI or a card is touched.
    let data = match CardData::new(record) {
        Ok(data) => data,
        Err(reject) => {
            eprintln!("{reject}");
            return Ok(ExitCode::from(1));
        }
    };
    let s = secret(a.passphrase_file.as_deref(), false)?;
    let pki = open_pki(&a.pki, &s, None, &a.station, &a.operator)?;
    drop(s);

    let card = open(&a.reader, a.wait, a.trace.as_deref())?;
    let issuer = Issuer {
        profile: &profile,
        signer: pki.signer.as_ref(),
        trust: &pki.trust,
        printing: None,
        card_timeout: Duration::from_secs(a.wait),
    };
    let mut lane = Lane {
        encoder: Box::new(OneCard {
            reader: a.reader.clone(),
            card,
        }),
        has_card: true,
    };
    let mut ledger = Unjournaled::default();
    let id = data.record.id_number.clone();
    let result = CardFlow::new(&issuer, &mut lane, &mut ledger, &(), &id).personalize(&data);
    pki.audit.close()?;
    let written = match result {
        Ok(written) => written,
        Err(failure) => return not_personalized(&a.reader, failure, ledger.signature.as_ref()),
    };
    let report = &written.report;
    let signed_seq = written.signature.audit_seq;
    if a.json {
        let out = serde_json::json!({ "version": 1, "reader": a.reader, "audit_seq": signed_seq, "report": report });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "card in {:?} personalized with {} and locked: {} files, {} APDUs, {} bytes sent, {:.0} ms; audit entry {}",
            a.reader,
            report.profile,
            report.files.len(),
            report.total.apdus,
            report.total.bytes_sent,
            report.elapsed.as_secs_f64() * 1e3,
            signed_seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A card the flow could not personalize: exit 1 with what the card (or the file set) said, as
/// this command always printed it; the reader or profile failing is exit 2.
fn not_personalized(
    reader_name: &str,
    failure: CardFailure,
    signed: Option<&SignatureRef>,
) -> anyhow::Result<ExitCode> {
    // Building the files between the two phases failed: the chip keeps its keys, unlocked.
    let file_set = |reason: String| {
        reader::Error::Perso {
            file: "file set".into(),
            reason,
        }
        .to_string()
    };
    let why = match failure {
        CardFailure::Release(
            ReleaseReason::NoCard { source, .. } | ReleaseReason::Refused { source, .. },
        )
        | CardFailure::Spoil(SpoilReason::Write { source, .. }) => match source {
            e @ (reader::Error::Pcsc { .. }
            | reader::Error::Profile { .. }
            | reader::Error::Io { .. }) => return Err(e.into()),
            e => e.to_string(),
        },
        CardFailure::Release(ReleaseReason::ChipKey { source, .. }) => file_set(source.to_string()),
        CardFailure::Fatal(issuance::Error::Signing { source, .. }) => file_set(source.to_string()),
        CardFailure::Fatal(e) => return Err(e.into()),
        other => other.to_string(),
    };
    eprintln!("card in {reader_name:?} NOT personalized (not locked): {why}");
    if let Some(sig) = signed {
        eprintln!(
            "its EF.SOD signature (audit entry {}) belongs to a spoiled card",
            sig.audit_seq
        );
    }
    Ok(ExitCode::from(1))
}

/// The card in `--reader` as the card flow's encoder: one card, no hopper behind it.
struct OneCard {
    reader: String,
    card: Box<dyn Transport + Send>,
}

impl Encoder for OneCard {
    fn name(&self) -> &str {
        &self.reader
    }

    fn next_card(&mut self, _timeout: Duration) -> Result<(), reader::Error> {
        Err(reader::Error::Transport {
            reason: format!("reader {:?}: one card per `cccd chip write`", self.reader),
        })
    }

    fn transport(&mut self) -> Result<&mut dyn Transport, reader::Error> {
        Ok(&mut *self.card)
    }
}

fn read(a: ReadArgs) -> anyhow::Result<ExitCode> {
    let trust = a
        .csca
        .as_deref()
        .map(|c| Trust::load_with_crl(c, a.crl.as_deref()))
        .transpose()?;
    let profile = a.profile.as_deref().map(Profile::load).transpose()?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let mut card = open(&a.reader, a.wait, None)?;
    let mut opts = InspectOptions::with_keys(a.can.as_ref(), a.mrz.as_ref()).with_aa(a.aa.into());
    if let Some(p) = &profile {
        opts = opts.with_profile(p);
    }
    if let Some(t) = &trust {
        opts = opts.with_trust(t);
    }
    let got = inspect(&mut *card, &opts)?;
    for (ef, bytes) in &got.files {
        let name = match ef {
            Ef::Com => "EF.COM.bin".to_string(),
            Ef::Dg(n) => format!("DG{n}.bin"),
            Ef::Sod => "EF.SOD.bin".to_string(),
            Ef::CardAccess => "EF.CardAccess.bin".to_string(),
        };
        let path = a.out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let r = &got.report;
    if a.json {
        let out = serde_json::json!({
            "version": 1,
            "reader": a.reader,
            "atr": hex::encode_upper(card.atr()),
            "passed": r.passed(),
            "report": r,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for c in &r.checks {
            println!(
                "{:<8} {:<28} {}",
                format!("{:?}", c.status).to_lowercase(),
                c.id,
                c.detail
            );
        }
        println!(
            "{}: {} files written to {}",
            if r.passed() { "PASSED" } else { "FAILED" },
            got.files.len(),
            a.out.display()
        );
    }
    Ok(if r.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
