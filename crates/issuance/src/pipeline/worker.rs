//! The run: one blocking worker per encoder, each taking jobs from the journal and running the
//! card flow on them until the queue is empty, its encoder gives up, or a stop is requested.

use super::context::Context;
use super::summary::{EncoderSummary, Event, Outcome, Shared, Summary};
use crate::card_flow::{CardFailure, CardFlow, JobLedger, Lane, Progress, Stage};
use crate::encoder::Encoder;
use crate::journal::{Job, JobState};
use crate::registry::Loader;
use crate::{Error, Result};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// After this many card failures in a row an encoder is taken out of the batch.
const MAX_CARD_FAILURES_IN_A_ROW: u32 = 3;

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
                first_err.get_or_insert(Error::WorkerPanicked(join));
            }
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    let shared = std::mem::take(&mut *lock(&shared));
    let mut s = Summary::of(shared, encoders, start.elapsed());
    s.stopped_by_request = ctx.stop.load(Ordering::SeqCst);
    s.pending_left = ctx.journal.counts(ctx.batch.as_deref())?.pending;
    Ok(s)
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One job's stages: events to the run's observer, times into the run's totals.
struct JobProgress<'a> {
    ctx: &'a Context,
    encoder: &'a str,
    id_number: &'a str,
    shared: &'a Mutex<Shared>,
}

impl Progress for JobProgress<'_> {
    fn stage(&self, stage: Stage) {
        (self.ctx.observer)(&Event::Stage {
            encoder: self.encoder.to_string(),
            id_number: self.id_number.to_string(),
            stage,
        });
    }

    fn spent(&self, stage: Stage, spent: Duration) {
        let mut s = lock(self.shared);
        let slot = s.stages.entry(stage).or_default();
        slot.0 += 1;
        slot.1 += spent;
    }
}

/// One encoder's loop: claim a job, run its card, act on the outcome.
fn worker(
    ctx: &Context,
    encoder: Box<dyn Encoder>,
    shared: &Mutex<Shared>,
) -> Result<EncoderSummary> {
    let name = encoder.name().to_string();
    let mut sum = EncoderSummary {
        name: name.clone(),
        ..EncoderSummary::default()
    };
    let loader = Loader::new()?;
    let issuer = ctx.issuer();
    let mut lane = Lane::new(encoder);
    let mut failures = 0u32;
    let emit = |e: Event| (ctx.observer)(&e);
    while !ctx.stop.load(Ordering::SeqCst) {
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
        let progress = JobProgress {
            ctx,
            encoder: &name,
            id_number: &id,
            shared,
        };
        let mut ledger = JobLedger {
            journal: ctx.journal.as_ref(),
            job: job.id,
        };
        let result = CardFlow::new(&issuer, &mut lane, &mut ledger, &progress, &id)
            .issue(|| loader.load(&ctx.registry, &id, ctx.today));
        let failure = match result {
            Ok(_issued) => {
                record(shared, &job, &name, JobState::Issued, None);
                failures = 0;
                sum.issued += 1;
                emit(Event::Issued {
                    encoder: name.clone(),
                    id_number: id,
                });
                continue;
            }
            Err(CardFailure::Fatal(e)) => {
                // The run ends with this error: no summary, so the outcome carries its text only.
                let reason = Some(e.to_string());
                lock(shared)
                    .outcomes
                    .push(outcome(&job, &name, JobState::Pending, reason));
                ctx.stop.store(true, Ordering::SeqCst);
                emit(Event::EncoderStopped {
                    encoder: name.clone(),
                    reason: e.to_string(),
                });
                return Err(e);
            }
            Err(failure) => Arc::new(failure),
        };
        let reason = failure.to_string();
        let state = match &*failure {
            CardFailure::Reject(_) => JobState::Rejected,
            CardFailure::Spoil(_) => JobState::Spoiled,
            CardFailure::Release(_) | CardFailure::Fatal(_) => JobState::Pending,
        };
        record(shared, &job, &name, state, Some(Arc::clone(&failure)));
        if state == JobState::Rejected {
            sum.rejected += 1;
            emit(Event::Rejected {
                encoder: name.clone(),
                id_number: id,
                reason,
            });
            continue;
        }
        if state == JobState::Spoiled {
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
        // The card failed (not the record): a few in a row, or no next card, and the encoder
        // is out of the batch.
        failures += 1;
        let stopped = if failures >= MAX_CARD_FAILURES_IN_A_ROW {
            Some(format!("{failures} card failures in a row; last: {reason}"))
        } else {
            lane.encoder
                .next_card(ctx.card_timeout)
                .err()
                .map(|e| format!("no usable card after a failure: {e}"))
        };
        if let Some(why) = stopped {
            emit(Event::EncoderStopped {
                encoder: name.clone(),
                reason: why.clone(),
            });
            sum.stopped = Some(why);
            break;
        }
    }
    Ok(sum)
}

/// A job's outcome in this run.
fn outcome(job: &Job, encoder: &str, state: JobState, reason: Option<String>) -> Outcome {
    Outcome {
        job: job.id,
        id_number: job.id_number.clone(),
        encoder: encoder.to_string(),
        state,
        reason,
        failure: None,
    }
}

/// Keep a card's outcome, with its failure if it failed.
fn record(
    shared: &Mutex<Shared>,
    job: &Job,
    encoder: &str,
    state: JobState,
    failure: Option<Arc<CardFailure>>,
) {
    let o = Outcome {
        reason: failure.as_ref().map(|f| f.to_string()),
        failure,
        ..outcome(job, encoder, state, None)
    };
    lock(shared).outcomes.push(o);
}
