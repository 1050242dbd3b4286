//! The personalization commands that store secrets and keys before the lock: the MRZ secret
//! (PUT DATA 62), the RSA Active Authentication key parts (PUT DATA 60/61) and on-chip key
//! generation for AA and CA, with the memory check they all share. Files are `files`'; the CAN
//! is `auth`'s, next to the PACE that uses it.

use card::apdu::{Command, Response};
use card::profile::{AaAlgorithm, KeyProvisioning};
use card::tlv;
use sha1::Digest;
use zeroize::Zeroizing;

use super::{Chip, FUNCTION_NOT_SUPPORTED, INCORRECT_DATA, NOT_ENOUGH_MEMORY, OK};
use crate::fs::pages_touched;
use crate::keys::EcKey;
use crate::timing::Cost;

impl Chip {
    /// Memory left for keys and secrets, after files and what is already stored.
    pub(super) fn fits(&self, extra: usize) -> bool {
        self.state.fs.used() + self.state.key_bytes() + extra <= self.profile.memory.capacity
    }

    pub(super) fn put_mrz(&mut self, cmd: &Command, cost: &mut Cost) -> Response {
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

    pub(super) fn put_rsa_part(
        &mut self,
        cmd: &Command,
        modulus: bool,
        cost: &mut Cost,
    ) -> Response {
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

    pub(super) fn generate(&mut self, aa: bool, cost: &mut Cost) -> Response {
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
pub(super) fn parse_wrapped_octets(data: &[u8], tag: u32) -> Option<&[u8]> {
    let (t, inner, used) = tlv::read(data).ok()?;
    if t != tag || used != data.len() {
        return None;
    }
    match tlv::read(inner).ok()? {
        (0x04, v, n) if n == inner.len() => Some(v),
        _ => None,
    }
}
