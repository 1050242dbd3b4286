//! Chip Authentication known answers on both sides (every curve and cipher of the vector file),
//! and a clone without the DG14 private key failing the first MAC under the new keys.

mod common;

use common::{CA_AA, curve, h};
use pace::params::{ID_CA_ECDH_3DES, ID_CA_ECDH_AES_128, ID_CA_ECDH_AES_256};
use pace::{
    AesSm, CaParams, CaTerminal, Cipher, Curve, EcPoint, EcPrivateKey, Error, chip_authenticate,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

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
