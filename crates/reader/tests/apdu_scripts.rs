//! The APDU scripts in `tests/scripts/` run against the in-process chip of their profile; the
//! runner itself is shown to fail on a wrong expectation.

mod common;

use common::{PROFILES, profile};
use reader::script;
use std::sync::Arc;
use vchip::{Chip, InProcess};

fn script_text(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/scripts/{name}.apdu",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn scripts_pass_against_the_in_process_chip() {
    for name in PROFILES {
        let mut card = InProcess::new(Chip::blank(Arc::new(profile(name))));
        let run =
            script::run(name, &script_text(name), &mut card).unwrap_or_else(|e| panic!("{e}"));
        assert!(run.apdus > 30, "{name}: {run:?}");
    }
}

#[test]
fn a_wrong_expectation_fails_with_its_line() {
    let mut card = InProcess::new(Chip::blank(Arc::new(profile("jmrtd-applet"))));
    let text = "send 00A4040C 07 A0000002471001 => 9000\n\nsend 00B0000004 => 9000 # needs BAC\n";
    let e = script::run("t", text, &mut card).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.reason.contains("expected 9000"), "{e}");
    for (text, why) in [
        ("send 0084000008 => 9000 len=9", "data bytes, expected 9"),
        ("send 0084000008 => 9000 data=00", "expected 00"),
        (
            "send 0084000008 => 9000 prefix=0000000000000000AA",
            "does not start",
        ),
        ("bac L898902C,690806,940623 => ok", "BAC"),
        ("frobnicate", "unknown step"),
    ] {
        let mut card = InProcess::new(Chip::blank(Arc::new(profile("jmrtd-applet"))));
        let e = script::run("t", text, &mut card).unwrap_err();
        assert!(e.to_string().contains(why), "{why}: {e}");
    }
}
