//! Command dispatch: the profile's command headers as a lookup table, secure messaging around
//! every command (unwrap, execute, protect, switch keys after Chip Authentication), and the
//! refusal of personalization commands after the lock. The commands themselves are in the
//! sibling modules; this file decides which one runs and under which conditions.

use card::apdu::{Command, Response};
use card::profile::{Header, Profile};
use card::sm::SmError;

use super::{
    CLA_NOT_SUPPORTED, CONDITIONS_NOT_SATISFIED, Chip, FILE_NOT_FOUND, INCORRECT_P1P2,
    INS_NOT_SUPPORTED, OK, SM_NOT_SUPPORTED, SM_OBJECTS_INCORRECT, SM_OBJECTS_MISSING,
    WRONG_LENGTH,
};
use crate::state::Lifecycle;
use crate::timing::Cost;

/// What a command header of the profile asks the chip to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
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
pub(super) enum Match {
    Full,
    InsP1,
    Ins,
}

pub(super) fn dispatch_table(p: &Profile) -> Vec<(Header, Match, Op)> {
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

impl Chip {
    pub(super) fn handle(&mut self, apdu: &[u8], cost: &mut Cost) -> Response {
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
}
