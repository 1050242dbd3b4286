//! Untrusted bytes from the other side of the card interface must never panic: random and
//! mutated inputs into every parser and every protocol step that takes peer data.

use pace::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_IM_AES_128};
use pace::{
    AaHash, Curve, DynamicAuthData, EcPoint, MseSetAt, PaceChip, PaceParams, PaceTerminal,
    Password, aa, parse_mse_set_kat,
};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let len = rng.gen_range(0..=max);
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    // Bias towards structure: often start like a TLV the parsers expect.
    if len > 2 && rng.gen_bool(0.5) {
        v[0] = *[0x7C, 0x80, 0x81, 0x83, 0x91, 0x30, 0x04]
            .get(rng.gen_range(0..7))
            .unwrap();
        v[1] = rng.gen_range(0..len as u8);
    }
    v
}

fn mutate(rng: &mut StdRng, valid: &[u8]) -> Vec<u8> {
    let mut v = valid.to_vec();
    match rng.gen_range(0..3) {
        0 if !v.is_empty() => {
            let i = rng.gen_range(0..v.len());
            v[i] ^= 1 << rng.gen_range(0..8);
        }
        1 if !v.is_empty() => v.truncate(rng.gen_range(0..v.len())),
        _ => v.push(rng.r#gen()),
    }
    v
}

#[test]
fn parsers_never_panic_on_random_or_mutated_input() {
    let mut rng = StdRng::seed_from_u64(99);
    let valid_ga = DynamicAuthData::new().with(0x81, &[4; 65]).encode();
    let valid_mse = hex::decode("800A04007F00070202040202830101").unwrap();
    let q = Curve::NistP256.generator();
    let plain_sig = [0x11u8; 64];
    // X9.62 explicit parameters of brainpoolP256r1 (openssl ecparam -param_enc explicit).
    let explicit = hex::decode(concat!(
        "3081E0020101302C06072A8648CE3D0101022100A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D5262028",
        "2013481D1F6E5377304404207D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9",
        "042026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B60441048BD2AEB9CB7E57",
        "CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9C27745",
        "132DED8E545C1D54C72F046997022100A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82",
        "974856A7020101"
    ))
    .unwrap();
    assert_eq!(
        Curve::from_ec_parameters(&explicit).unwrap(),
        Curve::BrainpoolP256r1
    );
    for _ in 0..3000 {
        let r = random_bytes(&mut rng, 120);
        let _ = DynamicAuthData::decode(&r);
        let _ = MseSetAt::decode(&r);
        let _ = parse_mse_set_kat(&r);
        let _ = EcPoint::from_sec1(Curve::BrainpoolP256r1, &r, "fuzz");
        let _ = Curve::from_ec_parameters(&r);
        let _ = Curve::from_ec_parameters(&mutate(&mut rng, &explicit));
        let _ = aa::verify(&q, AaHash::Sha256, &r, &r);
        let _ = DynamicAuthData::decode(&mutate(&mut rng, &valid_ga));
        let _ = MseSetAt::decode(&mutate(&mut rng, &valid_mse));
        let _ = aa::verify(&q, AaHash::Sha256, b"x", &mutate(&mut rng, &plain_sig));
        let text = String::from_utf8_lossy(&r).to_string();
        let _ = Password::from_can(&text);
        let _ = Password::from_mrz_information(&text);
        let _ = pace::vietnam_can(&text);
        let _ = pace::mrz_information(&text, &text, &text);
    }
}

#[test]
fn protocol_steps_never_panic_on_random_peer_data() {
    let mut rng = StdRng::seed_from_u64(100);
    let pw = Password::from_can("123456").unwrap();
    for oid in [ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_IM_AES_128] {
        for id in [12, 13] {
            let params = PaceParams::new(oid, id).unwrap();
            for round in 0..40 {
                // Chip: a valid prefix of the run, then garbage at a random step.
                let mut chip = PaceChip::new(params, &pw);
                let mut term = PaceTerminal::new(params, &pw);
                let mut step = PaceTerminal::first_command();
                for _ in 0..(round % 4) {
                    let pace::TerminalStep::Send { data, .. } = step else {
                        break;
                    };
                    let Ok(pace::ChipStep::Respond(resp)) =
                        chip.general_authenticate(&data, &mut rng)
                    else {
                        break;
                    };
                    step = term.next_step(&resp, &mut rng).unwrap();
                }
                let garbage = random_bytes(&mut rng, 80);
                let _ = chip.general_authenticate(&garbage, &mut rng);
                let _ = term.next_step(&garbage, &mut rng);
                // And garbage wrapped in a well-formed template with every tag.
                let tag = 0x80 + (round % 8) as u8;
                let wrapped = DynamicAuthData::new().with(tag, &garbage).encode();
                let _ = PaceChip::new(params, &pw).general_authenticate(&wrapped, &mut rng);
                let _ = PaceTerminal::new(params, &pw).next_step(&wrapped, &mut rng);
            }
        }
    }
}
