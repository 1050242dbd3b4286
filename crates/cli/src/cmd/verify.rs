//! `cccd verify`: quality control of one card on a reader — full inspection (PACE with the CAN
//! or the MRZ, BAC as the fallback, every file, passive authentication, Chip Authentication
//! and/or Active Authentication), then a comparison with the registry record.

use anyhow::Context as _;
use issuance::registry::{Loader, Registry};
use reader::Can;
use reader::inspect::{AaPolicy, InspectOptions, Trust};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("key").required(true).multiple(true).args(["id", "mrz", "can"])))]
pub struct Args {
    /// The PC/SC reader holding the card.
    #[arg(long)]
    pub reader: String,
    /// CSCA certificate(s) (PEM or DER) to check the Document Signer against.
    #[arg(long)]
    pub csca: PathBuf,
    /// Certificate revocation list (PEM or DER).
    #[arg(long)]
    pub crl: Option<PathBuf>,
    /// Registry database, to compare the chip with the record (with --id).
    #[arg(long, requires = "id")]
    pub db: Option<PathBuf>,
    /// The card holder's 12-digit ID number in the registry (needs --db).
    #[arg(long, requires = "db")]
    pub id: Option<String>,
    /// Without a registry: the MRZ key as DOCUMENT,YYMMDD(birth),YYMMDD(expiry) (PACE with the
    /// MRZ when no CAN is given, and BAC as the fallback).
    #[arg(long)]
    pub mrz: Option<String>,
    /// The 6-digit Card Access Number for PACE. With --id it defaults to the last 6 digits of
    /// the ID number (Vietnamese cards print no separate CAN).
    #[arg(long, value_parser = parse_can)]
    pub can: Option<Can>,
    /// Active Authentication: auto (only when DG14 offers no Chip Authentication), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub aa: AaArg,
    /// Firmware profile, to read with its largest chunks (default: short APDUs).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Seconds to wait for a card.
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
    #[arg(long)]
    pub json: bool,
}

/// `--can` (also `cccd chip read`): 6 digits, refused as a usage error before anything opens.
pub(crate) fn parse_can(s: &str) -> Result<Can, String> {
    Can::new(s).map_err(|e| e.to_string())
}

/// `--aa`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum AaArg {
    Auto,
    Always,
    Never,
}

impl From<AaArg> for AaPolicy {
    fn from(a: AaArg) -> Self {
        match a {
            AaArg::Auto => AaPolicy::Auto,
            AaArg::Always => AaPolicy::Always,
            AaArg::Never => AaPolicy::Never,
        }
    }
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let trust = Trust::load_with_crl(&a.csca, a.crl.as_deref())?;
    let can = match (&a.can, &a.id) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(id)) => Can::from_vietnam_id_number(id).ok(),
        (None, None) => None,
    };
    let record = match (&a.db, &a.id) {
        (Some(db), Some(id)) => {
            anyhow::ensure!(db.exists(), "{}: no such registry database", db.display());
            let reg = Registry::open(db)?;
            let today = chrono::Local::now().date_naive();
            match Loader::new()?.load(&reg, id, today) {
                Ok(Ok(r)) => Some(r),
                Ok(Err(e)) => anyhow::bail!("the registry record is not valid: {e}"),
                Err(e) => return Err(e.into()),
            }
        }
        _ => None,
    };
    let mrz = match (&record, &a.mrz) {
        (Some(r), _) => {
            let td1 = lds::mrz::Td1::from_record(r, &lds::mrz::MrzOptions::default())?;
            Some(issuance::pipeline::bac_mrz(&td1).map_err(anyhow::Error::msg)?)
        }
        (None, Some(m)) => {
            let parts: Vec<&str> = m.split(',').collect();
            anyhow::ensure!(
                parts.len() == 3,
                "--mrz: expected DOCUMENT,YYMMDD,YYMMDD (document number, birth, expiry)"
            );
            Some(reader::bac::MrzInfo::new(parts[0], parts[1], parts[2])?)
        }
        (None, None) => None,
    };
    anyhow::ensure!(
        can.is_some() || mrz.is_some(),
        "give --can, --mrz, or --db and --id"
    );
    let profile = match &a.profile {
        Some(p) => Some(reader::Profile::load(p)?),
        None => None,
    };
    let mut t = reader::pcsc::PcscTransport::wait_for_card(&a.reader, Duration::from_secs(a.wait))
        .context("cannot reach the card (is pcscd running and a card in the reader?)")?;
    let mut opts = InspectOptions::with_keys(can.as_ref(), mrz.as_ref())
        .with_trust(&trust)
        .with_aa(a.aa.into());
    if let Some(p) = &profile {
        opts = opts.with_profile(p);
    }
    let inspection = reader::inspect::inspect(&mut t, &opts)?;
    let mut checks = inspection.report.checks.clone();
    if let Some(r) = &record {
        checks.extend(issuance::pipeline::compare_with_record(
            &inspection.files,
            r,
        ));
    }
    let passed = !checks.iter().any(|c| c.status == sign::Status::Fail);
    if a.json {
        println!(
            "{}",
            json!({
                "version": 1,
                "passed": passed,
                "reader": a.reader,
                "id_number": a.id,
                "checks": checks,
                "inspection": inspection.report,
            })
        );
    } else {
        for c in &checks {
            let s = match c.status {
                sign::Status::Pass => "pass",
                sign::Status::Warning => "WARN",
                sign::Status::Fail => "FAIL",
                sign::Status::Skipped => "skip",
            };
            println!("{s:5} {:<22} {}", c.id, c.detail);
        }
        println!(
            "{}",
            if passed {
                "PASS: the card is genuine and matches"
            } else {
                "FAIL: see the checks above"
            }
        );
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
