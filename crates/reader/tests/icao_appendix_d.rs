//! ICAO 9303-11 Appendix D worked examples, byte for byte: key derivation (D.1), MRZ_information
//! to K_seed (D.2), mutual authentication and session keys (D.3), secure messaging (D.4) on the
//! terminal AND the chip side.

use reader::apdu::{Command, Response};
use reader::bac::{self, BacKeys, MrzInfo};
use reader::crypto;
use reader::sm::SecureChannel;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let v: Value = serde_json::from_str(include_str!("vectors/icao-9303-bac-aa.json")).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn vector(name: &str) -> Value {
    vectors()
        .into_iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("vector {name}"))
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn arr<const N: usize>(v: &Value) -> [u8; N] {
    h(v).try_into().unwrap()
}

#[test]
fn d1_kdf_from_kseed() {
    let v = vector("bac.kdf_from_kseed");
    let seed: [u8; 16] = arr(&v["inputs"]["Kseed"]);
    let keys = BacKeys::from_seed(&seed);
    assert_eq!(keys.kenc.to_vec(), h(&v["expected"]["KEnc"]));
    assert_eq!(keys.kmac.to_vec(), h(&v["expected"]["KMAC"]));
    let mut raw = h(&v["expected"]["Ka_enc_raw"]);
    crypto::set_des_parity(&mut raw);
    assert_eq!(raw, h(&v["expected"]["Ka_enc"]));
}

#[test]
fn d2_mrz_information_to_kseed() {
    let v = vector("bac.mrz_information_to_kseed");
    let mrz = MrzInfo::new("L898902C", "690806", "940623").unwrap();
    assert_eq!(
        mrz.mrz_information().as_str(),
        v["inputs"]["MRZ_information"].as_str().unwrap()
    );
    assert_eq!(mrz.key_seed().to_vec(), h(&v["expected"]["Kseed"]));
    let keys = BacKeys::from_mrz(&mrz);
    assert_eq!(keys.kenc.to_vec(), h(&v["expected"]["KEnc"]));
    assert_eq!(keys.kmac.to_vec(), h(&v["expected"]["KMAC"]));
}

#[test]
fn d2_long_document_number() {
    let v = vector("bac.mrz_information_long_document_number");
    let mrz = MrzInfo::new("D23145890734", "340712", "950712").unwrap();
    assert_eq!(
        mrz.mrz_information().as_str(),
        v["expected"]["MRZ_information"].as_str().unwrap()
    );
    assert_eq!(mrz.key_seed().to_vec(), h(&v["expected"]["Kseed"]));
}

#[test]
fn d3_mutual_authentication_both_sides() {
    let v = vector("bac.mutual_authentication");
    let (i, e) = (&v["inputs"], &v["expected"]);
    let keys = BacKeys {
        kenc: arr(&i["KEnc"]),
        kmac: arr(&i["KMAC"]),
    };
    let rnd_ic: [u8; 8] = arr(&i["RND.IC"]);
    let rnd_ifd: [u8; 8] = arr(&i["RND.IFD"]);
    let k_ifd: [u8; 16] = arr(&i["K.IFD"]);
    let k_ic: [u8; 16] = arr(&i["K.IC"]);
    assert_eq!(
        hex::encode_upper(bac::get_challenge_command().to_bytes().unwrap()),
        i["GET_CHALLENGE_apdu"]
    );

    let cmd_data = bac::terminal_cryptogram(&keys, &rnd_ic, &rnd_ifd, &k_ifd);
    assert_eq!(cmd_data, h(&e["cmd_data"]));
    let apdu = Command::new(0, 0x82, 0, 0)
        .with_data(cmd_data.clone())
        .with_le(40);
    assert_eq!(
        apdu.to_bytes().unwrap(),
        h(&e["EXTERNAL_AUTHENTICATE_apdu"])
    );

    let (resp, chip) = bac::chip_respond(&keys, &rnd_ic, &k_ic, &cmd_data).unwrap();
    assert_eq!(resp, h(&e["resp_data"]));
    assert_eq!(chip.ssc(), h(&e["SSC"]).as_slice());
    let term = bac::terminal_finish(&keys, &rnd_ic, &rnd_ifd, &k_ifd, &resp).unwrap();
    assert_eq!(term.ssc(), h(&e["SSC"]).as_slice());

    // session keys: check through the D.4 vectors below, and directly against the KDF
    let mut seed = [0u8; 16];
    for n in 0..16 {
        seed[n] = k_ifd[n] ^ k_ic[n];
    }
    assert_eq!(seed.to_vec(), h(&e["Kseed_session"]));
    let s = BacKeys::from_seed(&seed);
    assert_eq!(s.kenc.to_vec(), h(&e["KSEnc"]));
    assert_eq!(s.kmac.to_vec(), h(&e["KSMAC"]));

    // a wrong MRZ (other keys) fails cleanly on both sides
    let wrong = BacKeys::from_mrz(&MrzInfo::new("L898902C", "690806", "940624").unwrap());
    assert!(matches!(
        bac::chip_respond(&wrong, &rnd_ic, &k_ic, &cmd_data),
        Err(bac::BacError::BadMac { .. })
    ));
    assert!(bac::terminal_finish(&wrong, &rnd_ic, &rnd_ifd, &k_ifd, &resp).is_err());
    // a replayed cryptogram for another challenge is refused
    assert!(matches!(
        bac::chip_respond(&keys, &[0; 8], &k_ic, &cmd_data),
        Err(bac::BacError::NonceMismatch { .. })
    ));
    assert!(matches!(
        bac::chip_respond(&keys, &rnd_ic, &k_ic, &cmd_data[..39]),
        Err(bac::BacError::BadLength { len: 39 })
    ));
}

fn session_at(ssc_hex: &Value) -> SecureChannel {
    let v = vector("bac.mutual_authentication");
    SecureChannel::tdes(
        arr(&v["expected"]["KSEnc"]),
        arr(&v["expected"]["KSMAC"]),
        arr(ssc_hex),
    )
}

#[test]
fn d4_secure_messaging_terminal_and_chip() {
    let mut ef_com = Vec::new();
    for name in [
        "bac.sm.select_ef_com",
        "bac.sm.read_binary_4",
        "bac.sm.read_binary_18_at_4",
    ] {
        let v = vector(name);
        let (i, e) = (&v["inputs"], &v["expected"]);
        let ssc_before = if name == "bac.sm.select_ef_com" {
            vector("bac.mutual_authentication")["expected"]["SSC"].clone()
        } else {
            i["SSC_before"].clone()
        };
        let mut term = session_at(&ssc_before);
        let mut chip = session_at(&ssc_before);
        let plain = Command::parse(&h(&i["unprotected_apdu"])).unwrap();

        // terminal protects the command exactly as the spec prints it
        let protected = term.protect_command(&plain).unwrap();
        assert_eq!(
            protected.to_bytes().unwrap(),
            h(&e["protected_apdu"]),
            "{name}"
        );
        assert_eq!(term.ssc(), h(&e["SSC_cmd"]).as_slice());

        // chip unwraps it back to the plain command
        let unwrapped = chip
            .unprotect_command(&Command::parse(&h(&e["protected_apdu"])).unwrap())
            .unwrap();
        assert_eq!(unwrapped.data, plain.data, "{name}");
        assert_eq!(unwrapped.le, plain.le, "{name}");

        // terminal verifies and decrypts the card's response
        let rapdu = Response::parse(&h(&i["RAPDU"])).unwrap();
        let got = term.unprotect_response(&rapdu).unwrap();
        assert_eq!(got.sw, 0x9000);
        assert_eq!(term.ssc(), h(&e["SSC_rsp"]).as_slice());
        if let Some(d) = e.get("decrypted_data") {
            assert_eq!(got.data, h(d));
            ef_com.extend_from_slice(&got.data);
        }

        // chip produces the very same protected response
        let produced = chip.protect_response(&got);
        assert_eq!(produced.to_bytes(), h(&i["RAPDU"]), "{name}");
    }
    assert_eq!(
        ef_com,
        h(&vector("bac.sm.read_binary_18_at_4")["expected"]["EF.COM"])
    );
}

#[test]
fn aa_protected_internal_authenticate_vector() {
    let v = vector("aa.real_passport_rsa1792_sha256");
    let mut term = SecureChannel::tdes(
        arr(&Value::from("B99D546108EAA251570876B6D3456DCE")),
        arr(&Value::from("E3857CA24946251C151C540E13F2CD51")),
        arr(&Value::from("00000000000000CC")),
    );
    let cmd = Command::new(0, 0x88, 0, 0)
        .with_data(h(&v["inputs"]["RND.IFD"]))
        .with_le(256);
    let p = term.protect_command(&cmd).unwrap();
    let key = v["expected"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| k.starts_with("protected_INTERNAL_AUTHENTICATE"))
        .unwrap()
        .clone();
    assert_eq!(p.to_bytes().unwrap(), h(&v["expected"][&key]));
}
