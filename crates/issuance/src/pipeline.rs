//! The issuance pipeline: one worker per encoder, each card through
//! validate → render (pre-flight) → build LDS → chip keys → sign (audit entry first) → write + lock
//! → inspect → print → issued, every step recorded in the [`Journal`].
//!
//! Written once against traits: [`Encoder`] (PC/SC or in-process chips), [`SodSigning`] (the
//! `sign` crate's audited signer with a software or PKCS#11 key), [`Journal`] (SQLite now). The
//! workers are blocking code (PC/SC calls block) run with `tokio::task::spawn_blocking`, one per
//! encoder; a stop flag (Ctrl-C) lets every card in progress finish and then stops.
//!
//! Outcomes per job: a bad record (validation, LDS, layout) is **rejected** before any card is
//! touched; a card failure before signing **releases** the job (another card takes it); a card
//! failure after signing **spoils** the job and queues the record again on a fresh chip. No
//! signature is ever left without an outcome: the journal records it right after the audit
//! entry is durable, and [`prepare`] adopts any entry a crash left between the two.

use crate::encoder::Encoder;
use crate::journal::{AuditEntryRef, JobId, JobState, Journal, SignatureRef};
use crate::registry::{Loader, Registry};
use crate::{Error, Result};
use chrono::NaiveDate;
use citizen::{CardGeneration, Record};
use reader::files::{Ef, LdsFiles};
use reader::inspect::{InspectOptions, Trust};
use reader::perso::{Personalization, Secrets};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Signs an EF.SOD over the data groups and returns it with its audit reference. The audit entry
/// must be durable before this returns.
pub trait SodSigning: Send + Sync {
    fn sign(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), String>;
}

/// The `sign` crate's audited signer, with the station and operator it records.
pub struct AuditedSigner {
    pub signer: sign::SodSigner,
    pub station: String,
    pub operator: String,
}

impl SodSigning for AuditedSigner {
    fn sign(
        &self,
        dgs: &BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> std::result::Result<(Vec<u8>, SignatureRef), String> {
        let meta = sign::AuditMeta {
            station: self.station.clone(),
            operator: self.operator.clone(),
            document_number: document_number.to_string(),
        };
        let s = self.signer.sign(dgs, &meta).map_err(|e| e.to_string())?;
        Ok((
            s.sod,
            SignatureRef {
                audit_seq: s.receipt.seq,
                sod_sha256: s.sod_sha256,
                document_number: document_number.to_string(),
            },
        ))
    }
}

/// Reads the audit log's signature entries for the journal (reconciliation, orphan adoption).
pub fn audit_entries(log: &Path) -> Result<Vec<AuditEntryRef>> {
    if !log.exists() {
        return Ok(Vec::new());
    }
    let sigs = sign::read_signatures(log).map_err(|e| Error::Input {
        path: log.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(sigs
        .into_iter()
        .map(|s| AuditEntryRef {
            seq: s.seq,
            document_number: s.document_number,
            sod_sha256: s.sod_sha256,
        })
        .collect())
}

/// Card templates, one renderer per card generation (prepared once, shared by all workers).
pub struct Printer {
    renderers: BTreeMap<&'static str, print::Renderer>,
}

impl Printer {
    /// Loads `DIR/cccd-2021` and `DIR/cancuoc-2024` at `dpi`.
    pub fn load(templates: &Path, dpi: u32) -> Result<Printer> {
        let mut renderers = BTreeMap::new();
        for g in ["cccd-2021", "cancuoc-2024"] {
            let dir = templates.join(g);
            let r = print::Renderer::load(&dir, dpi).map_err(|e| Error::Input {
                path: dir.clone(),
                reason: e.to_string(),
            })?;
            renderers.insert(g, r);
        }
        Ok(Printer { renderers })
    }

    fn render(&self, record: &Record) -> std::result::Result<print::RenderedCard, String> {
        let key = match record.card_generation {
            CardGeneration::Cccd2021 => "cccd-2021",
            CardGeneration::Cancuoc2024 => "cancuoc-2024",
        };
        let r = self
            .renderers
            .get(key)
            .ok_or_else(|| format!("no template for {key}"))?;
        r.render(record).map_err(|e| format!("card layout: {e}"))
    }
}

/// Everything a batch run needs besides the encoders.
pub struct Context {
    pub station: String,
    pub registry: Arc<Registry>,
    pub journal: Arc<dyn Journal>,
    pub signer: Arc<dyn SodSigning>,
    pub profile: Arc<reader::Profile>,
    /// Passive authentication of every written card (CSCA and CRL).
    pub trust: Arc<Trust>,
    /// Rendering; `None` skips printing (benchmarks of the chip path only).
    pub printer: Option<Arc<Printer>>,
    /// Rendered cards go to `out/ID/` (front.png, back.png, card.pdf).
    pub out: PathBuf,
    /// Only jobs of this batch (None: any pending job).
    pub batch: Option<String>,
    /// "Today" for validation.
    pub today: NaiveDate,
    /// How long to wait for the next card in an encoder.
    pub card_timeout: Duration,
    /// Set to stop after the cards in progress (Ctrl-C).
    pub stop: Arc<AtomicBool>,
    /// Progress events.
    pub observer: Arc<dyn Fn(&Event) + Send + Sync>,
}

/// The stages of one card, for progress and timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Validate,
    Render,
    WaitCard,
    ChipKeys,
    BuildLds,
    Sign,
    Write,
    Inspect,
    Print,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Validate => "validate",
            Stage::Render => "render",
            Stage::WaitCard => "wait_card",
            Stage::ChipKeys => "chip_keys",
            Stage::BuildLds => "build_lds",
            Stage::Sign => "sign",
            Stage::Write => "write",
            Stage::Inspect => "inspect",
            Stage::Print => "print",
        }
    }
}

/// What the workers report as they go.
#[derive(Debug, Clone)]
pub enum Event {
    Started {
        encoder: String,
        id_number: String,
    },
    Stage {
        encoder: String,
        id_number: String,
        stage: Stage,
    },
    Issued {
        encoder: String,
        id_number: String,
    },
    Rejected {
        encoder: String,
        id_number: String,
        reason: String,
    },
    Spoiled {
        encoder: String,
        id_number: String,
        reason: String,
    },
    Released {
        encoder: String,
        id_number: String,
        reason: String,
    },
    EncoderStopped {
        encoder: String,
        reason: String,
    },
}

/// One job's outcome in this run.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub job: JobId,
    pub id_number: String,
    pub encoder: String,
    pub state: JobState,
    pub reason: Option<String>,
}

/// Per-encoder tallies.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EncoderSummary {
    pub name: String,
    pub issued: u64,
    pub rejected: u64,
    pub spoiled: u64,
    /// Why the encoder stopped early, if it did.
    pub stopped: Option<String>,
}

/// Total and count of one stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageTime {
    pub count: u64,
    pub total_ms: f64,
    pub mean_ms: f64,
}

/// The run's summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub issued: u64,
    pub rejected: u64,
    pub spoiled: u64,
    pub released: u64,
    pub elapsed_ms: f64,
    pub cards_per_minute: f64,
    pub stages: BTreeMap<&'static str, StageTime>,
    pub encoders: Vec<EncoderSummary>,
    pub outcomes: Vec<Outcome>,
    /// Jobs still pending when the run ended (stopped, or every encoder failed).
    pub pending_left: u64,
    pub stopped_by_request: bool,
}

#[derive(Default)]
struct Shared {
    stages: BTreeMap<Stage, (u64, Duration)>,
    outcomes: Vec<Outcome>,
}

/// What [`prepare`] did before the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Prepared {
    pub recovery: crate::journal::Recovery,
    /// Audit entries adopted from a crash (spoiled).
    pub adopted: usize,
    /// Audit entries that match no job (signed by another tool or station).
    pub foreign_entries: usize,
    /// Verified/printed jobs finished without a card.
    pub finished: usize,
    pub enqueued: crate::journal::Enqueued,
}

/// Before a run: recover this station's jobs after a crash, adopt audit entries the journal
/// missed, finish jobs whose chip was already verified, then queue `ids` in the batch.
pub fn prepare(ctx: &Context, audit_log: &Path, ids: &[String]) -> Result<Prepared> {
    let mut p = Prepared::default();
    let entries = audit_entries(audit_log)?;
    let known_before: std::collections::HashSet<u64> = ctx
        .journal
        .signatures()?
        .into_iter()
        .map(|s| s.signature.audit_seq)
        .collect();
    let fresh: Vec<AuditEntryRef> = entries
        .into_iter()
        .filter(|e| !known_before.contains(&e.seq))
        .collect();
    let unknown = ctx.journal.adopt_orphan_signatures(&fresh)?;
    p.adopted = fresh.len() - unknown.len();
    p.foreign_entries = unknown.len();
    p.recovery = ctx.journal.recover(&ctx.station)?;
    let loader = Loader::new()?;
    for &job in &p.recovery.to_finish {
        let j = ctx.journal.job(job)?;
        let record = loader.load(&ctx.registry, &j.id_number, ctx.today)?;
        let rendered = match (&ctx.printer, &record) {
            (Some(pr), Ok(r)) => Some(pr.render(r)),
            _ => None,
        };
        if j.state == JobState::Verified {
            let artifacts = match rendered {
                Some(Ok(card)) => Some(write_card(&ctx.out, &j.id_number, &card)?),
                Some(Err(e)) => {
                    ctx.journal.spoil(job, &format!("printing failed: {e}"))?;
                    continue;
                }
                None => None,
            };
            ctx.journal
                .advance(job, JobState::Printed, artifacts.as_deref())?;
        }
        ctx.journal.advance(job, JobState::Issued, None)?;
        p.finished += 1;
    }
    if !ids.is_empty() {
        let batch = ctx.batch.as_deref().unwrap_or("default");
        p.enqueued = ctx.journal.enqueue(batch, ids)?;
    }
    Ok(p)
}

fn write_card(out: &Path, id: &str, card: &print::RenderedCard) -> Result<String> {
    let dir = out.join(id);
    print::write_outputs(card, &dir, false).map_err(|e| Error::Input {
        path: dir.clone(),
        reason: e.to_string(),
    })?;
    Ok(dir.display().to_string())
}

/// Run the batch on `encoders` (one blocking worker each) until no job is pending, every
/// encoder stopped, or a stop was requested.
pub async fn run(ctx: Arc<Context>, encoders: Vec<Box<dyn Encoder>>) -> Result<Summary> {
    let start = Instant::now();
    let shared = Arc::new(Mutex::new(Shared::default()));
    let mut handles = Vec::new();
    for enc in encoders {
        let ctx = Arc::clone(&ctx);
        let shared = Arc::clone(&shared);
        handles.push(tokio::task::spawn_blocking(move || {
            worker(&ctx, enc, &shared)
        }));
    }
    let mut encoders = Vec::new();
    let mut first_err = None;
    for h in handles {
        match h.await {
            Ok(Ok(s)) => encoders.push(s),
            Ok(Err(e)) => {
                first_err.get_or_insert(e);
            }
            Err(join) => {
                first_err.get_or_insert(Error::Input {
                    path: PathBuf::from("worker"),
                    reason: format!("a worker panicked: {join}"),
                });
            }
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    let shared = std::mem::take(&mut *shared.lock().unwrap_or_else(|e| e.into_inner()));
    let mut s = Summary {
        elapsed_ms: start.elapsed().as_secs_f64() * 1000.0,
        stopped_by_request: ctx.stop.load(Ordering::SeqCst),
        ..Summary::default()
    };
    for o in &shared.outcomes {
        match o.state {
            JobState::Issued => s.issued += 1,
            JobState::Rejected => s.rejected += 1,
            JobState::Spoiled => s.spoiled += 1,
            _ => s.released += 1,
        }
    }
    for (stage, (n, d)) in shared.stages {
        let total_ms = d.as_secs_f64() * 1000.0;
        s.stages.insert(
            stage.as_str(),
            StageTime {
                count: n,
                total_ms,
                mean_ms: if n > 0 { total_ms / n as f64 } else { 0.0 },
            },
        );
    }
    s.cards_per_minute = if s.elapsed_ms > 0.0 {
        s.issued as f64 * 60_000.0 / s.elapsed_ms
    } else {
        0.0
    };
    s.outcomes = shared.outcomes;
    s.encoders = encoders;
    s.pending_left = ctx.journal.counts(ctx.batch.as_deref())?.pending;
    Ok(s)
}

/// How a card attempt ended, for the worker loop.
enum CardEnd {
    Issued,
    Rejected(String),
    /// Signed chip lost: spoiled, the record requeued.
    Spoiled(String),
    /// Nothing signed; the card (not the record) failed.
    Released(String),
    /// The signer failed: nothing else can be issued.
    Fatal(Error),
}

/// After this many card failures in a row an encoder is taken out of the batch.
const MAX_CARD_FAILURES_IN_A_ROW: u32 = 3;

fn worker(
    ctx: &Context,
    mut enc: Box<dyn Encoder>,
    shared: &Mutex<Shared>,
) -> Result<EncoderSummary> {
    let name = enc.name().to_string();
    let mut sum = EncoderSummary {
        name: name.clone(),
        ..EncoderSummary::default()
    };
    let loader = Loader::new()?;
    let mut have_card = false;
    let mut failures = 0u32;
    let emit = |e: Event| (ctx.observer)(&e);
    loop {
        if ctx.stop.load(Ordering::SeqCst) {
            break;
        }
        let Some(job) = ctx
            .journal
            .claim(&ctx.station, &name, ctx.batch.as_deref())?
        else {
            break;
        };
        let id = job.id_number.clone();
        emit(Event::Started {
            encoder: name.clone(),
            id_number: id.clone(),
        });
        let end = one_card(
            ctx,
            enc.as_mut(),
            &mut have_card,
            &loader,
            job.id,
            &id,
            shared,
        );
        let (state, reason) = match &end {
            CardEnd::Issued => (JobState::Issued, None),
            CardEnd::Rejected(r) => (JobState::Rejected, Some(r.clone())),
            CardEnd::Spoiled(r) => (JobState::Spoiled, Some(r.clone())),
            CardEnd::Released(r) => (JobState::Pending, Some(r.clone())),
            CardEnd::Fatal(e) => (JobState::Pending, Some(e.to_string())),
        };
        lock(shared).outcomes.push(Outcome {
            job: job.id,
            id_number: id.clone(),
            encoder: name.clone(),
            state,
            reason: reason.clone(),
        });
        let reason = reason.unwrap_or_default();
        match end {
            CardEnd::Issued => {
                failures = 0;
                sum.issued += 1;
                emit(Event::Issued {
                    encoder: name.clone(),
                    id_number: id,
                });
            }
            CardEnd::Rejected(_) => {
                sum.rejected += 1;
                emit(Event::Rejected {
                    encoder: name.clone(),
                    id_number: id,
                    reason,
                });
            }
            CardEnd::Spoiled(_) | CardEnd::Released(_) => {
                let spoiled = matches!(end, CardEnd::Spoiled(_));
                if spoiled {
                    sum.spoiled += 1;
                    emit(Event::Spoiled {
                        encoder: name.clone(),
                        id_number: id,
                        reason: reason.clone(),
                    });
                } else {
                    emit(Event::Released {
                        encoder: name.clone(),
                        id_number: id,
                        reason: reason.clone(),
                    });
                }
                failures += 1;
                if failures >= MAX_CARD_FAILURES_IN_A_ROW {
                    let why = format!("{failures} card failures in a row; last: {reason}");
                    emit(Event::EncoderStopped {
                        encoder: name.clone(),
                        reason: why.clone(),
                    });
                    sum.stopped = Some(why);
                    break;
                }
                if let Err(e) = enc.next_card(ctx.card_timeout) {
                    let why = format!("no usable card after a failure: {e}");
                    emit(Event::EncoderStopped {
                        encoder: name.clone(),
                        reason: why.clone(),
                    });
                    sum.stopped = Some(why);
                    break;
                }
            }
            CardEnd::Fatal(e) => {
                ctx.stop.store(true, Ordering::SeqCst);
                emit(Event::EncoderStopped {
                    encoder: name.clone(),
                    reason: e.to_string(),
                });
                return Err(e);
            }
        }
        if sum.stopped.is_some() {
            break;
        }
    }
    Ok(sum)
}

fn lock(m: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Time `f` as `stage`.
fn timed<T>(shared: &Mutex<Shared>, stage: Stage, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let d = t.elapsed();
    let mut s = lock(shared);
    let slot = s.stages.entry(stage).or_default();
    slot.0 += 1;
    slot.1 += d;
    out
}

#[allow(clippy::too_many_arguments)]
fn one_card(
    ctx: &Context,
    enc: &mut dyn Encoder,
    have_card: &mut bool,
    loader: &Loader,
    job: JobId,
    id: &str,
    shared: &Mutex<Shared>,
) -> CardEnd {
    let j = &ctx.journal;
    let encoder = enc.name().to_string();
    let stage = |s: Stage| {
        (ctx.observer)(&Event::Stage {
            encoder: encoder.clone(),
            id_number: id.to_string(),
            stage: s,
        })
    };
    macro_rules! journal {
        ($e:expr) => {
            if let Err(e) = $e {
                return CardEnd::Fatal(e);
            }
        };
    }
    let reject = |reason: String| -> CardEnd {
        match j.reject(job, &reason) {
            Ok(()) => CardEnd::Rejected(reason),
            Err(e) => CardEnd::Fatal(e),
        }
    };
    let release = |reason: String| -> CardEnd {
        match j.release(job, &reason) {
            Ok(()) => CardEnd::Released(reason),
            Err(e) => CardEnd::Fatal(e),
        }
    };
    let spoil = |reason: String| -> CardEnd {
        match j.spoil(job, &reason) {
            Ok(_) => CardEnd::Spoiled(reason),
            Err(e) => CardEnd::Fatal(e),
        }
    };

    // 1. Validate (today's rules, the registry's photo).
    stage(Stage::Validate);
    let record = match timed(shared, Stage::Validate, || {
        loader.load(&ctx.registry, id, ctx.today)
    }) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return reject(e.to_string()),
        Err(Error::UnknownRecord(_)) => return reject(format!("record {id}: not in the registry")),
        Err(e) => return CardEnd::Fatal(e),
    };
    // 2. Pre-flight: the LDS (MRZ, DG2, DG13) and the printed layout, before a card is touched.
    if let Err(e) = lds::LdsSet::build(&record, &lds::LdsOptions::default()) {
        return reject(format!("record {id}: LDS: {e}"));
    }
    let rendered = match &ctx.printer {
        Some(p) => {
            stage(Stage::Render);
            match timed(shared, Stage::Render, || p.render(&record)) {
                Ok(c) => Some(c),
                Err(e) => return reject(format!("record {id}: {e}")),
            }
        }
        None => None,
    };
    let td1 = match lds::mrz::Td1::from_record(&record, &lds::mrz::MrzOptions::default()) {
        Ok(t) => t,
        Err(e) => return reject(format!("record {id}: MRZ: {e}")),
    };
    let mrz = match bac_mrz(&td1) {
        Ok(m) => m,
        Err(e) => return reject(format!("record {id}: MRZ for BAC: {e}")),
    };

    // 3. A card.
    if !*have_card {
        stage(Stage::WaitCard);
        if let Err(e) = timed(shared, Stage::WaitCard, || enc.next_card(ctx.card_timeout)) {
            return release(format!("encoder {encoder}: {e}"));
        }
        *have_card = true;
    }
    let t = match enc.transport() {
        Ok(t) => t,
        Err(e) => return release(format!("encoder {encoder}: {e}")),
    };

    // 4. Chip keys (phase 1 of personalization), then the LDS with DG15 from the chip's key.
    stage(Stage::ChipKeys);
    // Vietnamese cards: the PACE CAN is the last 6 digits of the ID number (validated above).
    let can = reader::Can::from_vietnam_id_number(&record.id_number).ok();
    let secrets = Secrets {
        mrz: mrz.clone(),
        can,
    };
    let perso = match timed(shared, Stage::ChipKeys, || {
        Personalization::begin(t, &ctx.profile, &secrets)
    }) {
        Ok(p) => p,
        Err(e) => {
            return release(format!(
                "encoder {encoder}: card refused personalization: {e}"
            ));
        }
    };
    stage(Stage::BuildLds);
    let set = match timed(shared, Stage::BuildLds, || {
        let options = perso.chip_keys().lds_options(&ctx.profile)?;
        lds::LdsSet::build(&record, &options)
    }) {
        Ok(s) => s,
        Err(e) => return release(format!("encoder {encoder}: chip key unusable: {e}")),
    };

    // 5. Sign: the audit entry is durable before the SOD comes back; the journal records it next.
    stage(Stage::Sign);
    let (sod, sig) = match timed(shared, Stage::Sign, || {
        ctx.signer.sign(&set.data_groups, id)
    }) {
        Ok(x) => x,
        Err(e) => {
            let _ = j.release(job, &format!("signing failed: {e}"));
            return CardEnd::Fatal(Error::Input {
                path: PathBuf::from("signer"),
                reason: format!("signing the SOD of {id} failed: {e}"),
            });
        }
    };
    journal!(j.record_signature(job, &sig));

    // 6. Write, read back, lock.
    stage(Stage::Write);
    let files: LdsFiles = reader::files::from_lds_set(&set, sod);
    if let Err(e) = timed(shared, Stage::Write, || perso.write(&files)) {
        return spoil(format!("encoder {encoder}: writing the chip failed: {e}"));
    }
    journal!(j.advance(job, JobState::Written, None));

    // 7. Inspect like a verifier: PACE (or BAC), read everything, passive authentication,
    //    Chip and Active Authentication, and every file byte-equal to what was written.
    stage(Stage::Inspect);
    let t = match enc.transport() {
        Ok(t) => t,
        Err(e) => {
            return spoil(format!(
                "encoder {encoder}: card lost before inspection: {e}"
            ));
        }
    };
    // A PACE chip is checked the way Vietnamese readers open it (PACE with the CAN, no
    // fallback: a card whose PACE fails is spoiled); both chip keys are exercised (AA always,
    // CA when DG14 offers it).
    let opts = match (&secrets.can, ctx.profile.protocols.pace) {
        (Some(can), true) => InspectOptions::can(can, None),
        _ => InspectOptions::bac(&mrz),
    }
    .with_profile(&ctx.profile)
    .with_trust(&ctx.trust)
    .with_aa(reader::inspect::AaPolicy::Always);
    let inspection = match timed(shared, Stage::Inspect, || {
        reader::inspect::inspect(t, &opts)
    }) {
        Ok(i) => i,
        Err(e) => return spoil(format!("encoder {encoder}: inspection failed: {e}")),
    };
    let mut problems: Vec<String> = inspection
        .report
        .checks
        .iter()
        .filter(|c| c.status == sign::Status::Fail)
        .map(|c| format!("{}: {}", c.id, c.detail))
        .collect();
    for (ef, bytes) in &files {
        match inspection.files.get(ef) {
            Some(read) if read == bytes => {}
            Some(_) => problems.push(format!("{ef}: read back differs from what was written")),
            None => problems.push(format!("{ef}: not readable after locking")),
        }
    }
    if !problems.is_empty() {
        return spoil(format!("verification failed: {}", problems.join("; ")));
    }
    journal!(j.advance(job, JobState::Verified, None));

    // 8. The card leaves the encoder (the next blank comes in while we print).
    enc.release_card();

    // 9. Print.
    stage(Stage::Print);
    let artifacts = match &rendered {
        Some(card) => match timed(shared, Stage::Print, || write_card(&ctx.out, id, card)) {
            Ok(a) => Some(a),
            Err(e) => return spoil(format!("printing failed: {e}")),
        },
        None => None,
    };
    // 10. The next card, so the encoder is ready for the next job.
    stage(Stage::WaitCard);
    if timed(shared, Stage::WaitCard, || enc.next_card(ctx.card_timeout)).is_err() {
        *have_card = false;
    }
    journal!(j.advance(job, JobState::Printed, artifacts.as_deref()));
    journal!(j.advance(job, JobState::Issued, None));
    CardEnd::Issued
}

/// The signing side of a station, opened from a PKI folder.
pub struct OpenPki {
    pub signer: Arc<AuditedSigner>,
    pub audit: Arc<sign::AuditLog>,
    pub audit_path: PathBuf,
    /// CSCA and current CRL, for inspecting every written card.
    pub trust: Trust,
}

/// Open the PKI at `dir` with `secret`: the active Document Signer (refused when expired or
/// revoked), the audit log (default `DIR/audit.jsonl`, or `audit_log`), the CSCA and CRL.
pub fn open_pki(
    dir: &Path,
    secret: &sign::Secret,
    audit_log: Option<&Path>,
    station: &str,
    operator: &str,
) -> Result<OpenPki> {
    let err = |e: sign::Error| Error::Input {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let pki = sign::Pki::open(dir).map_err(err)?;
    let ds = pki.document_signer(secret, None).map_err(err)?;
    let audit_path = audit_log
        .map(Path::to_path_buf)
        .unwrap_or_else(|| pki.default_audit_log());
    let audit = Arc::new(
        sign::AuditLog::open(
            &audit_path,
            pki.audit_signer(secret).map_err(err)?,
            sign::AuditOptions::default(),
        )
        .map_err(err)?,
    );
    let signer = sign::SodSigner::new(ds, Arc::clone(&audit)).map_err(err)?;
    let csca = dir.join("csca.pem");
    let mut trust = Trust::load(&csca).map_err(|e| Error::Input {
        path: csca.clone(),
        reason: e.to_string(),
    })?;
    trust.crl = pki.current_crl().ok();
    Ok(OpenPki {
        signer: Arc::new(AuditedSigner {
            signer,
            station: station.to_string(),
            operator: operator.to_string(),
        }),
        audit,
        audit_path,
        trust,
    })
}

/// The BAC (and PACE-MRZ) key fields of a card's MRZ. A card without expiry (issued at 58 or
/// later) prints fillers `<<<<<<` as its expiry; its key comes from those characters
/// (`reader::bac::NO_EXPIRY`), and PACE with the CAN does not need the MRZ at all.
pub fn bac_mrz(td1: &lds::mrz::Td1) -> std::result::Result<reader::bac::MrzInfo, String> {
    reader::bac::MrzInfo::new(
        &td1.full_document_number(),
        &td1.date_of_birth,
        &td1.date_of_expiry,
    )
    .map_err(|e| e.to_string())
}

/// Compare the files read from a chip with what the registry record says the chip must hold:
/// DG1 (the MRZ), DG2 (the portrait, byte for byte the registry's photo in its face record) and
/// DG13 (the Vietnamese fields). One check per data group, named `record.dgN`.
pub fn compare_with_record(files: &LdsFiles, record: &Record) -> Vec<sign::Check> {
    let mut out = Vec::new();
    let expected = match lds::LdsSet::build(record, &lds::LdsOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            out.push(sign::Check {
                id: "record.lds".into(),
                status: sign::Status::Fail,
                detail: format!("the registry record does not give an LDS: {e}"),
            });
            return out;
        }
    };
    for (n, what) in [(1u8, "MRZ"), (2, "portrait"), (13, "personal data (DG13)")] {
        let id = format!("record.dg{n}");
        let (status, detail) = match (expected.data_groups.get(&n), files.get(&Ef::Dg(n))) {
            (None, None) => (
                sign::Status::Skipped,
                format!("no DG{n} expected or present"),
            ),
            (Some(_), None) => (
                sign::Status::Fail,
                format!("DG{n} ({what}) missing from the chip"),
            ),
            (None, Some(_)) => (
                sign::Status::Fail,
                format!("DG{n} ({what}) on the chip, but the record has none"),
            ),
            (Some(want), Some(got)) if want == got => (
                sign::Status::Pass,
                format!("DG{n} ({what}) matches the registry record"),
            ),
            (Some(_), Some(_)) => (
                sign::Status::Fail,
                format!("DG{n} ({what}) differs from the registry record"),
            ),
        };
        out.push(sign::Check { id, status, detail });
    }
    out
}
