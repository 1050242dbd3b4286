//! The PC/SC side of the `vchip` tests and benchmarks: a `pcsc` card connection as a transport,
//! and the cccd-chip card personalized in plain and read back with BAC through pcscd.
#![allow(dead_code)]

pub mod vpcd;

use crate::common::{DOB, DOC, DOE, cmd, fcp_create, put_mrz, read_sfi, update};
use card::transport::{Exchange, Transmit};

/// A PC/SC card connection as a transport.
pub struct Card {
    pub card: pcsc::Card,
    buf: Vec<u8>,
}

impl Card {
    pub fn new(card: pcsc::Card) -> Self {
        Self {
            card,
            buf: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        }
    }
}

impl Exchange for Card {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, card::Error> {
        self.card
            .transmit(command, &mut self.buf)
            .map(<[u8]>::to_vec)
            .map_err(|e| card::Error::Transport {
                reason: e.to_string(),
            })
    }
}

/// cccd-chip order, in plain (the personalization state): per file FCP CREATE and one UPDATE,
/// PUT MRZ, GENERATE the AA key, ACTIVATE; every answer 9000. The APDUs sent.
pub fn personalize_plain(card: &mut Card, files: &[(u16, Vec<u8>)]) -> usize {
    for (fid, data) in files {
        let create = fcp_create(*fid, data.len() as u16);
        assert_eq!(card.transmit(&create).unwrap().sw, 0x9000);
        assert_eq!(card.transmit(&update(0, data)).unwrap().sw, 0x9000);
    }
    assert_eq!(card.transmit(&put_mrz()).unwrap().sw, 0x9000);
    let generate = cmd(0, 0x46, 0, 1).with_le(256);
    assert_eq!(card.transmit(&generate).unwrap().sw, 0x9000);
    assert_eq!(card.transmit(&cmd(0, 0x44, 0, 0)).unwrap().sw, 0x9000);
    2 * files.len() + 3
}

/// BAC with the test MRZ.
pub fn bac(card: &mut Card) -> card::SecureChannel {
    let keys = card::bac::BacKeys::from_mrz(&card::bac::MrzInfo::new(DOC, DOB, DOE).unwrap());
    card::bac::authenticate(card, &keys, &mut rand::rngs::OsRng).unwrap()
}

/// `cmd` under the session.
pub fn secure(
    card: &mut Card,
    sm: &mut card::SecureChannel,
    cmd: &card::Command,
) -> card::Response {
    let wrapped = sm.protect_command(cmd).unwrap();
    let resp = card.transmit(&wrapped).unwrap();
    sm.unprotect_response(&resp).unwrap()
}

/// Every file read back under the session by SFI with extended Le: 9000 and byte-equal. The
/// APDUs sent.
pub fn read_back(card: &mut Card, sm: &mut card::SecureChannel, files: &[(u16, Vec<u8>)]) -> usize {
    for (fid, data) in files {
        let r = secure(card, sm, &read_sfi(*fid as u8, 0, 65_536));
        assert_eq!(r.sw, 0x9000);
        assert_eq!(&r.data, data, "{fid:04X}");
    }
    files.len()
}
