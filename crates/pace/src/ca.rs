//! Chip Authentication with ECDH (ICAO 9303-11 §6.2; CA version 1, implicit authentication).
//!
//! The terminal reads the chip's static public key from DG14 (authenticated by passive
//! authentication), sends a fresh ephemeral public key, and both sides derive new session keys
//! from `K = x(SK · PK)`: the chip with its static private key, the terminal with its ephemeral
//! one. The chip is authenticated implicitly: only a chip holding the private key can answer the
//! next secure-messaging APDU correctly. A cloned chip without the key fails right there.
//!
//! APDUs (the caller's job):
//! - 3DES (`id-CA-ECDH-3DES-CBC-CBC`): `MSE:Set KAT` = `0C 22 41 A6` under the current secure
//!   messaging, data [`mse_set_kat_data`] = `91 PK_PCD [84 key ID]`.
//! - AES (`id-CA-ECDH-AES-CBC-CMAC-*`): `MSE:Set AT` `0C 22 41 A4` with `80 OID [84 key ID]`
//!   ([`crate::MseSetAt`]), then GENERAL AUTHENTICATE with `7C{80 PK_PCD}`; the chip answers
//!   `7C 00`.
//!
//! The chip sends its response with the *old* keys, then switches; both sides restart secure
//! messaging with the new keys and SSC = 0 ([`crate::sm::AesSm::new`] or the reader's 3DES SM).

use crate::ec::{EcPoint, EcPrivateKey};
use crate::error::{Error, Result};
use crate::pace::SessionKeys;
use crate::params::CaParams;
use crate::sym::Cipher;
use crate::tlv::{DynamicAuthData, MseSetAt, encode};
use rand::{CryptoRng, RngCore};

/// Chip side: derives the new session keys from the chip's static CA key (never leaves the
/// chip) and the terminal's ephemeral public key (`04 || X || Y`).
pub fn chip_authenticate(
    params: CaParams,
    static_key: &EcPrivateKey,
    pk_pcd: &[u8],
) -> Result<SessionKeys> {
    let peer = EcPoint::from_sec1(static_key.curve(), pk_pcd, "CA terminal ephemeral key")?;
    let shared = peer.mul(static_key)?;
    Ok(SessionKeys::derive(shared.x(), params.cipher))
}

/// Terminal side of one Chip Authentication run.
#[derive(Debug)]
pub struct CaTerminal {
    params: CaParams,
    ephemeral: EcPoint,
    keys: SessionKeys,
}

impl CaTerminal {
    /// Generates an ephemeral key pair on the chip key's curve and derives the session keys
    /// the chip will switch to. `chip_public_key` comes from DG14's ChipAuthenticationPublicKeyInfo.
    pub fn new<R: RngCore + CryptoRng + ?Sized>(
        params: CaParams,
        chip_public_key: &EcPoint,
        rng: &mut R,
    ) -> Result<Self> {
        let sk = EcPrivateKey::generate(chip_public_key.curve(), rng)?;
        Self::with_key(params, chip_public_key, &sk)
    }

    /// [`Self::new`] with an explicit ephemeral private key.
    pub fn with_key(
        params: CaParams,
        chip_public_key: &EcPoint,
        sk_pcd: &EcPrivateKey,
    ) -> Result<Self> {
        if sk_pcd.curve() != chip_public_key.curve() {
            return Err(Error::InvalidPoint {
                what: "CA chip public key",
                curve: sk_pcd.curve().name(),
                reason: "ephemeral key is for another curve",
            });
        }
        let ephemeral = sk_pcd.public_key()?;
        let shared = chip_public_key.mul(sk_pcd)?;
        Ok(CaTerminal {
            params,
            ephemeral,
            keys: SessionKeys::derive(shared.x(), params.cipher),
        })
    }

    /// The ephemeral public key to send (data object 91 or 80).
    pub fn ephemeral_public_key(&self) -> &EcPoint {
        &self.ephemeral
    }

    /// The parameters of this run.
    pub fn params(&self) -> CaParams {
        self.params
    }

    /// The keys secure messaging restarts with (SSC = 0) once the chip answered.
    pub fn session_keys(&self) -> &SessionKeys {
        &self.keys
    }

    /// The command data to send, by cipher: for 3DES the data of MSE:Set KAT (`0C 22 41 A6`);
    /// for AES the data of MSE:Set AT (`0C 22 41 A4`) followed by that of GENERAL AUTHENTICATE
    /// (`0C 86 00 00`, expecting `7C 00` back).
    pub fn commands(&self, key_id: Option<u64>) -> CaCommands {
        if self.params.cipher == Cipher::Tdes {
            CaCommands::SetKat(mse_set_kat_data(&self.ephemeral, key_id))
        } else {
            CaCommands::SetAtThenGeneralAuthenticate {
                mse_set_at: MseSetAt {
                    protocol_oid: self.params.protocol_oid().to_vec(),
                    password_ref: None,
                    key_ref: key_id,
                }
                .encode(),
                general_authenticate: DynamicAuthData::new()
                    .with(0x80, self.ephemeral.to_sec1())
                    .encode(),
            }
        }
    }
}

/// The data fields of the Chip Authentication commands (sent under the current secure messaging).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaCommands {
    /// 3DES: one MSE:Set KAT.
    SetKat(Vec<u8>),
    /// AES: MSE:Set AT, then GENERAL AUTHENTICATE.
    SetAtThenGeneralAuthenticate {
        /// Data of MSE:Set AT: `80 OID [84 key ID]`.
        mse_set_at: Vec<u8>,
        /// Data of GENERAL AUTHENTICATE: `7C{80 PK_PCD}`.
        general_authenticate: Vec<u8>,
    },
}

/// Chip side of the AES variant's GENERAL AUTHENTICATE: takes its data field (`7C{80 PK_PCD}`)
/// and returns the response data (`7C 00`, to send under the *old* keys) and the new keys.
pub fn chip_general_authenticate(
    params: CaParams,
    static_key: &EcPrivateKey,
    command_data: &[u8],
) -> Result<(Vec<u8>, SessionKeys)> {
    let data = DynamicAuthData::decode(command_data)?;
    let keys = chip_authenticate(params, static_key, data.require(0x80)?)?;
    Ok((DynamicAuthData::new().encode(), keys))
}

/// Data field of MSE:Set KAT for 3DES Chip Authentication: `91 PK_PCD [84 key ID]`.
pub fn mse_set_kat_data(pk_pcd: &EcPoint, key_id: Option<u64>) -> Vec<u8> {
    let mut out = encode(&[0x91], pk_pcd.to_sec1());
    if let Some(id) = key_id {
        let bytes = id.to_be_bytes();
        let skip = bytes.iter().take(7).take_while(|b| **b == 0).count();
        out.extend_from_slice(&encode(&[0x84], &bytes[skip..]));
    }
    out
}

/// Parses MSE:Set KAT data on the chip: returns the terminal's public key bytes and the key ID.
pub fn parse_mse_set_kat(data: &[u8]) -> Result<(Vec<u8>, Option<u64>)> {
    const CTX: &str = "MSE:Set KAT data";
    let objects = crate::tlv::read_flat(data, CTX)?;
    let get = |tag: u8| {
        objects
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.as_slice())
    };
    let pk = get(0x91)
        .ok_or(Error::MissingDataObject {
            context: CTX,
            tag: 0x91,
        })?
        .to_vec();
    let key_id = match get(0x84) {
        Some(v) if !v.is_empty() && v.len() <= 8 => {
            Some(v.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
        }
        Some(_) => {
            return Err(Error::Tlv {
                context: CTX,
                reason: "key ID must be 1 to 8 bytes",
                offset: 0,
            });
        }
        None => None,
    };
    Ok((pk, key_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec::Curve;
    use crate::params::ID_CA_ECDH_AES_128;

    #[test]
    fn kat_round_trip_and_errors() {
        let k = EcPrivateKey::from_bytes(Curve::NistP256, &[9; 32], "k").unwrap();
        let pk = k.public_key().unwrap();
        let data = mse_set_kat_data(&pk, Some(1));
        assert_eq!(&data[..2], &[0x91, 0x41]);
        assert_eq!(
            parse_mse_set_kat(&data).unwrap(),
            (pk.to_sec1().to_vec(), Some(1))
        );
        assert_eq!(
            parse_mse_set_kat(&mse_set_kat_data(&pk, None)).unwrap().1,
            None
        );
        assert!(matches!(
            parse_mse_set_kat(&[0x84, 0x01, 0x01]),
            Err(Error::MissingDataObject { tag: 0x91, .. })
        ));
        assert!(parse_mse_set_kat(&[0x91, 0x05, 0x04]).is_err());
        assert!(parse_mse_set_kat(&[0x91, 0x01, 0x04, 0x84, 0x00]).is_err());
    }

    #[test]
    fn command_data_by_cipher_and_chip_side_of_general_authenticate() {
        use crate::params::ID_CA_ECDH_3DES;
        let chip = EcPrivateKey::from_bytes(Curve::NistP256, &[5; 32], "chip").unwrap();
        let eph = EcPrivateKey::from_bytes(Curve::NistP256, &[6; 32], "eph").unwrap();
        let pk = chip.public_key().unwrap();

        let aes = CaParams::new(ID_CA_ECDH_AES_128).unwrap();
        let term = CaTerminal::with_key(aes, &pk, &eph).unwrap();
        let CaCommands::SetAtThenGeneralAuthenticate {
            mse_set_at,
            general_authenticate,
        } = term.commands(Some(1))
        else {
            panic!("AES uses MSE:Set AT + GA");
        };
        let mse = MseSetAt::decode(&mse_set_at).unwrap();
        assert_eq!(
            (mse.protocol_oid.as_slice(), mse.key_ref),
            (ID_CA_ECDH_AES_128, Some(1))
        );
        let (rsp, keys) = chip_general_authenticate(aes, &chip, &general_authenticate).unwrap();
        assert_eq!(rsp, [0x7C, 0x00]);
        assert_eq!(&keys, term.session_keys());
        assert!(matches!(
            chip_general_authenticate(aes, &chip, &[0x7C, 0x00]),
            Err(Error::MissingDataObject { tag: 0x80, .. })
        ));

        let tdes = CaParams::new(ID_CA_ECDH_3DES).unwrap();
        let term = CaTerminal::with_key(tdes, &pk, &eph).unwrap();
        let CaCommands::SetKat(kat) = term.commands(None) else {
            panic!("3DES uses MSE:Set KAT");
        };
        let (pk_pcd, id) = parse_mse_set_kat(&kat).unwrap();
        assert_eq!(id, None);
        assert_eq!(
            &chip_authenticate(tdes, &chip, &pk_pcd).unwrap(),
            term.session_keys()
        );
    }

    #[test]
    fn chip_refuses_bad_terminal_key() {
        let params = CaParams::new(ID_CA_ECDH_AES_128).unwrap();
        let k = EcPrivateKey::from_bytes(Curve::NistP256, &[9; 32], "k").unwrap();
        assert!(matches!(
            chip_authenticate(params, &k, &[0x04; 65]),
            Err(Error::InvalidPoint { .. })
        ));
        let bp = EcPrivateKey::from_bytes(Curve::BrainpoolP256r1, &[9; 32], "k").unwrap();
        assert!(CaTerminal::with_key(params, &k.public_key().unwrap(), &bp).is_err());
    }
}
