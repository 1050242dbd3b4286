//! The eMRTD applet: one chip of a firmware profile, processing command APDUs.
//!
//! Which command does what comes from the profile's `[commands]` headers (the data layouts of
//! each kind are fixed in `card::profile`). APDU parsing and secure messaging are `reader`'s,
//! shared with the terminal side. Rules, for both profiles:
//! - the eMRTD application is selected implicitly after every reset (a default-selected applet);
//!   SELECT by its AID answers 9000, another AID 6A82, SELECT of the MF is refused (6A82);
//! - personalization commands (CREATE FILE, UPDATE BINARY, PUT DATA incl. the CAN, GENERATE
//!   ASYMMETRIC KEY PAIR, the lock) answer 6985 once the chip is operational;
//! - reading: EF.CardAccess (011C) is always readable; other EFs need a secure-messaging session
//!   (BAC or PACE, they give the same access) once operational (6982), and before the lock as
//!   the profile's `read_before_lock` says;
//! - secure messaging: a protected command (CLA x C) before BAC or PACE answers 6882; a
//!   protected command that fails to verify answers 6987/6988 in plain and ends the session; a
//!   plain command during a session ends it; every protected answer carries DO'99' and DO'8E';
//!   response data is capped so the protected answer fits the command's Le form, planned with
//!   the session cipher's block (8 for 3DES, 16 for AES);
//! - PACE (profiles with `protocols.pace`, see `chip/auth.rs`): MSE:Set AT `C1 A4` in plain
//!   starts a run and counts an attempt on the password's retry counter (persisted at once);
//!   GENERAL AUTHENTICATE in plain, CLA `10` (chained) or `00`, steps through it; the last
//!   answer goes in plain and AES secure messaging (SSC 0) starts after it; any error ends the
//!   run. BAC stays available next to PACE, as ICAO requires of PACE chips;
//! - Chip Authentication (`protocols.chip_authentication`, under secure messaging only): MSE:Set
//!   AT `41 A4` + GENERAL AUTHENTICATE, or MSE:Set KAT `41 A6` for 3DES; the answer is protected
//!   with the old keys, the next command must use the new ones (SSC 0);
//! - a reset (power off/on, warm reset) ends the session, any PACE or CA run in progress, and
//!   clears the current EF; retry counters persist.

use std::sync::Arc;

use card::apdu::{Command, Response};
use card::profile::{
    AaAlgorithm, CreateFileFormat, HashAlg, Header, KeyProvisioning, Profile, ReadAccess,
};
use card::sm::{SecureChannel, SmError};
use card::tlv;
use sha1::Digest;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::fs::{FsError, lds_sfi, pages_touched};
use crate::keys::{EcKey, RsaAaHash};
use crate::state::{Lifecycle, PersistentState};
use crate::timing::{Cost, TimingMode};

mod auth;

/// FID of EF.CardAccess, readable without access control.
pub const CARD_ACCESS: u16 = 0x011C;

// Status words the chip answers with.
const OK: u16 = 0x9000;
const AUTH_FAILED: u16 = 0x6300;
const WRONG_LENGTH: u16 = 0x6700;
const SM_NOT_SUPPORTED: u16 = 0x6882;
const SECURITY_NOT_SATISFIED: u16 = 0x6982;
const REF_DATA_NOT_USABLE: u16 = 0x6984;
const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
const NO_CURRENT_EF: u16 = 0x6986;
const SM_OBJECTS_MISSING: u16 = 0x6987;
const SM_OBJECTS_INCORRECT: u16 = 0x6988;
const INCORRECT_DATA: u16 = 0x6A80;
const FUNCTION_NOT_SUPPORTED: u16 = 0x6A81;
const FILE_NOT_FOUND: u16 = 0x6A82;
const NOT_ENOUGH_MEMORY: u16 = 0x6A84;
const INCORRECT_P1P2: u16 = 0x6A86;
const REF_DATA_NOT_FOUND: u16 = 0x6A88;
const FILE_EXISTS: u16 = 0x6A89;
const WRONG_PARAMETERS: u16 = 0x6B00;
const INS_NOT_SUPPORTED: u16 = 0x6D00;
const CLA_NOT_SUPPORTED: u16 = 0x6E00;

/// What a command header of the profile asks the chip to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    SelectApplication,
    SelectFile,
    CreateFile,
    UpdateBinary,
    UpdateBinaryOdd,
    ReadBinary,
    ReadBinaryOdd,
    PutMrz,
    PutAaModulus,
    PutAaExponent,
    GenerateAaKey,
    GenerateCaKey,
    PutCan,
    ManageSecurityEnvironment,
    GeneralAuthenticate,
    Lock,
    GetChallenge,
    ExternalAuthenticate,
    InternalAuthenticate,
}

/// How much of the header identifies a command: the whole header, INS and P1, or INS alone
/// (P1-P2 then carry an offset or are checked by the command).
#[derive(Debug, Clone, Copy)]
enum Match {
    Full,
    InsP1,
    Ins,
}

fn dispatch_table(p: &Profile) -> Vec<(Header, Match, Op)> {
    let c = &p.commands;
    let mut t = vec![
        (c.lock, Match::Full, Op::Lock),
        (c.put_mrz, Match::Full, Op::PutMrz),
        (c.create_file, Match::Full, Op::CreateFile),
        (c.select_application, Match::InsP1, Op::SelectApplication),
        (c.select_file, Match::InsP1, Op::SelectFile),
        (c.update_binary, Match::Ins, Op::UpdateBinary),
        (c.read_binary, Match::Ins, Op::ReadBinary),
        (c.get_challenge, Match::Ins, Op::GetChallenge),
        (
            c.external_authenticate,
            Match::Ins,
            Op::ExternalAuthenticate,
        ),
        (
            c.internal_authenticate,
            Match::Ins,
            Op::InternalAuthenticate,
        ),
    ];
    let optional = [
        (c.update_binary_odd, Match::Ins, Op::UpdateBinaryOdd),
        (c.read_binary_odd, Match::Ins, Op::ReadBinaryOdd),
        (c.put_aa_modulus, Match::Full, Op::PutAaModulus),
        (c.put_aa_private_exponent, Match::Full, Op::PutAaExponent),
        (c.generate_aa_key, Match::Full, Op::GenerateAaKey),
        (c.generate_ca_key, Match::Full, Op::GenerateCaKey),
        (c.put_can, Match::Full, Op::PutCan),
        // P1-P2 select the MSE variant (PACE, CA Set AT, CA Set KAT): checked by the command.
        (
            c.manage_security_environment,
            Match::Ins,
            Op::ManageSecurityEnvironment,
        ),
        (c.general_authenticate, Match::Ins, Op::GeneralAuthenticate),
    ];
    t.extend(
        optional
            .into_iter()
            .filter_map(|(h, m, op)| h.map(|h| (h, m, op))),
    );
    // Exact headers first, so PUT DATA DE AD (lock) wins over other PUT DATA.
    t.sort_by_key(|(_, m, _)| match m {
        Match::Full => 0,
        Match::InsP1 => 1,
        Match::Ins => 2,
    });
    t
}

/// Running totals, for reports and for the vpcd server's "finished card" rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Command APDUs processed.
    pub apdus: u64,
    /// Command bytes received.
    pub bytes_in: u64,
    /// Response bytes sent.
    pub bytes_out: u64,
    /// EEPROM pages written.
    pub eeprom_pages: u64,
    /// Successful READ BINARY commands while operational.
    pub reads_after_lock: u64,
}

/// Volatile state: gone at every reset.
#[derive(Default)]
struct Session {
    current_ef: Option<u16>,
    challenge: Option<[u8; 8]>,
    sm: Option<SecureChannel>,
    /// A PACE run between MSE:Set AT and its last GENERAL AUTHENTICATE.
    pace: Option<auth::PaceRun>,
    /// Chip Authentication selected by MSE:Set AT, waiting for GENERAL AUTHENTICATE; belongs
    /// to the secure-messaging session it was set in.
    ca: Option<pace::CaParams>,
    /// The channel Chip Authentication derived: it replaces `sm` right after the current
    /// answer is protected (with the old keys, which the terminal still uses to read it).
    pending_sm: Option<SecureChannel>,
    /// Passwords a PACE with the CAN resumed from suspension, for one attempt each.
    resumed: Vec<pace::PasswordKind>,
}

impl Session {
    /// Ends secure messaging and what belongs to it (a Chip Authentication in progress).
    fn end_secure_messaging(&mut self) {
        self.sm = None;
        self.ca = None;
        self.pending_sm = None;
    }
}

/// One virtual chip.
pub struct Chip {
    profile: Arc<Profile>,
    table: Vec<(Header, Match, Op)>,
    state: PersistentState,
    session: Session,
    timing: TimingMode,
    counters: Counters,
    dirty: bool,
}

impl std::fmt::Debug for Chip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chip")
            .field("profile", &self.profile.name)
            .field("state", &self.state)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl Chip {
    /// A blank chip of `profile`: personalization state, no files, no keys.
    pub fn blank(profile: impl Into<Arc<Profile>>) -> Self {
        let profile = profile.into();
        let state = PersistentState::blank(
            Some(profile.memory.capacity),
            profile.memory.per_file_overhead,
        );
        Self::from_state(profile, state)
    }

    /// A chip of `profile` with the given persistent contents.
    pub fn from_state(profile: impl Into<Arc<Profile>>, state: PersistentState) -> Self {
        let profile = profile.into();
        Self {
            table: dispatch_table(&profile),
            profile,
            state,
            session: Session::default(),
            timing: TimingMode::Off,
            counters: Counters::default(),
            dirty: false,
        }
    }

    /// Loads a chip image written by [`Chip::save_image`] (for the same profile).
    pub fn load_image(
        profile: impl Into<Arc<Profile>>,
        path: &std::path::Path,
    ) -> Result<Self, Error> {
        let profile = profile.into();
        let state = crate::state::load_image(path, &profile.name)?;
        Ok(Self::from_state(profile, state))
    }

    /// Writes the chip's persistent state, private keys included, to `path` (mode 0600).
    pub fn save_image(&self, path: &std::path::Path) -> Result<(), Error> {
        crate::state::save_image(path, &self.profile.name, &self.state)
    }

    pub fn profile(&self) -> &Arc<Profile> {
        &self.profile
    }

    /// The answer-to-reset, from the profile.
    pub fn atr(&self) -> &[u8] {
        &self.profile.atr
    }

    pub fn lifecycle(&self) -> Lifecycle {
        self.state.lifecycle
    }

    pub fn is_locked(&self) -> bool {
        self.state.lifecycle == Lifecycle::Operational
    }

    /// The persistent contents (files, keys, lifecycle).
    pub fn state(&self) -> &PersistentState {
        &self.state
    }

    /// The bytes of file `fid`, if it exists (for tests and image inspection).
    pub fn file(&self, fid: u16) -> Option<&[u8]> {
        self.state.fs.get(fid).map(|f| f.data.as_slice())
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    pub fn set_timing(&mut self, timing: TimingMode) {
        self.timing = timing;
    }

    /// True (once) when the persistent state changed since the last call: the vpcd server then
    /// rewrites the image.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Power off, power on or warm reset: the secure-messaging session and the current EF are
    /// gone; persistent contents stay.
    pub fn reset(&mut self) {
        self.session = Session::default();
    }

    /// Processes one command APDU and returns the response APDU (data || SW1 SW2). Never fails:
    /// malformed input gets a status word. With realistic timing, sleeps as a real chip would.
    pub fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        let mut cost = Cost::default();
        let response = self.handle(apdu, &mut cost).to_bytes();
        self.counters.apdus += 1;
        self.counters.bytes_in += apdu.len() as u64;
        self.counters.bytes_out += response.len() as u64;
        self.counters.eeprom_pages += cost.pages as u64;
        if self.timing == TimingMode::Realistic {
            cost.bytes = apdu.len() + response.len();
            std::thread::sleep(crate::timing::duration(&self.profile.timing, &cost));
        }
        response
    }

    fn handle(&mut self, apdu: &[u8], cost: &mut Cost) -> Response {
        let Ok(cmd) = Command::parse(apdu) else {
            return Response::status(WRONG_LENGTH);
        };
        let limits = &self.profile.apdu;
        if (cmd.is_extended() && !limits.extended_length)
            || cmd.data.len() > limits.max_command_data
        {
            return Response::status(WRONG_LENGTH);
        }
        // What the response data may be: what the command's form carries, within the profile.
        let outer_max = if cmd.is_extended() { 65_536 } else { 256 }.min(limits.max_response_data);
        if cmd.cla & 0x0C == 0x0C {
            if cmd.cla & !0x0C != 0 {
                return Response::status(CLA_NOT_SUPPORTED);
            }
            let Some(sm) = self.session.sm.as_mut() else {
                return Response::status(SM_NOT_SUPPORTED);
            };
            let block = sm.block_len();
            let plain = match sm.unprotect_command(&cmd) {
                Ok(plain) => plain,
                Err(e) => {
                    self.session.end_secure_messaging();
                    let sw = match e {
                        SmError::Missing { .. } => SM_OBJECTS_MISSING,
                        _ => SM_OBJECTS_INCORRECT,
                    };
                    return Response::status(sw);
                }
            };
            let cap = card::sm::max_plain_for(outer_max, block);
            let resp = self.execute(&plain, true, cap, cost);
            let out = match self.session.sm.as_mut() {
                Some(sm) => sm.protect_response(&resp),
                None => resp,
            };
            // Chip Authentication: this answer went out under the old keys; the next command
            // must come under the new ones.
            if let Some(next) = self.session.pending_sm.take() {
                self.session.sm = Some(next);
            }
            out
        } else {
            // CLA 10 (command chaining) only for GENERAL AUTHENTICATE: PACE chains its steps.
            let chained_ga = cmd.cla == 0x10
                && self
                    .profile
                    .commands
                    .general_authenticate
                    .is_some_and(|h| h.ins == cmd.ins);
            if cmd.cla != 0 && !chained_ga {
                return Response::status(CLA_NOT_SUPPORTED);
            }
            // ICAO 9303-11 §9.8: a plain command ends the secure-messaging session.
            self.session.end_secure_messaging();
            self.execute(&cmd, false, outer_max, cost)
        }
    }

    fn lookup(&self, cmd: &Command) -> Option<Op> {
        self.table.iter().find_map(|(h, m, op)| {
            let hit = match m {
                Match::Full => h.ins == cmd.ins && h.p1 == cmd.p1 && h.p2 == cmd.p2,
                Match::InsP1 => h.ins == cmd.ins && h.p1 == cmd.p1,
                Match::Ins => h.ins == cmd.ins,
            };
            hit.then_some(*op)
        })
    }

    /// A plain (or unwrapped) command. `secured`: it came under secure messaging. `cap`: the
    /// most response data bytes the answer may carry.
    fn execute(&mut self, cmd: &Command, secured: bool, cap: usize, cost: &mut Cost) -> Response {
        let Some(op) = self.lookup(cmd) else {
            return Response::status(match cmd.ins {
                // SELECT of the MF, by path, or of a DF: refused like real Vietnamese cards do.
                0xA4 => FILE_NOT_FOUND,
                ins if self.table.iter().any(|(h, _, _)| h.ins == ins) => INCORRECT_P1P2,
                _ => INS_NOT_SUPPORTED,
            });
        };
        let perso = matches!(
            op,
            Op::CreateFile
                | Op::UpdateBinary
                | Op::UpdateBinaryOdd
                | Op::PutMrz
                | Op::PutAaModulus
                | Op::PutAaExponent
                | Op::GenerateAaKey
                | Op::GenerateCaKey
                | Op::PutCan
                | Op::Lock
        );
        if perso && self.is_locked() {
            return Response::status(CONDITIONS_NOT_SATISFIED);
        }
        match op {
            Op::SelectApplication => self.select_application(cmd),
            Op::SelectFile => self.select_file(cmd, secured),
            Op::CreateFile => self.create_file(cmd, cost),
            Op::UpdateBinary | Op::UpdateBinaryOdd => {
                self.update_binary(cmd, op == Op::UpdateBinaryOdd, cost)
            }
            Op::ReadBinary | Op::ReadBinaryOdd => {
                self.read_binary(cmd, op == Op::ReadBinaryOdd, secured, cap)
            }
            Op::PutMrz => self.put_mrz(cmd, cost),
            Op::PutAaModulus | Op::PutAaExponent => {
                self.put_rsa_part(cmd, op == Op::PutAaModulus, cost)
            }
            Op::GenerateAaKey | Op::GenerateCaKey => self.generate(op == Op::GenerateAaKey, cost),
            Op::PutCan => self.put_can(cmd, cost),
            Op::ManageSecurityEnvironment => self.manage_security_environment(cmd, secured, cost),
            Op::GeneralAuthenticate => self.general_authenticate(cmd, secured, cost),
            Op::Lock => {
                self.state.lifecycle = Lifecycle::Operational;
                self.dirty = true;
                cost.pages += 1;
                Response::status(OK)
            }
            Op::GetChallenge => self.get_challenge(cmd),
            Op::ExternalAuthenticate => self.external_authenticate(cmd, secured),
            Op::InternalAuthenticate => self.internal_authenticate(cmd, secured, cost),
        }
    }

    fn select_application(&mut self, cmd: &Command) -> Response {
        if cmd.data == self.profile.aid {
            self.session.current_ef = None;
            Response::status(OK)
        } else {
            Response::status(FILE_NOT_FOUND)
        }
    }

    fn select_file(&mut self, cmd: &Command, secured: bool) -> Response {
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

    /// Memory left for keys and secrets, after files and what is already stored.
    fn fits(&self, extra: usize) -> bool {
        self.state.fs.used() + self.state.key_bytes() + extra <= self.profile.memory.capacity
    }

    fn create_file(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
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

    fn update_binary(&mut self, cmd: &Command, odd: bool, cost: &mut Cost) -> Response {
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

    fn read_binary(&mut self, cmd: &Command, odd: bool, secured: bool, cap: usize) -> Response {
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

    fn put_mrz(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
        let Some((doc, dob, doe)) = parse_mrz_tag62(&cmd.data) else {
            return Response::status(INCORRECT_DATA);
        };
        let Ok(mrz) = card::bac::MrzInfo::new(&doc, &dob, &doe) else {
            return Response::status(INCORRECT_DATA);
        };
        let hash = Zeroizing::new(sha1::Sha1::digest(mrz.mrz_information().as_bytes()).to_vec());
        let previous = self.state.mrz_hash.as_ref().map_or(0, |h| h.len());
        if !self.fits(hash.len().saturating_sub(previous)) {
            return Response::status(NOT_ENOUGH_MEMORY);
        }
        self.state.mrz_hash = Some(hash);
        self.dirty = true;
        cost.pages += 1;
        Response::status(OK)
    }

    fn put_rsa_part(&mut self, cmd: &Command, modulus: bool, cost: &mut Cost) -> Response {
        let tag = if modulus { 0x60 } else { 0x61 };
        let Some(value) = parse_wrapped_octets(&cmd.data, tag) else {
            return Response::status(INCORRECT_DATA);
        };
        let start = value.iter().position(|b| *b != 0).unwrap_or(value.len());
        let value = &value[start..];
        if value.is_empty() || value.len() > 512 {
            return Response::status(INCORRECT_DATA);
        }
        if !self.fits(value.len()) {
            return Response::status(NOT_ENOUGH_MEMORY);
        }
        let key = self.state.rsa_aa.get_or_insert_with(Default::default);
        if modulus {
            key.modulus = value.to_vec();
        } else {
            key.private_exponent = Zeroizing::new(value.to_vec());
        }
        self.dirty = true;
        cost.pages += pages_touched(0, value.len(), self.profile.timing.eeprom_page_size);
        Response::status(OK)
    }

    fn generate(&mut self, aa: bool, cost: &mut Cost) -> Response {
        if aa
            && (self.profile.algorithms.aa_key_provisioning != KeyProvisioning::GenerateOnChip
                || !matches!(
                    self.profile.algorithms.active_authentication,
                    AaAlgorithm::EcdsaP256 { .. }
                ))
        {
            return Response::status(FUNCTION_NOT_SUPPORTED);
        }
        let slot_used = if aa {
            self.state.ec_aa.is_some()
        } else {
            self.state.ca_key.is_some()
        };
        if !slot_used && !self.fits(32 + 65) {
            return Response::status(NOT_ENOUGH_MEMORY);
        }
        let key = EcKey::generate();
        let public = key.public_point();
        if aa {
            self.state.ec_aa = Some(key);
        } else {
            self.state.ca_key = Some(key);
        }
        self.dirty = true;
        cost.keygens += 1;
        cost.pages += 1;
        Response::ok(tlv::encode(0x7F49, &tlv::encode(0x86, &public)))
    }

    fn get_challenge(&mut self, cmd: &Command) -> Response {
        if (cmd.p1, cmd.p2) != (0, 0) {
            return Response::status(INCORRECT_P1P2);
        }
        if cmd.le.is_none_or(|le| le < 8) {
            return Response::status(WRONG_LENGTH);
        }
        let mut rnd = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut rnd);
        self.session.challenge = Some(rnd);
        Response::ok(rnd.to_vec())
    }

    fn external_authenticate(&mut self, cmd: &Command, secured: bool) -> Response {
        if !self.profile.protocols.bac {
            return Response::status(INS_NOT_SUPPORTED);
        }
        // The challenge is good for one attempt only.
        let challenge = self.session.challenge.take();
        if (cmd.p1, cmd.p2) != (0, 0) {
            return Response::status(INCORRECT_P1P2);
        }
        if secured {
            return Response::status(CONDITIONS_NOT_SATISFIED);
        }
        let (Some(rnd_ic), Some(hash)) = (challenge, self.state.mrz_hash.as_ref()) else {
            return Response::status(CONDITIONS_NOT_SATISFIED);
        };
        if cmd.data.len() != 40 {
            return Response::status(WRONG_LENGTH);
        }
        let mut seed = Zeroizing::new([0u8; 16]);
        seed.copy_from_slice(&hash[..16]);
        let keys = card::bac::BacKeys::from_seed(&seed);
        let mut k_ic = Zeroizing::new([0u8; 16]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut k_ic[..]);
        match card::bac::chip_respond(&keys, &rnd_ic, &k_ic, &cmd.data) {
            Ok((data, channel)) => {
                self.session.sm = Some(channel);
                self.session.current_ef = None;
                Response::ok(data)
            }
            Err(_) => Response::status(AUTH_FAILED),
        }
    }

    fn internal_authenticate(&mut self, cmd: &Command, secured: bool, cost: &mut Cost) -> Response {
        if !self.profile.protocols.active_authentication {
            return Response::status(INS_NOT_SUPPORTED);
        }
        if (cmd.p1, cmd.p2) != (0, 0) {
            return Response::status(INCORRECT_P1P2);
        }
        if cmd.data.len() != 8 {
            return Response::status(WRONG_LENGTH);
        }
        if self.is_locked() && !secured {
            return Response::status(SECURITY_NOT_SATISFIED);
        }
        let signature = match self.profile.algorithms.active_authentication {
            AaAlgorithm::RsaIso9796_2 { hash, .. } => {
                let hash = match hash {
                    HashAlg::Sha1 => RsaAaHash::Sha1,
                    HashAlg::Sha256 => RsaAaHash::Sha256,
                };
                match self.state.rsa_aa.as_ref().map(|k| k.sign(&cmd.data, hash)) {
                    Some(Ok(s)) => s,
                    _ => return Response::status(REF_DATA_NOT_USABLE),
                }
            }
            AaAlgorithm::EcdsaP256 {
                hash: HashAlg::Sha256,
            } => match &self.state.ec_aa {
                Some(k) => k.sign_sha256(&cmd.data),
                None => return Response::status(REF_DATA_NOT_USABLE),
            },
            // ICAO forbids SHA-1 with ECDSA AA.
            AaAlgorithm::EcdsaP256 {
                hash: HashAlg::Sha1,
            } => {
                return Response::status(FUNCTION_NOT_SUPPORTED);
            }
        };
        cost.signatures += 1;
        Response::ok(signature)
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

/// `62 L { 04 L docNr, 04 L DOB, 04 L DOE }` as text.
fn parse_mrz_tag62(data: &[u8]) -> Option<(String, String, String)> {
    let (tag, inner, used) = tlv::read(data).ok()?;
    if tag != 0x62 || used != data.len() {
        return None;
    }
    let parts = tlv::parse_all(inner).ok()?;
    let text = |v: &[u8]| String::from_utf8(v.to_vec()).ok();
    match parts.as_slice() {
        [(0x04, d, _), (0x04, b, _), (0x04, e, _)] => Some((text(d)?, text(b)?, text(e)?)),
        _ => None,
    }
}

/// `<tag> L { 04 L <octets> }`.
fn parse_wrapped_octets(data: &[u8], tag: u32) -> Option<&[u8]> {
    let (t, inner, used) = tlv::read(data).ok()?;
    if t != tag || used != data.len() {
        return None;
    }
    match tlv::read(inner).ok()? {
        (0x04, v, n) if n == inner.len() => Some(v),
        _ => None,
    }
}
