//! `cccd personalize`: a batch of cards on one or more encoders.

use anyhow::Context as _;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use issuance::encoder::{Encoder, PcscEncoder};
use issuance::journal::{Journal, SqliteJournal};
use issuance::pipeline::{self, Context, Event, Printer, Summary};
use issuance::reconcile::{Reconciliation, reconcile};
use issuance::registry::Registry;
use serde_json::json;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["ids", "pending"])))]
pub struct Args {
    /// The station database (registry and journal).
    #[arg(long)]
    pub db: PathBuf,
    /// The PKI folder (active Document Signer, audit key, CSCA).
    #[arg(long)]
    pub pki: PathBuf,
    /// Firmware profile of the chips (firmware-profiles/*.toml).
    #[arg(long)]
    pub profile: PathBuf,
    /// Encoders: PC/SC reader names, comma-separated.
    #[arg(long)]
    pub readers: String,
    /// Issue these records (comma-separated ID numbers).
    #[arg(long, value_delimiter = ',')]
    pub ids: Vec<String>,
    /// Issue every registry record that has no card yet (and resume pending jobs).
    #[arg(long)]
    pub pending: bool,
    /// Where rendered cards go (one folder per ID number).
    #[arg(long, default_value = "cards")]
    pub out: PathBuf,
    /// Card templates folder (holding cccd-2021/ and cancuoc-2024/).
    #[arg(long, default_value = "card-templates")]
    pub templates: PathBuf,
    /// Print resolution.
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
    /// This station's name (journal and audit log).
    #[arg(long, default_value = "station-1")]
    pub station: String,
    /// The operator recorded in the audit log.
    #[arg(long, env = "USER", default_value = "operator")]
    pub operator: String,
    /// Read the key passphrase from this file (else CCCD_PASSPHRASE, else a prompt).
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
    /// Audit log (default: PKI/audit.jsonl).
    #[arg(long)]
    pub audit_log: Option<PathBuf>,
    /// Seconds to wait for the next card in an encoder.
    #[arg(long, default_value_t = 30)]
    pub card_timeout: u64,
    /// Machine-readable summary on stdout; no progress bars.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let readers: Vec<String> = a
        .readers
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    anyhow::ensure!(!readers.is_empty(), "--readers: no reader named");
    // pcscd and the readers first: a clear message before anything is queued or signed.
    let present = reader::pcsc::list_readers()
        .context("cannot reach pcscd (is the pcscd service running?)")?;
    for r in &readers {
        anyhow::ensure!(
            present.iter().any(|p| &p.name == r),
            "reader {r:?} not found; pcscd has: {}",
            present
                .iter()
                .map(|p| format!("{:?}", p.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let profile = Arc::new(
        reader::Profile::load(&a.profile)
            .with_context(|| format!("firmware profile {}", a.profile.display()))?,
    );
    let secret = super::pki::secret(a.passphrase_file.as_deref(), false)?;
    let pki = pipeline::open_pki(
        &a.pki,
        &secret,
        a.audit_log.as_deref(),
        &a.station,
        &a.operator,
    )?;
    drop(secret);
    let printer = Arc::new(Printer::load(&a.templates, a.dpi)?);
    let registry = Arc::new(Registry::open(&a.db)?);
    let journal: Arc<dyn Journal> = Arc::new(SqliteJournal::open(&a.db)?);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
    let (ids, batch) = if a.pending {
        (registry.ids()?, None)
    } else {
        (a.ids.clone(), Some(format!("ids-{stamp}")))
    };
    let stop = Arc::new(AtomicBool::new(false));
    let progress = Progress::new(!a.json && std::io::stderr().is_terminal(), &readers);
    let observer_progress = Arc::clone(&progress);
    let ctx = Arc::new(Context {
        station: a.station.clone(),
        registry,
        journal: Arc::clone(&journal),
        signer: pki.signer.clone(),
        profile,
        trust: Arc::new(pki.trust),
        printer: Some(printer),
        out: a.out.clone(),
        batch: batch.clone(),
        today: chrono::Local::now().date_naive(),
        card_timeout: Duration::from_secs(a.card_timeout),
        stop: Arc::clone(&stop),
        observer: Arc::new(move |e| observer_progress.event(e)),
    });
    if a.pending {
        // Enqueue under a named batch; the run takes any pending job (resume included).
        let p = pipeline::prepare(
            &Context {
                batch: Some(format!("pending-{stamp}")),
                ..clone_ctx(&ctx)
            },
            &pki.audit_path,
            &ids,
        )?;
        report_prepared(&p, a.json);
    } else {
        let p = pipeline::prepare(&ctx, &pki.audit_path, &ids)?;
        report_prepared(&p, a.json);
    }
    let todo = journal.counts(batch.as_deref())?.pending;
    progress.set_total(todo);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let summary = rt.block_on(async {
        let stop2 = Arc::clone(&stop);
        let json = a.json;
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop2.store(true, Ordering::SeqCst);
                if !json {
                    eprintln!("stopping: finishing the cards in progress (Ctrl-C again to abort)");
                }
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        let encoders: Vec<Box<dyn Encoder>> = readers
            .iter()
            .map(|r| Box::new(PcscEncoder::new(r)) as Box<dyn Encoder>)
            .collect();
        pipeline::run(Arc::clone(&ctx), encoders).await
    });
    progress.finish();
    let closed = pki.audit.close();
    let summary = summary?;
    closed.context("closing the audit log")?;
    let entries = pipeline::audit_entries(&pki.audit_path)?;
    let rec = reconcile(journal.as_ref(), &entries)?;
    print_summary(&summary, &rec, &a, &pki.audit_path);
    let ok = summary.rejected == 0
        && summary.pending_left == 0
        && rec.is_clean()
        && summary.encoders.iter().all(|e| e.stopped.is_none());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn clone_ctx(c: &Context) -> Context {
    Context {
        station: c.station.clone(),
        registry: Arc::clone(&c.registry),
        journal: Arc::clone(&c.journal),
        signer: Arc::clone(&c.signer),
        profile: Arc::clone(&c.profile),
        trust: Arc::clone(&c.trust),
        printer: c.printer.clone(),
        out: c.out.clone(),
        batch: c.batch.clone(),
        today: c.today,
        card_timeout: c.card_timeout,
        stop: Arc::clone(&c.stop),
        observer: Arc::clone(&c.observer),
    }
}

fn report_prepared(p: &pipeline::Prepared, json: bool) {
    if json {
        return;
    }
    let r = &p.recovery;
    if !r.released.is_empty() || !r.spoiled.is_empty() || p.adopted > 0 || p.finished > 0 {
        eprintln!(
            "resumed after an interruption: {} job(s) back in the queue, {} half-written chip(s) recorded as spoiled, {} signature(s) found only in the audit log (spoiled), {} verified card(s) finished",
            r.released.len(),
            r.spoiled.len(),
            p.adopted,
            p.finished
        );
    }
    if !p.enqueued.already_issued.is_empty() {
        eprintln!(
            "{} record(s) already issued, not issued again",
            p.enqueued.already_issued.len()
        );
    }
}

fn print_summary(s: &Summary, rec: &Reconciliation, a: &Args, audit: &Path) {
    if a.json {
        let v = json!({
            "version": 1,
            "issued": s.issued,
            "rejected": s.rejected,
            "spoiled": s.spoiled,
            "released": s.released,
            "pending_left": s.pending_left,
            "elapsed_ms": s.elapsed_ms,
            "cards_per_minute": s.cards_per_minute,
            "stopped_by_request": s.stopped_by_request,
            "stages": s.stages,
            "encoders": s.encoders,
            "outcomes": s.outcomes,
            "reconciliation": {
                "clean": rec.is_clean(),
                "log_entries": rec.log_entries,
                "issued": rec.issued,
                "spoiled": rec.spoiled,
                "problems": rec.problems(),
            },
            "out": a.out,
            "audit_log": audit,
        });
        println!("{v}");
        return;
    }
    for o in &s.outcomes {
        if let Some(r) = &o.reason {
            println!("{} {}: {r}", o.state, o.id_number);
        }
    }
    println!(
        "issued {}, rejected {}, spoiled {} in {:.1} s ({:.1} cards/min){}",
        s.issued,
        s.rejected,
        s.spoiled,
        s.elapsed_ms / 1000.0,
        s.cards_per_minute,
        if s.stopped_by_request {
            "; stopped on request"
        } else {
            ""
        }
    );
    for e in &s.encoders {
        println!(
            "  encoder {:?}: {} issued, {} rejected, {} spoiled{}",
            e.name,
            e.issued,
            e.rejected,
            e.spoiled,
            e.stopped
                .as_deref()
                .map(|r| format!("; STOPPED: {r}"))
                .unwrap_or_default()
        );
    }
    let stages: Vec<String> = s
        .stages
        .iter()
        .map(|(k, v)| format!("{k} {:.1}", v.mean_ms))
        .collect();
    println!("  mean ms per stage: {}", stages.join(", "));
    if s.pending_left > 0 {
        println!(
            "  {} job(s) still pending: run again to continue",
            s.pending_left
        );
    }
    if rec.is_clean() {
        println!(
            "  audit log {}: every signature has one outcome ({} issued, {} spoiled)",
            audit.display(),
            rec.issued,
            rec.spoiled
        );
    } else {
        println!("  audit reconciliation FAILED:");
        for p in rec.problems() {
            println!("    {p}");
        }
    }
    println!("  cards in {}", a.out.display());
}

/// Progress bars: one per encoder and one overall, hidden when stderr is not a terminal.
struct Progress {
    overall: ProgressBar,
    per: HashMap<String, ProgressBar>,
    _multi: MultiProgress,
    current: Mutex<HashMap<String, String>>,
}

impl Progress {
    fn new(visible: bool, readers: &[String]) -> Arc<Progress> {
        let multi = MultiProgress::with_draw_target(if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let style = ProgressStyle::with_template(
            "{prefix:>18} [{bar:30}] {pos}/{len} {elapsed_precise} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let overall = multi.add(ProgressBar::new(0).with_style(style));
        overall.set_prefix("batch");
        let spin = ProgressStyle::with_template("{prefix:>18} {spinner} {pos} issued  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut per = HashMap::new();
        for r in readers {
            let b = multi.add(ProgressBar::new_spinner().with_style(spin.clone()));
            b.set_prefix(r.clone());
            b.enable_steady_tick(Duration::from_millis(200));
            per.insert(r.clone(), b);
        }
        Arc::new(Progress {
            overall,
            per,
            _multi: multi,
            current: Mutex::new(HashMap::new()),
        })
    }

    fn set_total(&self, n: u64) {
        self.overall.set_length(n);
    }

    fn event(&self, e: &Event) {
        match e {
            Event::Started { encoder, id_number } => {
                if let Ok(mut c) = self.current.lock() {
                    c.insert(encoder.clone(), id_number.clone());
                }
            }
            Event::Stage {
                encoder,
                id_number,
                stage,
            } => {
                if let Some(b) = self.per.get(encoder) {
                    b.set_message(format!("{id_number} {}", stage.as_str()));
                }
            }
            Event::Issued { encoder, .. } => {
                if let Some(b) = self.per.get(encoder) {
                    b.inc(1);
                }
                self.overall.inc(1);
            }
            Event::Rejected {
                id_number, reason, ..
            } => {
                self.overall.inc(1);
                self.overall
                    .println(format!("rejected {id_number}: {reason}"));
            }
            Event::Spoiled {
                id_number, reason, ..
            } => {
                self.overall
                    .println(format!("spoiled {id_number} (will be redone): {reason}"));
            }
            Event::Released {
                encoder, reason, ..
            } => {
                self.overall.println(format!("{encoder}: {reason}"));
            }
            Event::EncoderStopped { encoder, reason } => {
                if let Some(b) = self.per.get(encoder) {
                    b.finish_with_message(format!("stopped: {reason}"));
                }
            }
        }
    }

    fn finish(&self) {
        for b in self.per.values() {
            b.finish_and_clear();
        }
        self.overall.finish_and_clear();
    }
}
