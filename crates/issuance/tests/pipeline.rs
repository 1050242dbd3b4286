//! The pipeline with in-process virtual chips (no pcscd): the real registry, journal, signer
//! (software keys, audit log), chips of both firmware profiles, inspection and printing. The same
//! pipeline runs through pcscd in the `e2e` package.

use chrono::NaiveDate;
use issuance::encoder::{Encoder, InProcessEncoder};
use issuance::journal::{JobState, SqliteJournal};
use issuance::pipeline::{self, Context, OpenPki, Printer};
use issuance::reconcile::reconcile;
use issuance::registry::Registry;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

const PASS: &str = "pipeline test passphrase";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

struct Station {
    dir: tempfile::TempDir,
    ctx: Arc<Context>,
    pki: OpenPki,
    profile: Arc<reader::Profile>,
}

fn station(records: usize, profile: &str, print: bool) -> Station {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let registry = Arc::new(Registry::open(&db).unwrap());
    registry.seed(records, 11, today(), |_| {}).unwrap();
    let secret = sign::Secret::new(PASS.into());
    let pki_dir = dir.path().join("pki");
    let mut pki = sign::Pki::init(
        &pki_dir,
        &sign::InitOptions {
            country: "VN".into(),
            org: "cccd test".into(),
            curve: sign::Curve::P256,
            token: None,
            now: chrono::Utc::now(),
        },
        &secret,
    )
    .unwrap();
    pki.issue_ds(&secret, &sign::DsOptions::default()).unwrap();
    let opened = pipeline::open_pki(&pki_dir, &secret, None, "st-test", "op-test").unwrap();
    let profile = Arc::new(
        reader::Profile::load(
            &repo()
                .join("firmware-profiles")
                .join(format!("{profile}.toml")),
        )
        .unwrap(),
    );
    let printer =
        print.then(|| Arc::new(Printer::load(&repo().join("card-templates"), 300).unwrap()));
    let ctx = Arc::new(Context {
        station: "st-test".into(),
        registry,
        journal: Arc::new(SqliteJournal::open(&db).unwrap()),
        signer: opened.signer.clone(),
        profile: Arc::clone(&profile),
        trust: Arc::new(reader::inspect::Trust::load(&pki_dir.join("csca.pem")).unwrap()),
        printer,
        out: dir.path().join("cards"),
        batch: None,
        today: today(),
        card_timeout: Duration::from_secs(1),
        stop: Arc::new(AtomicBool::new(false)),
        observer: Arc::new(|_| {}),
    });
    Station {
        dir,
        ctx,
        pki: opened,
        profile,
    }
}

/// An in-process encoder of the station's profile with `blanks` cards.
fn encoder(st: &Station, name: &str, blanks: u64) -> Box<dyn Encoder> {
    Box::new(InProcessEncoder::new(name, Arc::clone(&st.profile), blanks))
}

/// Runs the pipeline on `ctx` (prepared) with the encoder "enc" of 10 cards.
fn run_prepared(
    rt: &tokio::runtime::Runtime,
    st: &Station,
    ctx: Arc<Context>,
) -> issuance::Result<pipeline::Summary> {
    rt.block_on(pipeline::run(ctx, vec![encoder(st, "enc", 10)]))
}

/// Prepares every registry record and runs the pipeline with `encoders`.
fn run(st: &Station, encoders: Vec<Box<dyn Encoder>>) -> pipeline::Summary {
    let ids = st.ctx.registry.ids().unwrap();
    pipeline::prepare(&st.ctx, &st.pki.audit_path, &ids).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(pipeline::run(Arc::clone(&st.ctx), encoders))
        .unwrap()
}

fn clean(st: &Station) -> issuance::reconcile::Reconciliation {
    let entries = pipeline::audit_entries(&st.pki.audit_path).unwrap();
    reconcile(st.ctx.journal.as_ref(), &entries).unwrap()
}

#[test]
fn batch_on_two_encoders_issues_every_record_and_reconciles() {
    let st = station(6, "cccd-chip", true);
    let s = run(
        &st,
        vec![encoder(&st, "enc-a", 10), encoder(&st, "enc-b", 10)],
    );
    assert_eq!(
        (s.issued, s.rejected, s.spoiled),
        (6, 0, 0),
        "{:#?}",
        s.outcomes
    );
    assert_eq!(s.pending_left, 0);
    assert!(
        s.encoders.iter().all(|e| e.issued > 0),
        "both encoders worked: {:?}",
        s.encoders
    );
    for id in st.ctx.registry.ids().unwrap() {
        let card = st.dir.path().join("cards").join(&id);
        for f in ["front.png", "back.png", "card.pdf"] {
            assert!(card.join(f).is_file(), "{id}/{f}");
        }
    }
    let r = clean(&st);
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!(r.issued, 6);
    for stage in [
        "validate",
        "render",
        "chip_keys",
        "sign",
        "write",
        "inspect",
        "print",
    ] {
        assert!(s.stages.contains_key(stage), "{stage} timed");
    }
    // A second run finds nothing to do: no record is issued twice.
    let again = run(&st, vec![encoder(&st, "enc-a", 10)]);
    assert_eq!(again.issued, 0);
}

#[test]
fn jmrtd_profile_cards_are_issued_too() {
    let st = station(2, "jmrtd-applet", false);
    let s = run(&st, vec![encoder(&st, "enc", 5)]);
    assert_eq!(s.issued, 2, "{:#?}", s.outcomes);
    assert!(clean(&st).is_clean());
}

#[test]
fn a_torn_card_is_spoiled_and_the_record_redone_on_a_fresh_chip() {
    let st = station(3, "cccd-chip", false);
    // APDU 8 of the first card falls in the file writes, after the SOD was signed.
    let enc = InProcessEncoder::new("enc", Arc::clone(&st.profile), 10).tear_first_card_after(8);
    let s = run(&st, vec![Box::new(enc)]);
    assert_eq!((s.issued, s.spoiled), (3, 1), "{:#?}", s.outcomes);
    let spoiled = s
        .outcomes
        .iter()
        .find(|o| o.state == JobState::Spoiled)
        .unwrap();
    assert!(
        spoiled
            .reason
            .as_deref()
            .unwrap()
            .contains("writing the chip failed"),
        "{spoiled:?}"
    );
    let jobs = st.ctx.journal.jobs_for(&spoiled.id_number).unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1].state, JobState::Issued);
    let r = clean(&st);
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!((r.issued, r.spoiled), (3, 1));
}

#[test]
fn bad_records_are_rejected_with_their_reason_and_the_rest_issued() {
    let st = station(3, "cccd-chip", false);
    let ids = st.ctx.registry.ids().unwrap();
    // Corrupt one record's photo behind the registry's back.
    let conn = rusqlite::Connection::open(st.dir.path().join("station.db")).unwrap();
    conn.execute(
        "UPDATE citizens SET photo = x'47494638' WHERE id_number = ?1",
        [&ids[0]],
    )
    .unwrap();
    let mut all = ids.clone();
    all.push("001099000000".into()); // not in the registry
    pipeline::prepare(&st.ctx, &st.pki.audit_path, &all).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = run_prepared(&rt, &st, Arc::clone(&st.ctx)).unwrap();
    assert_eq!((s.issued, s.rejected), (2, 2), "{:#?}", s.outcomes);
    let reason = |id: &str| {
        s.outcomes
            .iter()
            .find(|o| o.id_number == id)
            .and_then(|o| o.reason.clone())
            .unwrap()
    };
    assert!(
        reason(&ids[0]).contains("photo.format"),
        "{}",
        reason(&ids[0])
    );
    assert!(reason("001099000000").contains("not in the registry"));
    assert!(clean(&st).is_clean());
}

#[test]
fn an_empty_hopper_stops_the_encoder_and_leaves_jobs_pending() {
    let st = station(3, "cccd-chip", false);
    let s = run(&st, vec![encoder(&st, "enc", 1)]);
    assert_eq!(s.issued, 1);
    assert_eq!(s.pending_left, 2);
    let stopped = s.encoders[0].stopped.as_deref().unwrap();
    assert!(stopped.contains("hopper is empty"), "{stopped}");
    assert!(clean(&st).is_clean());
}

#[test]
fn a_wrong_passphrase_is_refused_naming_the_pki() {
    let st = station(1, "cccd-chip", false);
    let pki_dir = st.dir.path().join("pki");
    let err = pipeline::open_pki(&pki_dir, &sign::Secret::new("wrong".into()), None, "s", "o")
        .err()
        .unwrap();
    let msg = err.to_string();
    assert!(msg.contains("pki"), "{msg}");
}

/// Signs through the real signer, then "dies" (panics in the worker) right after the audit
/// entry became durable and before the journal heard of it: the worst moment for a crash.
struct DyingSigner {
    inner: Arc<dyn pipeline::SodSigning>,
    die_after: std::sync::atomic::AtomicUsize,
}

impl pipeline::SodSigning for DyingSigner {
    fn sign(
        &self,
        dgs: &std::collections::BTreeMap<u8, Vec<u8>>,
        document_number: &str,
    ) -> Result<(Vec<u8>, issuance::journal::SignatureRef), String> {
        let out = self.inner.sign(dgs, document_number)?;
        if self
            .die_after
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst)
            == 1
        {
            panic!("simulated crash after the audit entry of {document_number}");
        }
        Ok(out)
    }
}

#[test]
fn a_crash_between_audit_entry_and_journal_is_resumed_without_double_issue() {
    let st = station(5, "cccd-chip", false);
    let ids = st.ctx.registry.ids().unwrap();
    pipeline::prepare(&st.ctx, &st.pki.audit_path, &ids).unwrap();
    let dying = Arc::new(DyingSigner {
        inner: st.ctx.signer.clone(),
        die_after: std::sync::atomic::AtomicUsize::new(3),
    });
    let crashing = Arc::new(Context {
        signer: dying,
        station: st.ctx.station.clone(),
        registry: Arc::clone(&st.ctx.registry),
        journal: Arc::new(SqliteJournal::open(&st.dir.path().join("station.db")).unwrap()),
        profile: Arc::clone(&st.profile),
        trust: Arc::clone(&st.ctx.trust),
        printer: None,
        out: st.ctx.out.clone(),
        batch: None,
        today: today(),
        card_timeout: Duration::from_secs(1),
        stop: Arc::new(AtomicBool::new(false)),
        observer: Arc::new(|_| {}),
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = run_prepared(&rt, &st, crashing).unwrap_err();
    assert!(err.to_string().contains("panicked"), "{err}");
    // Before recovery the log holds a signature the journal does not know.
    let r = clean(&st);
    assert_eq!(r.unknown_to_journal.len(), 1, "{:?}", r.problems());
    // The restart: adopt the orphan (spoiled), release the claimed job, finish the batch.
    let prepared = pipeline::prepare(&st.ctx, &st.pki.audit_path, &[]).unwrap();
    assert_eq!(prepared.adopted, 1);
    let s = run_prepared(&rt, &st, Arc::clone(&st.ctx)).unwrap();
    assert_eq!(s.issued, 3, "{:#?}", s.outcomes);
    let r = clean(&st);
    assert!(r.is_clean(), "{:?}", r.problems());
    assert_eq!((r.issued, r.spoiled), (5, 1));
    for id in &ids {
        let issued = st
            .ctx
            .journal
            .jobs_for(id)
            .unwrap()
            .iter()
            .filter(|j| j.state == JobState::Issued)
            .count();
        assert_eq!(issued, 1, "{id}");
    }
}
