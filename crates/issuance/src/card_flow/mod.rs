//! One card, from its record to an issued card. The batch pipeline runs this flow for every job
//! on every encoder; `cccd chip write` runs its personalization half on the card in one reader.
//!
//! ```text
//! validate  record rules, its LDS part (MRZ, DG1, DG2, DG13), its MRZ key    fails: reject
//! render    the printed card's layout                                         fails: reject
//! card      a blank from the encoder                                          fails: release
//! keys      phase 1 of personalization: the chip makes its keys               fails: release
//! LDS       DG14, DG15, EF.CardAccess from those keys, and EF.COM             fails: release
//! sign      EF.SOD; audit entry durable, then journal: signed                 fails: fatal
//! write     files, MRZ secret, read-back, lock;  journal: written             fails: spoil
//! inspect   like a verifier (PACE or BAC, PA, CA and AA, every file byte-equal
//!           to what was written, DG1/DG2/DG13 equal to the record's);
//!           journal: verified                                                 fails: spoil
//! release   the card leaves the encoder (the next blank comes in meanwhile)
//! print     front, back, PDF;  journal: printed                               fails: spoil
//! issued    journal: issued
//! ```
//!
//! The seams are small on purpose: an [`Encoder`] gives the cards (a hopper, or the one card in a
//! reader), a [`Ledger`] records the steps (the journal job, or nothing), [`Progress`] reports
//! stages and their times (the pipeline's observer and summary, or nothing), and an [`Issuer`]
//! holds what every card shares (profile, signer, trust, printer). A failure is a typed
//! [`CardFailure`] whose class decides the job's outcome and whose text the journal stores.

mod failure;
mod ledger;
mod printer;
mod record_lds;
mod signer;

pub use failure::{CardFailure, ReadBack, RejectReason, ReleaseReason, SpoilReason, Verification};
pub use ledger::{JobLedger, Ledger, Unjournaled};
pub(crate) use printer::write_card;
pub use printer::{Printer, RenderError};
pub use record_lds::{RecordLds, bac_mrz, compare_with_record};
pub use signer::{AuditedSigner, SigningError, SodSigning};

use crate::Error;
use crate::encoder::Encoder;
use crate::journal::{JobState, SignatureRef};
use citizen::{Record, RecordError};
use reader::Transport;
use reader::files::LdsFiles;
use reader::inspect::{AaPolicy, InspectOptions, Inspection, Trust};
use reader::perso::{PersoReport, Personalization, Secrets};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

/// The stages of one card, for progress and timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Loading and validating the record, and encoding its part of the LDS (the MRZ, DG1, DG2,
    /// DG13) with its MRZ key: everything that can reject a record before a card is touched.
    Validate,
    Render,
    WaitCard,
    ChipKeys,
    /// The chip's part of the LDS (DG14, DG15, EF.CardAccess) and EF.COM.
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

/// Who hears about the stages of a card. Both methods default to nothing (`()` hears nothing).
pub trait Progress {
    /// A stage begins.
    fn stage(&self, _stage: Stage) {}
    /// A stage took `spent`.
    fn spent(&self, _stage: Stage, _spent: Duration) {}
}

impl Progress for () {}

/// Time `f` as `stage`.
fn timed<T>(progress: &dyn Progress, stage: Stage, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    progress.spent(stage, t.elapsed());
    out
}

/// What every card of a station shares.
pub struct Issuer<'a> {
    pub profile: &'a reader::Profile,
    pub signer: &'a dyn SodSigning,
    /// Passive authentication of every written card (CSCA and CRL).
    pub trust: &'a Trust,
    /// Rendering and where rendered cards go; `None` prints nothing.
    pub printing: Option<Printing<'a>>,
    /// How long to wait for the next card in an encoder.
    pub card_timeout: Duration,
}

/// The printer and the folder for rendered cards (`out/ID/`: front.png, back.png, card.pdf).
#[derive(Clone, Copy)]
pub struct Printing<'a> {
    pub printer: &'a Printer,
    pub out: &'a Path,
}

/// An encoder, and whether a card is already in it (the flow fetches one when not). Lives as
/// long as its worker: the card left in the encoder after one job is the next job's.
pub struct Lane {
    pub encoder: Box<dyn Encoder>,
    pub has_card: bool,
}

impl Lane {
    /// An encoder whose first card the flow still has to wait for.
    pub fn new(encoder: Box<dyn Encoder>) -> Lane {
        Lane {
            encoder,
            has_card: false,
        }
    }

    /// The card in the encoder, after waiting for one when there is none yet.
    fn card(
        &mut self,
        timeout: Duration,
        progress: &dyn Progress,
    ) -> Result<&mut dyn Transport, reader::Error> {
        if !self.has_card {
            progress.stage(Stage::WaitCard);
            timed(progress, Stage::WaitCard, || {
                self.encoder.next_card(timeout)
            })?;
            self.has_card = true;
        }
        self.encoder.transport()
    }
}

/// A record ready for a chip, checked before any card is touched: the validated record, its
/// part of the LDS (built once, see [`RecordLds`]) and the secrets its chip will hold.
pub struct CardData {
    pub record: Record,
    pub lds: RecordLds,
    pub secrets: Secrets,
}

impl CardData {
    /// Encodes the record's data groups and derives its chip's access secrets; a record that
    /// gives neither is rejected.
    pub fn new(record: Record) -> Result<CardData, RejectReason> {
        let id = &record.id_number;
        let lds = RecordLds::build(&record).map_err(|source| RejectReason::Lds {
            id: id.clone(),
            source,
        })?;
        let mrz = lds.mrz_key().map_err(|source| RejectReason::MrzKey {
            id: id.clone(),
            source,
        })?;
        // Vietnamese cards: the PACE CAN is the last 6 digits of the ID number (validated).
        let can = reader::Can::from_vietnam_id_number(id).ok();
        Ok(CardData {
            lds,
            secrets: Secrets { mrz, can },
            record,
        })
    }
}

/// A chip written, read back and locked.
#[derive(Debug)]
pub struct Written {
    /// Every file as written (EF.SOD included).
    pub files: LdsFiles,
    pub report: PersoReport,
    pub signature: SignatureRef,
}

/// An issued card.
#[derive(Debug)]
pub struct Issued {
    pub written: Written,
    /// Where the rendered card files are, when printed.
    pub artifacts: Option<String>,
}

/// One card through the flow. Built per card; the [`Lane`] carries the encoder over to the next.
pub struct CardFlow<'a> {
    issuer: &'a Issuer<'a>,
    lane: &'a mut Lane,
    ledger: &'a mut dyn Ledger,
    progress: &'a dyn Progress,
    /// The record's ID number (the document number of its EF.SOD's audit entry).
    id: &'a str,
}

impl<'a> CardFlow<'a> {
    pub fn new(
        issuer: &'a Issuer<'a>,
        lane: &'a mut Lane,
        ledger: &'a mut dyn Ledger,
        progress: &'a dyn Progress,
        id: &'a str,
    ) -> CardFlow<'a> {
        CardFlow {
            issuer,
            lane,
            ledger,
            progress,
            id,
        }
    }

    /// The whole flow, from `load` (the registry's record validated today: the outer error is
    /// the registry's, the inner one the record's) to an issued card. A failure is recorded in
    /// the ledger as its class asks before it is returned.
    pub fn issue(
        mut self,
        load: impl FnOnce() -> crate::Result<Result<Record, RecordError>>,
    ) -> Result<Issued, CardFailure> {
        let result = self.issue_steps(load);
        self.settle(result)
    }

    /// The personalization half on its own, for a record validated elsewhere: a card, its keys,
    /// the LDS, the signature, the chip written, read back and locked. No inspection, no print.
    pub fn personalize(mut self, data: &CardData) -> Result<Written, CardFailure> {
        let result = self.personalize_steps(data);
        self.settle(result)
    }

    /// The flow of the module documentation, top to bottom; `?` ends it at the first failure.
    fn issue_steps(
        &mut self,
        load: impl FnOnce() -> crate::Result<Result<Record, RecordError>>,
    ) -> Result<Issued, CardFailure> {
        let data = self.validate(load)?;
        let rendered = self.render(&data.record)?;
        let written = self.personalize_steps(&data)?;
        self.inspect(&data, &written.files)?;
        self.ledger.advance(JobState::Verified, None)?;
        // The card leaves the encoder: the next blank comes in while we print.
        self.lane.encoder.release_card();
        let artifacts = self.print(rendered.as_ref())?;
        self.ready_next_card();
        self.ledger
            .advance(JobState::Printed, artifacts.as_deref())?;
        self.ledger.advance(JobState::Issued, None)?;
        Ok(Issued { written, artifacts })
    }

    /// A card, its keys, the LDS with them, the signature (recorded before the chip is
    /// written), the chip written, read back and locked.
    fn personalize_steps(&mut self, data: &CardData) -> Result<Written, CardFailure> {
        let (issuer, progress, id) = (self.issuer, self.progress, self.id);
        let encoder = self.lane.encoder.name().to_string();
        let card = self
            .lane
            .card(issuer.card_timeout, progress)
            .map_err(|source| ReleaseReason::NoCard {
                encoder: encoder.clone(),
                source,
            })?;

        progress.stage(Stage::ChipKeys);
        let perso = timed(progress, Stage::ChipKeys, || {
            Personalization::begin(card, issuer.profile, &data.secrets)
        })
        .map_err(|source| ReleaseReason::Refused {
            encoder: encoder.clone(),
            source,
        })?;

        progress.stage(Stage::BuildLds);
        let set = timed(progress, Stage::BuildLds, || {
            data.lds.with_chip_keys(perso.chip_keys(), issuer.profile)
        })
        .map_err(|source| ReleaseReason::ChipKey {
            encoder: encoder.clone(),
            source,
        })?;

        // The audit entry is durable before the SOD comes back; the ledger records it next.
        progress.stage(Stage::Sign);
        let (sod, signature) = timed(progress, Stage::Sign, || {
            issuer.signer.sign_sod(&set.data_groups, id)
        })
        .map_err(|source| Error::Signing {
            document_number: id.to_string(),
            source,
        })?;
        self.ledger.signed(&signature)?;

        progress.stage(Stage::Write);
        let files = reader::files::from_lds_set(&set, sod);
        let report = timed(progress, Stage::Write, || perso.write(&files))
            .map_err(|source| SpoilReason::Write { encoder, source })?;
        self.ledger.advance(JobState::Written, None)?;
        Ok(Written {
            files,
            report,
            signature,
        })
    }

    /// The registry's record, validated, with its LDS part and MRZ key.
    fn validate(
        &self,
        load: impl FnOnce() -> crate::Result<Result<Record, RecordError>>,
    ) -> Result<CardData, CardFailure> {
        self.progress.stage(Stage::Validate);
        timed(self.progress, Stage::Validate, || {
            let record = match load() {
                Ok(Ok(record)) => record,
                Ok(Err(invalid)) => return Err(RejectReason::Invalid(invalid).into()),
                Err(Error::UnknownRecord(id)) => return Err(RejectReason::NotInRegistry(id).into()),
                Err(e) => return Err(CardFailure::Fatal(e)),
            };
            Ok(CardData::new(record)?)
        })
    }

    /// The printed layout, when printing: a record that does not fit is rejected now.
    fn render(&self, record: &Record) -> Result<Option<print::RenderedCard>, RejectReason> {
        let Some(printing) = self.issuer.printing else {
            return Ok(None);
        };
        self.progress.stage(Stage::Render);
        timed(self.progress, Stage::Render, || {
            printing.printer.render(record)
        })
        .map(Some)
        .map_err(|source| RejectReason::Layout {
            id: self.id.to_string(),
            source,
        })
    }

    /// Inspect like a verifier. A PACE chip is opened the way Vietnamese readers open it (PACE
    /// with the CAN, no fallback: a card whose PACE fails is spoiled); both chip keys are
    /// exercised (AA always, CA when DG14 offers it); every file must read back as written, and
    /// the record's data groups must be the record's.
    fn inspect(&mut self, data: &CardData, written: &LdsFiles) -> Result<(), SpoilReason> {
        let (issuer, progress) = (self.issuer, self.progress);
        let encoder = self.lane.encoder.name().to_string();
        progress.stage(Stage::Inspect);
        let card = self
            .lane
            .encoder
            .transport()
            .map_err(|source| SpoilReason::Lost {
                encoder: encoder.clone(),
                source,
            })?;
        let opts = match (&data.secrets.can, issuer.profile.protocols.pace) {
            (Some(can), true) => InspectOptions::can(can, None),
            _ => InspectOptions::bac(&data.secrets.mrz),
        }
        .with_profile(issuer.profile)
        .with_trust(issuer.trust)
        .with_aa(AaPolicy::Always);
        let inspection = timed(progress, Stage::Inspect, || {
            reader::inspect::inspect(card, &opts)
        })
        .map_err(|source| SpoilReason::Inspection { encoder, source })?;
        let found = verification(&inspection, written, &data.lds);
        if found.is_empty() {
            Ok(())
        } else {
            Err(SpoilReason::Verification(found))
        }
    }

    /// The rendered card to its folder, when printing.
    fn print(&self, rendered: Option<&print::RenderedCard>) -> Result<Option<String>, SpoilReason> {
        self.progress.stage(Stage::Print);
        match (rendered, self.issuer.printing) {
            (Some(card), Some(printing)) => timed(self.progress, Stage::Print, || {
                write_card(printing.out, self.id, card)
            })
            .map(Some)
            .map_err(SpoilReason::Printing),
            _ => Ok(None),
        }
    }

    /// The next card, so the encoder is ready for the next job (none: the next job waits).
    fn ready_next_card(&mut self) {
        let (timeout, progress) = (self.issuer.card_timeout, self.progress);
        progress.stage(Stage::WaitCard);
        let lane = &mut *self.lane;
        if timed(progress, Stage::WaitCard, || {
            lane.encoder.next_card(timeout)
        })
        .is_err()
        {
            lane.has_card = false;
        }
    }

    /// Record a failure in the ledger; a ledger that cannot record it makes it fatal.
    fn settle<T>(&mut self, result: Result<T, CardFailure>) -> Result<T, CardFailure> {
        match result {
            Ok(done) => Ok(done),
            Err(failure) => match self.ledger.failed(&failure) {
                Ok(()) => Err(failure),
                Err(e) => Err(CardFailure::Fatal(e)),
            },
        }
    }
}

/// What an inspection found wrong with a written card: failed checks, files that do not read
/// back as written, record data groups that are not the record's.
fn verification(inspection: &Inspection, written: &LdsFiles, expected: &RecordLds) -> Verification {
    let failed = |c: &sign::Check| c.status == sign::Status::Fail;
    let mut found = Verification {
        checks: inspection
            .report
            .checks
            .iter()
            .filter(|c| failed(c))
            .cloned()
            .collect(),
        files: Vec::new(),
    };
    for (ef, bytes) in written {
        match inspection.files.get(ef) {
            Some(read) if read == bytes => {}
            Some(_) => found.files.push((*ef, ReadBack::Differs)),
            None => found.files.push((*ef, ReadBack::Unreadable)),
        }
    }
    found.checks.extend(
        expected
            .compare(&inspection.files)
            .into_iter()
            .filter(failed),
    );
    found
}
