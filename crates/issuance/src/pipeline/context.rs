//! What a batch run needs besides the encoders.

use super::summary::Event;
use crate::card_flow::{Issuer, Printer, Printing, SodSigning};
use crate::journal::Journal;
use crate::registry::Registry;
use chrono::NaiveDate;
use reader::inspect::Trust;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

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

impl Context {
    /// What the card flow of every job shares.
    pub(crate) fn issuer(&self) -> Issuer<'_> {
        Issuer {
            profile: &self.profile,
            signer: self.signer.as_ref(),
            trust: &self.trust,
            printing: self.printer.as_deref().map(|printer| Printing {
                printer,
                out: &self.out,
            }),
            card_timeout: self.card_timeout,
        }
    }
}
