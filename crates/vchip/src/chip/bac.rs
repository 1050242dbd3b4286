//! Basic Access Control on the chip: GET CHALLENGE and EXTERNAL AUTHENTICATE, which opens a
//! 3DES secure-messaging session from the MRZ secret. The key derivation and the mutual
//! authentication are `card::bac`'s chip half, shared with the terminal.

use card::apdu::{Command, Response};
use zeroize::Zeroizing;

use super::{
    AUTH_FAILED, CONDITIONS_NOT_SATISFIED, Chip, INCORRECT_P1P2, INS_NOT_SUPPORTED, WRONG_LENGTH,
};

impl Chip {
    pub(super) fn get_challenge(&mut self, cmd: &Command) -> Response {
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

    pub(super) fn external_authenticate(&mut self, cmd: &Command, secured: bool) -> Response {
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
}
