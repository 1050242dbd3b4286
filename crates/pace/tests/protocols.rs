//! Full protocol runs between the chip side and the terminal side, the error paths a card or a
//! terminal can reach, and the Chip Authentication / Active Authentication known answers.

use pace::aa::{self, AaHash, AaSigner, SignatureForm};
use pace::params::{ID_CA_ECDH_3DES, ID_CA_ECDH_AES_128, ID_CA_ECDH_AES_256};
use pace::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_GM_AES_192, ID_PACE_ECDH_GM_AES_256};
use pace::{
    AesSm, CaParams, CaTerminal, ChipState, ChipStep, Cipher, Curve, EcPoint, EcPrivateKey, Error,
    PaceChip, PaceParams, PaceTerminal, Password, RetryCounter, RetryPolicy, SessionKeys,
    TerminalState, TerminalStep, chip_authenticate,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

const CA_AA: &str = include_str!("vectors/ca-aa.json");
const ICAO: &str = include_str!("vectors/icao-9303.json");

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn curve(name: &str) -> Curve {
    match name {
        "NIST P-256" => Curve::NistP256,
        "brainpoolP256r1" => Curve::BrainpoolP256r1,
        other => panic!("{other}"),
    }
}

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

#[test]
fn chip_authentication_known_answers_both_sides_and_clone_rejection() {
    let all: Value = serde_json::from_str(CA_AA).unwrap();
    for v in all["ca"].as_array().unwrap() {
        let c = curve(v["curve"].as_str().unwrap());
        let params = CaParams::new(match v["cipher"].as_str().unwrap() {
            "3DES" => ID_CA_ECDH_3DES,
            "AES-128" => ID_CA_ECDH_AES_128,
            _ => ID_CA_ECDH_AES_256,
        })
        .unwrap();
        let sk_ic = EcPrivateKey::from_bytes(c, &h(&v["SK_IC"]), "SK_IC").unwrap();
        let sk_pcd = EcPrivateKey::from_bytes(c, &h(&v["SK_PCD"]), "SK_PCD").unwrap();
        let pk_ic = EcPoint::from_sec1(c, &h(&v["PK_IC"]), "PK_IC").unwrap();
        assert_eq!(sk_ic.public_key().unwrap(), pk_ic);

        let term = CaTerminal::with_key(params, &pk_ic, &sk_pcd).unwrap();
        assert_eq!(term.ephemeral_public_key().to_sec1(), h(&v["PK_PCD"]));
        let chip_keys =
            chip_authenticate(params, &sk_ic, term.ephemeral_public_key().to_sec1()).unwrap();
        assert_eq!(&chip_keys, term.session_keys());
        assert_eq!(chip_keys.k_enc(), h(&v["K_enc"]), "{v}");
        assert_eq!(chip_keys.k_mac(), h(&v["K_mac"]), "{v}");
        assert_eq!(chip_keys.cipher() == Cipher::Tdes, v["cipher"] == "3DES");
    }

    // A clone carries the genuine DG14 public key but not the private key: its keys differ, so
    // the first secure-messaging response under the new keys fails the terminal's MAC check.
    let mut rng = StdRng::seed_from_u64(13);
    let params = CaParams::new(ID_CA_ECDH_AES_128).unwrap();
    let genuine = EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap();
    let clone = EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap();
    let term = CaTerminal::new(params, &genuine.public_key().unwrap(), &mut rng).unwrap();
    let clone_keys =
        chip_authenticate(params, &clone, term.ephemeral_public_key().to_sec1()).unwrap();
    let mut chip_sm = AesSm::new(&clone_keys).unwrap();
    let mut term_sm = AesSm::new(term.session_keys()).unwrap();
    chip_sm.increment_ssc().unwrap();
    term_sm.increment_ssc().unwrap();
    let do99 = [0x99, 0x02, 0x90, 0x00];
    let mac = chip_sm.mac(&do99).unwrap();
    assert_eq!(term_sm.verify_mac(&do99, &mac), Err(Error::MacMismatch));
}

#[test]
fn active_authentication_synthetic_brainpool_vector_byte_for_byte() {
    let all: Value = serde_json::from_str(ICAO).unwrap();
    let v = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "aa.synthetic_ecdsa_brainpoolP256r1_sha256")
        .unwrap();
    let (i, e) = (&v["inputs"], &v["expected"]);
    let c = Curve::BrainpoolP256r1;
    // DG14 ActiveAuthenticationInfo ends with the signature algorithm OID.
    let aa_info = h(&i["ActiveAuthenticationInfo_in_DG14"]);
    let hash = AaHash::from_signature_oid(&aa_info[aa_info.len() - 10..]).unwrap();
    assert_eq!(hash, AaHash::Sha256);
    // DG15 = 6F 5C { SEQUENCE { SEQUENCE { id-ecPublicKey, 06 09 brainpoolP256r1 },
    // BIT STRING 00 || point } }: the named-curve parameters sit at 15..26, the point at the end.
    let dg15 = h(&i["DG15"]);
    let q = EcPoint::from_spki_parts(&dg15[15..26], &dg15[dg15.len() - 65..], "DG15 key").unwrap();
    assert_eq!(q.curve(), c);
    assert_eq!(q.to_sec1(), h(&e["public_Q"]));

    let signer = AaSigner::new(EcPrivateKey::from_bytes(c, &h(&i["private_key_d"]), "d").unwrap());
    assert_eq!(signer.public_key().unwrap(), q);
    let k = EcPrivateKey::from_bytes(c, &h(&i["nonce_k"]), "k").unwrap();
    let rnd_ifd = h(&i["RND.IFD"]);
    let sig = signer.sign_with_nonce(hash, &rnd_ifd, &k).unwrap();
    assert_eq!(sig.to_vec(), h(&e["signature_plain_r_s"]));

    assert_eq!(
        aa::verify(&q, hash, &rnd_ifd, &sig),
        Ok(SignatureForm::Plain)
    );
    assert_eq!(
        aa::verify(&q, hash, &rnd_ifd, &h(&e["signature_der_equivalent"])),
        Ok(SignatureForm::Der)
    );
    let mut other = rnd_ifd.clone();
    other[7] ^= 1;
    assert_eq!(
        aa::verify(&q, hash, &other, &sig),
        Err(Error::SignatureInvalid)
    );
    // A random-nonce signature by the chip side verifies too.
    let mut rng = StdRng::seed_from_u64(14);
    let sig2 = signer.sign(hash, &rnd_ifd, &mut rng).unwrap();
    assert_ne!(sig2, sig);
    assert!(aa::verify(&q, hash, &rnd_ifd, &sig2).is_ok());
}

#[test]
fn active_authentication_p256_and_brainpool_independent_signatures() {
    let all: Value = serde_json::from_str(CA_AA).unwrap();
    for v in all["aa"].as_array().unwrap() {
        let c = curve(v["curve"].as_str().unwrap());
        let q = EcPoint::from_sec1(c, &h(&v["Q"]), "Q").unwrap();
        let rnd = h(&v["RND.IFD"]);
        let plain = h(&v["signature_plain_r_s"]);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &plain),
            Ok(SignatureForm::Plain),
            "{v}"
        );
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &h(&v["signature_der"])),
            Ok(SignatureForm::Der)
        );
        let mut bad = plain.clone();
        bad[40] ^= 4;
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &bad),
            Err(Error::SignatureInvalid)
        );
        assert_eq!(
            aa::verify(&q, AaHash::Sha384, &rnd, &plain),
            Err(Error::SignatureInvalid)
        );
        assert!(matches!(
            aa::verify(&q, AaHash::Sha256, &rnd, &plain[..63]),
            Err(Error::MalformedSignature { .. })
        ));
        // r = 0 or s >= n never verifies.
        let mut zero_r = plain.clone();
        zero_r[..32].fill(0);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &zero_r),
            Err(Error::SignatureInvalid)
        );
        let mut big_s = plain.clone();
        big_s[32..].fill(0xFF);
        assert_eq!(
            aa::verify(&q, AaHash::Sha256, &rnd, &big_s),
            Err(Error::SignatureInvalid)
        );
    }
}

#[test]
fn active_authentication_p256_chip_to_terminal_and_clone_rejection() {
    let mut rng = StdRng::seed_from_u64(15);
    let genuine = AaSigner::new(EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap());
    let dg15_key = genuine.public_key().unwrap();
    let rnd_ifd = [0x47, 0xE4, 0xEE, 0x7F, 0x21, 0x1F, 0x73, 0x26];
    for hash in [
        AaHash::Sha224,
        AaHash::Sha256,
        AaHash::Sha384,
        AaHash::Sha512,
    ] {
        let sig = genuine.sign(hash, &rnd_ifd, &mut rng).unwrap();
        // RFC 6979: deterministic on P-256.
        assert_eq!(sig, genuine.sign(hash, &rnd_ifd, &mut rng).unwrap());
        assert_eq!(
            aa::verify(&dg15_key, hash, &rnd_ifd, &sig),
            Ok(SignatureForm::Plain)
        );
        // The generic (brainpool) path agrees with p256 on P-256 signatures.
        let k = EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap();
        let generic = genuine.sign_with_nonce(hash, &rnd_ifd, &k).unwrap();
        assert!(aa::verify(&dg15_key, hash, &rnd_ifd, &generic).is_ok());
    }
    // A clone has DG15 but not the key: whatever key it signs with, verification fails.
    let clone = AaSigner::new(EcPrivateKey::generate(Curve::NistP256, &mut rng).unwrap());
    let forged = clone.sign(AaHash::Sha256, &rnd_ifd, &mut rng).unwrap();
    assert_eq!(
        aa::verify(&dg15_key, AaHash::Sha256, &rnd_ifd, &forged),
        Err(Error::SignatureInvalid)
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

/// Moves GENERAL AUTHENTICATE data fields between the two drivers like an APDU loop would.
fn drive(
    chip: &mut PaceChip,
    term: &mut PaceTerminal,
    rng: &mut StdRng,
) -> Result<(SessionKeys, SessionKeys), Error> {
    let mut step = PaceTerminal::first_command();
    let mut chip_keys = None;
    let mut expected_chaining = [true, true, true, false].into_iter();
    loop {
        match step {
            TerminalStep::Send { data, chained } => {
                assert_eq!(Some(chained), expected_chaining.next());
                let response = match chip.general_authenticate(&data, rng)? {
                    ChipStep::Respond(r) => r,
                    ChipStep::Established { response, keys } => {
                        chip_keys = Some(keys);
                        response
                    }
                };
                step = term.next_step(&response, rng)?;
            }
            TerminalStep::Established(keys) => return Ok((chip_keys.unwrap(), keys)),
        }
    }
}

#[test]
fn general_authenticate_drivers_run_pace_end_to_end() {
    let mut rng = StdRng::seed_from_u64(16);
    let mrz = Password::from_mrz("C4X7Y9Z01", "900115", "300114").unwrap();
    for id in [12, 13] {
        let params = PaceParams::new(ID_PACE_ECDH_GM_AES_256, id).unwrap();
        let mut chip = PaceChip::new(params, &mrz);
        let mut term = PaceTerminal::new(params, &mrz);
        let (a, b) = drive(&mut chip, &mut term, &mut rng).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.cipher(), Cipher::Aes256);
        // A fifth GENERAL AUTHENTICATE is out of order.
        assert!(matches!(
            chip.general_authenticate(&[0x7C, 0x00], &mut rng),
            Err(Error::OutOfOrder { .. })
        ));
    }
    // Wrong password through the drivers: the chip refuses step 4.
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap();
    let mut chip = PaceChip::new(params, &Password::from_can("111111").unwrap());
    let mut term = PaceTerminal::new(params, &Password::from_can("222222").unwrap());
    assert_eq!(
        drive(&mut chip, &mut term, &mut rng).unwrap_err(),
        Error::TokenMismatch { peer: "terminal" }
    );
}

#[test]
fn general_authenticate_drivers_refuse_malformed_data() {
    let mut rng = StdRng::seed_from_u64(17);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let pw = Password::from_can("123456").unwrap();

    let mut chip = PaceChip::new(params, &pw);
    assert!(matches!(
        chip.general_authenticate(&[0x7C, 0x02, 0x81, 0x00], &mut rng),
        Err(Error::Tlv { .. })
    ));
    assert_eq!(chip.state(), ChipState::Failed);

    let mut chip = PaceChip::new(params, &pw);
    assert!(matches!(
        chip.general_authenticate(&[0x7C], &mut rng),
        Err(Error::Tlv { .. })
    ));

    let mut chip = PaceChip::new(params, &pw);
    chip.general_authenticate(&[0x7C, 0x00], &mut rng).unwrap();
    assert!(matches!(
        chip.general_authenticate(&[0x7C, 0x02, 0x83, 0x00], &mut rng),
        Err(Error::MissingDataObject { tag: 0x81, .. })
    ));
    assert_eq!(chip.state(), ChipState::Failed);

    let mut term = PaceTerminal::new(params, &pw);
    assert!(matches!(
        term.next_step(&[0x7C, 0x02, 0x82, 0x00], &mut rng),
        Err(Error::MissingDataObject { tag: 0x80, .. })
    ));
    assert_eq!(term.state(), TerminalState::Failed);
    let mut term = PaceTerminal::new(params, &pw);
    assert!(matches!(
        term.next_step(&[0x90, 0x00], &mut rng),
        Err(Error::Tlv { .. })
    ));
}

#[test]
fn integrated_mapping_through_the_drivers_and_wrong_mapping_calls() {
    let mut rng = StdRng::seed_from_u64(18);
    let can = Password::from_can("654321").unwrap();
    for id in [12, 13] {
        let params = PaceParams::new(pace::params::ID_PACE_ECDH_IM_AES_128, id).unwrap();
        let mut chip = PaceChip::new(params, &can);
        let mut term = PaceTerminal::new(params, &can);
        let (a, b) = drive(&mut chip, &mut term, &mut rng).unwrap();
        assert_eq!(a, b);
        assert_eq!(chip.mapping_point(), None); // no mapping ECDH in IM
    }
    let params = PaceParams::new(pace::params::ID_PACE_ECDH_IM_AES_128, 13).unwrap();
    // Generic Mapping calls on Integrated Mapping parameters (and the reverse) are refused.
    let mut chip = PaceChip::new(params, &can);
    chip.encrypted_nonce(&mut rng).unwrap();
    let g = Curve::BrainpoolP256r1.generator();
    assert!(matches!(
        chip.map_nonce(g.to_sec1(), &mut rng),
        Err(Error::BadInput { .. })
    ));
    assert_eq!(chip.state(), ChipState::Failed);
    let mut term = PaceTerminal::new(params, &can);
    assert!(matches!(
        term.process_nonce(&[0; 16], &mut rng),
        Err(Error::BadInput { .. })
    ));
    let gm = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let mut term = PaceTerminal::new(gm, &can);
    assert!(matches!(
        term.process_nonce_integrated(&[0; 16], &mut rng),
        Err(Error::BadInput { .. })
    ));
    // A nonce t of the wrong length.
    let mut chip = PaceChip::new(params, &can);
    chip.encrypted_nonce(&mut rng).unwrap();
    assert!(matches!(
        chip.map_nonce_integrated(&[1; 8]),
        Err(Error::BadLength { .. })
    ));
}

#[test]
fn chip_config_runs_pace_and_counts_wrong_cans_as_the_profile_says() {
    let mut rng = StdRng::seed_from_u64(19);
    let params = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
    let id_number = "079203001234";
    let mut chip_cfg = pace::PaceChipConfig::new(vec![params])
        .with_password(
            Password::from_vietnam_id_number(id_number).unwrap(),
            RetryPolicy {
                max_attempts: Some(3),
                suspend_at: None,
            },
        )
        .unwrap();
    let mse = pace::MseSetAt {
        protocol_oid: params.protocol_oid().to_vec(),
        password_ref: Some(pace::PasswordKind::Can.reference()),
        key_ref: None,
    }
    .encode();

    // Two wrong CANs, then the right one: the counter goes 3 -> 2 -> 1 -> back to 3.
    for (can, ok) in [("000000", false), ("111111", false), ("001234", true)] {
        let mut chip = chip_cfg.mse_set_at(&mse).unwrap();
        let mut term = PaceTerminal::new(params, &Password::from_can(can).unwrap());
        let result = drive(&mut chip, &mut term, &mut rng);
        assert_eq!(result.is_ok(), ok, "{can}");
        if ok {
            chip_cfg.record_success(chip.password_kind());
        } else {
            assert_eq!(result.unwrap_err().chip_status_word(), 0x6300);
        }
    }
    assert_eq!(
        chip_cfg
            .counter(pace::PasswordKind::Can)
            .unwrap()
            .remaining(),
        Some(3)
    );
    // Three wrong CANs block the password: MSE:Set AT then answers 6983.
    for _ in 0..3 {
        let mut chip = chip_cfg.mse_set_at(&mse).unwrap();
        let mut term = PaceTerminal::new(params, &Password::from_can("999999").unwrap());
        assert!(drive(&mut chip, &mut term, &mut rng).is_err());
    }
    let blocked = chip_cfg.mse_set_at(&mse).unwrap_err();
    assert_eq!(blocked.chip_status_word(), 0x6983);
}
