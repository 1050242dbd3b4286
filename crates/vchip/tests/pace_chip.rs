//! PACE, Chip Authentication and the CAN on the cccd-chip profile in-process. The terminal is
//! `pace::PaceTerminal` / `pace::CaTerminal` with `card::sm::SecureChannel`, so every answer
//! the chip gives is checked by the code an inspection system runs.

mod common;

use card::sm::{SecureChannel, SmError};
use common::*;
use pace::params::{
    ID_CA_ECDH_3DES, ID_CA_ECDH_AES_128, ID_CA_ECDH_AES_192, ID_PACE_ECDH_GM_AES_128,
    ID_PACE_ECDH_GM_AES_256,
};
use pace::{CaCommands, CaParams, CaTerminal, Curve, EcPoint, PaceParams, Password, PasswordKind};
use vchip::keys::EcKey;
use vchip::{Chip, Lifecycle, PersistentState};

fn pace_card(profile_text: &str, can: Option<&str>) -> (Term, Files, PaceCard) {
    let mut t = Term::new(Chip::blank(profile(profile_text)));
    let f = files(2000);
    let card = personalize_cccd_pace(&mut t, &f, can);
    assert!(t.chip().is_locked());
    (t, f, card)
}

fn can() -> Password {
    Password::from_can(CAN).unwrap()
}

fn wrong_can() -> Password {
    Password::from_can("999999").unwrap()
}

fn mrz() -> Password {
    Password::from_mrz(DOC, DOB, DOE).unwrap()
}

/// GM, AES-128, NIST P-256: the quickest offer, for the loops.
fn p256() -> PaceParams {
    PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap()
}

fn counter(t: &Term, name: &str) -> Option<u8> {
    t.chip().state().pace_counters.get(name).copied()
}

const WRONG_TOKEN: Result<(), PaceFailure> = Err(PaceFailure::Ga {
    step: 4,
    sw: 0x6300,
});

fn dg1(files: &Files) -> &[u8] {
    &files.iter().find(|(fid, _)| *fid == 0x0101).unwrap().1
}

#[test]
fn pace_with_the_can_and_the_mrz_on_every_offer_opens_reading() {
    let (mut t, files, _) = pace_card(CCCD, Some(CAN));
    let offers = [
        (ID_PACE_ECDH_GM_AES_128, 13, "AES-128"),
        (ID_PACE_ECDH_GM_AES_128, 12, "AES-128"),
        (ID_PACE_ECDH_GM_AES_256, 12, "AES-256"),
    ];
    for (oid, id, cipher) in offers {
        for password in [can(), mrz()] {
            let what = format!("{cipher} on {id} with {:?}", password.kind());
            t.reset();
            // EF.CardAccess is what a terminal reads first, without any session.
            assert_eq!(
                t.plain(&read_sfi(0x1C, 0, 256)).data,
                h(CARD_ACCESS_BYTES),
                "{what}"
            );
            assert_eq!(t.plain(&read_sfi(0x01, 0, 256)).sw, 0x6982, "{what}");
            t.pace(PaceParams::new(oid, id).unwrap(), &password)
                .unwrap_or_else(|e| panic!("{what}: {e:?}"));
            assert_eq!(t.sm.as_ref().unwrap().cipher_name(), cipher);
            assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files), "{what}");
            // A plain command ends the session: reading is refused again.
            assert_eq!(t.plain(&read_sfi(0x01, 0, 256)).sw, 0x6982, "{what}");
            assert_eq!(
                t.plain(&read_sfi(0x1C, 0, 256)).sw,
                0x9000,
                "EF.CardAccess stays open"
            );
        }
    }
    // No counter on the MRZ, and the CAN's is back at its maximum after each success.
    assert_eq!(counter(&t, "mrz"), None);
    assert_eq!(counter(&t, "can"), Some(10));
}

#[test]
fn every_file_reads_back_under_the_pace_session_and_aa_works_in_it() {
    use p256::ecdsa::signature::Verifier;
    let (mut t, files, card) = pace_card(CCCD, Some(CAN));
    t.pace(p256(), &mrz()).unwrap();
    for (fid, data) in &files {
        assert_eq!(&read_file(&mut t, *fid, 65_536), data, "{fid:04X}");
    }
    let rnd = h("0102030405060708");
    let r = t.send(&cmd(0, 0x88, 0, 0).with_data(rnd.clone()).with_le(256));
    assert_eq!(r.sw, 0x9000);
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&card.aa_public).unwrap();
    vk.verify(&rnd, &p256::ecdsa::Signature::from_slice(&r.data).unwrap())
        .unwrap();
}

#[test]
fn aes_answers_to_a_short_le_fit_in_256_bytes() {
    let (mut t, _, _) = pace_card(CCCD, Some(CAN));
    t.pace(p256(), &can()).unwrap();
    // EF.SOD is 1500 bytes: a short Le 00 asks for as much as fits.
    let wrapped =
        t.sm.as_mut()
            .unwrap()
            .protect_command(&read_sfi(0x1D, 0, 256))
            .unwrap();
    assert!(!wrapped.is_extended());
    let raw = t.raw(&wrapped.to_bytes().unwrap());
    assert!(raw.len() <= 256 + 2, "{} bytes", raw.len());
    let resp = card::Response::parse(&raw).unwrap();
    let plain = t.sm.as_mut().unwrap().unprotect_response(&resp).unwrap();
    // 223 bytes pad to 224 = 14 AES blocks; 224 would pad to 240 and overflow.
    assert_eq!(plain.data.len(), 223);
}

#[test]
fn bac_still_works_next_to_pace() {
    let (mut t, files, _) = pace_card(CCCD, Some(CAN));
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(t.sm.as_ref().unwrap().cipher_name(), "3DES");
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
    t.pace(p256(), &can()).unwrap();
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn a_wrong_can_fails_at_the_token_and_the_counted_attempt_persists() {
    let (mut t, _, _) = pace_card(CCCD, Some(CAN));
    assert_eq!(counter(&t, "can"), None, "untouched: full");
    assert_eq!(t.pace(p256(), &wrong_can()), WRONG_TOKEN);
    // The run is gone: the next step has nothing to continue.
    assert_eq!(t.plain(&cmd(0, 0x86, 0, 0).with_data(h("7C00"))).sw, 0x6985);
    assert_eq!(counter(&t, "can"), Some(9));
    assert!(t.chip_mut().take_dirty(), "the image must be rewritten");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    t.chip().save_image(&path).unwrap();
    let mut t = Term::new(Chip::load_image(cccd(), &path).unwrap());
    assert_eq!(counter(&t, "can"), Some(9), "survives the image");
    t.pace(p256(), &can()).unwrap();
    assert_eq!(counter(&t, "can"), Some(10), "a success restores it");
}

#[test]
fn the_attempt_is_counted_at_mse_set_at_so_pulling_the_card_gives_no_free_guess() {
    let (mut t, _, _) = pace_card(CCCD, Some(CAN));
    assert_eq!(t.plain(&pace_mse(p256(), PasswordKind::Can)).sw, 0x9000);
    assert_eq!(counter(&t, "can"), Some(9));
    t.reset();
    assert_eq!(counter(&t, "can"), Some(9));
    assert_eq!(
        t.plain(&cmd(0x10, 0x86, 0, 0).with_data(h("7C00"))).sw,
        0x6985,
        "a reset ends the run"
    );
}

#[test]
fn ten_wrong_cans_block_pace_with_the_can_but_not_the_mrz_or_bac() {
    let (mut t, files, _) = pace_card(CCCD, Some(CAN));
    for i in 0..10 {
        assert_eq!(
            t.pace(p256(), &wrong_can()),
            WRONG_TOKEN,
            "attempt {}",
            i + 1
        );
    }
    assert_eq!(counter(&t, "can"), Some(0));
    assert_eq!(
        t.pace(p256(), &can()),
        Err(PaceFailure::Mse(0x6983)),
        "blocked, even for the right CAN"
    );
    t.reset();
    assert_eq!(t.pace(p256(), &can()), Err(PaceFailure::Mse(0x6983)));
    t.pace(p256(), &mrz()).unwrap();
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
    t.bac(DOC, DOB, DOE).unwrap();
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn the_can_counter_follows_the_profile() {
    let text = CCCD.replace(
        "can_retry = { max_attempts = 10 }",
        "can_retry = { max_attempts = 3 }",
    );
    assert_ne!(text, CCCD);
    let (mut t, _, _) = pace_card(&text, Some(CAN));
    assert_eq!(t.pace(p256(), &wrong_can()), WRONG_TOKEN);
    assert_eq!(t.pace(p256(), &wrong_can()), WRONG_TOKEN);
    assert_eq!(counter(&t, "can"), Some(1));
    t.pace(p256(), &can()).unwrap();
    assert_eq!(counter(&t, "can"), Some(3));
    for _ in 0..3 {
        assert_eq!(t.pace(p256(), &wrong_can()), WRONG_TOKEN);
    }
    assert_eq!(t.pace(p256(), &can()), Err(PaceFailure::Mse(0x6983)));

    // The same image under a profile without a CAN counter: no counter, PACE works.
    let unlimited = CCCD.replace("can_retry = { max_attempts = 10 }", "can_retry = {}");
    let state = t.chip().state().clone();
    let mut t = Term::new(Chip::from_state(profile(&unlimited), state));
    t.pace(p256(), &can()).unwrap();
    assert_eq!(counter(&t, "can"), None);
}

#[test]
fn a_suspended_mrz_gets_one_attempt_after_pace_with_the_can() {
    let text = CCCD.replace(
        "mrz_retry = {}",
        "mrz_retry = { max_attempts = 3, suspend_at = 1 }",
    );
    assert_ne!(text, CCCD);
    let (mut t, _, _) = pace_card(&text, Some(CAN));
    let wrong_mrz = Password::from_mrz("X00000000", DOB, DOE).unwrap();
    assert_eq!(t.pace(p256(), &wrong_mrz), WRONG_TOKEN);
    assert_eq!(t.pace(p256(), &wrong_mrz), WRONG_TOKEN);
    assert_eq!(t.pace(p256(), &mrz()), Err(PaceFailure::Mse(0x63C1)));
    // The resumption is volatile: a reset after the CAN session loses it.
    t.pace(p256(), &can()).unwrap();
    t.reset();
    assert_eq!(t.pace(p256(), &mrz()), Err(PaceFailure::Mse(0x63C1)));
    // CAN, then the right MRZ: restored to 3.
    t.pace(p256(), &can()).unwrap();
    t.pace(p256(), &mrz()).unwrap();
    assert_eq!(counter(&t, "mrz"), Some(3));
    // Suspended again; the one resumed attempt is wrong: blocked for good.
    assert_eq!(t.pace(p256(), &wrong_mrz), WRONG_TOKEN);
    assert_eq!(t.pace(p256(), &wrong_mrz), WRONG_TOKEN);
    t.pace(p256(), &can()).unwrap();
    assert_eq!(t.pace(p256(), &wrong_mrz), WRONG_TOKEN);
    t.pace(p256(), &can()).unwrap();
    assert_eq!(t.pace(p256(), &mrz()), Err(PaceFailure::Mse(0x6983)));
    assert_eq!(counter(&t, "mrz"), Some(0));
}

#[test]
fn mse_set_at_for_a_can_never_stored_is_refused() {
    let (mut t, files, _) = pace_card(CCCD, None);
    assert_eq!(t.pace(p256(), &can()), Err(PaceFailure::Mse(0x6A80)));
    t.pace(p256(), &mrz()).unwrap();
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn pace_refuses_what_the_chip_does_not_offer_and_steps_out_of_place() {
    let (mut t, _, _) = pace_card(CCCD, Some(CAN));
    let mse = |oid: &[u8], password: Option<u8>, key: Option<u64>| {
        cmd(0, 0x22, 0xC1, 0xA4).with_data(
            pace::MseSetAt {
                protocol_oid: oid.to_vec(),
                password_ref: password,
                key_ref: key,
            }
            .encode(),
        )
    };
    // GM-AES-256 is offered on P-256 only; AES-192 not at all; PIN is no password of this chip.
    assert_eq!(
        t.plain(&mse(ID_PACE_ECDH_GM_AES_256, Some(2), Some(13))).sw,
        0x6A80
    );
    assert_eq!(
        t.plain(&mse(pace::params::ID_PACE_ECDH_GM_AES_192, Some(2), None))
            .sw,
        0x6A80
    );
    assert_eq!(
        t.plain(&mse(ID_PACE_ECDH_GM_AES_128, Some(3), None)).sw,
        0x6A80
    );
    assert_eq!(
        t.plain(&mse(ID_PACE_ECDH_GM_AES_128, None, None)).sw,
        0x6A80
    );
    assert_eq!(counter(&t, "can"), None, "refused before counting");
    // Without a parameter ID the first offer (brainpoolP256r1) is taken.
    assert_eq!(
        t.plain(&mse(ID_PACE_ECDH_GM_AES_128, Some(2), None)).sw,
        0x9000
    );
    // Step 1 must be empty: malformed data ends the run.
    assert_eq!(
        t.plain(&cmd(0x10, 0x86, 0, 0).with_data(h("7C03800101")))
            .sw,
        0x6A80
    );
    assert_eq!(
        t.plain(&cmd(0x10, 0x86, 0, 0).with_data(h("7C00"))).sw,
        0x6985
    );
    // P1-P2 of GENERAL AUTHENTICATE are 00 00; MSE variants other than the three: 6A86.
    assert_eq!(
        t.plain(&cmd(0x10, 0x86, 0, 1).with_data(h("7C00"))).sw,
        0x6A86
    );
    assert_eq!(
        t.plain(&cmd(0, 0x22, 0x81, 0xB6).with_data(h("800100"))).sw,
        0x6A86
    );
    // Command chaining is for GENERAL AUTHENTICATE only.
    assert_eq!(t.plain(&read_sfi(0x1C, 0, 4)).sw, 0x9000);
    assert_eq!(t.plain(&cmd(0x10, 0xB0, 0x9C, 0).with_le(4)).sw, 0x6E00);
    // PACE does not nest in a session.
    t.pace(p256(), &can()).unwrap();
    assert_eq!(t.secure(&pace_mse(p256(), PasswordKind::Can)).sw, 0x6985);
}

fn ca_terminal(card: &PaceCard, oid: &[u8]) -> CaTerminal {
    let point = EcPoint::from_sec1(Curve::NistP256, &card.ca_public, "CA key").unwrap();
    CaTerminal::new(CaParams::new(oid).unwrap(), &point, &mut rand::rngs::OsRng).unwrap()
}

fn ca_aes_commands(ca: &CaTerminal, key_id: Option<u64>) -> (card::Command, card::Command) {
    let CaCommands::SetAtThenGeneralAuthenticate {
        mse_set_at,
        general_authenticate,
    } = ca.commands(key_id)
    else {
        panic!("AES CA takes MSE:Set AT and GENERAL AUTHENTICATE");
    };
    (
        cmd(0, 0x22, 0x41, 0xA4).with_data(mse_set_at),
        cmd(0, 0x86, 0, 0)
            .with_data(general_authenticate)
            .with_le(256),
    )
}

#[test]
fn chip_authentication_after_pace_switches_to_the_new_keys() {
    let (mut t, files, card) = pace_card(CCCD, Some(CAN));
    t.pace(p256(), &can()).unwrap();
    let ca = ca_terminal(&card, ID_CA_ECDH_AES_128);
    let (mse, ga) = ca_aes_commands(&ca, None);
    assert_eq!(t.secure(&mse).sw, 0x9000);
    // `secure` unwraps with the PACE keys: the answer is protected with the old channel.
    let r = t.secure(&ga);
    assert_eq!((r.data.as_slice(), r.sw), (&[0x7C, 0x00][..], 0x9000));
    t.sm = Some(SecureChannel::from_session_keys(ca.session_keys()).unwrap());
    assert_eq!(t.sm.as_ref().unwrap().ssc(), &[0; 16], "SSC restarts at 0");
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn after_chip_authentication_the_old_keys_no_longer_work() {
    let (mut t, _, card) = pace_card(CCCD, Some(CAN));
    t.pace(p256(), &mrz()).unwrap();
    let ca = ca_terminal(&card, ID_CA_ECDH_AES_128);
    let (mse, ga) = ca_aes_commands(&ca, None);
    assert_eq!(t.secure(&mse).sw, 0x9000);
    assert_eq!(t.secure(&ga).sw, 0x9000);
    // Still on the PACE channel: the chip cannot verify the MAC, answers 6988 in plain.
    assert_eq!(
        t.try_secure(&read_sfi(0x01, 0, 16)),
        Err(SmError::Unprotected { sw: 0x6988 })
    );
}

#[test]
fn chip_authentication_with_3des_after_bac() {
    let (mut t, files, card) = pace_card(CCCD, Some(CAN));
    t.bac(DOC, DOB, DOE).unwrap();
    let ca = ca_terminal(&card, ID_CA_ECDH_3DES);
    let CaCommands::SetKat(data) = ca.commands(None) else {
        panic!("3DES CA is one MSE:Set KAT");
    };
    assert_eq!(
        t.secure(&cmd(0, 0x22, 0x41, 0xA6).with_data(data)).sw,
        0x9000
    );
    t.sm = Some(SecureChannel::from_session_keys(ca.session_keys()).unwrap());
    assert_eq!(t.sm.as_ref().unwrap().cipher_name(), "3DES");
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn chip_authentication_after_bac_can_switch_to_aes() {
    let (mut t, files, card) = pace_card(CCCD, Some(CAN));
    t.bac(DOC, DOB, DOE).unwrap();
    let ca = ca_terminal(&card, ID_CA_ECDH_AES_128);
    let (mse, ga) = ca_aes_commands(&ca, None);
    assert_eq!(t.secure(&mse).sw, 0x9000);
    assert_eq!(t.secure(&ga).data, h("7C00"));
    t.sm = Some(SecureChannel::from_session_keys(ca.session_keys()).unwrap());
    assert_eq!(t.sm.as_ref().unwrap().cipher_name(), "AES-128");
    assert_eq!(read_file(&mut t, 0x0101, 256), dg1(&files));
}

#[test]
fn chip_authentication_commands_out_of_place() {
    let (mut t, _, card) = pace_card(CCCD, Some(CAN));
    let ca = ca_terminal(&card, ID_CA_ECDH_AES_128);
    let (mse, ga) = ca_aes_commands(&ca, None);
    // Only under secure messaging.
    assert_eq!(t.plain(&mse).sw, 0x6982);
    assert_eq!(t.plain(&ga).sw, 0x6985, "plain GA without a PACE run");
    t.pace(p256(), &can()).unwrap();
    // GENERAL AUTHENTICATE needs MSE:Set AT first, and uses it up.
    assert_eq!(t.secure(&ga).sw, 0x6985);
    // The chip's one key has no key ID; AES-192 is not in the profile's ciphers; 3DES goes
    // through MSE:Set KAT.
    let (with_id, _) = ca_aes_commands(&ca, Some(1));
    assert_eq!(t.secure(&with_id).sw, 0x6A88);
    let aes192 = ca_terminal(&card, ID_CA_ECDH_AES_192);
    assert_eq!(t.secure(&ca_aes_commands(&aes192, None).0).sw, 0x6A80);
    let tdes_set_at = pace::MseSetAt {
        protocol_oid: ID_CA_ECDH_3DES.to_vec(),
        password_ref: None,
        key_ref: None,
    };
    assert_eq!(
        t.secure(&cmd(0, 0x22, 0x41, 0xA4).with_data(tdes_set_at.encode()))
            .sw,
        0x6A80
    );
    // A point that is not on the curve: refused, the session goes on with the PACE keys.
    assert_eq!(t.secure(&mse).sw, 0x9000);
    let mut bad = vec![0x04];
    bad.extend_from_slice(&[1; 64]);
    let bad_ga = cmd(0, 0x86, 0, 0)
        .with_data(pace::DynamicAuthData::new().with(0x80, &bad).encode())
        .with_le(256);
    assert_eq!(t.secure(&bad_ga).sw, 0x6A80);
    assert_eq!(t.secure(&read_sfi(0x01, 0, 4)).sw, 0x9000);
    // A plain command ends the session and the CA selected in it.
    assert_eq!(t.secure(&mse).sw, 0x9000);
    t.pace(p256(), &can()).unwrap();
    assert_eq!(t.secure(&ga).sw, 0x6985);
}

/// A clone: the files and the secrets a skimmer could learn (MRZ hash, CAN) copied into a
/// fresh chip, with another CA key or none.
fn clone_of(chip: &Chip, ca_key: Option<EcKey>) -> Chip {
    let p = cccd();
    let original = chip.state();
    let mut state = PersistentState::blank(Some(p.memory.capacity), p.memory.per_file_overhead);
    state.fs = original.fs.clone();
    state.mrz_hash = original.mrz_hash.clone();
    state.can = original.can.clone();
    state.ec_aa = Some(EcKey::generate());
    state.ca_key = ca_key;
    state.lifecycle = Lifecycle::Operational;
    Chip::from_state(p, state)
}

#[test]
fn a_clone_fails_chip_authentication() {
    let (t, files, card) = pace_card(CCCD, Some(CAN));
    let ca = ca_terminal(&card, ID_CA_ECDH_AES_128);

    // No CA key at all: PACE and reading work, CA is refused.
    let mut clone = Term::new(clone_of(t.chip(), None));
    clone.pace(p256(), &can()).unwrap();
    assert_eq!(read_file(&mut clone, 0x0101, 256), dg1(&files));
    let (mse, _) = ca_aes_commands(&ca, None);
    assert_eq!(clone.secure(&mse).sw, 0x6A88);

    // Another key: the clone answers 7C 00 like the real chip, but derives other keys, so the
    // next protected command fails on it and the terminal sees no valid answer.
    let mut clone = Term::new(clone_of(t.chip(), Some(EcKey::generate())));
    clone.pace(p256(), &can()).unwrap();
    let (mse, ga) = ca_aes_commands(&ca, None);
    assert_eq!(clone.secure(&mse).sw, 0x9000);
    assert_eq!(clone.secure(&ga).data, h("7C00"));
    clone.sm = Some(SecureChannel::from_session_keys(ca.session_keys()).unwrap());
    assert!(clone.try_secure(&read_sfi(0x01, 0, 16)).is_err());

    // The genuine chip, same terminal keys: fine.
    let mut genuine = t;
    genuine.pace(p256(), &can()).unwrap();
    let (mse, ga) = ca_aes_commands(&ca, None);
    assert_eq!(genuine.secure(&mse).sw, 0x9000);
    assert_eq!(genuine.secure(&ga).data, h("7C00"));
    genuine.sm = Some(SecureChannel::from_session_keys(ca.session_keys()).unwrap());
    assert_eq!(
        genuine.try_secure(&read_sfi(0x01, 0, 16)).unwrap().sw,
        0x9000
    );
}

#[test]
fn put_can_checks_its_data_and_is_personalization_only() {
    let mut t = Term::new(Chip::blank(cccd()));
    let bad = [
        put_can("73194"),
        put_can("7319460"),
        put_can("73194a"),
        cmd(0, 0xDA, 0, 0x65).with_data(h("6408 0406 373331393436")),
        cmd(0, 0xDA, 0, 0x65).with_data(h("6508 0506 373331393436")),
        cmd(0, 0xDA, 0, 0x65).with_data(h("6508 0406 373331393436 00")),
        cmd(0, 0xDA, 0, 0x65).with_data(h("0406 373331393436")),
    ];
    for c in &bad {
        assert_eq!(t.sw(c), 0x6A80, "{:02X?}", c.data);
    }
    assert_eq!(t.sw(&cmd(0, 0xDA, 0, 0x65)), 0x6A80, "no data");
    assert!(t.chip().state().can.is_none());
    assert_eq!(t.sw(&put_can("731946")), 0x9000);
    assert_eq!(
        t.chip().state().can.as_ref().map(|c| c.as_str()),
        Some("731946")
    );
    let debug = format!("{:?}", t.chip());
    assert!(!debug.contains("731946"), "{debug}");
    // Replaceable before the lock, not after.
    assert_eq!(t.sw(&put_can(CAN)), 0x9000);
    assert_eq!(t.chip().state().can.as_ref().map(|c| c.as_str()), Some(CAN));
    assert_eq!(t.sw(&cmd(0, 0x44, 0, 0)), 0x9000);
    assert_eq!(t.sw(&put_can("731946")), 0x6985);
    assert_eq!(t.chip().state().can.as_ref().map(|c| c.as_str()), Some(CAN));
}

#[test]
fn put_can_on_a_profile_without_the_can_password_is_not_supported() {
    let text = CCCD.replace("passwords = [\"can\", \"mrz\"]", "passwords = [\"mrz\"]");
    assert_ne!(text, CCCD);
    let mut t = Term::new(Chip::blank(profile(&text)));
    assert_eq!(t.sw(&put_can(CAN)), 0x6A81);
    assert!(t.chip().state().can.is_none());
}

#[test]
fn the_can_is_kept_in_the_image() {
    let (t, _, _) = pace_card(CCCD, Some(CAN));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    t.chip().save_image(&path).unwrap();
    let mut t = Term::new(Chip::load_image(cccd(), &path).unwrap());
    t.pace(p256(), &can()).unwrap();
}
