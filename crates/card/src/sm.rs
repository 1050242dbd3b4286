//! Secure messaging (ICAO 9303-11 §9.8, ISO/IEC 7816-4 §10), both sides of the wire:
//!
//! | side | command | response |
//! |---|---|---|
//! | terminal | [`SecureChannel::protect_command`] | [`SecureChannel::unprotect_response`] |
//! | chip | [`SecureChannel::unprotect_command`] | [`SecureChannel::protect_response`] |
//!
//! The send sequence counter is incremented before every command MAC and before every response
//! MAC, on both sides, so a terminal channel and a chip channel built from the same keys and SSC
//! stay in step. The cipher is a trait object ([`SmCipher`]): [`Tdes`] now (BAC), AES-CBC/CMAC
//! slots in for PACE and CA with a 16-byte SSC and IV = E(K, SSC).
//!
//! Data objects: `87` (padding-content indicator `01` + cryptogram; even INS), `85` (cryptogram
//! of BER-TLV data; odd INS), `97` (Le), `99` (status word), `8E` (8-byte MAC).

use crate::apdu::{Command, Response};
use crate::crypto;
use crate::tlv;
use std::fmt;
use zeroize::Zeroizing;

/// Why a secure-messaging APDU could not be protected or unprotected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmError {
    #[error("secure messaging: data object {tag:02X} malformed: {reason}")]
    Malformed { tag: u8, reason: &'static str },
    #[error("secure messaging: required data object {tag:02X} missing")]
    Missing { tag: u8 },
    #[error("secure messaging: unexpected data object {tag:02X}")]
    Unexpected { tag: u8 },
    #[error("secure messaging: MAC (DO'8E') does not verify")]
    BadMac,
    #[error("secure messaging: cryptogram does not decrypt to padded data")]
    BadPadding,
    #[error("secure messaging: card answered {sw:04X} without secure messaging (session ended)")]
    Unprotected { sw: u16 },
    #[error("secure messaging: command class {cla:02X} does not indicate secure messaging")]
    NotProtected { cla: u8 },
    #[error("secure messaging: SSC of {got} bytes, the cipher needs {want}")]
    BadSsc { got: usize, want: usize },
}

/// The cipher suite of a secure-messaging session: encryption of data fields and the MAC.
/// Implementations hold session keys and zeroize them on drop.
pub trait SmCipher: Send {
    /// Cipher block length: 8 (3DES) or 16 (AES); also the SSC length and the padding block.
    fn block_len(&self) -> usize;
    /// Encrypts already padded data for the current SSC (3DES ignores it: IV zero).
    fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Vec<u8>;
    /// Decrypts a cryptogram for the current SSC; `None` when its length is not whole blocks.
    fn decrypt(&self, ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>>;
    /// The 8-byte MAC over already padded data (which starts with the SSC).
    fn mac(&self, padded: &[u8]) -> [u8; 8];
    /// A short name for reports ("3DES", "AES-128").
    fn name(&self) -> &'static str;
}

/// 2-key 3DES secure messaging (BAC, and PACE/CA with 3DES): CBC with IV zero, retail MAC.
pub struct Tdes {
    kenc: Zeroizing<[u8; 16]>,
    kmac: Zeroizing<[u8; 16]>,
}

impl Tdes {
    pub fn new(kenc: [u8; 16], kmac: [u8; 16]) -> Self {
        Tdes {
            kenc: Zeroizing::new(kenc),
            kmac: Zeroizing::new(kmac),
        }
    }
}

impl SmCipher for Tdes {
    fn block_len(&self) -> usize {
        8
    }
    fn encrypt(&self, _ssc: &[u8], padded: &[u8]) -> Vec<u8> {
        crypto::tdes_cbc_encrypt(&self.kenc, &[0; 8], padded)
    }
    fn decrypt(&self, _ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>> {
        crypto::tdes_cbc_decrypt(&self.kenc, &[0; 8], cryptogram)
    }
    fn mac(&self, padded: &[u8]) -> [u8; 8] {
        crypto::retail_mac(&self.kmac, padded)
    }
    fn name(&self) -> &'static str {
        "3DES"
    }
}

/// AES secure messaging (PACE and Chip Authentication with AES): CBC with IV = E(K_enc, SSC),
/// CMAC truncated to 8 bytes, a 16-byte SSC. The arithmetic is `pace`'s, shared with the chip.
pub struct Aes(pace::AesCipher);

impl Aes {
    pub fn new(cipher: pace::AesCipher) -> Self {
        Aes(cipher)
    }
}

impl SmCipher for Aes {
    fn block_len(&self) -> usize {
        16
    }
    fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Vec<u8> {
        // SecureChannel passes whole blocks and a 16-byte SSC (checked at construction), so
        // the only error `pace` can return cannot happen here.
        self.0.encrypt(ssc, padded).unwrap_or_default()
    }
    fn decrypt(&self, ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>> {
        self.0.decrypt(ssc, cryptogram).ok()
    }
    fn mac(&self, padded: &[u8]) -> [u8; 8] {
        self.0.mac(padded)
    }
    fn name(&self) -> &'static str {
        self.0.name()
    }
}

/// One secure-messaging session: the cipher and the send sequence counter.
pub struct SecureChannel {
    cipher: Box<dyn SmCipher>,
    ssc: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for SecureChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecureChannel {{ {}, keys and SSC redacted }}",
            self.cipher.name()
        )
    }
}

impl SecureChannel {
    /// A session with `cipher` starting at `ssc` (its length must be the cipher's block length).
    pub fn new(cipher: Box<dyn SmCipher>, ssc: &[u8]) -> Result<Self, SmError> {
        if ssc.len() != cipher.block_len() {
            return Err(SmError::BadSsc {
                got: ssc.len(),
                want: cipher.block_len(),
            });
        }
        Ok(SecureChannel {
            cipher,
            ssc: Zeroizing::new(ssc.to_vec()),
        })
    }

    /// A 3DES session (BAC).
    pub fn tdes(kenc: [u8; 16], kmac: [u8; 16], ssc: [u8; 8]) -> Self {
        SecureChannel {
            cipher: Box::new(Tdes::new(kenc, kmac)),
            ssc: Zeroizing::new(ssc.to_vec()),
        }
    }

    /// The session PACE or Chip Authentication established: AES with a zero 16-byte SSC, or
    /// 3DES with a zero 8-byte SSC (ICAO 9303-11 §9.8: SSC = 0 after PACE and after CA).
    pub fn from_session_keys(keys: &pace::SessionKeys) -> Result<Self, pace::Error> {
        if keys.cipher() == pace::Cipher::Tdes {
            let (mut kenc, mut kmac) = ([0u8; 16], [0u8; 16]);
            kenc.copy_from_slice(keys.k_enc().get(..16).ok_or(pace::Error::BadInput {
                what: "3DES session key",
                reason: "shorter than 16 bytes".into(),
            })?);
            kmac.copy_from_slice(keys.k_mac().get(..16).ok_or(pace::Error::BadInput {
                what: "3DES session key",
                reason: "shorter than 16 bytes".into(),
            })?);
            let channel = SecureChannel::tdes(kenc, kmac, [0; 8]);
            zeroize::Zeroize::zeroize(&mut kenc);
            zeroize::Zeroize::zeroize(&mut kmac);
            return Ok(channel);
        }
        let cipher = Aes::new(pace::AesCipher::new(keys)?);
        Ok(SecureChannel {
            cipher: Box::new(cipher),
            ssc: Zeroizing::new(vec![0; 16]),
        })
    }

    /// The cipher's block length (8 for 3DES, 16 for AES): what response sizes are planned with.
    pub fn block_len(&self) -> usize {
        self.cipher.block_len()
    }

    /// The current send sequence counter (for tests and traces of test vectors).
    pub fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    /// The cipher's name.
    pub fn cipher_name(&self) -> &'static str {
        self.cipher.name()
    }

    fn increment_ssc(&mut self) {
        for b in self.ssc.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }

    fn mac_over(&self, parts: &[&[u8]]) -> [u8; 8] {
        let mut m = self.ssc.to_vec();
        for p in parts {
            m.extend_from_slice(p);
        }
        self.cipher.mac(&crypto::pad(&m, self.cipher.block_len()))
    }

    fn encrypt_data(&self, data: &[u8]) -> Vec<u8> {
        let padded = Zeroizing::new(crypto::pad(data, self.cipher.block_len()));
        self.cipher.encrypt(&self.ssc, &padded)
    }

    /// The plain data of DO'87' (padding-content indicator 01 first) or DO'85', or none.
    fn open_cryptogram(&self, crypt: Option<(u32, &[u8])>) -> Result<Vec<u8>, SmError> {
        match crypt {
            None => Ok(Vec::new()),
            Some((0x87, v)) => {
                let (indicator, c) = v.split_first().ok_or(SmError::Malformed {
                    tag: 0x87,
                    reason: "empty",
                })?;
                if *indicator != 0x01 {
                    return Err(SmError::Malformed {
                        tag: 0x87,
                        reason: "padding-content indicator is not 01",
                    });
                }
                self.decrypt_data(c)
            }
            Some((_, v)) => self.decrypt_data(v),
        }
    }

    fn decrypt_data(&self, cryptogram: &[u8]) -> Result<Vec<u8>, SmError> {
        let plain = Zeroizing::new(
            self.cipher
                .decrypt(&self.ssc, cryptogram)
                .ok_or(SmError::BadPadding)?,
        );
        crypto::unpad(&plain)
            .map(<[u8]>::to_vec)
            .ok_or(SmError::BadPadding)
    }

    /// Terminal: wraps a plain command (CLA gets bits `0C`; data in DO'87' or, for odd INS,
    /// DO'85'; Le in DO'97'; MAC in DO'8E'). The protected command asks for as many response bytes
    /// as its form allows (short `00` or extended `0000`).
    pub fn protect_command(&mut self, cmd: &Command) -> Result<Command, SmError> {
        self.increment_ssc();
        let cla = cmd.cla | 0x0C;
        let header = [cla, cmd.ins, cmd.p1, cmd.p2];
        let mut dos = Vec::new();
        if !cmd.data.is_empty() {
            let crypt = self.encrypt_data(&cmd.data);
            if cmd.ins & 1 == 1 {
                tlv::write(&mut dos, 0x85, &crypt);
            } else {
                let mut v = Vec::with_capacity(crypt.len() + 1);
                v.push(0x01);
                v.extend_from_slice(&crypt);
                tlv::write(&mut dos, 0x87, &v);
            }
        }
        let extended = cmd.is_extended();
        if let Some(le) = cmd.le {
            if extended {
                tlv::write(&mut dos, 0x97, &((le % 65_536) as u16).to_be_bytes());
            } else {
                tlv::write(&mut dos, 0x97, &[(le % 256) as u8]);
            }
        }
        let mac = self.mac_over(&[&crypto::pad(&header, self.cipher.block_len()), &dos]);
        tlv::write(&mut dos, 0x8E, &mac);
        let mut out = Command::new(cla, cmd.ins, cmd.p1, cmd.p2).with_data(dos);
        out.extended = extended || out.data.len() > crate::apdu::SHORT_MAX_DATA;
        out.le = Some(if out.extended { 65_536 } else { 256 });
        Ok(out)
    }

    /// Chip: verifies and unwraps a protected command into the plain command (CLA bits `0C`
    /// cleared). On any error the chip answers `6988` (or `6987`) in plain and ends the session.
    pub fn unprotect_command(&mut self, cmd: &Command) -> Result<Command, SmError> {
        if cmd.cla & 0x0C != 0x0C {
            return Err(SmError::NotProtected { cla: cmd.cla });
        }
        self.increment_ssc();
        let ProtectedDos {
            crypt,
            middle: le_do,
            mac: (mac_value, mac_start),
        } = split_protected(&cmd.data, 0x97)?;
        let header = [cmd.cla, cmd.ins, cmd.p1, cmd.p2];
        let expect = self.mac_over(&[
            &crypto::pad(&header, self.cipher.block_len()),
            &cmd.data[..mac_start],
        ]);
        if !crypto::ct_eq(mac_value, &expect) {
            return Err(SmError::BadMac);
        }
        let data = self.open_cryptogram(crypt)?;
        let le = match le_do {
            None => None,
            Some([]) | Some([0]) => Some(256),
            Some([b]) => Some(*b as usize),
            Some([0, 0]) => Some(65_536),
            Some([h, l]) => Some(u16::from_be_bytes([*h, *l]) as usize),
            Some(_) => {
                return Err(SmError::Malformed {
                    tag: 0x97,
                    reason: "Le longer than 2 bytes",
                });
            }
        };
        let mut out = Command::new(cmd.cla & !0x0C, cmd.ins, cmd.p1, cmd.p2).with_data(data);
        out.le = le;
        out.extended = cmd.extended || matches!(le_do, Some([_, _]));
        Ok(out)
    }

    /// Chip: wraps a plain response: DO'87' (if data), DO'99' (always, also for a plain 9000),
    /// DO'8E'. The outer status word equals the inner one.
    pub fn protect_response(&mut self, resp: &Response) -> Response {
        self.increment_ssc();
        let mut dos = Vec::new();
        if !resp.data.is_empty() {
            let crypt = self.encrypt_data(&resp.data);
            let mut v = Vec::with_capacity(crypt.len() + 1);
            v.push(0x01);
            v.extend_from_slice(&crypt);
            tlv::write(&mut dos, 0x87, &v);
        }
        tlv::write(&mut dos, 0x99, &resp.sw.to_be_bytes());
        let mac = self.mac_over(&[&dos]);
        tlv::write(&mut dos, 0x8E, &mac);
        Response::new(dos, resp.sw)
    }

    /// Terminal: verifies and unwraps a protected response. DO'99' and DO'8E' are required: an
    /// unprotected status (e.g. `6988` after a MAC failure) is an error, the session is over.
    pub fn unprotect_response(&mut self, resp: &Response) -> Result<Response, SmError> {
        self.increment_ssc();
        if resp.data.is_empty() {
            return Err(SmError::Unprotected { sw: resp.sw });
        }
        let ProtectedDos {
            crypt,
            middle: status,
            mac: (mac_value, mac_start),
        } = split_protected(&resp.data, 0x99)?;
        let status = status.ok_or(SmError::Missing { tag: 0x99 })?;
        let expect = self.mac_over(&[&resp.data[..mac_start]]);
        if !crypto::ct_eq(mac_value, &expect) {
            return Err(SmError::BadMac);
        }
        let sw = match status {
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => {
                return Err(SmError::Malformed {
                    tag: 0x99,
                    reason: "status is not 2 bytes",
                });
            }
        };
        let data = self.open_cryptogram(crypt)?;
        Ok(Response::new(data, sw))
    }
}

/// The data objects of a protected command or response, in the only order accepted: an optional
/// cryptogram (DO'87' or DO'85'), an optional `middle` object (DO'97' Le in a command, DO'99'
/// status in a response), then DO'8E' last; `mac` holds its value and its offset (the MAC covers
/// everything before it).
struct ProtectedDos<'a> {
    crypt: Option<(u32, &'a [u8])>,
    middle: Option<&'a [u8]>,
    mac: (&'a [u8], usize),
}

/// Splits protected data into its data objects; one parser for both directions, so the chip and
/// the terminal reject the same malformed messages.
fn split_protected(data: &[u8], middle_tag: u32) -> Result<ProtectedDos<'_>, SmError> {
    let objects = tlv::parse_all(data).map_err(|reason| SmError::Malformed { tag: 0, reason })?;
    let mut crypt: Option<(u32, &[u8])> = None;
    let mut middle: Option<&[u8]> = None;
    let mut mac: Option<(&[u8], usize)> = None;
    for (tag, value, start) in objects {
        if mac.is_some() {
            return Err(SmError::Unexpected { tag: tag as u8 });
        }
        match tag {
            0x87 | 0x85 if crypt.is_none() && middle.is_none() => crypt = Some((tag, value)),
            t if t == middle_tag && middle.is_none() => middle = Some(value),
            0x8E => mac = Some((value, start)),
            t => return Err(SmError::Unexpected { tag: t as u8 }),
        }
    }
    let mac = mac.ok_or(SmError::Missing { tag: 0x8E })?;
    Ok(ProtectedDos { crypt, middle, mac })
}

/// Length of the protected response data for `plain` response data bytes with block length
/// `block`: DO'87' (tag, length, indicator, padded cryptogram) + DO'99' (4) + DO'8E' (10).
pub fn protected_response_len(plain: usize, block: usize) -> usize {
    let do87 = if plain == 0 {
        0
    } else {
        let crypt = (plain / block + 1) * block;
        1 + tlv::length_size(crypt + 1) + crypt + 1
    };
    do87 + 4 + 10
}

/// Largest plain response data size whose protected form fits in `max_protected` bytes (e.g.
/// 231 for a short Le of 256 with 3DES).
pub fn max_plain_for(max_protected: usize, block: usize) -> usize {
    let mut n = max_protected;
    while n > 0 && protected_response_len(n, block) > max_protected {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overhead_matches_the_223_byte_convention() {
        // 223 plain bytes -> 224 padded; 87 81 E1 01 + 224 + 4 + 10 = 242 <= 256
        assert_eq!(protected_response_len(223, 8), 242);
        let m = max_plain_for(256, 8);
        assert!(protected_response_len(m, 8) <= 256 && protected_response_len(m + 1, 8) > 256);
        assert_eq!(m, 231);
    }

    #[test]
    fn chip_and_terminal_agree_and_detect_tampering() {
        let mut term = SecureChannel::tdes([1; 16], [2; 16], [0, 0, 0, 0, 0, 0, 0, 0xFF]);
        let mut chip = SecureChannel::tdes([1; 16], [2; 16], [0, 0, 0, 0, 0, 0, 0, 0xFF]);
        for (cmd, resp) in [
            (
                Command::new(0, 0xA4, 2, 0x0C).with_data(vec![1, 0x1E]),
                Response::status(0x9000u16),
            ),
            (
                Command::new(0, 0xB0, 0, 0).with_le(256),
                Response::ok(vec![0x5A; 231]),
            ),
            (
                Command::new(0, 0xB1, 0, 0)
                    .with_data(vec![0x54, 2, 0x80, 0])
                    .with_le(65_536),
                Response::ok(vec![9; 3000]),
            ),
            (
                Command::new(0, 0xD6, 0, 0).with_data(vec![7; 1000]),
                Response::status(0x6A84u16),
            ),
        ] {
            let p = term.protect_command(&cmd).unwrap();
            let wire = Command::parse(&p.to_bytes().unwrap()).unwrap();
            let plain = chip.unprotect_command(&wire).unwrap();
            assert_eq!(plain.data, cmd.data);
            assert_eq!(plain.le, cmd.le);
            assert_eq!(
                (plain.cla, plain.ins, plain.p1, plain.p2),
                (cmd.cla, cmd.ins, cmd.p1, cmd.p2)
            );
            let pr = chip.protect_response(&resp);
            let got = term
                .unprotect_response(&Response::parse(&pr.to_bytes()).unwrap())
                .unwrap();
            assert_eq!(got, resp);
        }
        assert_eq!(term.ssc(), chip.ssc());
        // a flipped bit in the command or the response is caught
        let mut p = term
            .protect_command(&Command::new(0, 0xB0, 0, 0).with_le(4))
            .unwrap();
        p.p2 ^= 1;
        assert_eq!(chip.unprotect_command(&p), Err(SmError::BadMac));
        let mut pr = chip.protect_response(&Response::ok(vec![1, 2, 3]));
        pr.data[3] ^= 1;
        assert_eq!(term.unprotect_response(&pr), Err(SmError::BadMac));
        assert_eq!(
            term.unprotect_response(&Response::status(0x6988u16)),
            Err(SmError::Unprotected { sw: 0x6988 })
        );
        assert!(
            chip.unprotect_command(&Command::new(0, 0xB0, 0, 0))
                .is_err()
        );
        assert!(
            chip.unprotect_command(&Command::new(0x0C, 0xB0, 0, 0).with_data(vec![0x97, 1, 4]))
                .is_err()
        );
        assert!(
            chip.unprotect_command(&Command::new(0x0C, 0xB0, 0, 0).with_data(vec![0x8E, 0x30]))
                .is_err()
        );
        assert!(
            term.unprotect_response(&Response::ok(vec![0x99, 2, 0x90, 0]))
                .is_err()
        );
    }

    #[test]
    fn ssc_length_is_checked() {
        assert!(SecureChannel::new(Box::new(Tdes::new([0; 16], [0; 16])), &[0; 16]).is_err());
        let mut c = SecureChannel::new(
            Box::new(Tdes::new([0; 16], [0; 16])),
            &[0, 0, 0, 0, 0, 0, 0xFF, 0xFF],
        )
        .unwrap();
        c.increment_ssc();
        assert_eq!(c.ssc(), &[0, 0, 0, 0, 0, 1, 0, 0]);
        assert!(!format!("{c:?}").contains("00"));
    }
}
