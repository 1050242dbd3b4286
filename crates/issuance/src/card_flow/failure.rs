//! How a card can fail, by what the station does about it.
//!
//! Each class is one outcome in the journal: a [`RejectReason`] rejects the record (no card was
//! touched), a [`ReleaseReason`] gives the job back to the queue (the card failed before anything
//! was signed), a [`SpoilReason`] spoils the job and queues the record again on a fresh chip (a
//! signed card was lost), and a fatal [`Error`] stops the run. Every reason keeps the typed error
//! it came from, and renders to the text the journal stores (operators and scripts read those
//! texts, so they do not change with the types).

use crate::Error;
use crate::card_flow::printer::RenderError;
use reader::files::Ef;

/// Why one card did not become an issued card.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CardFailure {
    /// The record cannot be issued as it is: rejected, before any card was touched.
    #[error(transparent)]
    Reject(#[from] RejectReason),
    /// The card failed before its EF.SOD was signed: the job goes back to the queue.
    #[error(transparent)]
    Release(#[from] ReleaseReason),
    /// A signed card was lost: the job is spoiled and the record queued again.
    #[error(transparent)]
    Spoil(#[from] SpoilReason),
    /// The journal or the signer failed: nothing else can be issued.
    #[error(transparent)]
    Fatal(#[from] Error),
}

/// Why a record is rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The record fails today's validation rules (the text names the rule).
    #[error(transparent)]
    Invalid(#[from] citizen::RecordError),
    /// The ID number is not in the registry.
    #[error("record {0}: not in the registry")]
    NotInRegistry(String),
    /// The record's MRZ, portrait (DG2) or DG13 cannot be encoded.
    #[error("record {id}: LDS: {source}")]
    Lds {
        id: String,
        #[source]
        source: lds::LdsError,
    },
    /// The record's MRZ gives no BAC key.
    #[error("record {id}: MRZ for BAC: {source}")]
    MrzKey {
        id: String,
        #[source]
        source: reader::bac::BacError,
    },
    /// The record does not fit its card's printed layout.
    #[error("record {id}: {source}")]
    Layout {
        id: String,
        #[source]
        source: RenderError,
    },
}

/// Why a card failed before anything was signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseReason {
    /// No card could be had from the encoder (empty hopper, no card in the reader).
    #[error("encoder {encoder}: {source}")]
    NoCard {
        encoder: String,
        #[source]
        source: reader::Error,
    },
    /// The card refused phase 1 of personalization (selection, key generation); a locked card
    /// answers 6985 here.
    #[error("encoder {encoder}: card refused personalization: {source}")]
    Refused {
        encoder: String,
        #[source]
        source: reader::Error,
    },
    /// The chip's public keys do not give DG14/DG15.
    #[error("encoder {encoder}: chip key unusable: {source}")]
    ChipKey {
        encoder: String,
        #[source]
        source: lds::LdsError,
    },
}

/// Why a signed card was lost.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpoilReason {
    /// Writing, reading back or locking failed (a torn card among others).
    #[error("encoder {encoder}: writing the chip failed: {source}")]
    Write {
        encoder: String,
        #[source]
        source: reader::Error,
    },
    /// The card left the encoder between locking and inspection.
    #[error("encoder {encoder}: card lost before inspection: {source}")]
    Lost {
        encoder: String,
        #[source]
        source: reader::Error,
    },
    /// Inspection could not run to the end.
    #[error("encoder {encoder}: inspection failed: {source}")]
    Inspection {
        encoder: String,
        #[source]
        source: reader::Error,
    },
    /// Inspection ran and the card is not what a verifier must see.
    #[error("verification failed: {0}")]
    Verification(Verification),
    /// The chip is good but its printed card could not be written.
    #[error("printing failed: {0}")]
    Printing(#[source] Error),
}

/// What a verifier's inspection of a freshly written card found wrong.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Failed inspection checks (access, passive, chip and active authentication) and failed
    /// comparisons with the record (`record.dgN`).
    pub checks: Vec<sign::Check>,
    /// Files that do not read back as written.
    pub files: Vec<(Ef, ReadBack)>,
}

/// How a written file failed to read back after locking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBack {
    /// It reads back with other bytes.
    Differs,
    /// It cannot be read.
    Unreadable,
}

impl Verification {
    /// Nothing wrong.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.files.is_empty()
    }
}

impl std::fmt::Display for Verification {
    /// `check: detail; …; EF: read back differs from what was written; …`, checks first.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let checks = self
            .checks
            .iter()
            .map(|c| format!("{}: {}", c.id, c.detail));
        let files = self.files.iter().map(|(ef, r)| match r {
            ReadBack::Differs => format!("{ef}: read back differs from what was written"),
            ReadBack::Unreadable => format!("{ef}: not readable after locking"),
        });
        f.write_str(&checks.chain(files).collect::<Vec<_>>().join("; "))
    }
}
