//! `cccd pki`: the issuing PKI folder (CSCA, Document Signers, CRLs). Logic lives in `sign::pki`.

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use sign::{Curve, DsOptions, InitOptions, Pki, Secret, TokenRef};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Create the PKI folder: CSCA key and certificate, audit key, empty CRL.
    Init {
        #[arg(long)]
        dir: PathBuf,
        /// Two-letter country code (issuer and subject countryName).
        #[arg(long)]
        country: String,
        /// Organization name in the certificates.
        #[arg(long)]
        org: String,
        #[arg(long, default_value = "p256", value_parser = ["p256", "p384"])]
        curve: String,
        /// PKCS#11 module: keys are generated on the token instead of in encrypted files.
        #[arg(long, requires = "token_label")]
        pkcs11_module: Option<PathBuf>,
        /// Label of the PKCS#11 token.
        #[arg(long, requires = "pkcs11_module")]
        token_label: Option<String>,
        /// File holding the passphrase (or token PIN); else CCCD_PASSPHRASE, else a prompt.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Issue a new Document Signer (becomes the active one unless --no-activate).
    IssueDs {
        #[arg(long)]
        dir: PathBuf,
        /// Start of validity and key usage (YYYY-MM-DD or RFC 3339; default now).
        #[arg(long)]
        not_before: Option<String>,
        /// Private key usage period in days (at most 92).
        #[arg(long, default_value_t = 92)]
        key_usage_days: i64,
        /// Certificate validity in days (default: key usage + 10 years).
        #[arg(long)]
        validity_days: Option<i64>,
        #[arg(long)]
        no_activate: bool,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Make an existing Document Signer the active one.
    Activate {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        serial: String,
    },
    /// Revoke a Document Signer and issue a new CRL (DIR/crl.der, DIR/crl.pem).
    Revoke {
        #[arg(long)]
        dir: PathBuf,
        /// Serial number in hex.
        #[arg(long)]
        serial: String,
        /// keyCompromise, superseded, cessationOfOperation, affiliationChanged, …
        #[arg(long)]
        reason: String,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Issue a fresh CRL signed by the CSCA.
    Crl {
        #[arg(long)]
        dir: PathBuf,
        /// Output file (DER; PEM when it ends in .pem).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// List the CSCA, Document Signers and revocations.
    List {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The PKI secret: `--passphrase-file`, else `CCCD_PASSPHRASE`, else a terminal prompt.
pub fn secret(file: Option<&Path>, confirm: bool) -> anyhow::Result<Secret> {
    if let Some(s) = Secret::from_file_or_env(file)? {
        return Ok(s);
    }
    let prompt = "PKI passphrase (or token PIN): ";
    let first = rpassword::prompt_password(prompt).context(
        "no passphrase: set CCCD_PASSPHRASE, pass --passphrase-file, or run on a terminal",
    )?;
    if first.is_empty() {
        bail!("empty passphrase");
    }
    if confirm {
        let again = rpassword::prompt_password("Repeat: ").context("reading the passphrase")?;
        if again != first {
            bail!("the passphrases differ");
        }
    }
    Ok(Secret::new(first))
}

/// Parses `YYYY-MM-DD` (midnight UTC) or RFC 3339.
pub fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{s:?} is not a date (YYYY-MM-DD or RFC 3339)"))?;
    Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    match cmd {
        Cmd::Init {
            dir,
            country,
            org,
            curve,
            pkcs11_module,
            token_label,
            passphrase_file,
        } => {
            let token = match (pkcs11_module, token_label) {
                (Some(module), Some(token_label)) => Some(TokenRef {
                    module,
                    token_label,
                }),
                _ => None,
            };
            let s = secret(passphrase_file.as_deref(), token.is_none())?;
            let pki = Pki::init(
                &dir,
                &InitOptions {
                    country,
                    org,
                    curve: Curve::parse(&curve)?,
                    token,
                    now,
                },
                &s,
            )?;
            println!(
                "PKI created in {}: CSCA serial {}; give {} to verifiers",
                dir.display(),
                pki.meta().csca_serial,
                dir.join("csca.pem").display()
            );
        }
        Cmd::IssueDs {
            dir,
            not_before,
            key_usage_days,
            validity_days,
            no_activate,
            passphrase_file,
        } => {
            let mut pki = Pki::open(&dir)?;
            let s = secret(passphrase_file.as_deref(), false)?;
            let rec = pki.issue_ds(
                &s,
                &DsOptions {
                    not_before: not_before.as_deref().map(parse_time).transpose()?,
                    key_usage_days,
                    validity_days,
                    activate: !no_activate,
                    now,
                },
            )?;
            println!(
                "Document Signer {} issued ({}); key usage {} .. {}{}",
                rec.serial,
                rec.cert,
                rec.key_usage_not_before,
                rec.key_usage_not_after,
                if no_activate { "" } else { "; active" }
            );
        }
        Cmd::Activate { dir, serial } => {
            let mut pki = Pki::open(&dir)?;
            pki.activate(&serial)?;
            println!("Document Signer {serial} is active");
        }
        Cmd::Revoke {
            dir,
            serial,
            reason,
            passphrase_file,
        } => {
            let mut pki = Pki::open(&dir)?;
            let s = secret(passphrase_file.as_deref(), false)?;
            pki.revoke(&s, &serial, &reason, now)?;
            println!(
                "{serial} revoked ({reason}); CRL {} written to {}",
                pki.meta().crl_number,
                dir.join("crl.der").display()
            );
        }
        Cmd::Crl {
            dir,
            out,
            passphrase_file,
        } => {
            let mut pki = Pki::open(&dir)?;
            let s = secret(passphrase_file.as_deref(), false)?;
            pki.issue_crl(&s, now, &out)?;
            println!(
                "CRL {} ({} revoked) written to {}",
                pki.meta().crl_number,
                pki.meta().revoked.len(),
                out.display()
            );
        }
        Cmd::List { dir, json } => {
            let pki = Pki::open(&dir)?;
            let l = pki.listing(now);
            if json {
                println!("{}", serde_json::to_string_pretty(&l)?);
            } else {
                println!(
                    "PKI {} — {} / {} — {} keys in {}",
                    l.dir, l.country, l.org, l.curve, l.key_store
                );
                println!(
                    "CSCA   {}  {}  valid {} .. {}",
                    l.csca.serial, l.csca.subject, l.csca.not_before, l.csca.not_after
                );
                for d in &l.document_signers {
                    println!(
                        "DS {} {}  key usage {} .. {}  cert until {}  {}",
                        if d.active { "*" } else { " " },
                        d.serial,
                        d.key_usage_not_before,
                        d.key_usage_not_after,
                        d.not_after,
                        d.state
                    );
                }
                println!("CRL number {}; {} revoked", l.crl_number, l.revoked.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
