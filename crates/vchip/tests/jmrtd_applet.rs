//! The jmrtd-applet profile in-process: the JMRTD applet's command set and status words
//! (chip-commands.md §1) and the inspection behaviour of §3.

mod common;

use common::*;
use rsa::BigUint;
use rsa::traits::PublicKeyParts;
use sha1::Digest;
use vchip::Chip;

fn rsa_key() -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).unwrap()
}

fn personalized() -> (Term, Files, rsa::RsaPrivateKey) {
    let mut t = Term::new(Chip::blank(jmrtd()));
    let f = files(2000);
    let k = rsa_key();
    personalize_jmrtd(&mut t, &f, &k);
    (t, f, k)
}

#[test]
fn personalization_then_bac_read_back_every_byte() {
    let (mut t, files, _) = personalized();
    assert!(t.chip().is_locked());
    t.bac(DOC, DOB, DOE).unwrap();
    for (fid, data) in &files {
        assert_eq!(&read_file(&mut t, *fid, 231), data, "{fid:04X}");
    }
    // Short EF identifiers without SELECT: COM 1E, DG1 01, SOD 1D.
    for (sfi, fid) in [(0x1E, 0x011E), (0x01, 0x0101), (0x1D, 0x011D)] {
        let r = t.send(&read_sfi(sfi, 0, 4));
        assert_eq!(r.sw, 0x9000);
        let want = &files.iter().find(|(f, _)| *f == fid).unwrap().1[..4];
        assert_eq!(r.data, want);
    }
}

#[test]
fn perso_commands_after_lock_answer_6985() {
    let (mut t, _, _) = personalized();
    assert_eq!(t.sw(&jmrtd_create(0x0103, 10)), 0x6985);
    assert_eq!(t.sw(&update(0, &[1])), 0x6985);
    assert_eq!(t.sw(&put_mrz()), 0x6985);
    assert_eq!(
        t.sw(&cmd(0, 0xDA, 0, 0x60).with_data(h("6003040101"))),
        0x6985
    );
    assert_eq!(
        t.sw(&cmd(0, 0xDA, 0xDE, 0xAD)),
        0x6985,
        "the lock cannot be repeated"
    );
    // Also under secure messaging.
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.sw(&jmrtd_create(0x0103, 10)), 0x6985);
    assert_eq!(t.sw(&update(0, &[1])), 0x6985);
}

#[test]
fn access_needs_bac_once_locked() {
    let (mut t, _, _) = personalized();
    assert_eq!(
        t.sw(&select_ef(0x011E)),
        0x6982,
        "SELECT EF needs BAC after lock"
    );
    assert_eq!(t.sw(&read_sfi(0x1E, 0, 4)), 0x6982);
    assert_eq!(
        t.sw(&cmd(0, 0x88, 0, 0).with_data(vec![1; 8]).with_le(256)),
        0x6982
    );
    // A protected command before BAC: 6882.
    let r = t.raw(&h("0CB0000004"));
    assert_eq!(r, h("6882"));
    // A wrong MRZ fails cleanly.
    let e = t.bac(DOC, DOB, "300102").unwrap_err();
    assert!(e.to_string().contains("6300"), "{e}");
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.sw(&select_ef(0x011E)), 0x9000);
}

#[test]
fn read_binary_needs_bac_also_before_lock() {
    let mut t = Term::new(Chip::blank(jmrtd()));
    assert_eq!(t.sw(&jmrtd_create(0x011E, 4)), 0x9000);
    assert_eq!(t.sw(&select_ef(0x011E)), 0x9000);
    assert_eq!(t.sw(&update(0, &[0x60, 2, 1, 2])), 0x9000);
    assert_eq!(t.sw(&read(0, 4)), 0x6982);
    assert_eq!(t.sw(&put_mrz()), 0x9000);
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.send(&read_sfi(0x1E, 0, 256)).data, vec![0x60, 2, 1, 2]);
}

#[test]
fn create_file_rules() {
    let mut t = Term::new(Chip::blank(jmrtd()));
    assert_eq!(
        t.sw(&cmd(0, 0xE0, 0, 0).with_data(h("6204000A0101"))),
        0x6984,
        "tag not 63"
    );
    assert_eq!(t.sw(&cmd(0, 0xE0, 0, 0).with_data(h("6304000A01"))), 0x6700);
    assert_eq!(t.sw(&jmrtd_create(0x0101, 10)), 0x9000);
    assert_eq!(t.sw(&jmrtd_create(0x0101, 11)), 0x6A84, "re-created larger");
    assert_eq!(
        t.sw(&jmrtd_create(0x0101, 8)),
        0x9000,
        "re-created within the allocation"
    );
    assert_eq!(
        t.sw(&jmrtd_create(0x0102, 40_000)),
        0x6A84,
        "over the 32767-byte limit"
    );
    // UPDATE BINARY: needs a current EF, stays inside the file.
    assert_eq!(
        t.sw(&update(0, &[1])),
        0x6986,
        "JMRTD CREATE does not select"
    );
    assert_eq!(t.sw(&select_ef(0x0101)), 0x9000);
    assert_eq!(t.sw(&update(7, &[1, 2])), 0x6A84);
    assert_eq!(t.sw(&update(6, &[1, 2])), 0x9000);
    assert_eq!(t.sw(&select_ef(0x0109)), 0x6A82);
    assert_eq!(
        t.sw(&cmd(0, 0xA4, 2, 0x0C).with_data(h("01"))),
        0x6700,
        "Lc must be 2"
    );
}

#[test]
fn memory_capacity_is_enforced() {
    let p = jmrtd();
    let mut t = Term::new(Chip::blank(p.clone()));
    let per = p.memory.per_file_overhead;
    let mut fid = 0x0101;
    let mut used = 0;
    while used + 30_000 + per <= p.memory.capacity {
        assert_eq!(t.sw(&jmrtd_create(fid, 30_000)), 0x9000);
        used += 30_000 + per;
        fid += 1;
    }
    assert_eq!(t.sw(&jmrtd_create(fid, 30_000)), 0x6A84);
    let left = (p.memory.capacity - used - per) as u16;
    assert_eq!(t.sw(&jmrtd_create(fid, left)), 0x9000);
}

#[test]
fn short_apdus_only_and_other_put_data_is_6a86() {
    let mut t = Term::new(Chip::blank(jmrtd()));
    assert_eq!(t.raw(&h("00B00000000100")), h("6700"), "extended Le");
    assert_eq!(t.sw(&cmd(0, 0xDA, 0, 0x65).with_data(vec![1])), 0x6A86);
    assert_eq!(
        t.sw(&cmd(0, 0xDA, 0, 0x64).with_data(vec![1])),
        0x6A86,
        "no CVCA in this profile"
    );
    assert_eq!(
        t.sw(&cmd(0, 0x46, 0, 1)),
        0x6D00,
        "no on-chip key generation"
    );
    assert_eq!(t.sw(&cmd(0, 0x22, 0xC1, 0xA4)), 0x6D00);
    assert_eq!(t.sw(&cmd(0x80, 0xB0, 0, 0).with_le(1)), 0x6E00);
    assert_eq!(t.raw(&[0x00, 0xA4]), h("6700"), "shorter than a header");
    assert_eq!(
        t.sw(&put_mrz().with_data(mrz_data("C0300598", "901301", DOE))),
        0x6A80
    );
    assert_eq!(
        t.sw(&cmd(0, 0xDA, 0, 0x62).with_data(h("6203040141"))),
        0x6A80
    );
}

#[test]
fn every_protected_answer_carries_do99_and_do8e() {
    let (mut t, _, _) = personalized();
    t.bac(DOC, DOB, DOE).unwrap();
    let sm = t.sm.as_mut().unwrap();
    let wrapped = sm.protect_command(&select_ef(0x011E)).unwrap();
    let raw = t.raw(&wrapped.to_bytes().unwrap());
    assert_eq!(
        &raw[..6],
        &h("990290008E08")[..],
        "plain 9000 to SELECT is protected"
    );
    assert_eq!(&raw[raw.len() - 2..], &[0x90, 0x00]);
    // Keep the terminal's SSC in step.
    let resp = card::Response::parse(&raw).unwrap();
    t.sm.as_mut().unwrap().unprotect_response(&resp).unwrap();
    // An error status is protected too.
    let sm = t.sm.as_mut().unwrap();
    let wrapped = sm.protect_command(&select_ef(0x0109)).unwrap();
    let raw = t.raw(&wrapped.to_bytes().unwrap());
    assert_eq!(&raw[..4], &h("99026A82")[..]);
}

#[test]
fn le_00_under_sm_gets_what_fits_a_short_response() {
    let (mut t, files, _) = personalized();
    t.bac(DOC, DOB, DOE).unwrap();
    let r = t.send(&read_sfi(0x1D, 0, 256));
    assert_eq!(r.sw, 0x9000);
    assert_eq!(
        r.data.len(),
        231,
        "the protected answer stays within 256 bytes"
    );
    assert_eq!(r.data, files[3].1[..231]);
}

#[test]
fn a_bad_mac_ends_the_session_and_a_reset_ends_it_too() {
    let (mut t, _, _) = personalized();
    t.bac(DOC, DOB, DOE).unwrap();
    let sm = t.sm.as_mut().unwrap();
    let mut bytes = sm
        .protect_command(&select_ef(0x011E))
        .unwrap()
        .to_bytes()
        .unwrap();
    let n = bytes.len();
    bytes[n - 2] ^= 1; // inside the MAC
    assert_eq!(t.raw(&bytes), h("6988"));
    assert_eq!(t.raw(&h("0CB0000004")), h("6882"), "no session any more");
    t.bac(DOC, DOB, DOE).unwrap();
    t.reset();
    assert_eq!(
        t.raw(&h("0CB0000004")),
        h("6882"),
        "reset ends secure messaging"
    );
    // A plain command during a session ends it as well.
    t.bac(DOC, DOB, DOE).unwrap();
    let saved = t.sm.take();
    assert_eq!(t.raw(&h("0084000008")).len(), 10);
    t.sm = saved;
    let sm = t.sm.as_mut().unwrap();
    let bytes = sm
        .protect_command(&select_ef(0x011E))
        .unwrap()
        .to_bytes()
        .unwrap();
    assert_eq!(t.raw(&bytes), h("6882"));
}

#[test]
fn bac_protocol_errors() {
    let (mut t, _, _) = personalized();
    assert_eq!(
        t.sw(&cmd(0, 0x82, 0, 0).with_data(vec![0; 40]).with_le(40)),
        0x6985,
        "no challenge"
    );
    assert_eq!(t.sw(&cmd(0, 0x84, 0, 0).with_le(4)), 0x6700);
    assert_eq!(t.sw(&cmd(0, 0x84, 1, 0).with_le(8)), 0x6A86);
    assert_eq!(t.send(&cmd(0, 0x84, 0, 0).with_le(8)).data.len(), 8);
    assert_eq!(
        t.sw(&cmd(0, 0x82, 0, 0).with_data(vec![0; 39]).with_le(40)),
        0x6700
    );
    assert_eq!(
        t.sw(&cmd(0, 0x82, 0, 0).with_data(vec![0; 40]).with_le(40)),
        0x6985,
        "the challenge was used up"
    );
    // No MRZ stored: BAC cannot start.
    let mut blank = Term::new(Chip::blank(jmrtd()));
    let e = blank.bac(DOC, DOB, DOE).unwrap_err();
    assert!(e.to_string().contains("6985"), "{e}");
}

/// Active Authentication, verified as an inspection system does (ICAO 9303-11 §6.1).
#[test]
fn active_authentication_rsa_iso9796_2_sha1() {
    let (mut t, _, k) = personalized();
    t.bac(DOC, DOB, DOE).unwrap();
    let rnd = h("F173589974BF40C6");
    let r = t.send(&cmd(0, 0x88, 0, 0).with_data(rnd.clone()).with_le(256));
    assert_eq!(r.sw, 0x9000);
    assert_eq!(r.data.len(), 128);
    let f = BigUint::from_bytes_be(&r.data)
        .modpow(k.e(), k.n())
        .to_bytes_be();
    assert_eq!((f[0], f[127]), (0x6A, 0xBC));
    let m1 = &f[1..107];
    let mut hsh = sha1::Sha1::new();
    hsh.update(m1);
    hsh.update(&rnd);
    assert_eq!(&f[107..127], hsh.finalize().as_slice());
    assert_eq!(
        t.sw(&cmd(0, 0x88, 0, 0).with_data(vec![1; 7]).with_le(256)),
        0x6700
    );
}

#[test]
fn aa_without_a_key_is_refused() {
    let mut t = Term::new(Chip::blank(jmrtd()));
    assert_eq!(
        t.sw(&cmd(0, 0x88, 0, 0).with_data(vec![1; 8]).with_le(256)),
        0x6984
    );
}

#[test]
fn select_rules() {
    let mut t = Term::new(Chip::blank(jmrtd()));
    assert_eq!(t.sw(&select_aid()), 0x9000);
    assert_eq!(
        t.sw(&cmd(0, 0xA4, 4, 0x0C).with_data(h("A0000002471002"))),
        0x6A82
    );
    assert_eq!(
        t.sw(&cmd(0, 0xA4, 0, 0x0C).with_data(h("3F00"))),
        0x6A82,
        "SELECT MF refused"
    );
    assert_eq!(t.sw(&cmd(0, 0xA4, 0, 0x0C)), 0x6A82);
}

#[test]
fn no_pace_no_chip_authentication_no_can() {
    // The JMRTD applet has no MSE, GENERAL AUTHENTICATE or PUT DATA 65: its profile names none.
    let mut blank = Term::new(Chip::blank(jmrtd()));
    assert_eq!(
        blank.sw(&cmd(0, 0xDA, 0, 0x65).with_data(h("6508 0406 303132333435"))),
        0x6A86,
        "PUT DATA with an object the applet does not know"
    );
    assert!(blank.chip().state().can.is_none());
    let (mut t, _, _) = personalized();
    let mse_pace = cmd(0, 0x22, 0xC1, 0xA4).with_data(h("800A04007F00070202040202 830102"));
    assert_eq!(t.sw(&mse_pace), 0x6D00);
    assert_eq!(t.sw(&cmd(0, 0x86, 0, 0).with_data(h("7C00"))), 0x6D00);
    assert_eq!(
        t.sw(&cmd(0x10, 0x86, 0, 0).with_data(h("7C00"))),
        0x6E00,
        "no chaining without GENERAL AUTHENTICATE"
    );
    // Nor under BAC (Chip Authentication would come there).
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(
        t.sw(&cmd(0, 0x22, 0x41, 0xA4).with_data(h("800A04007F00070202030202"))),
        0x6D00
    );
}
