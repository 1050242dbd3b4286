//! `cccd chip`.

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {}
}
