//! The chip's PACE configuration: which parameter sets it offers (its EF.CardAccess), which
//! passwords it knows, and their retry counters. Turns an MSE:Set AT data field into a
//! [`PaceChip`] run, so the chip's APDU handler only maps results to status words.

use crate::ec::hex_upper;
use crate::error::{Error, Result};
use crate::pace::PaceChip;
use crate::params::PaceParams;
use crate::password::{Password, PasswordKind};
use crate::retry::{RetryCounter, RetryPolicy};
use crate::tlv::MseSetAt;

/// What a chip needs to answer MSE:Set AT for PACE.
#[derive(Debug, Clone)]
pub struct PaceChipConfig {
    offered: Vec<PaceParams>,
    passwords: Vec<(Password, RetryCounter)>,
}

impl PaceChipConfig {
    /// A chip offering `offered` (the PACEInfos of its EF.CardAccess, preferred first).
    pub fn new(offered: Vec<PaceParams>) -> Self {
        PaceChipConfig {
            offered,
            passwords: Vec::new(),
        }
    }

    /// Adds a password (MRZ from the stored hash, CAN, ...) with the profile's retry policy;
    /// a second password of the same kind replaces the first.
    pub fn with_password(mut self, password: Password, policy: RetryPolicy) -> Result<Self> {
        let counter = RetryCounter::new(policy)?;
        self.passwords.retain(|(p, _)| p.kind() != password.kind());
        self.passwords.push((password, counter));
        Ok(self)
    }

    /// The parameter sets offered.
    pub fn offered(&self) -> &[PaceParams] {
        &self.offered
    }

    /// The counter of a password, to persist its `remaining()` in the chip image.
    pub fn counter(&self, kind: PasswordKind) -> Option<&RetryCounter> {
        self.passwords
            .iter()
            .find(|(p, _)| p.kind() == kind)
            .map(|(_, c)| c)
    }

    /// Restores a persisted counter value.
    pub fn restore_counter(&mut self, kind: PasswordKind, remaining: u8) -> Result<()> {
        let (_, counter) = self.entry(kind)?;
        *counter = RetryCounter::from_remaining(counter.policy(), remaining)?;
        Ok(())
    }

    fn entry(&mut self, kind: PasswordKind) -> Result<&mut (Password, RetryCounter)> {
        self.passwords
            .iter_mut()
            .find(|(p, _)| p.kind() == kind)
            .ok_or(Error::BadInput {
                what: "PACE password reference",
                reason: format!("{kind:?} password is not available on this chip"),
            })
    }

    /// Handles the data field of MSE:Set AT (`00 22 C1 A4`): picks the offered parameter set
    /// named by `80` (and `84` when several share the OID), the password named by `83`, starts
    /// an attempt on its counter, and returns the new run. Errors map to status words with
    /// [`Error::chip_status_word`] (unknown OID or password 6A80, suspended 63C1, blocked 6983).
    pub fn mse_set_at(&mut self, data: &[u8]) -> Result<PaceChip> {
        let mse = MseSetAt::decode(data)?;
        let mut candidates = self
            .offered
            .iter()
            .filter(|p| p.protocol_oid() == mse.protocol_oid.as_slice());
        let params = match mse.key_ref {
            Some(id) => candidates
                .find(|p| p.parameter_id() == id)
                .copied()
                .ok_or(Error::UnsupportedDomainParameters(id))?,
            None => candidates.next().copied().ok_or(Error::UnsupportedOid {
                what: "PACE protocol (not offered by this chip)",
                oid_hex: hex_upper(&mse.protocol_oid),
            })?,
        };
        let reference = mse.password_ref.ok_or(Error::MissingDataObject {
            context: "MSE:Set AT data",
            tag: 0x83,
        })?;
        let kind = PasswordKind::from_reference(reference)?;
        let (password, counter) = self.entry(kind)?;
        counter.begin_attempt()?;
        Ok(PaceChip::new(params, password))
    }

    /// Call when a run reached [`crate::ChipStep::Established`]: restores the counter of the
    /// password it used.
    pub fn record_success(&mut self, kind: PasswordKind) {
        if let Ok((_, counter)) = self.entry(kind) {
            counter.record_success();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{ID_PACE_ECDH_GM_AES_128, ID_PACE_ECDH_GM_AES_256};
    use crate::tlv::MseSetAt;

    fn config() -> PaceChipConfig {
        PaceChipConfig::new(vec![
            PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap(),
            PaceParams::new(ID_PACE_ECDH_GM_AES_128, 12).unwrap(),
        ])
        .with_password(
            Password::from_can("123456").unwrap(),
            RetryPolicy::UNLIMITED,
        )
        .unwrap()
        .with_password(
            Password::from_mrz("T22000129", "640812", "101031").unwrap(),
            RetryPolicy {
                max_attempts: Some(2),
                suspend_at: None,
            },
        )
        .unwrap()
    }

    fn mse(oid: &[u8], password: Option<u8>, key: Option<u64>) -> Vec<u8> {
        MseSetAt {
            protocol_oid: oid.to_vec(),
            password_ref: password,
            key_ref: key,
        }
        .encode()
    }

    #[test]
    fn picks_parameters_and_password() {
        let mut c = config();
        let run = c
            .mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, Some(2), None))
            .unwrap();
        assert_eq!(run.params().parameter_id(), 13);
        assert_eq!(run.password_kind(), PasswordKind::Can);
        let run = c
            .mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, Some(1), Some(12)))
            .unwrap();
        assert_eq!(run.params().parameter_id(), 12);
        assert_eq!(run.password_kind(), PasswordKind::Mrz);
    }

    #[test]
    fn refuses_what_the_chip_does_not_offer() {
        let mut c = config();
        let e = c
            .mse_set_at(&mse(ID_PACE_ECDH_GM_AES_256, Some(2), None))
            .unwrap_err();
        assert!(matches!(e, Error::UnsupportedOid { .. }));
        assert_eq!(e.chip_status_word(), 0x6A80);
        assert_eq!(
            c.mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, Some(2), Some(15)))
                .unwrap_err(),
            Error::UnsupportedDomainParameters(15)
        );
        assert!(matches!(
            c.mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, None, None)),
            Err(Error::MissingDataObject { tag: 0x83, .. })
        ));
        assert!(matches!(
            c.mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, Some(3), None)),
            Err(Error::BadInput { .. })
        ));
        assert!(matches!(c.mse_set_at(&[0x80]), Err(Error::Tlv { .. })));
    }

    #[test]
    fn counts_attempts_blocks_and_restores() {
        let mut c = config();
        let data = mse(ID_PACE_ECDH_GM_AES_128, Some(1), None);
        c.mse_set_at(&data).unwrap();
        c.record_success(PasswordKind::Mrz);
        assert_eq!(c.counter(PasswordKind::Mrz).unwrap().remaining(), Some(2));
        c.mse_set_at(&data).unwrap(); // fails later: counted
        c.mse_set_at(&data).unwrap();
        let e = c.mse_set_at(&data).unwrap_err();
        assert_eq!(
            (e.clone(), e.chip_status_word()),
            (Error::PasswordBlocked, 0x6983)
        );
        // The CAN has no counter.
        for _ in 0..5 {
            c.mse_set_at(&mse(ID_PACE_ECDH_GM_AES_128, Some(2), None))
                .unwrap();
        }
        // A persisted value comes back.
        c.restore_counter(PasswordKind::Mrz, 1).unwrap();
        assert_eq!(c.counter(PasswordKind::Mrz).unwrap().remaining(), Some(1));
        assert!(c.restore_counter(PasswordKind::Mrz, 9).is_err());
        assert!(c.restore_counter(PasswordKind::Pin, 1).is_err());
    }
}
