//! PACE step by step between the chip side and the terminal side: full runs on both curves and
//! all key sizes, and the error paths a card or a terminal can reach (wrong password, tampered
//! token, steps out of order, malformed or reflected keys, a broken RNG).

use pace::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_GM_AES_192, ID_PACE_ECDH_GM_AES_256};
use pace::{
    AesSm, ChipState, Curve, EcPrivateKey, Error, PaceChip, PaceParams, PaceTerminal, Password,
    RetryCounter, RetryPolicy, SessionKeys, TerminalState,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

type RunResult = (
    Result<pace::ChipOutcome, Error>,
    Option<Result<SessionKeys, Error>>,
    PaceChip,
    PaceTerminal,
);

/// Runs PACE between a chip that knows `chip_pw` and a terminal that uses `term_pw`; returns
/// both sides' results of the last step.
fn run(params: PaceParams, chip_pw: &Password, term_pw: &Password, rng: &mut StdRng) -> RunResult {
    let mut chip = PaceChip::new(params, chip_pw);
    let mut term = PaceTerminal::new(params, term_pw);
    let z = chip.encrypted_nonce(rng).unwrap();
    let pk_pcd_map = term.process_nonce(&z, rng).unwrap();
    let pk_ic_map = chip.map_nonce(pk_pcd_map.to_sec1(), rng).unwrap();
    let pk_pcd = term.process_mapping(pk_ic_map.to_sec1(), rng).unwrap();
    let pk_ic = chip.key_agreement(pk_pcd.to_sec1(), rng).unwrap();
    let t_pcd = term.process_ephemeral(pk_ic.to_sec1()).unwrap();
    let chip_result = chip.verify_terminal_token(&t_pcd);
    let term_result = chip_result
        .as_ref()
        .ok()
        .map(|o| term.verify_chip_token(&o.token));
    (chip_result, term_result, chip, term)
}

#[test]
fn pace_succeeds_on_both_curves_and_all_key_sizes_then_aes_sm_works() {
    let mut rng = StdRng::seed_from_u64(7);
    let can = Password::from_vietnam_id_number("001099012345").unwrap();
    for oid in [
        ID_PACE_ECDH_GM_AES_128,
        ID_PACE_ECDH_GM_AES_192,
        ID_PACE_ECDH_GM_AES_256,
    ] {
        for id in [12, 13] {
            let params = PaceParams::new(oid, id).unwrap();
            let (chip_r, term_r, chip, term) = run(params, &can, &can, &mut rng);
            let chip_keys = chip_r.unwrap().keys;
            let term_keys = term_r.unwrap().unwrap();
            assert_eq!(chip_keys, term_keys);
            assert_eq!(chip_keys.k_enc().len(), params.cipher.key_len());
            assert_eq!(chip.state(), ChipState::Established);
            assert_eq!(term.state(), TerminalState::Established);
            // Both sides saw the same mapped generator and secret.
            assert_eq!(chip.mapped_generator(), term.mapped_generator());
            assert_eq!(chip.shared_secret(), term.shared_secret());

            // One protected exchange through the AES SM primitives.
            let mut t_sm = AesSm::new(&term_keys).unwrap();
            let mut c_sm = AesSm::new(&chip_keys).unwrap();
            t_sm.increment_ssc().unwrap();
            c_sm.increment_ssc().unwrap();
            let cryptogram = t_sm.encrypt(&[0x01, 0x1E]).unwrap();
            let mac = t_sm.mac(&cryptogram).unwrap();
            c_sm.verify_mac(&cryptogram, &mac).unwrap();
            assert_eq!(c_sm.decrypt(&cryptogram).unwrap(), [0x01, 0x1E]);
        }
    }
}

#[test]
fn wrong_can_fails_cleanly_and_counts_against_the_retry_counter() {
    let mut rng = StdRng::seed_from_u64(8);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let right = Password::from_can("012345").unwrap();
    let wrong = Password::from_can("012346").unwrap();
    let mut counter = RetryCounter::new(RetryPolicy {
        max_attempts: Some(3),
        suspend_at: None,
    })
    .unwrap();
    for _ in 0..3 {
        counter.begin_attempt().unwrap();
        let (chip_r, term_r, chip, _) = run(params, &right, &wrong, &mut rng);
        assert_eq!(
            chip_r.unwrap_err(),
            Error::TokenMismatch { peer: "terminal" }
        );
        assert!(term_r.is_none());
        assert_eq!(chip.state(), ChipState::Failed);
    }
    assert_eq!(counter.begin_attempt(), Err(Error::PasswordBlocked));
    // MRZ password against a CAN chip: also a clean token mismatch.
    let mrz = Password::from_mrz("T22000129", "640812", "101031").unwrap();
    let (chip_r, _, _, _) = run(params, &right, &mrz, &mut rng);
    assert!(matches!(chip_r, Err(Error::TokenMismatch { .. })));
}

#[test]
fn tampered_chip_token_is_rejected_by_the_terminal() {
    let mut rng = StdRng::seed_from_u64(9);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap();
    let pw = Password::from_can("123456").unwrap();
    let mut chip = PaceChip::new(params, &pw);
    let mut term = PaceTerminal::new(params, &pw);
    let z = chip.encrypted_nonce(&mut rng).unwrap();
    let a = term.process_nonce(&z, &mut rng).unwrap();
    let b = chip.map_nonce(a.to_sec1(), &mut rng).unwrap();
    let c = term.process_mapping(b.to_sec1(), &mut rng).unwrap();
    let d = chip.key_agreement(c.to_sec1(), &mut rng).unwrap();
    let t_pcd = term.process_ephemeral(d.to_sec1()).unwrap();
    let mut t_ic = chip.verify_terminal_token(&t_pcd).unwrap().token;
    t_ic[0] ^= 0x80;
    assert_eq!(
        term.verify_chip_token(&t_ic).unwrap_err(),
        Error::TokenMismatch { peer: "chip" }
    );
    assert_eq!(term.state(), TerminalState::Failed);
    // After a failed check the run is over: a second try is refused.
    assert!(matches!(
        term.verify_chip_token(&t_ic[..4]),
        Err(Error::OutOfOrder { .. })
    ));
}

#[test]
fn steps_out_of_order_fail_and_end_the_run() {
    let mut rng = StdRng::seed_from_u64(10);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap();
    let pw = Password::from_can("123456").unwrap();
    let g = Curve::NistP256.generator();

    let mut chip = PaceChip::new(params, &pw);
    assert!(matches!(
        chip.key_agreement(g.to_sec1(), &mut rng),
        Err(Error::OutOfOrder {
            role: "PACE chip",
            step: "key_agreement",
            ..
        })
    ));
    assert_eq!(chip.state(), ChipState::Failed);
    assert!(matches!(
        chip.encrypted_nonce(&mut rng),
        Err(Error::OutOfOrder { .. })
    ));

    let mut term = PaceTerminal::new(params, &pw);
    assert!(matches!(
        term.verify_chip_token(&[0; 8]),
        Err(Error::OutOfOrder {
            role: "PACE terminal",
            ..
        })
    ));
    let mut term = PaceTerminal::new(params, &pw);
    assert!(matches!(
        term.process_ephemeral(g.to_sec1()),
        Err(Error::OutOfOrder { .. })
    ));
}

#[test]
fn malformed_peer_inputs_are_refused() {
    let mut rng = StdRng::seed_from_u64(11);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let pw = Password::from_can("123456").unwrap();

    // Encrypted nonce of a bad length.
    for z in [&[][..], &[0u8; 15][..], &[0u8; 48][..]] {
        let mut term = PaceTerminal::new(params, &pw);
        assert!(matches!(
            term.process_nonce(z, &mut rng),
            Err(Error::BadLength { .. })
        ));
        assert_eq!(term.state(), TerminalState::Failed);
    }

    // Mapping data that is not a brainpool point (a P-256 point, garbage, a compressed point).
    let p256_point = Curve::NistP256.generator();
    for bad in [
        p256_point.to_sec1(),
        &[0x04u8; 65][..],
        &p256_point.to_sec1()[..33],
    ] {
        let mut chip = PaceChip::new(params, &pw);
        chip.encrypted_nonce(&mut rng).unwrap();
        assert!(matches!(
            chip.map_nonce(bad, &mut rng),
            Err(Error::InvalidPoint { .. })
        ));
        assert_eq!(chip.state(), ChipState::Failed);
    }
}

#[test]
fn reflected_ephemeral_key_is_refused_on_both_sides() {
    let mut rng = StdRng::seed_from_u64(12);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap();
    let pw = Password::from_can("123456").unwrap();
    let mut chip = PaceChip::new(params, &pw);
    let mut term = PaceTerminal::new(params, &pw);
    let z = chip.encrypted_nonce(&mut rng).unwrap();
    let a = term.process_nonce(&z, &mut rng).unwrap();
    let b = chip.map_nonce(a.to_sec1(), &mut rng).unwrap();
    let pk_pcd = term.process_mapping(b.to_sec1(), &mut rng).unwrap();
    // The terminal gets its own key back.
    assert_eq!(
        term.process_ephemeral(pk_pcd.to_sec1()),
        Err(Error::ReflectedPublicKey)
    );

    // The chip is sent a key equal to the one it is about to use.
    let sk = EcPrivateKey::from_bytes(Curve::NistP256, &[0x11; 32], "sk").unwrap();
    let own = sk.public_key_on(chip.mapped_generator().unwrap()).unwrap();
    assert_eq!(
        chip.key_agreement_with_key(own.to_sec1(), sk).unwrap_err(),
        Error::ReflectedPublicKey
    );
}

/// An RNG that always fails, and one that only ever returns all-ones (never a valid scalar).
struct BrokenRng {
    fail: bool,
}

impl rand::RngCore for BrokenRng {
    fn next_u32(&mut self) -> u32 {
        u32::MAX
    }
    fn next_u64(&mut self) -> u64 {
        u64::MAX
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0xFF);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        if self.fail {
            Err(rand::Error::new(std::io::Error::other(
                "entropy source gone",
            )))
        } else {
            dest.fill(0xFF);
            Ok(())
        }
    }
}

impl rand::CryptoRng for BrokenRng {}

#[test]
fn a_broken_rng_is_an_error_not_a_weak_key() {
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let pw = Password::from_can("123456").unwrap();
    for fail in [true, false] {
        let mut rng = BrokenRng { fail };
        assert_eq!(
            EcPrivateKey::generate(Curve::BrainpoolP256r1, &mut rng).unwrap_err(),
            Error::Rng
        );
        let mut term = PaceTerminal::new(params, &pw);
        assert_eq!(
            term.process_nonce(&[0; 16], &mut rng).unwrap_err(),
            Error::Rng
        );
        assert_eq!(term.state(), TerminalState::Failed);
    }
    let mut chip = PaceChip::new(params, &pw);
    assert_eq!(
        chip.encrypted_nonce(&mut BrokenRng { fail: true })
            .unwrap_err(),
        Error::Rng
    );
    assert_eq!(chip.state(), ChipState::Failed);
    let mut chip = PaceChip::new(params, &pw);
    // Explicit nonce of a bad length.
    assert!(matches!(
        chip.encrypted_nonce_from(&pace::SecretBytes::new(vec![1; 8])),
        Err(Error::BadLength { .. })
    ));
}
