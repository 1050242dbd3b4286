//! `cccd render`: a record printed with a card template: `front.png`, `back.png` (exact size at
//! the resolution), `card.pdf` (two pages at the physical card size, fonts embedded) and with
//! `--preview` a `preview.png` of both sides for the operator's screen.

use super::record::{load_one, parse_date, today_or};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A record file (JSON, one record); the photo path is relative to it.
    record: PathBuf,
    /// The card template folder (holding template.toml), e.g. card-templates/cccd-2021.
    #[arg(long)]
    template: PathBuf,
    /// Print resolution of the PNGs.
    #[arg(long, default_value_t = 300, value_parser = parse_dpi)]
    dpi: u32,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Also write preview.png: both sides next to each other.
    #[arg(long)]
    preview: bool,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// The date that counts as today for validation (YYYY-MM-DD; default the local date).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
}

fn parse_dpi(s: &str) -> Result<u32, String> {
    match s {
        "300" => Ok(300),
        "600" => Ok(600),
        _ => Err(format!("{s:?}: the card printers take 300 or 600 dpi")),
    }
}

fn bad_record(json: bool, message: String) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "version": 1, "ok": false, "error": message })
        );
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::from(1)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let record = match load_one(&args.record, today_or(args.today))? {
        Ok(r) => r,
        Err(e) => return Ok(bad_record(args.json, e.to_string())),
    };
    let renderer = print::Renderer::load(&args.template, args.dpi)?;
    let card = match renderer.render(&record) {
        Ok(c) => c,
        Err(e) if e.is_record_error() => return Ok(bad_record(args.json, e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let files = print::write_outputs(&card, &args.out, args.preview)?;
    let (w, h) = renderer.size_px();
    if args.json {
        let out = serde_json::json!({
            "version": 1,
            "ok": true,
            "id_number": record.id_number,
            "template": renderer.template().card.name,
            "dpi": args.dpi,
            "width_px": w,
            "height_px": h,
            "front": files.front_png,
            "back": files.back_png,
            "pdf": files.pdf,
            "preview": files.preview_png,
            "qr_payload": card.qr_payload,
            "mrz": card.mrz,
        });
        println!("{out}");
    } else {
        println!(
            "{}: {} at {} dpi ({w} × {h} px)",
            record.id_number,
            renderer.template().card.name,
            args.dpi
        );
        for p in [
            Some(&files.front_png),
            Some(&files.back_png),
            Some(&files.pdf),
            files.preview_png.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            println!("  wrote {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
