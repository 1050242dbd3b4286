//! `cccd registry`: the population-registry extract (one SQLite file with records and photos).

use anyhow::Context;
use issuance::journal::{Journal, SqliteJournal};
use issuance::registry::{ImportReport, Loader, Registry};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Import records from CSV, JSONL or JSON; bad records are reported and skipped (exit 1).
    Import {
        /// The registry database (created when absent).
        #[arg(long)]
        db: PathBuf,
        /// The hand-over file: `.csv`, `.jsonl` or `.json`.
        input: PathBuf,
        /// Folder the `photo` paths are relative to (default: the input file's folder).
        #[arg(long)]
        photos: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Add deterministic synthetic citizens (names, ID numbers, dates, drawn portraits).
    Seed {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        count: usize,
        /// The same seed always gives the same citizens.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one record, whether it validates today, and its issuance jobs.
    Show {
        #[arg(long)]
        db: PathBuf,
        /// The 12-digit ID number.
        id: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    match cmd {
        Cmd::Import {
            db,
            input,
            photos,
            json,
        } => {
            let reg = Registry::open(&db)?;
            let report = reg.import_file(&input, photos.as_deref(), today)?;
            print_report(&report, json, &format!("imported {}", input.display()));
            Ok(exit(report.bad.is_empty()))
        }
        Cmd::Seed {
            db,
            count,
            seed,
            json,
        } => {
            let reg = Registry::open(&db)?;
            let report = reg.seed(count, seed, today, |_| {})?;
            print_report(
                &report,
                json,
                &format!("seeded {count} citizens (seed {seed})"),
            );
            Ok(exit(report.bad.is_empty()))
        }
        Cmd::Show { db, id, json } => show(&db, &id, json, today),
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_report(r: &ImportReport, json: bool, what: &str) {
    if json {
        println!(
            "{}",
            json!({
                "version": 1,
                "new": r.new,
                "unchanged": r.unchanged,
                "updated": r.updated,
                "bad": r.bad,
            })
        );
        return;
    }
    for b in &r.bad {
        eprintln!("bad record: {}", b.reason);
    }
    println!(
        "{what}: {} new, {} unchanged, {} updated, {} bad record(s) skipped",
        r.new,
        r.unchanged,
        r.updated,
        r.bad.len()
    );
}

fn show(
    db: &std::path::Path,
    id: &str,
    json: bool,
    today: chrono::NaiveDate,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(db.exists(), "{}: no such registry database", db.display());
    let reg = Registry::open(db)?;
    let Some(stored) = reg.get(id)? else {
        if json {
            println!("{}", json!({"version": 1, "id_number": id, "found": false}));
        } else {
            eprintln!("record {id}: not in the registry {}", db.display());
        }
        return Ok(ExitCode::from(1));
    };
    let check = Loader::new()?.load(&reg, id, today)?;
    let jobs = SqliteJournal::open(db)
        .and_then(|j| j.jobs_for(id))
        .context("reading the journal")?;
    let photo = stored.photo.as_ref().map(|p| {
        let dims = citizen::photo::inspect(p).ok();
        json!({
            "bytes": p.len(),
            "width": dims.map(|d| d.width),
            "height": dims.map(|d| d.height),
        })
    });
    if json {
        println!(
            "{}",
            json!({
                "version": 1,
                "id_number": id,
                "found": true,
                "record": stored.raw,
                "photo": photo,
                "source": stored.source,
                "imported_at": stored.imported_at,
                "valid": check.is_ok(),
                "problem": check.as_ref().err().map(|e| e.to_string()),
                "jobs": jobs,
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    let raw = serde_json::to_value(&stored.raw)?;
    if let Some(obj) = raw.as_object() {
        for k in citizen::KEYS {
            let Some(v) = obj.get(k) else { continue };
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "(none)".into(),
                other => other.to_string(),
            };
            println!("{k:<22}{v}");
        }
    }
    match &stored.photo {
        Some(p) => match citizen::photo::inspect(p) {
            Ok(i) => println!(
                "{:<22}{} bytes, {}×{}",
                "photo data",
                p.len(),
                i.width,
                i.height
            ),
            Err(e) => println!("{:<22}{} bytes, {e}", "photo data", p.len()),
        },
        None => println!("{:<22}(none stored)", "photo data"),
    }
    println!(
        "{:<22}{} at {}",
        "source", stored.source, stored.imported_at
    );
    match &check {
        Ok(_) => println!("{:<22}valid today", "validation"),
        Err(e) => println!("{:<22}INVALID: {e}", "validation"),
    }
    for j in &jobs {
        println!(
            "{:<22}job {} attempt {}: {}{}",
            "issuance",
            j.id,
            j.attempt,
            j.state,
            j.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
