//! `cccd sod`: sign an EF.SOD over the files `cccd lds build` wrote, and passive authentication.

use super::pki::{parse_time, secret};
use anyhow::{Context, bail};
use chrono::Utc;
use sign::pa::Status;
use sign::{AuditMeta, AuditOptions, PaInput, Pki, verify_sod};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Sign EF.SOD over DG*.bin in an LDS folder with the active Document Signer.
    Sign {
        #[arg(long)]
        pki: PathBuf,
        #[arg(long)]
        lds: PathBuf,
        /// Output (default LDS/EF.SOD.bin).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Audit log (default PKI/audit.jsonl).
        #[arg(long)]
        audit_log: Option<PathBuf>,
        #[arg(long, default_value = "cli")]
        station: String,
        #[arg(long, default_value_t = default_operator())]
        operator: String,
        /// Document number for the audit entry (default: from the DG1 MRZ).
        #[arg(long)]
        document: Option<String>,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Passive authentication of an EF.SOD (and the data groups, with --lds).
    Verify {
        #[arg(long)]
        sod: PathBuf,
        /// Folder with DG*.bin; without it only the signature and the chain are checked.
        #[arg(long)]
        lds: Option<PathBuf>,
        /// Trusted CSCA certificate(s), PEM or DER.
        #[arg(long)]
        csca: PathBuf,
        #[arg(long)]
        crl: Option<PathBuf>,
        /// Check certificate validity at this time (YYYY-MM-DD or RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn default_operator() -> String {
    std::env::var("USER").unwrap_or_else(|_| "unknown".into())
}

/// Reads `DG1.bin` … `DG16.bin` from an LDS folder.
fn read_dgs(dir: &Path) -> anyhow::Result<BTreeMap<u8, Vec<u8>>> {
    if !dir.is_dir() {
        bail!("{}: not a folder", dir.display());
    }
    let mut m = BTreeMap::new();
    for n in 1..=16u8 {
        let p = dir.join(format!("DG{n}.bin"));
        if p.exists() {
            m.insert(
                n,
                std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?,
            );
        }
    }
    if m.is_empty() {
        bail!("{}: no DG*.bin files (run `cccd lds build`)", dir.display());
    }
    Ok(m)
}

/// The TD1 document number (line 1, positions 6–14) from DG1's MRZ (`61 L 5F1F L mrz`).
fn document_number(dg1: &[u8]) -> Option<String> {
    let pos = dg1.windows(2).position(|w| w == [0x5F, 0x1F])?;
    let len = usize::from(*dg1.get(pos + 2)?);
    let mrz = dg1.get(pos + 3..pos + 3 + len)?;
    let num = std::str::from_utf8(mrz.get(5..14)?).ok()?;
    let num = num.trim_end_matches('<');
    (!num.is_empty()).then(|| num.to_string())
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Sign {
            pki,
            lds,
            out,
            audit_log,
            station,
            operator,
            document,
            passphrase_file,
        } => {
            let pki = Pki::open(&pki)?;
            let dgs = read_dgs(&lds)?;
            let document_number = match document {
                Some(d) => d,
                None => dgs
                    .get(&1)
                    .and_then(|d| document_number(d))
                    .context("no document number: DG1 has no TD1 MRZ; pass --document")?,
            };
            let s = secret(passphrase_file.as_deref(), false)?;
            let log_path = audit_log.unwrap_or_else(|| pki.default_audit_log());
            let (signer, log) =
                pki.open_sod_signer(&s, Some(&log_path), AuditOptions::default())?;
            let signed = signer.sign(
                &dgs,
                &AuditMeta {
                    station,
                    operator,
                    document_number,
                },
            )?;
            let (_, head) = log.close()?;
            let out = out.unwrap_or_else(|| lds.join("EF.SOD.bin"));
            std::fs::write(&out, &signed.sod)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "EF.SOD ({} bytes, DGs {:?}) written to {}\nDS {}; audit entry {} in {} (head {head}); SOD sha256 {}",
                signed.sod.len(),
                dgs.keys().collect::<Vec<_>>(),
                out.display(),
                signed.ds_serial,
                signed.receipt.seq,
                log_path.display(),
                signed.sod_sha256
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Verify {
            sod,
            lds,
            csca,
            crl,
            at,
            json,
        } => {
            let sod_bytes =
                std::fs::read(&sod).with_context(|| format!("reading {}", sod.display()))?;
            let cscas = sign::certs::parse_certificates(
                &std::fs::read(&csca).with_context(|| format!("reading {}", csca.display()))?,
                &csca.display().to_string(),
            )?;
            let crl = match crl {
                Some(p) => Some(sign::certs::parse_crl(
                    &std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?,
                    &p.display().to_string(),
                )?),
                None => None,
            };
            let dgs = lds.as_deref().map(read_dgs).transpose()?;
            let at = at
                .as_deref()
                .map(parse_time)
                .transpose()?
                .unwrap_or_else(Utc::now);
            let rep = verify_sod(&PaInput {
                sod: &sod_bytes,
                dgs: dgs.as_ref(),
                cscas: &cscas,
                crl: crl.as_ref(),
                at,
            });
            if json {
                let mut v = serde_json::to_value(&rep)?;
                v["passed"] = rep.passed().into();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for c in &rep.checks {
                    let s = match c.status {
                        Status::Pass => "PASS",
                        Status::Warning => "WARN",
                        Status::Fail => "FAIL",
                        Status::Skipped => "SKIP",
                    };
                    println!("{s}  {:<32} {}", c.id, c.detail);
                }
                println!(
                    "passive authentication {}",
                    if rep.passed() { "PASSED" } else { "FAILED" }
                );
            }
            Ok(if rep.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
