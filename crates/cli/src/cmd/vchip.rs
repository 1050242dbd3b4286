//! `cccd vchip`: the virtual chip as a vpcd card behind real pcscd, and its chip images.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Run a virtual chip of a firmware profile as a card in a vpcd reader of pcscd.
    ///
    /// The chip connects to vpcd (retrying until pcscd listens) and serves until SIGTERM/SIGINT.
    /// A card is finished when the host disconnects after the card was locked and read (a
    /// read-back or an inspection); with --blanks it is then ejected and a fresh blank chip is
    /// inserted, like an encoder fed from a hopper. With --image the chip's contents live in
    /// that file (loaded if it exists, rewritten after every change, an ejected card's image kept
    /// as IMAGE.card<K>). The image holds the chip's private keys in clear (as a chip's EEPROM
    /// does) and is written with mode 0600: treat it as secret test data.
    Serve(ServeArgs),
    /// Show what a chip image holds: lifecycle, files, keys (public parts only).
    Info(InfoArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// Answer at once.
    Off,
    /// Model a contact chip from the profile's [timing] (bit rate, EEPROM page writes).
    Realistic,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Firmware profile (firmware-profiles/*.toml).
    #[arg(long)]
    profile: PathBuf,
    /// vpcd host.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// vpcd port (35963 = "Virtual PCD 00 00", 35964 = "Virtual PCD 00 01").
    #[arg(long, default_value_t = 35963)]
    port: u16,
    /// Chip image file (created if absent).
    #[arg(long)]
    image: Option<PathBuf>,
    /// Blank cards in the hopper after the first one.
    #[arg(long, default_value_t = 0)]
    blanks: u32,
    /// Tear each card at its N-th command APDU (the APDU is not executed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    tear_after: Option<u64>,
    /// Timing model.
    #[arg(long, value_enum, default_value_t = Timing::Off)]
    timing: Timing,
    /// On exit, print a JSON summary instead of a line of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct InfoArgs {
    /// Firmware profile the image was made for.
    #[arg(long)]
    profile: PathBuf,
    /// Chip image file.
    #[arg(long)]
    image: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Serve(a) => serve(a),
        Cmd::Info(a) => info(a),
    }
}

fn load_profile(path: &std::path::Path) -> anyhow::Result<Arc<reader::Profile>> {
    Ok(Arc::new(reader::Profile::load(path)?))
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let profile = load_profile(&a.profile)?;
    let opts = vchip::ServeOptions {
        host: a.host,
        port: a.port,
        image: a.image,
        blanks: a.blanks,
        tear_after: a.tear_after,
        timing: match a.timing {
            Timing::Off => vchip::TimingMode::Off,
            Timing::Realistic => vchip::TimingMode::Realistic,
        },
    };
    let stop = vchip::stop_on_signals()?;
    let report = vchip::serve(profile, &opts, &stop, &mut |event| {
        eprintln!("vchip: {event}")
    })
    .context("serving the virtual chip")?;
    if a.json {
        let v = serde_json::json!({
            "version": 1,
            "cards": report.cards,
            "ejected": report.ejected,
            "torn": report.torn,
            "apdus": report.apdus,
            "connections": report.connections,
        });
        println!("{v}");
    } else {
        println!(
            "served {} card(s): {} ejected, {} torn, {} APDUs",
            report.cards, report.ejected, report.torn, report.apdus
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn info(a: InfoArgs) -> anyhow::Result<ExitCode> {
    let profile = load_profile(&a.profile)?;
    let chip = vchip::Chip::load_image(profile.clone(), &a.image)?;
    let st = chip.state();
    let locked = chip.is_locked();
    let files: Vec<_> = st
        .fs
        .files()
        .map(|f| {
            serde_json::json!({
                "fid": format!("{:04X}", f.fid),
                "sfi": f.sfi.map(|s| format!("{s:02X}")),
                "size": f.data.len(),
                "allocated": f.allocated,
            })
        })
        .collect();
    let ec =
        |k: &Option<vchip::keys::EcKey>| k.as_ref().map(|k| hex::encode_upper(k.public_point()));
    let rsa_bits = st.rsa_aa.as_ref().map(|k| k.modulus.len() * 8);
    if a.json {
        let v = serde_json::json!({
            "version": 1,
            "profile": profile.name,
            "lifecycle": if locked { "operational" } else { "personalization" },
            "files": files,
            "memory_used": st.fs.used() + st.key_bytes(),
            "memory_capacity": profile.memory.capacity,
            "bac_secret": st.mrz_hash.is_some(),
            "aa_rsa_modulus_bits": rsa_bits,
            "aa_ec_public": ec(&st.ec_aa),
            "ca_ec_public": ec(&st.ca_key),
            "pace_can": st.can.is_some(),
            "pace_retry_remaining": st.pace_counters,
        });
        println!("{v}");
    } else {
        println!(
            "{} chip, {}",
            profile.name,
            if locked {
                "operational (locked)"
            } else {
                "personalization state"
            }
        );
        for f in st.fs.files() {
            println!("  EF {:04X}: {} bytes", f.fid, f.data.len());
        }
        println!(
            "  PACE CAN: {}; CA key: {}; PACE attempts left: {}",
            if st.can.is_some() { "yes" } else { "no" },
            if st.ca_key.is_some() {
                "ECDH P-256"
            } else {
                "none"
            },
            if st.pace_counters.is_empty() {
                "all at the maximum".to_string()
            } else {
                st.pace_counters
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        println!(
            "  memory: {} of {} bytes; BAC secret: {}; AA key: {}",
            st.fs.used() + st.key_bytes(),
            profile.memory.capacity,
            if st.mrz_hash.is_some() { "yes" } else { "no" },
            match (rsa_bits, &st.ec_aa) {
                (Some(bits), _) => format!("RSA-{bits}"),
                (None, Some(_)) => "ECDSA P-256".into(),
                _ => "none".into(),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
