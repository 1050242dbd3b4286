//! ICAO 9303-11 Appendix G.1 (PACE, ECDH Generic Mapping, brainpoolP256r1, AES-128) run through
//! both state machines byte for byte, plus the PACE password derivation vectors.

use pace::{
    Curve, DynamicAuthData, EcPrivateKey, MseSetAt, PaceChip, PaceParams, PaceTerminal, Password,
    PasswordKind, SecretBytes, public_key_data_object,
};
use serde_json::Value;

const ICAO: &str = include_str!("vectors/icao-9303.json");
const KEYS: &str = include_str!("vectors/password-keys.json");

fn vector(name: &str) -> Value {
    let all: Value = serde_json::from_str(ICAO).unwrap();
    all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("vector {name} missing"))
        .clone()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn hx(b: &[u8]) -> String {
    hex::encode_upper(b)
}

#[test]
fn mrz_password_key_appendix_g() {
    let v = vector("pace.mrz_password_Kpi");
    let i = &v["inputs"];
    let e = &v["expected"];
    let info = pace::mrz_information(
        i["document_number"].as_str().unwrap(),
        i["dob"].as_str().unwrap(),
        i["doe"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(info, i["MRZ_information"].as_str().unwrap());
    let pw = Password::from_mrz_information(&info).unwrap();
    assert_eq!(pw.kind(), PasswordKind::Mrz);
    // f(π) = SHA-1(MRZ_information), all 20 bytes.
    assert_eq!(pw.encoded(), h(&e["K"]));
    assert_eq!(pw.key(pace::Cipher::Aes128).as_bytes(), h(&e["K_pi"]));
    let same = Password::from_mrz("T22000129", "640812", "101031").unwrap();
    assert_eq!(same, pw);
}

#[test]
fn can_and_long_key_password_derivation() {
    let all: Value = serde_json::from_str(KEYS).unwrap();
    let vn = &all["vietnam"];
    assert_eq!(
        pace::vietnam_can(vn["id_number"].as_str().unwrap()).unwrap(),
        vn["can"].as_str().unwrap()
    );
    for v in all["vectors"].as_array().unwrap() {
        let cipher = match v["cipher"].as_str().unwrap() {
            "AES-128" => pace::Cipher::Aes128,
            "AES-192" => pace::Cipher::Aes192,
            "AES-256" => pace::Cipher::Aes256,
            other => panic!("{other}"),
        };
        let pw = match v["password"].as_str().unwrap() {
            "CAN" => Password::from_can(v["can"].as_str().unwrap()).unwrap(),
            _ => Password::from_mrz_information(v["MRZ_information"].as_str().unwrap()).unwrap(),
        };
        assert_eq!(
            hx(pw.key(cipher).as_bytes()),
            v["K_pi"].as_str().unwrap(),
            "{v}"
        );
    }
    // Appendix H.1 prints K_π = 591468CD…: that is the key of CAN "123456" (not of the
    // Appendix G MRZ, whatever its text says), which cross-checks the CAN derivation against a
    // published value.
    assert_eq!(
        hx(Password::from_can("123456")
            .unwrap()
            .key(pace::Cipher::Aes128)
            .as_bytes()),
        "591468CDA83D65219CCCB8560233600F"
    );
}

#[test]
fn ecdh_generic_mapping_appendix_g1_both_sides() {
    let v = vector("pace.ecdh_gm_brainpoolP256r1");
    let i = &v["inputs"];
    let e = &v["expected"];

    // PACEInfo: OID 0.4.0.127.0.7.2.2.4.2.2, version 2, parameter ID 13.
    let pace_info = h(&i["PACEInfo"]);
    let oid = &pace_info[4..14];
    assert_eq!(pace_info[14..17], [0x02, 0x01, 0x02]); // version 2
    let params = PaceParams::new(oid, u64::from(pace_info[19])).unwrap();
    assert_eq!(params.curve, Curve::BrainpoolP256r1);

    // MSE:Set AT data field as the terminal sends it and the chip parses it.
    let mse = MseSetAt {
        protocol_oid: params.protocol_oid().to_vec(),
        password_ref: Some(PasswordKind::Mrz.reference()),
        key_ref: None,
    };
    assert_eq!(hx(&mse.encode()), hx(&h(&i["MSE_SET_AT"])[5..]));
    assert_eq!(MseSetAt::decode(&h(&i["MSE_SET_AT"])[5..]).unwrap(), mse);

    let password = Password::from_mrz("T22000129", "640812", "101031").unwrap();
    assert_eq!(password.key(params.cipher).as_bytes(), h(&i["K_pi"]));
    let mut chip = PaceChip::new(params, &password);
    let mut term = PaceTerminal::new(params, &password);
    let key =
        |name: &str| EcPrivateKey::from_bytes(params.curve, &h(&i[name]), "vector key").unwrap();

    // GA step 1: GA1_cmd carries empty dynamic authentication data; the chip encrypts s.
    let ga1_cmd = h(&i["GA1_cmd"]);
    assert!(DynamicAuthData::decode(&ga1_cmd[5..7]).unwrap().is_empty());
    let z = chip
        .encrypted_nonce_from(&SecretBytes::new(h(&e["s"])))
        .unwrap();
    assert_eq!(z, h(&i["z"]));
    let ga1_rsp = DynamicAuthData::new().with(0x80, &z).encode();
    let ga1_expected = h(&i["GA1_rsp"]);
    assert_eq!(hx(&ga1_rsp), hx(&ga1_expected[..ga1_expected.len() - 2]));

    // The terminal decrypts the nonce and answers with its mapping key.
    let z_rx = DynamicAuthData::decode(&ga1_rsp)
        .unwrap()
        .require(0x80)
        .unwrap()
        .to_vec();
    let pk_pcd_map = term
        .process_nonce_with_key(&z_rx, key("SK_PCD_map"))
        .unwrap();
    assert_eq!(term.nonce().unwrap(), h(&e["s"]));
    assert_eq!(hx(pk_pcd_map.xy()), e["PK_PCD_map"].as_str().unwrap());

    // GA step 2: the chip maps the generator.
    let pk_ic_map = chip
        .map_nonce_with_key(pk_pcd_map.to_sec1(), key("SK_IC_map"))
        .unwrap();
    assert_eq!(hx(pk_ic_map.xy()), e["PK_IC_map"].as_str().unwrap());
    assert_eq!(
        hx(chip.mapping_point().unwrap().xy()),
        e["H"].as_str().unwrap()
    );
    assert_eq!(
        hx(chip.mapped_generator().unwrap().xy()),
        e["G_mapped"].as_str().unwrap()
    );

    let pk_pcd = term
        .process_mapping_with_key(pk_ic_map.to_sec1(), key("SK_PCD_eph"))
        .unwrap();
    assert_eq!(
        hx(term.mapping_point().unwrap().xy()),
        e["H"].as_str().unwrap()
    );
    assert_eq!(
        hx(term.mapped_generator().unwrap().xy()),
        e["G_mapped"].as_str().unwrap()
    );
    assert_eq!(hx(pk_pcd.xy()), e["PK_PCD_eph"].as_str().unwrap());

    // GA step 3: key agreement.
    let pk_ic = chip
        .key_agreement_with_key(pk_pcd.to_sec1(), key("SK_IC_eph"))
        .unwrap();
    assert_eq!(hx(pk_ic.xy()), e["PK_IC_eph"].as_str().unwrap());
    assert_eq!(
        hx(chip.shared_secret().unwrap()),
        e["K_shared_x"].as_str().unwrap()
    );
    let t_pcd = term.process_ephemeral(pk_ic.to_sec1()).unwrap();
    assert_eq!(
        hx(term.shared_secret().unwrap()),
        e["K_shared_x"].as_str().unwrap()
    );
    for keys in [chip.session_keys().unwrap(), term.session_keys().unwrap()] {
        assert_eq!(hx(keys.k_enc()), e["KSEnc"].as_str().unwrap());
        assert_eq!(hx(keys.k_mac()), e["KSMAC"].as_str().unwrap());
    }
    // The token input is the public-key data object over the chip's ephemeral key.
    assert_eq!(
        hx(&public_key_data_object(params.protocol_oid(), &pk_ic)),
        e["T_PCD_input"].as_str().unwrap()
    );
    assert_eq!(hx(&t_pcd), e["T_PCD"].as_str().unwrap());

    // GA step 4: GA4_cmd = 00 86 00 00 0C 7C0A 85 08 T_PCD 00.
    let ga4_data = DynamicAuthData::new().with(0x85, &t_pcd).encode();
    let ga4_cmd = h(&e["GA4_cmd"]);
    assert_eq!(hx(&ga4_data), hx(&ga4_cmd[5..ga4_cmd.len() - 1]));
    let outcome = chip.verify_terminal_token(&t_pcd).unwrap();
    assert_eq!(hx(&outcome.token), e["T_IC"].as_str().unwrap());
    let ga4_rsp = DynamicAuthData::new().with(0x86, &outcome.token).encode();
    let ga4_expected = h(&e["GA4_rsp"]);
    assert_eq!(hx(&ga4_rsp), hx(&ga4_expected[..ga4_expected.len() - 2]));

    let keys = term.verify_chip_token(&outcome.token).unwrap();
    assert_eq!(keys, outcome.keys);
    assert_eq!(chip.state(), pace::ChipState::Established);
    assert_eq!(term.state(), pace::TerminalState::Established);
}

#[test]
fn ecdh_integrated_mapping_appendix_h1_both_sides() {
    let v = vector("pace.ecdh_im_brainpoolP256r1");
    let i = &v["inputs"];
    let e = &v["expected"];
    let params = PaceParams::new(pace::params::ID_PACE_ECDH_IM_AES_128, 13).unwrap();
    assert_eq!(params.mapping, pace::params::Mapping::Integrated);
    // Appendix H's K_π is the key of CAN "123456" (see can_and_long_key_password_derivation).
    let password = Password::from_can("123456").unwrap();
    assert_eq!(password.key(params.cipher).as_bytes(), h(&i["K_pi"]));
    let key =
        |name: &str| EcPrivateKey::from_bytes(params.curve, &h(&i[name]), "vector key").unwrap();

    let mut chip = PaceChip::new(params, &password);
    let mut term = PaceTerminal::new(params, &password);
    let z = chip
        .encrypted_nonce_from(&SecretBytes::new(h(&e["s"])))
        .unwrap();
    assert_eq!(z, h(&i["z"]));
    term.process_nonce_integrated_with(&z, &h(&i["t"])).unwrap();
    assert_eq!(term.nonce().unwrap(), h(&e["s"]));
    chip.map_nonce_integrated(&h(&i["t"])).unwrap();
    for g in [
        chip.mapped_generator().unwrap(),
        term.mapped_generator().unwrap(),
    ] {
        assert_eq!(hx(g.xy()), e["G_mapped"].as_str().unwrap());
    }
    let pk_ifd = term
        .process_mapping_integrated_with_key(key("SK_IFD"))
        .unwrap();
    assert_eq!(hx(pk_ifd.xy()), e["PK_IFD"].as_str().unwrap());
    let pk_ic = chip
        .key_agreement_with_key(pk_ifd.to_sec1(), key("SK_IC"))
        .unwrap();
    assert_eq!(hx(pk_ic.xy()), e["PK_IC"].as_str().unwrap());
    let t_ifd = term.process_ephemeral(pk_ic.to_sec1()).unwrap();
    assert_eq!(hx(term.shared_secret().unwrap()), e["K"].as_str().unwrap());
    assert_eq!(hx(chip.shared_secret().unwrap()), e["K"].as_str().unwrap());
    let keys = term.session_keys().unwrap();
    assert_eq!(hx(keys.k_enc()), e["KSEnc"].as_str().unwrap());
    assert_eq!(hx(keys.k_mac()), e["KSMAC"].as_str().unwrap());
    assert_eq!(hx(&t_ifd), e["T_IFD"].as_str().unwrap());
    let out = chip.verify_terminal_token(&t_ifd).unwrap();
    assert_eq!(hx(&out.token), e["T_IC"].as_str().unwrap());
    assert_eq!(term.verify_chip_token(&out.token).unwrap(), out.keys);
}
