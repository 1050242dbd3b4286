//! `cccd demo`: a whole issuance day in one command, on two virtual encoders behind real pcscd.
//!
//! Each step is this same binary run as a child process, exactly as an operator would type it,
//! so the demo shows the real commands: two `cccd vchip serve --blanks` encoders, `cccd pki
//! init` + `issue-ds`, `cccd registry seed`, `cccd personalize` (every card is inspected on its
//! encoder after locking: BAC, every file read back byte for byte, passive and active
//! authentication), `cccd audit verify` and `report`. pcscd must be running (scripts/demo.sh
//! starts it).

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Citizens in the demo batch.
    #[arg(long, default_value_t = 20)]
    pub count: usize,
    /// Where everything goes (created; must be empty or absent).
    #[arg(long, default_value = "cccd-demo")]
    pub out: PathBuf,
    /// The two vpcd readers used as encoders and their vpcd ports.
    #[arg(long, default_value = "Virtual PCD 00 00,Virtual PCD 00 01")]
    pub readers: String,
    #[arg(long, default_value = "35963,35964")]
    pub ports: String,
    /// Firmware profile of the virtual chips.
    #[arg(long, default_value = "firmware-profiles/cccd-chip.toml")]
    pub profile: PathBuf,
    /// Card templates folder.
    #[arg(long, default_value = "card-templates")]
    pub templates: PathBuf,
}

/// The encoders, stopped when the demo ends whatever happens.
struct Encoders(Vec<Child>);

impl Drop for Encoders {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the cccd binary")?;
    let readers: Vec<&str> = a.readers.split(',').map(str::trim).collect();
    let ports: Vec<&str> = a.ports.split(',').map(str::trim).collect();
    anyhow::ensure!(
        readers.len() == ports.len() && !readers.is_empty(),
        "--readers and --ports must name the same number of encoders"
    );
    if a.out.exists() {
        anyhow::ensure!(
            std::fs::read_dir(&a.out)?.next().is_none(),
            "{} is not empty: choose a new --out",
            a.out.display()
        );
    }
    std::fs::create_dir_all(a.out.join("encoders"))
        .with_context(|| format!("creating {}", a.out.display()))?;
    let out = a.out.canonicalize()?;
    if std::env::var_os("CCCD_PASSPHRASE").is_none() {
        // A fresh random passphrase for this demo's keys, kept next to them for the curious.
        let mut bytes = [0u8; 18];
        getrandom_fill(&mut bytes)?;
        let pass = hex::encode(bytes);
        std::fs::write(out.join("passphrase.txt"), &pass)?;
        set_passphrase(&pass);
    }
    let pki = out.join("pki");
    let db = out.join("station.db");
    let cards = out.join("cards");
    let step = |name: &str| println!("\n== {name}");

    step("starting the virtual encoders");
    let mut encoders = Encoders(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        let log = std::fs::File::create(out.join(format!("encoders/encoder{i}.log")))?;
        let child = Command::new(&exe)
            .args(["vchip", "serve", "--profile"])
            .arg(&a.profile)
            .args(["--port", port, "--blanks"])
            .arg((a.count + 10).to_string())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting cccd vchip serve")?;
        println!(
            "encoder {i}: {:?} (vpcd port {port}, {} blanks)",
            readers[i],
            a.count + 10
        );
        encoders.0.push(child);
    }
    wait_for_cards(&readers)?;

    step("creating the PKI (CSCA, Document Signer, audit key)");
    cccd(
        &exe,
        &[
            "pki",
            "init",
            "--dir",
            s(&pki),
            "--country",
            "VN",
            "--org",
            "cccd demo",
        ],
    )?;
    cccd(&exe, &["pki", "issue-ds", "--dir", s(&pki)])?;

    step(&format!(
        "seeding the registry with {} synthetic citizens",
        a.count
    ));
    cccd(
        &exe,
        &[
            "registry",
            "seed",
            "--db",
            s(&db),
            "--count",
            &a.count.to_string(),
            "--seed",
            "2024",
        ],
    )?;

    step("personalizing the batch (each card: sign, write, lock, inspect, render)");
    let personalized = run_status(
        &exe,
        &[
            "personalize",
            "--db",
            s(&db),
            "--pki",
            s(&pki),
            "--profile",
            s(&a.profile),
            "--templates",
            s(&a.templates),
            "--readers",
            &a.readers,
            "--pending",
            "--out",
            s(&cards),
            "--station",
            "demo-station",
            "--operator",
            "demo",
        ],
    )?;

    step("verifying the audit log");
    let log = pki.join("audit.jsonl");
    let audit_ok = run_status(
        &exe,
        &[
            "audit",
            "verify",
            "--log",
            s(&log),
            "--pki",
            s(&pki),
            "--db",
            s(&db),
        ],
    )?;
    let _ = run_status(&exe, &["audit", "report", "--log", s(&log)])?;
    drop(encoders);

    let rendered = std::fs::read_dir(&cards)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().join("card.pdf").is_file())
                .count()
        })
        .unwrap_or(0);
    step("summary");
    println!("cards issued and rendered: {rendered} of {}", a.count);
    println!("everything is in {}:", out.display());
    println!("  station.db          registry (records + photos) and issuance journal");
    println!("  pki/                CSCA (csca.pem for verifiers), Document Signer, audit log");
    println!("  cards/ID/           front.png, back.png, card.pdf per card");
    println!("  encoders/*.log      what each virtual encoder did");
    let ok = personalized && audit_ok && rendered == a.count;
    println!(
        "{}",
        if ok {
            "DEMO OK"
        } else {
            "DEMO FAILED (see above)"
        }
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn cccd(exe: &Path, args: &[&str]) -> anyhow::Result<()> {
    anyhow::ensure!(run_status(exe, args)?, "`cccd {}` failed", args.join(" "));
    Ok(())
}

fn run_status(exe: &Path, args: &[&str]) -> anyhow::Result<bool> {
    println!("$ cccd {}", args.join(" "));
    let st = with_pass(&mut Command::new(exe))
        .args(args)
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("running cccd {}", args.join(" ")))?;
    Ok(st.success())
}

/// Waits until every encoder's first card is in its reader.
fn wait_for_cards(readers: &[&str]) -> anyhow::Result<()> {
    for _ in 0..100 {
        let list = reader::pcsc::list_readers().context("cannot reach pcscd")?;
        let ready = readers
            .iter()
            .all(|r| list.iter().any(|x| x.name == *r && x.card_present));
        if ready {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    anyhow::bail!(
        "the virtual encoders did not appear in {readers:?} within 20 s (is pcscd running with the vpcd driver?)"
    )
}

fn getrandom_fill(buf: &mut [u8]) -> anyhow::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .context("reading /dev/urandom")
}

/// The demo's generated passphrase, given to every child (edition 2024 makes `set_var` unsafe,
/// which this crate forbids, so it is passed per child).
static PASS: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn set_passphrase(pass: &str) {
    let _ = PASS.set(pass.to_string());
}

fn with_pass(c: &mut Command) -> &mut Command {
    if let Some(p) = PASS.get() {
        c.env("CCCD_PASSPHRASE", p);
    }
    c
}
