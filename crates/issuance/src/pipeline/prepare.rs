//! Before a run: crash recovery, orphan audit entries, finishing verified cards, queueing.

use super::context::Context;
use super::pki::audit_entries;
use crate::Result;
use crate::card_flow::write_card;
use crate::journal::{AuditEntryRef, JobState};
use crate::registry::Loader;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

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
    let known_before: HashSet<u64> = ctx
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
