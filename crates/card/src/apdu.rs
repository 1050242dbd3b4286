//! Command and response APDUs (ISO/IEC 7816-4 §5.1) with ONE serializer and ONE parser, used by
//! the terminal (this crate) and the chip (`vchip`) alike, so an encoding bug cannot hide by being
//! mirrored on both sides.
//!
//! Le is kept as the number of bytes expected (1..=65536), never as its wire byte: short Le `00`
//! means 256 and extended Le `0000` means 65536. A command is encoded in the short form when its
//! data and Le fit, in the extended form otherwise or when [`Command::extended`] asks for it.

use crate::sw::StatusWord;
use std::fmt;

/// Largest data field of a short command (Lc is one byte).
pub const SHORT_MAX_DATA: usize = 255;
/// Largest Le of a short command (`00` = 256).
pub const SHORT_MAX_LE: usize = 256;
/// Largest data field of an extended command.
pub const EXTENDED_MAX_DATA: usize = 65_535;
/// Largest Le of an extended command (`0000` = 65536).
pub const EXTENDED_MAX_LE: usize = 65_536;

/// Why bytes are not a well-formed APDU (or a command cannot be encoded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApduError {
    #[error("command APDU of {len} bytes is shorter than its 4-byte header")]
    TooShort { len: usize },
    #[error("response APDU of {len} bytes has no status word")]
    NoStatusWord { len: usize },
    #[error("command APDU of {len} bytes: {reason}")]
    Malformed { len: usize, reason: &'static str },
    #[error("command data of {len} bytes exceeds the extended maximum of 65535")]
    DataTooLong { len: usize },
    #[error("Le of {le} is outside 1..=65536")]
    BadLe { le: usize },
}

/// A command APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    /// Command data (Lc is its length; empty = no Lc field).
    pub data: Vec<u8>,
    /// Expected response length in bytes (256 = short `00`, 65536 = extended `0000`); `None` = no Le.
    pub le: Option<usize>,
    /// Encode in the extended form even where the short form fits (set by the parser when the
    /// bytes used the extended form, so a chip can refuse it if its profile has no extended length).
    pub extended: bool,
}

impl Command {
    /// A command without data or Le.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
            extended: false,
        }
    }

    /// Sets the command data.
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets Le (bytes expected; 256 or 65536 for "as many as available").
    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Forces the extended encoding.
    pub fn extended(mut self) -> Self {
        self.extended = true;
        self
    }

    /// The four header bytes.
    pub fn header(&self) -> [u8; 4] {
        [self.cla, self.ins, self.p1, self.p2]
    }

    /// True when this command needs (or asked for) the extended encoding.
    pub fn is_extended(&self) -> bool {
        self.extended
            || self.data.len() > SHORT_MAX_DATA
            || self.le.is_some_and(|le| le > SHORT_MAX_LE)
    }

    /// Serializes the command: the one encoder of the project.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApduError> {
        if self.data.len() > EXTENDED_MAX_DATA {
            return Err(ApduError::DataTooLong {
                len: self.data.len(),
            });
        }
        if let Some(le) = self.le
            && !(1..=EXTENDED_MAX_LE).contains(&le)
        {
            return Err(ApduError::BadLe { le });
        }
        let mut out = Vec::with_capacity(4 + 3 + self.data.len() + 3);
        out.extend_from_slice(&self.header());
        if self.is_extended() {
            if !self.data.is_empty() {
                out.push(0);
                out.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                if self.data.is_empty() {
                    out.push(0);
                }
                out.extend_from_slice(&((le % 65_536) as u16).to_be_bytes());
            }
        } else {
            if !self.data.is_empty() {
                out.push(self.data.len() as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push((le % 256) as u8);
            }
        }
        Ok(out)
    }

    /// Parses a command APDU (ISO/IEC 7816-4 §5.1 cases 1, 2S/E, 3S/E, 4S/E). Untrusted input:
    /// every length is checked against what is there.
    pub fn parse(bytes: &[u8]) -> Result<Command, ApduError> {
        let len = bytes.len();
        if len < 4 {
            return Err(ApduError::TooShort { len });
        }
        let mut cmd = Command::new(bytes[0], bytes[1], bytes[2], bytes[3]);
        let body = &bytes[4..];
        let malformed = |reason| ApduError::Malformed { len, reason };
        match body.len() {
            0 => {}
            1 => cmd.le = Some(if body[0] == 0 { 256 } else { body[0] as usize }),
            _ if body[0] != 0 => {
                // short Lc
                let lc = body[0] as usize;
                let rest = &body[1..];
                if rest.len() == lc {
                    cmd.data = rest.to_vec();
                } else if rest.len() == lc + 1 {
                    cmd.data = rest[..lc].to_vec();
                    let le = rest[lc];
                    cmd.le = Some(if le == 0 { 256 } else { le as usize });
                } else {
                    return Err(malformed("short Lc does not match the data length"));
                }
            }
            3 => {
                // case 2E: 00 Le1 Le2
                cmd.extended = true;
                let le = u16::from_be_bytes([body[1], body[2]]) as usize;
                cmd.le = Some(if le == 0 { 65_536 } else { le });
            }
            n if n < 3 => return Err(malformed("truncated extended length field")),
            _ => {
                cmd.extended = true;
                let lc = u16::from_be_bytes([body[1], body[2]]) as usize;
                if lc == 0 {
                    return Err(malformed("extended Lc of zero"));
                }
                let rest = &body[3..];
                if rest.len() == lc {
                    cmd.data = rest.to_vec();
                } else if rest.len() == lc + 2 {
                    cmd.data = rest[..lc].to_vec();
                    let le = u16::from_be_bytes([rest[lc], rest[lc + 1]]) as usize;
                    cmd.le = Some(if le == 0 { 65_536 } else { le });
                } else {
                    return Err(malformed("extended Lc does not match the data length"));
                }
            }
        }
        Ok(cmd)
    }
}

impl fmt::Debug for Command {
    /// Header and lengths only: command data may hold secrets (keys, MRZ), so it is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Command {{ {:02X} {:02X} {:02X} {:02X}, Lc={}, Le={:?}{} }}",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.le,
            if self.is_extended() { ", extended" } else { "" }
        )
    }
}

/// A response APDU: data and the status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub fn new(data: impl Into<Vec<u8>>, sw: u16) -> Self {
        Response {
            data: data.into(),
            sw,
        }
    }

    /// A response with no data.
    pub fn status(sw: impl Into<u16>) -> Self {
        Response {
            data: Vec::new(),
            sw: sw.into(),
        }
    }

    /// Data with 9000.
    pub fn ok(data: impl Into<Vec<u8>>) -> Self {
        Response {
            data: data.into(),
            sw: 0x9000,
        }
    }

    /// The status word, typed.
    pub fn status_word(&self) -> StatusWord {
        StatusWord::from(self.sw)
    }

    /// True for 9000.
    pub fn is_ok(&self) -> bool {
        self.sw == 0x9000
    }

    /// Parses `data || SW1 SW2`.
    pub fn parse(bytes: &[u8]) -> Result<Response, ApduError> {
        if bytes.len() < 2 {
            return Err(ApduError::NoStatusWord { len: bytes.len() });
        }
        let (data, sw) = bytes.split_at(bytes.len() - 2);
        Ok(Response {
            data: data.to_vec(),
            sw: u16::from_be_bytes([sw[0], sw[1]]),
        })
    }

    /// Serializes `data || SW1 SW2`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_be_bytes());
        out
    }
}

impl fmt::Debug for Response {
    /// Length and status only: response data may be secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Response {{ {} bytes, SW={:04X} }}",
            self.data.len(),
            self.sw
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(hex_in: &str) -> Command {
        let bytes = hex::decode(hex_in).unwrap();
        let cmd = Command::parse(&bytes).unwrap();
        assert_eq!(hex::encode_upper(cmd.to_bytes().unwrap()), hex_in);
        cmd
    }

    #[test]
    fn short_cases_roundtrip() {
        let c1 = roundtrip("00A4040C");
        assert!(c1.data.is_empty() && c1.le.is_none());
        let c2 = roundtrip("0084000008");
        assert_eq!(c2.le, Some(8));
        let c2b = roundtrip("00B0000000");
        assert_eq!(c2b.le, Some(256));
        let c3 = roundtrip("00A4040C07A0000002471001");
        assert_eq!(c3.data.len(), 7);
        let c4 = roundtrip("0088000008F173589974BF40C600");
        assert_eq!((c4.data.len(), c4.le), (8, Some(256)));
    }

    #[test]
    fn extended_cases_roundtrip() {
        let c2 = roundtrip("00B00000000800");
        assert_eq!(c2.le, Some(2048));
        assert!(c2.extended);
        let c2z = roundtrip("00B00000000000");
        assert_eq!(c2z.le, Some(65_536));
        let data = vec![0xAB; 300];
        let cmd = Command::new(0, 0xD6, 0, 0).with_data(data.clone());
        let bytes = cmd.to_bytes().unwrap();
        assert_eq!(&bytes[4..7], &[0, 0x01, 0x2C]);
        assert_eq!(Command::parse(&bytes).unwrap().data, data);
        let c4 = Command::new(0, 0xB1, 0, 0)
            .with_data(vec![0x54, 0x02, 0x80, 0x00])
            .with_le(65_536);
        let b4 = c4.to_bytes().unwrap();
        assert_eq!(hex::encode_upper(&b4), "00B10000000004540280000000");
        let p4 = Command::parse(&b4).unwrap();
        assert_eq!((p4.data.len(), p4.le), (4, Some(65_536)));
    }

    #[test]
    fn forced_extended_small_command() {
        let cmd = Command::new(0, 0xB0, 0, 0).with_le(16).extended();
        assert_eq!(hex::encode_upper(cmd.to_bytes().unwrap()), "00B00000000010");
    }

    #[test]
    fn malformed_commands_are_rejected() {
        for bad in [
            "",
            "00A4",
            "00A4040C0501",
            "00A4040C0001",
            "00A4040C00000201",
        ] {
            let bytes = hex::decode(bad).unwrap();
            assert!(Command::parse(&bytes).is_err(), "{bad} accepted");
        }
        assert!(
            Command::new(0, 0, 0, 0)
                .with_data(vec![0; 65_536])
                .to_bytes()
                .is_err()
        );
        assert!(Command::new(0, 0, 0, 0).with_le(0).to_bytes().is_err());
    }

    #[test]
    fn response_parse_and_debug_hides_data() {
        let r = Response::parse(&hex::decode("4608F919887022129000").unwrap()).unwrap();
        assert!(r.is_ok());
        assert_eq!(r.data.len(), 8);
        assert_eq!(format!("{r:?}"), "Response { 8 bytes, SW=9000 }");
        assert!(Response::parse(&[0x90]).is_err());
        let c = Command::new(0, 0xDA, 0, 0x61).with_data(vec![1, 2, 3]);
        assert!(!format!("{c:?}").contains("010203"));
    }
}
