//! `cccd verify`: quality control of one card on a reader — full inspection (BAC, every file,
//! passive and active authentication), then a comparison with the registry record.

use anyhow::Context as _;
use issuance::registry::{Loader, Registry};
use reader::inspect::{InspectOptions, Trust};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("key").required(true).args(["id", "mrz"])))]
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
    /// Without a registry: the BAC key as DOCUMENT,YYMMDD(birth),YYMMDD(expiry).
    #[arg(long)]
    pub mrz: Option<String>,
    /// Firmware profile, to read with its largest chunks (default: short APDUs).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Seconds to wait for a card.
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut trust = Trust::load(&a.csca)?;
    if let Some(crl) = &a.crl {
        let bytes = std::fs::read(crl).with_context(|| format!("reading {}", crl.display()))?;
        trust.crl = Some(sign::certs::parse_crl(&bytes, &crl.display().to_string())?);
    }
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
            issuance::pipeline::bac_mrz(&td1).map_err(anyhow::Error::msg)?
        }
        (None, Some(m)) => {
            let parts: Vec<&str> = m.split(',').collect();
            anyhow::ensure!(
                parts.len() == 3,
                "--mrz: expected DOCUMENT,YYMMDD,YYMMDD (document number, birth, expiry)"
            );
            reader::bac::MrzInfo::new(parts[0], parts[1], parts[2])?
        }
        (None, None) => anyhow::bail!("give --db and --id, or --mrz"),
    };
    let profile = match &a.profile {
        Some(p) => Some(reader::Profile::load(p)?),
        None => None,
    };
    let mut t = reader::pcsc::PcscTransport::wait_for_card(&a.reader, Duration::from_secs(a.wait))
        .context("cannot reach the card (is pcscd running and a card in the reader?)")?;
    let mut opts = InspectOptions::bac(&mrz).with_trust(&trust);
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
