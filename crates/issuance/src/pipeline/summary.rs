//! What a run reports: events as it goes, outcomes and stage times at the end.

use crate::card_flow::{CardFailure, Stage};
use crate::journal::{JobId, JobState};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

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
    /// The failure's text, as the journal stores it.
    pub reason: Option<String>,
    /// The failure itself, for callers that act on its kind (rejected, released or spoiled;
    /// a fatal failure ends the run with its error instead of a summary).
    #[serde(skip)]
    pub failure: Option<Arc<CardFailure>>,
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

/// What the workers of a run collect together.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) stages: BTreeMap<Stage, (u64, Duration)>,
    pub(super) outcomes: Vec<Outcome>,
}

impl Summary {
    /// Tallies, stage times and throughput of a finished run.
    pub(super) fn of(shared: Shared, encoders: Vec<EncoderSummary>, elapsed: Duration) -> Summary {
        let mut s = Summary {
            elapsed_ms: elapsed.as_secs_f64() * 1000.0,
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
        s
    }
}
