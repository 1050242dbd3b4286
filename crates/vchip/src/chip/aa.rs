//! Active Authentication on the chip: INTERNAL AUTHENTICATE signs the terminal's challenge with
//! the AA key of the profile's algorithm (RSA ISO/IEC 9796-2 or ECDSA P-256). The signing itself
//! is `crate::keys`'.

use card::apdu::{Command, Response};
use card::profile::{AaAlgorithm, HashAlg};

use super::{
    Chip, FUNCTION_NOT_SUPPORTED, INCORRECT_P1P2, INS_NOT_SUPPORTED, REF_DATA_NOT_USABLE,
    SECURITY_NOT_SATISFIED, WRONG_LENGTH,
};
use crate::keys::RsaAaHash;
use crate::timing::Cost;

impl Chip {
    pub(super) fn internal_authenticate(
        &mut self,
        cmd: &Command,
        secured: bool,
        cost: &mut Cost,
    ) -> Response {
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
