//! Support for the end-to-end tests of the `cccd` binary (processes, readers, temp folders).
//!
//! The tests run the `cccd` binary built for the workspace (`target/<profile>/cccd`, or
//! `CCCD_BIN`), through the real pcscd of the machine, with `cccd vchip serve` processes as the
//! cards. Readers and vpcd ports come from `CCCD_TEST_READER`/`CCCD_TEST_VPCD_PORT` and
//! `CCCD_TEST_READER2`/`CCCD_TEST_VPCD_PORT2` (defaults: the two `Virtual PCD` slots).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The passphrase of every test PKI.
pub const PASSPHRASE: &str = "e2e test passphrase";

/// The `cccd` binary next to the test executable's folder (cargo builds it for `--workspace`).
pub fn cccd_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("CCCD_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join("cccd");
    assert!(
        bin.is_file(),
        "{} not found: build it first (cargo build -p cli) or set CCCD_BIN",
        bin.display()
    );
    bin
}

/// Runs `cccd ARGS` with the test passphrase.
pub fn cccd(args: &[&str]) -> Output {
    Command::new(cccd_bin())
        .args(args)
        .env("CCCD_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .expect("run cccd")
}

/// stdout + stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One reader and its vpcd port.
#[derive(Clone, Debug)]
pub struct Slot {
    pub reader: String,
    pub port: u16,
}

/// The two test slots from the environment.
pub fn slots() -> [Slot; 2] {
    let get = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    [
        Slot {
            reader: get("CCCD_TEST_READER", "Virtual PCD 00 00"),
            port: get("CCCD_TEST_VPCD_PORT", "35963").parse().expect("port"),
        },
        Slot {
            reader: get("CCCD_TEST_READER2", "Virtual PCD 00 01"),
            port: get("CCCD_TEST_VPCD_PORT2", "35964").parse().expect("port"),
        },
    ]
}

/// The firmware profile used by the tests.
pub fn profile() -> PathBuf {
    profile_named("cccd-chip")
}

/// A shipped firmware profile (`cccd-chip`, `jmrtd-applet`).
pub fn profile_named(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../firmware-profiles/{name}.toml"))
}

pub fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../card-templates")
}

/// A `cccd vchip serve` encoder; killed (with its card) when dropped.
pub struct Encoder {
    child: Option<Child>,
    pub slot: Slot,
}

impl Encoder {
    /// Starts an encoder with `blanks` cards behind the first, optionally tearing each card.
    pub fn start(slot: &Slot, blanks: u32, tear_after: Option<u64>, log: &Path) -> Encoder {
        Encoder::start_with(slot, &profile(), None, blanks, tear_after, log)
    }

    /// [`Encoder::start`] with a firmware profile and, optionally, a chip image file (loaded if
    /// it exists: a card made earlier, or a clone).
    pub fn start_with(
        slot: &Slot,
        profile: &Path,
        image: Option<&Path>,
        blanks: u32,
        tear_after: Option<u64>,
        log: &Path,
    ) -> Encoder {
        wait_for_empty(&slot.reader, Duration::from_secs(10));
        let f = std::fs::File::create(log).expect("log file");
        let mut cmd = Command::new(cccd_bin());
        cmd.args(["vchip", "serve", "--profile"]).arg(profile);
        if let Some(image) = image {
            cmd.arg("--image").arg(image);
        }
        cmd.args([
            "--port",
            &slot.port.to_string(),
            "--blanks",
            &blanks.to_string(),
        ]);
        if let Some(n) = tear_after {
            cmd.args(["--tear-after", &n.to_string()]);
        }
        let child = cmd
            .stdout(f.try_clone().expect("log"))
            .stderr(f)
            .spawn()
            .expect("start cccd vchip serve");
        let e = Encoder {
            child: Some(child),
            slot: slot.clone(),
        };
        wait_for_card(&slot.reader, Duration::from_secs(30));
        e
    }

    /// Pulls the encoder's plug.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        self.kill();
    }
}

/// True when pcscd reports a card in `reader`.
fn card_present(reader: &str) -> bool {
    let o = cccd(&["readers", "--json"]);
    assert!(
        o.status.success(),
        "cccd readers failed (is pcscd running?): {}",
        text(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("readers JSON");
    v["readers"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["name"] == reader && r["card_present"] == true)
}

/// Waits until `reader` is empty (a card of an earlier test is gone), then lets the slot settle:
/// pcscd finishes a removal only at its next presence poll (~400 ms) and powers the slot down
/// then; a card inserted before that is never seen.
pub fn wait_for_empty(reader: &str, timeout: Duration) {
    let end = Instant::now() + timeout;
    let mut waited = false;
    while card_present(reader) {
        assert!(Instant::now() < end, "the card in {reader:?} never left");
        waited = true;
        std::thread::sleep(Duration::from_millis(200));
    }
    if waited {
        std::thread::sleep(Duration::from_millis(1000));
    }
}

/// Waits until `reader` has a card; panics (the test fails) when pcscd or the card never shows.
pub fn wait_for_card(reader: &str, timeout: Duration) {
    let end = Instant::now() + timeout;
    loop {
        if card_present(reader) {
            return;
        }
        assert!(Instant::now() < end, "no card appeared in {reader:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A station: a temp folder with a PKI (CSCA + active DS) and a database path.
pub struct Station {
    pub dir: tempfile::TempDir,
}

impl Station {
    pub fn new() -> Station {
        let dir = tempfile::tempdir().expect("tempdir");
        let st = Station { dir };
        let pki = st.pki();
        let o = cccd(&[
            "pki",
            "init",
            "--dir",
            &pki,
            "--country",
            "VN",
            "--org",
            "e2e",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let o = cccd(&["pki", "issue-ds", "--dir", &pki]);
        assert!(o.status.success(), "{}", text(&o));
        st
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    pub fn pki(&self) -> String {
        self.path("pki")
    }

    pub fn db(&self) -> String {
        self.path("station.db")
    }

    pub fn cards(&self) -> String {
        self.path("cards")
    }

    pub fn audit(&self) -> String {
        self.path("pki/audit.jsonl")
    }

    pub fn seed(&self, count: usize) {
        let o = cccd(&[
            "registry",
            "seed",
            "--db",
            &self.db(),
            "--count",
            &count.to_string(),
            "--seed",
            "77",
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }

    /// The personalize command line for `readers` (add `--pending` or `--ids`).
    pub fn personalize_args(&self, readers: &[&Slot]) -> Vec<String> {
        self.personalize_args_with(readers, &profile())
    }

    /// [`Station::personalize_args`] with another firmware profile.
    pub fn personalize_args_with(&self, readers: &[&Slot], profile: &Path) -> Vec<String> {
        let names: Vec<&str> = readers.iter().map(|s| s.reader.as_str()).collect();
        [
            "personalize",
            "--db",
            &self.db(),
            "--pki",
            &self.pki(),
            "--profile",
            &profile.display().to_string(),
            "--templates",
            &templates().display().to_string(),
            "--readers",
            &names.join(","),
            "--out",
            &self.cards(),
            "--card-timeout",
            "8",
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// `cccd verify --json` on `reader` against this station's CSCA, with `args` (`--db`/`--id`
    /// are added when `id` is given).
    pub fn verify(&self, reader: &str, id: Option<&str>, args: &[&str]) -> Output {
        let csca = format!("{}/csca.pem", self.pki());
        let db = self.db();
        let mut all = vec!["verify", "--reader", reader, "--csca", &csca, "--json"];
        if let Some(id) = id {
            all.extend(["--db", &db, "--id", id]);
        }
        all.extend(args);
        cccd(&all)
    }

    /// Runs personalize and parses its JSON summary.
    pub fn personalize(&self, readers: &[&Slot], extra: &[&str]) -> (Output, serde_json::Value) {
        self.personalize_with(readers, &profile(), extra)
    }

    /// [`Station::personalize`] with another firmware profile.
    pub fn personalize_with(
        &self,
        readers: &[&Slot],
        profile: &Path,
        extra: &[&str],
    ) -> (Output, serde_json::Value) {
        let mut args = self.personalize_args_with(readers, profile);
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cccd(&refs);
        let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
        (o, v)
    }
}

impl Default for Station {
    fn default() -> Self {
        Station::new()
    }
}
