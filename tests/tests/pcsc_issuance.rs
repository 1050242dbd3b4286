//! End to end through pcscd: `cccd vchip serve` encoders, `cccd personalize`, the audit log.
//! Run one at a time: `cargo test -p e2e -- pcsc_ --test-threads=1`.

use e2e::{Encoder, Slot, Station, cccd, slots, text};
use issuance::journal::{JobState, Journal, SqliteJournal};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Records in the two-encoder batch (the issue asks for 200); `CCCD_E2E_COUNT` overrides it for
/// quick local runs.
const BATCH: usize = 200;

fn batch_size() -> usize {
    std::env::var("CCCD_E2E_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BATCH)
}

fn journal(st: &Station) -> SqliteJournal {
    SqliteJournal::open(Path::new(&st.db())).expect("journal")
}

/// Every registry record issued exactly once.
fn assert_each_issued_once(st: &Station) {
    let j = journal(st);
    for id in registry_ids(st) {
        let issued = j
            .jobs_for(&id)
            .expect("jobs")
            .iter()
            .filter(|x| x.state == JobState::Issued)
            .count();
        assert_eq!(issued, 1, "record {id} issued {issued} times");
    }
}

fn assert_audit_ok(st: &Station) {
    let o = cccd(&["audit", "verify", "--log", &st.audit(), "--pki", &st.pki()]);
    assert!(o.status.success(), "audit verify: {}", text(&o));
}

fn reconciled(v: &Value) -> bool {
    v["reconciliation"]["clean"] == true
}

/// The personalize summary `v` reconciles, every record was issued once, the audit log verifies.
fn assert_all_accounted_for(st: &Station, v: &Value) {
    assert!(reconciled(v), "{v}");
    assert_each_issued_once(st);
    assert_audit_ok(st);
}

/// An encoder on `slot` with `blanks` cards behind the first, logging to the station's `log`.
fn encoder(st: &Station, slot: &Slot, blanks: u32, log: &str) -> Encoder {
    Encoder::start(slot, blanks, None, Path::new(&st.path(log)))
}

/// `cccd personalize --pending` on `readers` with `passphrase`, not started yet.
fn personalize_pending(st: &Station, readers: &[&Slot], passphrase: &str) -> Command {
    let mut c = Command::new(e2e::cccd_bin());
    c.args(st.personalize_args(readers))
        .arg("--pending")
        .env("CCCD_PASSPHRASE", passphrase);
    c
}

/// A station whose registry holds `records` seeded records, and the two test slots.
fn seeded(records: usize) -> (Station, [Slot; 2]) {
    let st = Station::new();
    st.seed(records);
    (st, slots())
}

/// Runs `cmd`, which must be refused as a usage or environment error (exit 2): its output.
fn refused(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    text(&o)
}

/// The first card outcome in `state` in the personalize summary `v`.
fn outcome<'v>(v: &'v Value, state: &str) -> &'v Value {
    v["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .find(|x| x["state"] == state)
        .unwrap_or_else(|| panic!("no {state} outcome: {v}"))
}

/// The registry's record IDs.
fn registry_ids(st: &Station) -> Vec<String> {
    let reg = issuance::registry::Registry::open(Path::new(&st.db())).expect("registry");
    reg.ids().expect("ids")
}

#[test]
fn pcsc_batch_on_two_encoders_all_issued_verified_and_reconciled() {
    let n = batch_size();
    let (st, [a, b]) = seeded(n);
    let _ea = encoder(&st, &a, n as u32, "enc-a.log");
    let _eb = encoder(&st, &b, n as u32, "enc-b.log");
    let (o, v) = st.personalize(&[&a, &b], &["--pending"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(v["version"], 1);
    assert_eq!(v["issued"].as_u64(), Some(n as u64), "{v}");
    assert_eq!(v["rejected"], 0);
    assert_eq!(v["reconciliation"]["issued"].as_u64(), Some(n as u64));
    // Both encoders worked; every card was inspected on its encoder (BAC, PA, AA, read-back).
    for e in v["encoders"].as_array().expect("encoders") {
        assert!(e["issued"].as_u64().unwrap_or(0) > 0, "{e}");
    }
    assert!(v["stages"]["inspect"]["count"].as_u64().unwrap_or(0) >= n as u64);
    for entry in std::fs::read_dir(st.cards()).expect("cards") {
        let dir = entry.expect("entry").path();
        assert!(dir.join("card.pdf").is_file() && dir.join("front.png").is_file());
    }
    assert_all_accounted_for(&st, &v);
}

#[test]
fn pcsc_bad_records_each_rejected_with_reason_and_the_rest_issued() {
    let st = Station::new();
    let handover = st.dir.path().join("handover");
    let input = issuance::seed::export(&handover, 16, 5).expect("export");
    let mut recs: Vec<Value> = std::fs::read_to_string(&input)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    std::fs::write(handover.join("photos/text.jpg"), b"this is not an image").expect("w");
    std::fs::write(handover.join("photos/huge.jpg"), vec![0xFFu8; 300 * 1024]).expect("w");
    let flip_sex_digit = |id: &Value| {
        let mut b = id.as_str().expect("id").as_bytes().to_vec();
        b[3] ^= 1;
        String::from_utf8(b).expect("ascii")
    };
    // Ten kinds of bad record (records 0..=9), each with the rule it breaks; 10..16 stay good.
    let long_name = format!("Nguyễn {}An", "Văn ".repeat(40));
    let changes = [
        ("id_number", json!("12345"), "id.format"),
        (
            "id_number",
            json!(flip_sex_digit(&recs[1]["id_number"])),
            "id.sex",
        ),
        ("date_of_birth", json!("2001-13-40"), "date.calendar"),
        ("photo", json!("photos/text.jpg"), "photo.format"),
        ("photo", json!("photos/huge.jpg"), "photo.size"),
        ("photo", json!("photos/missing.jpg"), "photo.read"),
        ("full_name", json!(long_name), "name.length"),
        ("date_of_issue", json!("2090-01-01"), "issue.future"),
        ("nationality", json!("USA"), "nationality.value"),
    ];
    for (rec, (field, value, _)) in recs.iter_mut().zip(&changes) {
        rec[*field] = value.clone();
    }
    recs[9] = recs[10].clone(); // duplicate ID number
    let bad_file = handover.join("bad.jsonl");
    let text_lines: String = recs.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&bad_file, text_lines).expect("write");
    let o = cccd(&[
        "registry",
        "import",
        "--db",
        &st.db(),
        &bad_file.display().to_string(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let rules: Vec<&str> = v["bad"]
        .as_array()
        .expect("bad")
        .iter()
        .filter_map(|b| b["rule"].as_str())
        .collect();
    let broken = changes.iter().map(|c| c.2).chain(["batch.duplicate_id"]);
    for want in broken {
        assert!(rules.contains(&want), "{want} not in {rules:?}");
    }
    assert_eq!(v["new"].as_u64(), Some(6));
    let [a, b] = slots();
    let _ea = encoder(&st, &a, 10, "enc-a.log");
    let _eb = encoder(&st, &b, 10, "enc-b.log");
    // An ID the registry does not have is rejected by the pipeline with its reason.
    let mut ids = registry_ids(&st);
    ids.push("001099000000".into());
    let (o, v) = st.personalize(&[&a, &b], &["--ids", &ids.join(",")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(v["issued"].as_u64(), Some(6), "{v}");
    assert_eq!(v["rejected"].as_u64(), Some(1), "{v}");
    let rejected = outcome(&v, "rejected");
    assert!(
        rejected["reason"]
            .as_str()
            .unwrap_or("")
            .contains("not in the registry")
    );
    assert!(reconciled(&v), "{v}");
}

#[test]
fn pcsc_torn_card_is_spoiled_and_redone_on_a_fresh_chip() {
    let (st, [a, b]) = seeded(4);
    // Encoder A tears every card at its 12th APDU (inside the file writes, after signing).
    let _ea = Encoder::start(&a, 1, Some(12), Path::new(&st.path("enc-a.log")));
    let _eb = encoder(&st, &b, 10, "enc-b.log");
    let (o, v) = st.personalize(&[&a, &b], &["--pending"]);
    assert_eq!(v["issued"].as_u64(), Some(4), "{}", text(&o));
    assert!(v["spoiled"].as_u64().unwrap_or(0) >= 1, "{v}");
    let spoiled = outcome(&v, "spoiled");
    assert!(
        spoiled["reason"].as_str().unwrap_or("").contains(&a.reader),
        "{spoiled}"
    );
    assert_all_accounted_for(&st, &v);
}

#[test]
fn pcsc_an_encoder_that_disappears_leaves_the_rest_of_the_batch_going() {
    let (st, [a, b]) = seeded(12);
    let _ea = encoder(&st, &a, 20, "enc-a.log");
    let mut eb = encoder(&st, &b, 20, "enc-b.log");
    let child = personalize_pending(&st, &[&a, &b], e2e::PASSPHRASE)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("personalize");
    std::thread::sleep(Duration::from_secs(3));
    eb.kill(); // encoder B unplugged mid-batch
    let out = child.wait_with_output().expect("wait");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(reconciled(&v), "{v}");
    // Whatever B held is back in the queue or spoiled; a rerun on A finishes the batch.
    let (o, v2) = st.personalize(&[&a], &["--pending"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_all_accounted_for(&st, &v2);
}

#[test]
fn pcsc_pcscd_not_reachable_gives_a_clear_message() {
    let (st, [a, _]) = seeded(1);
    let t = refused(
        personalize_pending(&st, &[&a], e2e::PASSPHRASE)
            // pcsc-lite finds pcscd through this socket: point it nowhere.
            .env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm"),
    );
    assert!(t.contains("cannot reach pcscd"), "{t}");
    // Nothing was queued or signed.
    assert_eq!(journal(&st).counts(None).expect("counts").pending, 0);
    assert!(
        !Path::new(&st.audit()).exists()
            || std::fs::read_to_string(st.audit())
                .expect("log")
                .lines()
                .all(|l| !l.contains("\"signature\""))
    );
}

#[test]
fn pcsc_wrong_passphrase_and_unknown_reader_are_refused_clearly() {
    let (st, [a, _]) = seeded(1);
    let t = refused(&mut personalize_pending(&st, &[&a], "not the passphrase"));
    assert!(t.to_lowercase().contains("passphrase"), "{t}");
    let bogus = e2e::Slot {
        reader: "No Such Reader 99".into(),
        port: 1,
    };
    let t = refused(&mut personalize_pending(&st, &[&bogus], e2e::PASSPHRASE));
    assert!(t.contains("No Such Reader 99"), "{t}");
}

#[test]
fn pcsc_kill_9_mid_batch_then_rerun_issues_each_record_exactly_once() {
    let n = 30;
    let (st, [a, b]) = seeded(n);
    let mut ea = encoder(&st, &a, 40, "enc-a.log");
    let mut eb = encoder(&st, &b, 40, "enc-b.log");
    let mut child = personalize_pending(&st, &[&a, &b], e2e::PASSPHRASE)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("personalize");
    let start = Instant::now();
    loop {
        let issued = journal(&st).counts(None).map(|c| c.issued).unwrap_or(0);
        if issued >= 5 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no progress before the kill"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().expect("kill -9"); // SIGKILL: no cleanup at all
    let _ = child.wait();
    // The operator clears the encoders (half-written cards go to the reject tray).
    ea.kill();
    eb.kill();
    let _ea = encoder(&st, &a, 40, "enc-a2.log");
    let _eb = encoder(&st, &b, 40, "enc-b2.log");
    let (o, v) = st.personalize(&[&a, &b], &["--pending"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(journal(&st).counts(None).expect("counts").issued, n as u64);
    assert_all_accounted_for(&st, &v);
}

/// Quality control: `cccd verify` on the reader passes for the record the card was issued for
/// (every check listed, exit 0) and fails for another record (exit 1, with the reason).
#[test]
fn pcsc_verify_passes_for_the_issued_record_and_fails_for_another() {
    let (st, [a, _]) = seeded(2);
    let ids = registry_ids(&st);
    let (issued, other) = (ids[0].clone(), ids[1].clone());
    // No blanks behind it: the finished card stays in the reader for the quality check.
    let _enc = encoder(&st, &a, 0, "enc.log");
    let (o, v) = st.personalize(&[&a], &["--ids", &issued]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(v["issued"].as_u64(), Some(1), "{v}");
    let verify = |id: &str| st.verify(&a.reader, Some(id), &[]);
    let ok = verify(&issued);
    assert!(ok.status.success(), "{}", text(&ok));
    let report: Value = serde_json::from_slice(&ok.stdout).expect("verify JSON");
    assert_eq!(report["version"], 1, "{report}");
    let checks = report.to_string();
    for id in [
        "record.dg1",
        "record.dg2",
        "record.dg13",
        "aa",
        "pa.sod.signature",
    ] {
        assert!(checks.contains(id), "check {id} missing: {report}");
    }
    let bad = verify(&other);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
}
