//! The eMRTD applet: one chip of a firmware profile, processing command APDUs.
//!
//! Which command does what comes from the profile's `[commands]` headers (the data layouts of
//! each kind are fixed in `card::profile`). APDU parsing and secure messaging are the `card`
//! crate's, shared with the terminal side. Rules, for both profiles:
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
//!
//! The commands live in submodules by what they touch: `dispatch` (the header table, secure
//! messaging around every command, the personalization lock), `files` (SELECT, CREATE FILE,
//! READ/UPDATE BINARY), `perso` (the MRZ secret and the keys written before the lock), `bac`
//! (GET CHALLENGE, EXTERNAL AUTHENTICATE), `aa` (INTERNAL AUTHENTICATE) and `auth` (PACE and
//! Chip Authentication). This file holds the chip itself: its state, its lifecycle and the
//! status words every submodule answers with.

use std::sync::Arc;

use card::profile::{Header, Profile};
use card::sm::SecureChannel;

use crate::error::Error;
use crate::state::{Lifecycle, PersistentState};
use crate::timing::{Cost, TimingMode};

mod aa;
mod auth;
mod bac;
mod dispatch;
mod files;
mod perso;

use dispatch::{Match, Op, dispatch_table};
// `auth` reads the CAN's `65 L { 04 L … }` wrapping with the same parser as the RSA key parts.
use perso::parse_wrapped_octets;

/// FID of EF.CardAccess, readable without access control.
pub const CARD_ACCESS: u16 = card::files::FileId::CardAccess.fid();

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
}
