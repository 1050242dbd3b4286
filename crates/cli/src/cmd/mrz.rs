//! `cccd mrz`: the three TD1 lines of a record, as printed on the back of the card.

use super::record::{load_one, parse_date, today_or};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A record file (JSON, one record); the photo path is relative to it.
    record: PathBuf,
    /// The date that counts as today for validation (YYYY-MM-DD; default the local date).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let record = match load_one(&args.record, today_or(args.today))? {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    for line in lds::mrz::td1_lines(&record)? {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
