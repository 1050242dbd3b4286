//! The file-system commands: SELECT (application and EF), CREATE FILE in both data layouts,
//! READ BINARY and UPDATE BINARY with even and odd INS, and the access rule for reading. Kept
//! together because they share the current-EF and SFI addressing; the parsers of their data
//! fields are at the bottom.

use card::apdu::{Command, Response};
use card::profile::{CreateFileFormat, ReadAccess};
use card::tlv;

use super::{
    CARD_ACCESS, Chip, FILE_EXISTS, FILE_NOT_FOUND, INCORRECT_DATA, INCORRECT_P1P2, NO_CURRENT_EF,
    NOT_ENOUGH_MEMORY, OK, REF_DATA_NOT_USABLE, SECURITY_NOT_SATISFIED, WRONG_LENGTH,
    WRONG_PARAMETERS,
};
use crate::fs::{FsError, lds_sfi, pages_touched};
use crate::timing::Cost;

impl Chip {
    pub(super) fn select_application(&mut self, cmd: &Command) -> Response {
        if cmd.data == self.profile.aid {
            self.session.current_ef = None;
            Response::status(OK)
        } else {
            Response::status(FILE_NOT_FOUND)
        }
    }

    pub(super) fn select_file(&mut self, cmd: &Command, secured: bool) -> Response {
        let [hi, lo] = cmd.data.as_slice() else {
            return Response::status(WRONG_LENGTH);
        };
        let fid = u16::from_be_bytes([*hi, *lo]);
        if fid != CARD_ACCESS
            && self.is_locked()
            && self.profile.lifecycle.select_after_lock_needs_access
            && !secured
        {
            return Response::status(SECURITY_NOT_SATISFIED);
        }
        if !self.state.fs.exists(fid) {
            return Response::status(FILE_NOT_FOUND);
        }
        self.session.current_ef = Some(fid);
        Response::status(OK)
    }

    pub(super) fn create_file(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
        let parsed = match self.profile.commands.create_file_format {
            CreateFileFormat::Jmrtd => parse_jmrtd_create(&cmd.data),
            CreateFileFormat::Fcp => parse_fcp_create(&cmd.data),
        };
        let (fid, size, sfi) = match parsed {
            Ok(v) => v,
            Err(sw) => return Response::status(sw),
        };
        let fcp = self.profile.commands.create_file_format == CreateFileFormat::Fcp;
        let exists = self.state.fs.exists(fid);
        if fcp && exists {
            return Response::status(FILE_EXISTS);
        }
        if size > self.profile.files.max_file_size
            || (!exists && self.state.fs.len() >= self.profile.files.max_files)
        {
            return Response::status(NOT_ENOUGH_MEMORY);
        }
        let reserved = self.state.key_bytes();
        match self.state.fs.create(fid, size, sfi, reserved) {
            Ok(()) => {
                self.dirty = true;
                cost.pages += 1;
                if fcp {
                    self.session.current_ef = Some(fid);
                }
                Response::status(OK)
            }
            Err(_) => Response::status(NOT_ENOUGH_MEMORY),
        }
    }

    /// The EF an odd-INS command's P1-P2 names: 0000 = current EF, 00xx with xx ≤ 1F = SFI,
    /// anything else a FID.
    fn odd_ins_file(&mut self, cmd: &Command) -> Result<u16, u16> {
        match (cmd.p1, cmd.p2) {
            (0, 0) => self.session.current_ef.ok_or(NO_CURRENT_EF),
            (0, sfi) if sfi <= 0x1F => self.file_by_sfi(sfi),
            (hi, lo) => {
                let fid = u16::from_be_bytes([hi, lo]);
                if self.state.fs.exists(fid) {
                    self.session.current_ef = Some(fid);
                    Ok(fid)
                } else {
                    Err(FILE_NOT_FOUND)
                }
            }
        }
    }

    /// The EF and offset an even-INS READ/UPDATE BINARY names: P1 = 80|SFI with P2 the offset,
    /// or the current EF with a 15-bit offset in P1-P2.
    fn even_ins_file(&mut self, cmd: &Command) -> Result<(u16, usize), u16> {
        if cmd.p1 & 0x80 != 0 {
            if cmd.p1 & 0x60 != 0 {
                return Err(INCORRECT_P1P2);
            }
            let fid = self.file_by_sfi(cmd.p1 & 0x1F)?;
            Ok((fid, usize::from(cmd.p2)))
        } else {
            let fid = self.session.current_ef.ok_or(NO_CURRENT_EF)?;
            Ok((fid, usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]))))
        }
    }

    /// Selects the EF with a short identifier (it becomes the current EF, ISO 7816-4 §7.2.2).
    fn file_by_sfi(&mut self, sfi: u8) -> Result<u16, u16> {
        let fid = self.state.fs.by_sfi(sfi).ok_or(FILE_NOT_FOUND)?;
        self.session.current_ef = Some(fid);
        Ok(fid)
    }

    pub(super) fn update_binary(&mut self, cmd: &Command, odd: bool, cost: &mut Cost) -> Response {
        let target = if odd {
            parse_odd_update(&cmd.data)
                .and_then(|(offset, chunk)| self.odd_ins_file(cmd).map(|fid| (fid, offset, chunk)))
        } else {
            self.even_ins_file(cmd)
                .map(|(fid, offset)| (fid, offset, cmd.data.as_slice()))
        };
        let (fid, offset, chunk) = match target {
            Ok(t) => t,
            Err(sw) => return Response::status(sw),
        };
        if chunk.is_empty() {
            return Response::status(WRONG_LENGTH);
        }
        match self.state.fs.write(fid, offset, chunk) {
            Ok(()) => {
                self.dirty = true;
                cost.pages +=
                    pages_touched(offset, chunk.len(), self.profile.timing.eeprom_page_size);
                Response::status(OK)
            }
            Err(FsError::NotFound(_)) => Response::status(FILE_NOT_FOUND),
            Err(_) => Response::status(NOT_ENOUGH_MEMORY),
        }
    }

    fn may_read(&self, fid: u16, secured: bool) -> bool {
        if fid == CARD_ACCESS || secured {
            return true;
        }
        !self.is_locked() && self.profile.lifecycle.read_before_lock == ReadAccess::Plain
    }

    pub(super) fn read_binary(
        &mut self,
        cmd: &Command,
        odd: bool,
        secured: bool,
        cap: usize,
    ) -> Response {
        let target = if odd {
            parse_odd_read(&cmd.data)
                .and_then(|offset| self.odd_ins_file(cmd).map(|fid| (fid, offset)))
        } else {
            self.even_ins_file(cmd)
        };
        let (fid, offset) = match target {
            Ok(t) => t,
            Err(sw) => return Response::status(sw),
        };
        if !self.may_read(fid, secured) {
            return Response::status(SECURITY_NOT_SATISFIED);
        }
        let mut max = cmd.le.unwrap_or(256).min(cap);
        if odd {
            // Room for the 53 L header around the data.
            while max > 0 && 1 + tlv::length_size(max) + max > cap.min(cmd.le.unwrap_or(256)) {
                max -= 1;
            }
        }
        let data = match self.state.fs.read(fid, offset, max) {
            Ok(d) => d.to_vec(),
            Err(_) => return Response::status(WRONG_PARAMETERS),
        };
        if self.is_locked() {
            self.counters.reads_after_lock += 1;
        }
        Response::ok(if odd { tlv::encode(0x53, &data) } else { data })
    }
}

/// JMRTD CREATE FILE data: `63 04 <size:2> <FID:2>`. 6984 when the tag is not 63.
fn parse_jmrtd_create(data: &[u8]) -> Result<(u16, usize, Option<u8>), u16> {
    match data {
        [0x63, 0x04, s1, s2, f1, f2] => {
            let fid = u16::from_be_bytes([*f1, *f2]);
            Ok((
                fid,
                usize::from(u16::from_be_bytes([*s1, *s2])),
                lds_sfi(fid),
            ))
        }
        [0x63, ..] => Err(WRONG_LENGTH),
        [] => Err(WRONG_LENGTH),
        _ => Err(REF_DATA_NOT_USABLE),
    }
}

/// FCP CREATE FILE data: `62 L { 80 <size:1..3>, 83 02 <FID>, [88 01 <SFI << 3>] }`. Without
/// DO'88' the LDS rule gives the SFI.
fn parse_fcp_create(data: &[u8]) -> Result<(u16, usize, Option<u8>), u16> {
    let Ok((0x62, fcp, used)) = tlv::read(data) else {
        return Err(INCORRECT_DATA);
    };
    if used != data.len() {
        return Err(INCORRECT_DATA);
    }
    let dos = tlv::parse_all(fcp).map_err(|_| INCORRECT_DATA)?;
    let (mut size, mut fid, mut sfi) = (None, None, None);
    for (tag, value, _) in dos {
        match (tag, value) {
            (0x80 | 0x81, v) if (1..=3).contains(&v.len()) => {
                size = Some(v.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)));
            }
            (0x83, [hi, lo]) => fid = Some(u16::from_be_bytes([*hi, *lo])),
            (0x88, [s]) if *s & 0x07 == 0 && *s >> 3 != 0 => sfi = Some(*s >> 3),
            (0x88, []) => sfi = None,
            (0x80 | 0x81 | 0x83 | 0x88, _) => return Err(INCORRECT_DATA),
            _ => {} // other FCP objects (82 descriptor, 8A lifecycle, A1 security) are ignored
        }
    }
    let (Some(size), Some(fid)) = (size, fid) else {
        return Err(INCORRECT_DATA);
    };
    if matches!(fid, 0x3F00 | 0x3FFF | 0xFFFF) {
        return Err(INCORRECT_DATA);
    }
    Ok((fid, size, sfi.or_else(|| lds_sfi(fid))))
}

/// An offset data object `54 L <offset>` (1 to 3 bytes).
fn offset_do(value: &[u8]) -> Option<usize> {
    ((1..=3).contains(&value.len()))
        .then(|| value.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)))
}

/// Odd-INS UPDATE BINARY data: `54 L <offset> 53 L <chunk>`.
fn parse_odd_update(data: &[u8]) -> Result<(usize, &[u8]), u16> {
    match tlv::parse_all(data).map_err(|_| INCORRECT_DATA)?.as_slice() {
        [(0x54, off, _), (0x53, chunk, _)] => Ok((offset_do(off).ok_or(INCORRECT_DATA)?, chunk)),
        _ => Err(INCORRECT_DATA),
    }
}

/// Odd-INS READ BINARY data: `54 L <offset>`.
fn parse_odd_read(data: &[u8]) -> Result<usize, u16> {
    match tlv::parse_all(data).map_err(|_| INCORRECT_DATA)?.as_slice() {
        [(0x54, off, _)] => offset_do(off).ok_or(INCORRECT_DATA),
        _ => Err(INCORRECT_DATA),
    }
}
