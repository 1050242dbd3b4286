//! Access control, terminal side: which protocol opens secure messaging with the chip, and
//! PACE itself (ICAO 9303-11 §4.4): the PACEInfos of EF.CardAccess, MSE:Set AT and the four
//! GENERAL AUTHENTICATE steps, ending in an AES (or 3DES) [`SecureChannel`]. The arithmetic is
//! the `pace` crate's, shared with the virtual chip; this module only frames the APDUs.
//!
//! BAC lives in [`crate::bac`]; an inspection tries the [`Access`] list in order and resets the
//! card between attempts.

use crate::apdu::Command;
use crate::bac::{self, BacKeys, MrzInfo};
use crate::can::Can;
use crate::error::Error;
use crate::sm::SecureChannel;
use crate::sw::StatusWord;
use crate::transport::{Exchange, transmit};
use std::fmt;

/// The password PACE runs with.
#[derive(Clone)]
pub enum PacePassword {
    /// The Card Access Number (`--can`; Vietnam: the last 6 digits of the ID number).
    Can(Can),
    /// The MRZ fields (document number, birth, expiry).
    Mrz(MrzInfo),
}

impl fmt::Debug for PacePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl PacePassword {
    /// "CAN" or "MRZ", for reports.
    pub fn name(&self) -> &'static str {
        match self {
            PacePassword::Can(_) => "CAN",
            PacePassword::Mrz(_) => "MRZ",
        }
    }

    /// The `pace` password (K_π derives from it).
    pub fn password(&self) -> Result<pace::Password, Error> {
        Ok(match self {
            PacePassword::Can(can) => can.password(),
            PacePassword::Mrz(m) => pace::Password::from_mrz_information(&m.mrz_information())?,
        })
    }
}

/// One access-control attempt of an inspection.
#[derive(Debug, Clone)]
pub enum Access {
    /// PACE with the parameters EF.CardAccess offers; skipped when the chip has no EF.CardAccess.
    Pace(PacePassword),
    /// Basic Access Control with the MRZ fields.
    Bac(MrzInfo),
}

impl Access {
    /// "PACE" or "BAC".
    pub fn name(&self) -> &'static str {
        match self {
            Access::Pace(_) => "PACE",
            Access::Bac(_) => "BAC",
        }
    }
}

/// What a successful PACE ran with, for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaceRun {
    /// "CAN" or "MRZ".
    pub password: &'static str,
    /// The PACEInfo used: protocol OID (dotted) and standardized domain parameter ID.
    pub protocol: String,
    pub parameter_id: u64,
    /// e.g. "ECDH-GM AES-128 brainpoolP256r1".
    pub description: String,
}

/// The PACE parameter sets of EF.CardAccess this reader can run, in the file's order. PACEInfos
/// it cannot run (DH, unknown OIDs, proprietary parameters) are skipped; `Err` when the file
/// does not decode.
pub fn pace_offers(card_access: &[u8]) -> Result<Vec<pace::PaceParams>, Error> {
    let infos =
        lds::SecurityInfos::decode_card_access(card_access).map_err(|e| Error::Inspect {
            file: "EF.CardAccess".into(),
            reason: e.to_string(),
        })?;
    Ok(infos
        .0
        .iter()
        .filter_map(|info| match info {
            lds::SecurityInfo::Pace {
                protocol,
                parameter_id: Some(id),
                ..
            } => pace::PaceParams::new(&protocol.0, *id).ok(),
            _ => None,
        })
        .collect())
}

/// Runs PACE over the raw exchange with the first parameter set of `offers` and returns the
/// secure-messaging channel. A chip answer other than 9000 is an [`Error::Status`] naming the
/// step (a wrong password shows at the token step, mutual authentication).
pub fn pace_establish(
    ch: &mut dyn Exchange,
    offers: &[pace::PaceParams],
    password: &PacePassword,
) -> Result<(SecureChannel, PaceRun), Error> {
    let params = *offers.first().ok_or_else(|| Error::Inspect {
        file: "EF.CardAccess".into(),
        reason: "no PACEInfo with a protocol and domain parameters this reader supports".into(),
    })?;
    let pw = password.password()?;
    // DO'84' names the domain parameters: required when the chip offers several (cccd-chip
    // offers brainpoolP256r1 and P-256 with the same protocol), harmless otherwise.
    let mse = pace::MseSetAt {
        protocol_oid: params.protocol_oid().to_vec(),
        password_ref: Some(pw.kind().reference()),
        key_ref: Some(params.parameter_id()),
    }
    .encode();
    let r = transmit(ch, &Command::new(0x00, 0x22, 0xC1, 0xA4).with_data(mse))?;
    if !r.is_ok() {
        return Err(status("PACE MSE:Set AT", r.status_word()));
    }
    let mut terminal = pace::PaceTerminal::new(params, &pw);
    let mut step = pace::PaceTerminal::first_command();
    const STEPS: [&str; 4] = [
        "encrypted nonce",
        "map nonce",
        "key agreement",
        "mutual authentication",
    ];
    let mut n = 0;
    let keys = loop {
        match step {
            pace::TerminalStep::Send { data, chained } => {
                let cla = if chained { 0x10 } else { 0x00 };
                let cmd = Command::new(cla, 0x86, 0x00, 0x00)
                    .with_data(data)
                    .with_le(256);
                let r = transmit(ch, &cmd)?;
                let what = STEPS.get(n).copied().unwrap_or("extra step");
                n += 1;
                if !r.is_ok() {
                    return Err(status(
                        &format!("PACE GENERAL AUTHENTICATE ({what})"),
                        r.status_word(),
                    ));
                }
                step = terminal.next_step(&r.data, &mut rand::rngs::OsRng)?;
            }
            pace::TerminalStep::Established(keys) => break keys,
        }
    };
    let channel = SecureChannel::from_session_keys(&keys)?;
    let run = PaceRun {
        password: password.name(),
        protocol: dotted(params.protocol_oid()),
        parameter_id: params.parameter_id(),
        description: describe(params),
    };
    Ok((channel, run))
}

/// BAC over the raw exchange (the application is already selected).
pub fn bac_establish(ch: &mut dyn Exchange, mrz: &MrzInfo) -> Result<SecureChannel, Error> {
    bac::authenticate(ch, &BacKeys::from_mrz(mrz), &mut rand::rngs::OsRng)
}

fn status(command: &str, sw: StatusWord) -> Error {
    Error::Status {
        command: command.to_string(),
        sw,
    }
}

/// "ECDH-GM AES-128 brainpoolP256r1".
fn describe(params: pace::PaceParams) -> String {
    let oid = params.protocol_oid();
    let (mapping, cipher) = match oid.last().zip(oid.get(oid.len().wrapping_sub(2))) {
        Some((2, 2)) => ("ECDH-GM", "AES-128"),
        Some((3, 2)) => ("ECDH-GM", "AES-192"),
        Some((4, 2)) => ("ECDH-GM", "AES-256"),
        Some((2, 4)) => ("ECDH-IM", "AES-128"),
        _ => ("PACE", "?"),
    };
    let curve = pace::Curve::from_parameter_id(params.parameter_id())
        .map(|c| c.name())
        .unwrap_or("?");
    format!("{mapping} {cipher} {curve}")
}

/// An OID's content octets in dotted form.
pub fn dotted(content: &[u8]) -> String {
    lds::Oid(content.to_vec()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_descriptions() {
        assert_eq!(
            dotted(pace::params::ID_PACE_ECDH_GM_AES_128),
            "0.4.0.127.0.7.2.2.4.2.2"
        );
        assert_eq!(dotted(&[0x2A, 0x86, 0x48]), "1.2.840");
        let p = pace::PaceParams::new(pace::params::ID_PACE_ECDH_GM_AES_256, 12).unwrap();
        assert_eq!(describe(p), "ECDH-GM AES-256 NIST P-256");
        let p = pace::PaceParams::new(pace::params::ID_PACE_ECDH_IM_AES_128, 13).unwrap();
        assert!(
            describe(p).starts_with("ECDH-IM AES-128 "),
            "{}",
            describe(p)
        );
    }

    #[test]
    fn card_access_offers_skip_what_we_cannot_run() {
        let ca = lds::SecurityInfos(vec![
            lds::SecurityInfo::pace(pace::params::ID_PACE_ECDH_GM_AES_128, Some(13)),
            // DH Generic Mapping (id-PACE-DH-GM-AES-CBC-CMAC-128): not implemented here
            lds::SecurityInfo::pace(
                &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x02],
                Some(0),
            ),
            lds::SecurityInfo::pace(pace::params::ID_PACE_ECDH_GM_AES_128, Some(12)),
        ])
        .encode();
        let offers = pace_offers(&ca).unwrap();
        assert_eq!(offers.len(), 2);
        assert!(
            offers
                .iter()
                .all(|p| p.protocol_oid() == pace::params::ID_PACE_ECDH_GM_AES_128)
        );
        assert!(pace_offers(&[0x31, 0x02, 0x05, 0x00]).is_err());
        assert!(pace_offers(&[]).is_err());
    }

    #[test]
    fn passwords_are_named_and_redacted() {
        let can = PacePassword::Can(Can::new("012345").unwrap());
        assert_eq!(format!("{can:?}"), "CAN");
        assert_eq!(can.password().unwrap().kind(), pace::PasswordKind::Can);
        let mrz = PacePassword::Mrz(MrzInfo::new("T22000129", "640812", "101031").unwrap());
        assert_eq!(mrz.password().unwrap().kind(), pace::PasswordKind::Mrz);
        assert_eq!(mrz.name(), "MRZ");
    }
}
