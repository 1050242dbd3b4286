//! Helpers shared by the chip tests: the shipped profiles, a terminal that speaks plain or
//! under secure messaging (with `reader`'s code), and personalization sequences per profile.
#![allow(dead_code)]

use std::sync::Arc;

use card::Profile;
use card::apdu::{Command, Response};
use card::bac::{BacKeys, MrzInfo};
use card::sm::SecureChannel;
use card::transport::{Exchange, Transmit};
use vchip::{Chip, InProcess};

pub const JMRTD: &str = include_str!("../../../../firmware-profiles/jmrtd-applet.toml");
pub const CCCD: &str = include_str!("../../../../firmware-profiles/cccd-chip.toml");

pub const DOC: &str = "C03005988";
pub const DOB: &str = "900101";
pub const DOE: &str = "300101";

pub fn profile(text: &str) -> Arc<Profile> {
    Arc::new(Profile::from_toml(text, "test profile").unwrap())
}

pub fn jmrtd() -> Arc<Profile> {
    profile(JMRTD)
}

pub fn cccd() -> Arc<Profile> {
    profile(CCCD)
}

pub fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// A terminal in front of an in-process chip.
pub struct Term {
    pub t: InProcess,
    pub sm: Option<SecureChannel>,
}

impl Term {
    pub fn new(chip: Chip) -> Self {
        Self {
            t: InProcess::new(chip),
            sm: None,
        }
    }

    /// Raw bytes in, raw bytes out (no 61xx handling, no SM).
    pub fn raw(&mut self, apdu: &[u8]) -> Vec<u8> {
        self.t.exchange(apdu).unwrap()
    }

    /// Sends plain (ending any session on the chip side) and returns the response.
    pub fn plain(&mut self, cmd: &Command) -> Response {
        self.sm = None;
        self.t.transmit(cmd).unwrap()
    }

    /// Sends under the session (panics without one); checks DO'99'/DO'8E' via unprotect.
    pub fn secure(&mut self, cmd: &Command) -> Response {
        let sm = self.sm.as_mut().expect("no SM session");
        let wrapped = sm.protect_command(cmd).unwrap();
        let resp = self.t.transmit(&wrapped).unwrap();
        let sm = self.sm.as_mut().unwrap();
        sm.unprotect_response(&resp).unwrap()
    }

    /// Plain before BAC, secure after.
    pub fn send(&mut self, cmd: &Command) -> Response {
        if self.sm.is_some() {
            self.secure(cmd)
        } else {
            self.t.transmit(cmd).unwrap()
        }
    }

    pub fn sw(&mut self, cmd: &Command) -> u16 {
        self.send(cmd).sw
    }

    /// BAC with the given MRZ fields.
    pub fn bac(&mut self, doc: &str, dob: &str, doe: &str) -> Result<(), card::Error> {
        self.sm = None;
        let keys = BacKeys::from_mrz(&MrzInfo::new(doc, dob, doe).unwrap());
        let sm = card::bac::authenticate(&mut self.t, &keys, &mut rand::rngs::OsRng)?;
        self.sm = Some(sm);
        Ok(())
    }

    pub fn reset(&mut self) {
        use card::Transport;
        self.sm = None;
        self.t.reset().unwrap();
    }

    pub fn chip(&self) -> &Chip {
        self.t.chip()
    }
}

pub fn cmd(cla: u8, ins: u8, p1: u8, p2: u8) -> Command {
    Command::new(cla, ins, p1, p2)
}

pub fn select_aid() -> Command {
    cmd(0, 0xA4, 4, 0x0C).with_data(h("A0000002471001"))
}

pub fn select_ef(fid: u16) -> Command {
    cmd(0, 0xA4, 2, 0x0C).with_data(fid.to_be_bytes().to_vec())
}

pub fn read(offset: u16, le: usize) -> Command {
    let [p1, p2] = offset.to_be_bytes();
    cmd(0, 0xB0, p1, p2).with_le(le)
}

pub fn read_sfi(sfi: u8, offset: u8, le: usize) -> Command {
    cmd(0, 0xB0, 0x80 | sfi, offset).with_le(le)
}

pub fn update(offset: u16, data: &[u8]) -> Command {
    let [p1, p2] = offset.to_be_bytes();
    cmd(0, 0xD6, p1, p2).with_data(data.to_vec())
}

pub fn mrz_data(doc: &str, dob: &str, doe: &str) -> Vec<u8> {
    let mut inner = Vec::new();
    for v in [doc, dob, doe] {
        card::tlv::write(&mut inner, 0x04, v.as_bytes());
    }
    card::tlv::encode(0x62, &inner)
}

pub fn put_mrz() -> Command {
    cmd(0, 0xDA, 0, 0x62).with_data(mrz_data(DOC, DOB, DOE))
}

pub fn jmrtd_create(fid: u16, size: u16) -> Command {
    let mut d = vec![0x63, 0x04];
    d.extend_from_slice(&size.to_be_bytes());
    d.extend_from_slice(&fid.to_be_bytes());
    cmd(0, 0xE0, 0, 0).with_data(d)
}

pub fn fcp_create(fid: u16, size: u16) -> Command {
    let mut inner = Vec::new();
    card::tlv::write(&mut inner, 0x80, &size.to_be_bytes());
    card::tlv::write(&mut inner, 0x83, &fid.to_be_bytes());
    cmd(0, 0xE0, 0, 0).with_data(card::tlv::encode(0x62, &inner))
}

/// A file set: (FID, bytes).
pub type Files = Vec<(u16, Vec<u8>)>;

/// A small LDS-like file set.
pub fn files(dg2_len: usize) -> Files {
    let mut dg2 = vec![0x75, 0x82];
    let body = dg2_len.saturating_sub(4);
    dg2.extend_from_slice(&(body as u16).to_be_bytes());
    dg2.extend((0..body).map(|i| (i * 7 % 251) as u8));
    vec![
        (0x011E, h("60145F0104303130365F36063034303030305C026175")),
        (0x0101, vec![0x61, 0x03, 0x5F, 0x1F, 0x00]),
        (0x0102, dg2),
        (0x011D, (0..1500).map(|i| (i % 256) as u8).collect()),
    ]
}

/// JMRTD host order: per file CREATE, SELECT, UPDATE in 255-byte chunks; PUT MRZ; AA key; LOCK.
pub fn personalize_jmrtd(term: &mut Term, files: &[(u16, Vec<u8>)], rsa: &rsa::RsaPrivateKey) {
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    assert_eq!(term.sw(&select_aid()), 0x9000);
    for (fid, data) in files {
        assert_eq!(term.sw(&jmrtd_create(*fid, data.len() as u16)), 0x9000);
        assert_eq!(term.sw(&select_ef(*fid)), 0x9000);
        for (i, chunk) in data.chunks(255).enumerate() {
            assert_eq!(term.sw(&update((i * 255) as u16, chunk)), 0x9000);
        }
    }
    assert_eq!(term.sw(&put_mrz()), 0x9000);
    let wrap = |tag: u32, v: Vec<u8>| card::tlv::encode(tag, &card::tlv::encode(0x04, &v));
    assert_eq!(
        term.sw(&cmd(0, 0xDA, 0, 0x60).with_data(wrap(0x60, rsa.n().to_bytes_be()))),
        0x9000
    );
    assert_eq!(
        term.sw(&cmd(0, 0xDA, 0, 0x61).with_data(wrap(0x61, rsa.d().to_bytes_be()))),
        0x9000
    );
    assert_eq!(term.sw(&cmd(0, 0xDA, 0xDE, 0xAD)), 0x9000);
}

/// cccd-chip order: FCP CREATE (selects), one extended UPDATE per file, PUT MRZ, GENERATE the
/// AA key, ACTIVATE. Returns the AA public point.
pub fn personalize_cccd(term: &mut Term, files: &[(u16, Vec<u8>)]) -> Vec<u8> {
    assert_eq!(term.sw(&select_aid()), 0x9000);
    for (fid, data) in files {
        assert_eq!(term.sw(&fcp_create(*fid, data.len() as u16)), 0x9000);
        assert_eq!(term.sw(&update(0, data)), 0x9000);
    }
    assert_eq!(term.sw(&put_mrz()), 0x9000);
    let r = term.send(&cmd(0, 0x46, 0, 1).with_le(256));
    assert_eq!(r.sw, 0x9000);
    assert_eq!(&r.data[..5], &[0x7F, 0x49, 0x43, 0x86, 0x41]);
    assert_eq!(term.sw(&cmd(0, 0x44, 0, 0)), 0x9000);
    r.data[5..].to_vec()
}

/// Reads a whole file under the session by SELECT + READ BINARY in `chunk`-byte steps.
pub fn read_file(term: &mut Term, fid: u16, chunk: usize) -> Vec<u8> {
    assert_eq!(term.sw(&select_ef(fid)), 0x9000);
    let mut out = Vec::new();
    loop {
        let r = term.send(&read(out.len() as u16, chunk));
        assert_eq!(r.sw, 0x9000, "reading {fid:04X} at {}", out.len());
        if r.data.is_empty() {
            return out;
        }
        out.extend_from_slice(&r.data);
        if r.data.len() < chunk {
            return out;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PACE and Chip Authentication: the terminal is `pace`'s, the APDUs are built here.

/// The CAN the PACE tests personalize.
pub const CAN: &str = "012345";

/// EF.CardAccess with one PACEInfo (id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameter 13):
/// the chip never parses it, it only has to serve it without access control.
pub const CARD_ACCESS_BYTES: &str = "3114 3012 060A 04007F00070202040202 020102 02010D";

/// PUT DATA CAN: `65 L { 04 L <digits> }`.
pub fn put_can(can: &str) -> Command {
    cmd(0, 0xDA, 0, 0x65).with_data(card::tlv::encode(
        0x65,
        &card::tlv::encode(0x04, can.as_bytes()),
    ))
}

/// FCP CREATE FILE with an explicit SFI (DO'88' = SFI << 3).
pub fn fcp_create_sfi(fid: u16, size: u16, sfi: u8) -> Command {
    let mut inner = Vec::new();
    card::tlv::write(&mut inner, 0x80, &size.to_be_bytes());
    card::tlv::write(&mut inner, 0x83, &fid.to_be_bytes());
    card::tlv::write(&mut inner, 0x88, &[sfi << 3]);
    cmd(0, 0xE0, 0, 0).with_data(card::tlv::encode(0x62, &inner))
}

/// What a personalized PACE chip gives the terminal: the public keys it generated.
pub struct PaceCard {
    pub aa_public: Vec<u8>,
    pub ca_public: Vec<u8>,
}

/// cccd-chip with PACE: EF.CardAccess and the files, PUT MRZ, PUT CAN (`can`, if any), the AA
/// and CA keys generated on the chip, ACTIVATE.
pub fn personalize_cccd_pace(
    term: &mut Term,
    files: &[(u16, Vec<u8>)],
    can: Option<&str>,
) -> PaceCard {
    assert_eq!(term.sw(&select_aid()), 0x9000);
    let card_access = h(CARD_ACCESS_BYTES);
    assert_eq!(
        term.sw(&fcp_create_sfi(0x011C, card_access.len() as u16, 0x1C)),
        0x9000
    );
    assert_eq!(term.sw(&update(0, &card_access)), 0x9000);
    for (fid, data) in files {
        assert_eq!(term.sw(&fcp_create(*fid, data.len() as u16)), 0x9000);
        assert_eq!(term.sw(&update(0, data)), 0x9000);
    }
    assert_eq!(term.sw(&put_mrz()), 0x9000);
    if let Some(can) = can {
        assert_eq!(term.sw(&put_can(can)), 0x9000);
    }
    let mut public = |p2: u8| {
        let r = term.send(&cmd(0, 0x46, 0, p2).with_le(256));
        assert_eq!(r.sw, 0x9000);
        assert_eq!(&r.data[..5], &[0x7F, 0x49, 0x43, 0x86, 0x41]);
        r.data[5..].to_vec()
    };
    let aa_public = public(1);
    let ca_public = public(2);
    assert_eq!(term.sw(&cmd(0, 0x44, 0, 0)), 0x9000);
    PaceCard {
        aa_public,
        ca_public,
    }
}

/// Where a PACE run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaceFailure {
    /// MSE:Set AT answered this status.
    Mse(u16),
    /// GENERAL AUTHENTICATE step `step` (1-4) answered `sw`.
    Ga { step: usize, sw: u16 },
    /// The terminal refused the chip's answer.
    Terminal(pace::Error),
}

/// MSE:Set AT for PACE naming `params` (with the parameter ID) and `kind`.
pub fn pace_mse(params: pace::PaceParams, kind: pace::PasswordKind) -> Command {
    let data = pace::MseSetAt {
        protocol_oid: params.protocol_oid().to_vec(),
        password_ref: Some(kind.reference()),
        key_ref: Some(params.parameter_id()),
    }
    .encode();
    cmd(0, 0x22, 0xC1, 0xA4).with_data(data)
}

impl Term {
    /// PACE in plain with `pace::PaceTerminal`; on success the terminal's session is the AES
    /// channel of the agreed keys (SSC 0), as the chip's should be.
    pub fn pace(
        &mut self,
        params: pace::PaceParams,
        password: &pace::Password,
    ) -> Result<(), PaceFailure> {
        let r = self.plain(&pace_mse(params, password.kind()));
        if r.sw != 0x9000 {
            return Err(PaceFailure::Mse(r.sw));
        }
        let mut terminal = pace::PaceTerminal::new(params, password);
        let mut step = pace::PaceTerminal::first_command();
        let mut n = 0;
        loop {
            match step {
                pace::TerminalStep::Send { data, chained } => {
                    n += 1;
                    let cla = if chained { 0x10 } else { 0x00 };
                    let r = self.plain(&cmd(cla, 0x86, 0, 0).with_data(data).with_le(256));
                    if r.sw != 0x9000 {
                        return Err(PaceFailure::Ga { step: n, sw: r.sw });
                    }
                    step = terminal
                        .next_step(&r.data, &mut rand::rngs::OsRng)
                        .map_err(PaceFailure::Terminal)?;
                }
                pace::TerminalStep::Established(keys) => {
                    self.sm = Some(SecureChannel::from_session_keys(&keys).unwrap());
                    return Ok(());
                }
            }
        }
    }

    /// Sends under the session and reports a response that does not verify instead of
    /// panicking (a cloned chip after Chip Authentication).
    pub fn try_secure(&mut self, cmd: &Command) -> Result<Response, card::sm::SmError> {
        let sm = self.sm.as_mut().expect("no SM session");
        let wrapped = sm.protect_command(cmd).unwrap();
        let resp = self.t.transmit(&wrapped).unwrap();
        self.sm.as_mut().unwrap().unprotect_response(&resp)
    }

    pub fn chip_mut(&mut self) -> &mut Chip {
        self.t.chip_mut()
    }
}
