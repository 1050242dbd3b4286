//! Chip Authentication, terminal side (ICAO 9303-11 §6.2): the chip proves it holds the private
//! key of the DG14 public key (which passive authentication covers) by deriving the same new
//! session keys from an ECDH with our ephemeral key. There is no explicit answer to check: the
//! proof is that the chip's next protected response verifies under the new keys. A cloned chip
//! (DG14 copied, private key unknown) fails there, or earlier when it has no key at all.
//!
//! Commands, under the current secure messaging: AES — MSE:Set AT `00 22 41 A4` then GENERAL
//! AUTHENTICATE `00 86 00 00` (answer `7C 00`); 3DES — MSE:Set KAT `00 22 41 A6`.

use crate::apdu::Command;
use crate::error::Error;
use crate::session::Session;
use crate::sm::SecureChannel;

/// What DG14 offers for Chip Authentication.
#[derive(Debug, Clone)]
pub struct CaOffer {
    params: pace::CaParams,
    key: pace::EcPoint,
    key_id: Option<u64>,
    /// The ChipAuthenticationInfo protocol, dotted.
    pub protocol: String,
}

impl CaOffer {
    /// Reads DG14: `Ok(None)` when it has no ChipAuthenticationPublicKeyInfo, `Err` when it does
    /// not decode or the key or protocol is one this reader cannot use. Without a
    /// ChipAuthenticationInfo for the key, CA version 1 with 3DES is implied (Part 11 §9.2.5).
    pub fn from_dg14(dg14: &[u8]) -> Result<Option<CaOffer>, Error> {
        let bad = |reason: String| Error::Inspect {
            file: "DG14".into(),
            reason,
        };
        let infos = lds::SecurityInfos::decode_dg14(dg14)
            .map_err(|e| bad(format!("does not decode: {e}")))?;
        let Some((spki, key_id)) = infos.0.iter().find_map(|i| match i {
            lds::SecurityInfo::ChipAuthenticationPublicKey {
                public_key, key_id, ..
            } => Some((public_key, *key_id)),
            _ => None,
        }) else {
            return Ok(None);
        };
        let protocol = infos
            .0
            .iter()
            .find_map(|i| match i {
                lds::SecurityInfo::ChipAuthentication {
                    protocol,
                    key_id: id,
                    ..
                } if *id == key_id || id.is_none() => Some(protocol.0.clone()),
                _ => None,
            })
            .unwrap_or_else(|| pace::params::ID_CA_ECDH_3DES.to_vec());
        let params = pace::CaParams::new(&protocol)
            .map_err(|e| bad(format!("Chip Authentication protocol: {e}")))?;
        let key = pace::EcPoint::from_spki_parts(
            spki.parameters.as_deref().unwrap_or_default(),
            &spki.key,
            "DG14 Chip Authentication key",
        )
        .map_err(|e| bad(format!("Chip Authentication key: {e}")))?;
        Ok(Some(CaOffer {
            params,
            key,
            key_id,
            protocol: crate::access::dotted(&protocol),
        }))
    }

    /// "ECDH P-256 AES-128"-style summary for reports.
    pub fn describe(&self) -> String {
        let cipher = match self.params.protocol_oid().last() {
            Some(1) => "3DES",
            Some(2) => "AES-128",
            Some(3) => "AES-192",
            Some(4) => "AES-256",
            _ => "?",
        };
        format!("ECDH {} {cipher}", self.key.curve().name())
    }
}

/// Runs Chip Authentication in `s` (which must be under secure messaging) and switches `s` to
/// the new keys. `Ok` means the chip accepted our key; whether it really holds the private key
/// shows on the next protected response (the caller reads something and compares).
pub fn authenticate(s: &mut Session<'_>, offer: &CaOffer) -> Result<(), Error> {
    let terminal = pace::CaTerminal::new(offer.params, &offer.key, &mut rand::rngs::OsRng)?;
    match terminal.commands(offer.key_id) {
        pace::CaCommands::SetKat(data) => {
            s.transmit_ok(
                &Command::new(0x00, 0x22, 0x41, 0xA6).with_data(data),
                "CA MSE:Set KAT",
            )?;
        }
        pace::CaCommands::SetAtThenGeneralAuthenticate {
            mse_set_at,
            general_authenticate,
        } => {
            s.transmit_ok(
                &Command::new(0x00, 0x22, 0x41, 0xA4).with_data(mse_set_at),
                "CA MSE:Set AT",
            )?;
            let answer = s.transmit_ok(
                &Command::new(0x00, 0x86, 0x00, 0x00)
                    .with_data(general_authenticate)
                    .with_le(256),
                "CA GENERAL AUTHENTICATE",
            )?;
            if answer != [0x7C, 0x00] {
                return Err(Error::Inspect {
                    file: "Chip Authentication".into(),
                    reason: format!(
                        "GENERAL AUTHENTICATE answered {} instead of 7C00",
                        hex::encode_upper(&answer)
                    ),
                });
            }
        }
    }
    s.secure(SecureChannel::from_session_keys(terminal.session_keys())?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p256_spki(point: &[u8]) -> lds::SubjectPublicKeyInfo {
        lds::SubjectPublicKeyInfo::decode(&crate::aa::p256_spki(point).unwrap(), 0).unwrap()
    }

    #[test]
    fn dg14_offers() {
        let sk =
            pace::EcPrivateKey::generate(pace::Curve::NistP256, &mut rand::rngs::OsRng).unwrap();
        let point = sk.public_key().unwrap();
        let dg14 = lds::LdsOptions {
            ca_public_key: Some(p256_spki(point.to_sec1())),
            ..Default::default()
        }
        .security_files()
        .unwrap()
        .dg14
        .unwrap();
        let offer = CaOffer::from_dg14(&dg14).unwrap().unwrap();
        assert_eq!(offer.describe(), "ECDH NIST P-256 AES-128");
        assert_eq!(offer.protocol, "0.4.0.127.0.7.2.2.3.2.2");
        assert_eq!(offer.key.to_sec1(), point.to_sec1());

        // DG14 with only an AA info: no CA offer.
        let aa_only = lds::LdsOptions {
            aa_public_key: Some(p256_spki(point.to_sec1())),
            ..Default::default()
        }
        .security_files()
        .unwrap()
        .dg14
        .unwrap();
        assert!(CaOffer::from_dg14(&aa_only).unwrap().is_none());
        assert!(CaOffer::from_dg14(&[0x6E, 0x01, 0x00]).is_err());
    }
}
