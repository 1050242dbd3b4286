//! Where a card's progress is recorded: the journal for a batch job, nothing for a single card
//! written outside any batch (`cccd chip write`).

use super::failure::CardFailure;
use crate::journal::{JobId, JobState, Journal, SignatureRef};
use crate::{Error, Result};

/// The card flow's record keeper. The flow calls it at every step that changes what the station
/// must remember: a signature exists, the chip was written, verified, printed, issued; or the
/// card failed. An error here is fatal for the run (the station could no longer account for
/// its cards).
pub trait Ledger {
    /// The EF.SOD is signed and its audit entry durable: recorded before the chip is written,
    /// so no signature is ever left without an outcome.
    fn signed(&mut self, signature: &SignatureRef) -> Result<()>;
    /// The card moved on to `to` (written, verified, printed with its `artifacts`, issued).
    fn advance(&mut self, to: JobState, artifacts: Option<&str>) -> Result<()>;
    /// The card failed: record the outcome its class asks for.
    fn failed(&mut self, failure: &CardFailure) -> Result<()>;
}

/// A journal job: every step is a state change of the job, every failure its outcome with the
/// failure's text as the reason.
pub struct JobLedger<'a> {
    pub journal: &'a dyn Journal,
    pub job: JobId,
}

impl Ledger for JobLedger<'_> {
    fn signed(&mut self, signature: &SignatureRef) -> Result<()> {
        self.journal.record_signature(self.job, signature)
    }

    fn advance(&mut self, to: JobState, artifacts: Option<&str>) -> Result<()> {
        self.journal.advance(self.job, to, artifacts)
    }

    fn failed(&mut self, failure: &CardFailure) -> Result<()> {
        let (j, job) = (self.journal, self.job);
        match failure {
            CardFailure::Reject(r) => j.reject(job, &r.to_string()),
            CardFailure::Release(r) => j.release(job, &r.to_string()),
            CardFailure::Spoil(r) => j.spoil(job, &r.to_string()).map(|_requeued| ()),
            // Nothing was signed: the job goes back to the queue for the next run. The run
            // stops on the signer's error whether or not the journal took this.
            CardFailure::Fatal(Error::Signing { source, .. }) => {
                let _ = j.release(job, &format!("signing failed: {source}"));
                Ok(())
            }
            // The journal itself failed: nothing more can be written to it.
            CardFailure::Fatal(_) => Ok(()),
        }
    }
}

/// A card outside any batch: nothing to journal. Keeps the signature, so a card lost after
/// signing can name its audit entry.
#[derive(Debug, Default)]
pub struct Unjournaled {
    pub signature: Option<SignatureRef>,
}

impl Ledger for Unjournaled {
    fn signed(&mut self, signature: &SignatureRef) -> Result<()> {
        self.signature = Some(signature.clone());
        Ok(())
    }

    fn advance(&mut self, _to: JobState, _artifacts: Option<&str>) -> Result<()> {
        Ok(())
    }

    fn failed(&mut self, _failure: &CardFailure) -> Result<()> {
        Ok(())
    }
}
