//! PACE through the GENERAL AUTHENTICATE drivers (`PaceChip::general_authenticate`,
//! `PaceTerminal::next_step`), as an APDU loop runs it: Generic and Integrated Mapping end to
//! end, malformed data fields, mapping calls that do not match the parameters, and the chip
//! configuration counting wrong CANs as a profile says.

use pace::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_GM_AES_256};
use pace::{
    ChipState, ChipStep, Cipher, Curve, Error, PaceChip, PaceParams, PaceTerminal, Password,
    RetryPolicy, SessionKeys, TerminalState, TerminalStep,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

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
