//! `cccd record`: check citizen record files (JSON, JSONL or CSV) against every validation rule.

use anyhow::{Context, bail};
use chrono::NaiveDate;
use citizen::{Record, RecordError, Rules};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Validate every record of a file; prints one line per bad record, exit 1 if any is bad.
    Check {
        /// JSON (one object), JSONL (one object per line) or CSV (same column names).
        file: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Also refuse records whose card has already expired.
        #[arg(long)]
        reject_expired: bool,
        /// The date that counts as today (YYYY-MM-DD; default the local date).
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?}: {e} (expected YYYY-MM-DD)"))
}

pub(crate) fn today_or(given: Option<NaiveDate>) -> NaiveDate {
    given.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Reads the file and validates its single record. The outer error is a usage/environment
/// problem (unreadable file, several records); the inner one a bad record.
pub(crate) fn load_one(
    path: &Path,
    today: NaiveDate,
) -> anyhow::Result<Result<Record, RecordError>> {
    let entries = citizen::check_file(path, today, &Rules::default())
        .with_context(|| format!("reading {}", path.display()))?;
    let n = entries.len();
    let mut it = entries.into_iter();
    match (it.next(), n) {
        (Some(one), 1) => Ok(one.result),
        (None, _) => bail!("{}: no record in the file", path.display()),
        _ => bail!("{}: {n} records, expected exactly one", path.display()),
    }
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Check {
            file,
            json,
            reject_expired,
            today,
        } => {
            let rules = Rules {
                reject_expired,
                ..Rules::default()
            };
            let entries = citizen::check_file(&file, today_or(today), &rules)
                .with_context(|| format!("reading {}", file.display()))?;
            let bad: Vec<&RecordError> = entries
                .iter()
                .filter_map(|e| e.result.as_ref().err())
                .collect();
            if json {
                let errors: Vec<serde_json::Value> = bad
                    .iter()
                    .map(|e| {
                        let (id, line) = e
                            .record()
                            .map(|r| (r.id_number.clone(), r.line))
                            .unwrap_or((None, None));
                        serde_json::json!({
                            "line": line,
                            "id_number": id,
                            "field": e.field(),
                            "rule": e.rule(),
                            "message": e.to_string(),
                        })
                    })
                    .collect();
                let out = serde_json::json!({
                    "version": 1,
                    "file": file.display().to_string(),
                    "records": entries.len(),
                    "valid": entries.len() - bad.len(),
                    "bad": bad.len(),
                    "errors": errors,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for e in &bad {
                    println!("{e}");
                }
                eprintln!(
                    "{}: {} record(s), {} valid, {} bad",
                    file.display(),
                    entries.len(),
                    entries.len() - bad.len(),
                    bad.len()
                );
            }
            Ok(if bad.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
