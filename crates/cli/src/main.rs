//! `cccd`: issue chip-based citizen identity cards.
//!
//! One module per subcommand area under `cmd/`, each with its own clap types and a `run` that
//! returns the process exit code, so scripts can rely on it: 0 success, 1 a check failed or a
//! record was bad, 2 a usage or environment error (reported by `main`).
#![forbid(unsafe_code)]

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cccd",
    version,
    about = "Issue, verify and audit chip-based citizen identity cards"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Validate citizen records (JSON or JSONL).
    #[command(subcommand)]
    Record(cmd::record::Cmd),
    /// Print the three TD1 MRZ lines of a record.
    Mrz(cmd::mrz::Args),
    /// Build and dump ICAO LDS files.
    #[command(subcommand)]
    Lds(cmd::lds::Cmd),
    /// The issuing PKI: CSCA, Document Signers, CRLs.
    #[command(subcommand)]
    Pki(cmd::pki::Cmd),
    /// Sign and verify EF.SOD (passive authentication).
    #[command(subcommand)]
    Sod(cmd::sod::Cmd),
    /// The tamper-evident signature audit log.
    #[command(subcommand)]
    Audit(cmd::audit::Cmd),
    /// Write or read one chip through a PC/SC reader.
    #[command(subcommand)]
    Chip(cmd::chip::Cmd),
    /// List PC/SC readers, card presence and ATR.
    Readers(cmd::readers::Args),
    /// The virtual chip (a vpcd card behind real pcscd).
    #[command(subcommand)]
    Vchip(cmd::vchip::Cmd),
    /// Render a record as a print-ready card (PNG and PDF).
    Render(cmd::render::Args),
    /// The population-registry extract (embedded SQLite).
    #[command(subcommand)]
    Registry(cmd::registry::Cmd),
    /// Personalize a batch of cards on one or more encoders.
    Personalize(cmd::personalize::Args),
    /// Inspect the card on a reader and compare it with the registry record.
    Verify(cmd::verify::Args),
    /// Run a demo batch end to end on virtual encoders.
    Demo(cmd::demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Record(c) => cmd::record::run(c),
        Cmd::Mrz(a) => cmd::mrz::run(a),
        Cmd::Lds(c) => cmd::lds::run(c),
        Cmd::Pki(c) => cmd::pki::run(c),
        Cmd::Sod(c) => cmd::sod::run(c),
        Cmd::Audit(c) => cmd::audit::run(c),
        Cmd::Chip(c) => cmd::chip::run(c),
        Cmd::Readers(a) => cmd::readers::run(a),
        Cmd::Vchip(c) => cmd::vchip::run(c),
        Cmd::Render(a) => cmd::render::run(a),
        Cmd::Registry(c) => cmd::registry::run(c),
        Cmd::Personalize(a) => cmd::personalize::run(a),
        Cmd::Verify(a) => cmd::verify::run(a),
        Cmd::Demo(a) => cmd::demo::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
