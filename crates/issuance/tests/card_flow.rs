//! The card flow's typed failures, one class at a time, through the real pipeline with
//! in-process chips: the variant the run reports and the text the journal stores. And the LDS
//! built once per card, byte for byte what `lds::LdsSet::build` makes.

use chrono::NaiveDate;
use issuance::card_flow::{
    CardFailure, RecordLds, RejectReason, ReleaseReason, SigningError, SpoilReason,
};
use issuance::encoder::{Encoder, InProcessEncoder};
use issuance::journal::{JobState, SignatureRef, SqliteJournal};
use issuance::pipeline::{self, Context, OpenPki, Outcome, SodSigning, Summary};
use issuance::registry::{Loader, Registry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

const PASS: &str = "card flow test passphrase";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn profile(name: &str) -> Arc<reader::Profile> {
    let path = repo()
        .join("firmware-profiles")
        .join(format!("{name}.toml"));
    Arc::new(reader::Profile::load(&path).unwrap())
}

fn init_pki(dir: &Path) {
    let secret = sign::Secret::new(PASS.into());
    let mut pki = sign::Pki::init(
        dir,
        &sign::InitOptions {
            country: "VN".into(),
            org: "card flow test".into(),
            curve: sign::Curve::P256,
            token: None,
            now: chrono::Utc::now(),
        },
        &secret,
    )
    .unwrap();
    pki.issue_ds(&secret, &sign::DsOptions::default()).unwrap();
}

struct Station {
    dir: tempfile::TempDir,
    pki: OpenPki,
    profile: Arc<reader::Profile>,
    registry: Arc<Registry>,
    journal: Arc<SqliteJournal>,
}

fn station(records: usize) -> Station {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let registry = Arc::new(Registry::open(&db).unwrap());
    registry.seed(records, 23, today(), |_| {}).unwrap();
    init_pki(&dir.path().join("pki"));
    let pki = pipeline::open_pki(
        &dir.path().join("pki"),
        &sign::Secret::new(PASS.into()),
        None,
        "st-flow",
        "op-flow",
    )
    .unwrap();
    Station {
        journal: Arc::new(SqliteJournal::open(&db).unwrap()),
        dir,
        pki,
        profile: profile("cccd-chip"),
        registry,
    }
}

impl Station {
    /// A run context; `signer` and `trust` default to the station's own.
    fn context(
        &self,
        signer: Option<Arc<dyn SodSigning>>,
        trust: Option<reader::inspect::Trust>,
    ) -> Arc<Context> {
        let own_trust = || reader::inspect::Trust::load(&self.dir.path().join("pki/csca.pem"));
        Arc::new(Context {
            station: "st-flow".into(),
            registry: Arc::clone(&self.registry),
            journal: self.journal.clone(),
            signer: signer.unwrap_or_else(|| self.pki.signer.clone()),
            profile: Arc::clone(&self.profile),
            trust: Arc::new(trust.unwrap_or_else(|| own_trust().unwrap())),
            printer: None,
            out: self.dir.path().join("cards"),
            batch: None,
            today: today(),
            card_timeout: Duration::from_secs(1),
            stop: Arc::new(AtomicBool::new(false)),
            observer: Arc::new(|_| {}),
        })
    }

    fn encoder(&self, blanks: u64) -> InProcessEncoder {
        InProcessEncoder::new("enc", Arc::clone(&self.profile), blanks)
    }

    /// Queue `ids` and run them on `enc`.
    fn run(
        &self,
        ctx: &Arc<Context>,
        ids: &[String],
        enc: InProcessEncoder,
    ) -> issuance::Result<Summary> {
        pipeline::prepare(ctx, &self.pki.audit_path, ids).unwrap();
        let encoders: Vec<Box<dyn Encoder>> = vec![Box::new(enc)];
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(pipeline::run(Arc::clone(ctx), encoders))
    }

    /// The journal's state and reason of the job `outcome` reports.
    fn journaled(&self, outcome: &Outcome) -> (JobState, Option<String>) {
        let job = issuance::journal::Journal::job(self.journal.as_ref(), outcome.job).unwrap();
        (job.state, job.reason)
    }
}

fn failure(o: &Outcome) -> &CardFailure {
    o.failure
        .as_deref()
        .expect("a failed card carries its failure")
}

#[test]
fn a_bad_record_is_a_reject_with_its_validation_error_and_an_unknown_one_names_the_registry() {
    let st = station(2);
    let ids = st.registry.ids().unwrap();
    let conn = rusqlite::Connection::open(st.dir.path().join("station.db")).unwrap();
    conn.execute(
        "UPDATE citizens SET photo = x'47494638' WHERE id_number = ?1",
        [&ids[0]],
    )
    .unwrap();
    let unknown = "001099000000".to_string();
    let ctx = st.context(None, None);
    let s = st
        .run(&ctx, &[ids[0].clone(), unknown.clone()], st.encoder(5))
        .unwrap();
    assert_eq!(s.rejected, 2, "{:#?}", s.outcomes);

    let bad = s.outcomes.iter().find(|o| o.id_number == ids[0]).unwrap();
    let CardFailure::Reject(RejectReason::Invalid(e)) = failure(bad) else {
        panic!("{bad:?}");
    };
    assert!(e.to_string().contains("photo.format"), "{e}");
    let (state, reason) = st.journaled(bad);
    assert_eq!(state, JobState::Rejected);
    assert_eq!(reason, bad.reason);
    assert_eq!(reason.as_deref(), Some(e.to_string().as_str()));

    let missing = s.outcomes.iter().find(|o| o.id_number == unknown).unwrap();
    assert!(
        matches!(failure(missing), CardFailure::Reject(RejectReason::NotInRegistry(id)) if *id == unknown),
        "{missing:?}"
    );
    let (state, reason) = st.journaled(missing);
    assert_eq!(state, JobState::Rejected);
    assert_eq!(
        reason.as_deref(),
        Some("record 001099000000: not in the registry")
    );
}

#[test]
fn a_card_torn_before_signing_is_a_release_with_the_card_error() {
    let st = station(1);
    let ids = st.registry.ids().unwrap();
    // One blank, torn at its 2nd APDU: phase 1 (the chip's keys), nothing signed yet.
    let enc = st.encoder(1).tear_first_card_after(2);
    let s = st.run(&st.context(None, None), &ids, enc).unwrap();
    assert_eq!(
        (s.issued, s.released, s.spoiled),
        (0, 1, 0),
        "{:#?}",
        s.outcomes
    );
    let o = &s.outcomes[0];
    let CardFailure::Release(ReleaseReason::Refused { encoder, source }) = failure(o) else {
        panic!("{o:?}");
    };
    assert_eq!(encoder, "enc");
    assert!(matches!(source, reader::Error::CardRemoved), "{source:?}");
    let (state, reason) = st.journaled(o);
    assert_eq!(state, JobState::Pending, "released: back in the queue");
    assert_eq!(reason, o.reason);
    assert!(
        reason.unwrap().contains("card refused personalization"),
        "{o:?}"
    );
    assert_eq!(s.pending_left, 1);
    assert!(
        pipeline::audit_entries(&st.pki.audit_path)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_card_torn_after_signing_is_a_spoil_with_the_write_error() {
    let st = station(1);
    let ids = st.registry.ids().unwrap();
    // APDU 8 falls in the file writes, after the SOD was signed.
    let enc = st.encoder(3).tear_first_card_after(8);
    let s = st.run(&st.context(None, None), &ids, enc).unwrap();
    assert_eq!((s.issued, s.spoiled), (1, 1), "{:#?}", s.outcomes);
    let o = s
        .outcomes
        .iter()
        .find(|o| o.state == JobState::Spoiled)
        .unwrap();
    let CardFailure::Spoil(SpoilReason::Write { source, .. }) = failure(o) else {
        panic!("{o:?}");
    };
    assert!(matches!(source, reader::Error::CardRemoved), "{source:?}");
    let (state, reason) = st.journaled(o);
    assert_eq!(state, JobState::Spoiled);
    assert_eq!(reason, o.reason);
    assert!(reason.unwrap().contains("writing the chip failed"));
}

#[test]
fn a_card_that_fails_passive_authentication_is_a_spoil_with_the_failed_checks() {
    let st = station(1);
    let ids = st.registry.ids().unwrap();
    // Inspect with another country's CSCA: every written card fails passive authentication.
    let other = st.dir.path().join("other-pki");
    init_pki(&other);
    let foreign = reader::inspect::Trust::load(&other.join("csca.pem")).unwrap();
    let s = st
        .run(&st.context(None, Some(foreign)), &ids, st.encoder(5))
        .unwrap();
    assert_eq!(s.issued, 0);
    assert!(s.spoiled >= 1, "{:#?}", s.outcomes);
    let o = &s.outcomes[0];
    let CardFailure::Spoil(SpoilReason::Verification(found)) = failure(o) else {
        panic!("{o:?}");
    };
    assert!(found.files.is_empty(), "every file read back: {found:?}");
    assert!(
        found.checks.iter().all(|c| c.status == sign::Status::Fail),
        "{found:?}"
    );
    assert!(
        found.checks.iter().any(|c| c.id.starts_with("pa.")),
        "{found:?}"
    );
    assert!(
        !found.checks.iter().any(|c| c.id.starts_with("record.")),
        "the chip holds the record's data groups: {found:?}"
    );
    let (state, reason) = st.journaled(o);
    assert_eq!(state, JobState::Spoiled);
    assert_eq!(reason, o.reason);
    assert_eq!(reason.unwrap(), format!("verification failed: {found}"));
}

/// A signer that has lost its key: every signature fails.
struct BrokenSigner;

impl SodSigning for BrokenSigner {
    fn sign(
        &self,
        _dgs: &BTreeMap<u8, Vec<u8>>,
        _document_number: &str,
    ) -> Result<(Vec<u8>, SignatureRef), String> {
        Err("the signing token was unplugged".into())
    }
}

#[test]
fn a_signer_failure_is_fatal_for_the_run_and_releases_the_job() {
    let st = station(2);
    let ids = st.registry.ids().unwrap();
    let ctx = st.context(Some(Arc::new(BrokenSigner)), None);
    let err = st.run(&ctx, &ids, st.encoder(5)).unwrap_err();
    let issuance::Error::Signing {
        document_number,
        source: SigningError::Signer(message),
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(message, "the signing token was unplugged");
    assert!(ids.contains(document_number));
    let job =
        &issuance::journal::Journal::jobs_for(st.journal.as_ref(), document_number).unwrap()[0];
    assert_eq!(
        job.state,
        JobState::Pending,
        "nothing signed: back in the queue"
    );
    assert_eq!(
        job.reason.as_deref(),
        Some("signing failed: the signing token was unplugged")
    );
    // The other record was never started: the run stopped.
    let other = ids.iter().find(|id| *id != document_number).unwrap();
    let job = &issuance::journal::Journal::jobs_for(st.journal.as_ref(), other).unwrap()[0];
    assert_eq!(
        (job.state, job.reason.as_deref()),
        (JobState::Pending, None)
    );
}

#[test]
fn the_lds_built_once_is_byte_for_byte_lds_set_build() {
    let st = station(4);
    let loader = Loader::new().unwrap();
    let mut records: Vec<citizen::Record> = st
        .registry
        .ids()
        .unwrap()
        .iter()
        .map(|id| loader.load(&st.registry, id, today()).unwrap().unwrap())
        .collect();
    // The 2024 card of a child under 6 has no portrait (no DG2).
    let mut child = records[0].clone();
    child.photo = None;
    records.push(child);
    for name in ["cccd-chip", "jmrtd-applet"] {
        let profile = profile(name);
        let mut chip = vchip::InProcess::new(vchip::Chip::blank(Arc::clone(&profile)));
        let once = RecordLds::build(&records[0]).unwrap();
        let secrets = reader::perso::Secrets {
            mrz: once.mrz_key().unwrap(),
            can: reader::Can::from_vietnam_id_number(&records[0].id_number).ok(),
        };
        let perso = reader::perso::Personalization::begin(&mut chip, &profile, &secrets).unwrap();
        let keys = perso.chip_keys().clone();
        let options = keys.lds_options(&profile).unwrap();
        for r in &records {
            let once = RecordLds::build(r).unwrap();
            assert_eq!(
                once.with_chip_keys(&keys, &profile).unwrap(),
                lds::LdsSet::build(r, &options).unwrap(),
                "{name}: {}",
                r.id_number
            );
            assert_eq!(
                once.with_security(lds::LdsOptions::default().security_files().unwrap()),
                lds::LdsSet::build(r, &lds::LdsOptions::default()).unwrap(),
            );
            assert_eq!(
                once.td1(),
                &lds::mrz::Td1::from_record(r, &Default::default()).unwrap()
            );
        }
    }
}
