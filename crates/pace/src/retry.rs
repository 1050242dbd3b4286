//! The failure counter of a PACE password, as a firmware profile configures it.
//!
//! ICAO eMRTDs usually put no counter on the MRZ or the CAN; eID-style profiles (BSI TR-03110)
//! give the PIN 3 attempts, *suspend* it at 1 (the last attempt needs a successful PACE with the
//! CAN first, so a remote attacker cannot block the card) and *block* it at 0 (only the PUK or
//! an issuer reset helps). This pure type models all of these; the chip embeds one per password
//! and persists [`RetryCounter::remaining`] in its image.
//!
//! The counter is decremented when an attempt *starts* ([`RetryCounter::begin_attempt`], at
//! MSE:Set AT, before any nonce leaves the chip) and restored on success
//! ([`RetryCounter::record_success`]), so pulling the card before the token check cannot grant
//! free guesses. A refused start maps to 63C1 (suspended) or 6983 (blocked) via
//! [`crate::Error::chip_status_word`].

use crate::error::{Error, Result};

/// Retry behaviour of one password, as read from a firmware profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Failed attempts allowed before the password is blocked; `None` = unlimited.
    pub max_attempts: Option<u8>,
    /// Remaining-attempts value at which the password is suspended until resumed (after a
    /// successful PACE with the CAN); `None` = never suspended. Must be below `max_attempts`.
    pub suspend_at: Option<u8>,
}

impl RetryPolicy {
    /// No counter (the usual eMRTD behaviour for MRZ and CAN).
    pub const UNLIMITED: RetryPolicy = RetryPolicy {
        max_attempts: None,
        suspend_at: None,
    };

    fn validate(&self) -> Result<()> {
        match (self.max_attempts, self.suspend_at) {
            (Some(0), _) => Err(Error::BadRetryPolicy(
                "max_attempts must be at least 1".into(),
            )),
            (None, Some(_)) => Err(Error::BadRetryPolicy(
                "suspend_at needs max_attempts".into(),
            )),
            (Some(max), Some(s)) if s == 0 || s >= max => Err(Error::BadRetryPolicy(format!(
                "suspend_at {s} must be between 1 and max_attempts - 1 ({})",
                max - 1
            ))),
            _ => Ok(()),
        }
    }
}

/// What the counter allows right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryStatus {
    /// No counter.
    Unlimited,
    /// Usable with this many attempts left.
    Active {
        /// Attempts left.
        remaining: u8,
    },
    /// Suspended: needs [`RetryCounter::resume`] before the next attempt.
    Suspended,
    /// Blocked: needs [`RetryCounter::unblock`].
    Blocked,
}

/// The failure counter of one password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryCounter {
    policy: RetryPolicy,
    remaining: u8,
    resumed: bool,
}

impl RetryCounter {
    /// A fresh counter at its maximum.
    pub fn new(policy: RetryPolicy) -> Result<Self> {
        policy.validate()?;
        Ok(RetryCounter {
            policy,
            remaining: policy.max_attempts.unwrap_or(0),
            resumed: false,
        })
    }

    /// A counter restored from a chip image.
    pub fn from_remaining(policy: RetryPolicy, remaining: u8) -> Result<Self> {
        policy.validate()?;
        if policy.max_attempts.is_some_and(|m| remaining > m) {
            return Err(Error::BadRetryPolicy(format!(
                "remaining {remaining} exceeds max_attempts"
            )));
        }
        Ok(RetryCounter {
            policy,
            remaining,
            resumed: false,
        })
    }

    /// The policy.
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Attempts left (`None` when unlimited): the value to persist.
    pub fn remaining(&self) -> Option<u8> {
        self.policy.max_attempts.map(|_| self.remaining)
    }

    /// Current status.
    pub fn status(&self) -> RetryStatus {
        if self.policy.max_attempts.is_none() {
            RetryStatus::Unlimited
        } else if self.remaining == 0 {
            RetryStatus::Blocked
        } else if self.policy.suspend_at == Some(self.remaining) && !self.resumed {
            RetryStatus::Suspended
        } else {
            RetryStatus::Active {
                remaining: self.remaining,
            }
        }
    }

    /// Starts an attempt: refuses a suspended or blocked password, otherwise counts the attempt
    /// as failed until [`Self::record_success`] says otherwise.
    pub fn begin_attempt(&mut self) -> Result<()> {
        match self.status() {
            RetryStatus::Unlimited => Ok(()),
            RetryStatus::Blocked => Err(Error::PasswordBlocked),
            RetryStatus::Suspended => Err(Error::PasswordSuspended),
            RetryStatus::Active { .. } => {
                self.remaining -= 1;
                self.resumed = false;
                Ok(())
            }
        }
    }

    /// The attempt succeeded (the terminal's token verified): back to the maximum.
    pub fn record_success(&mut self) {
        if let Some(max) = self.policy.max_attempts {
            self.remaining = max;
        }
        self.resumed = false;
    }

    /// Lifts a suspension for one attempt; call after a successful PACE with the CAN.
    /// Fails when the password is not suspended.
    pub fn resume(&mut self) -> Result<()> {
        match self.status() {
            RetryStatus::Suspended => {
                self.resumed = true;
                Ok(())
            }
            RetryStatus::Blocked => Err(Error::PasswordBlocked),
            _ => Err(Error::BadRetryPolicy(
                "resume: password is not suspended".into(),
            )),
        }
    }

    /// Resets a blocked (or any) counter to the maximum (PUK or issuer reset).
    pub fn unblock(&mut self) {
        self.record_success();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: RetryPolicy = RetryPolicy {
        max_attempts: Some(3),
        suspend_at: Some(1),
    };

    #[test]
    fn unlimited_never_blocks() {
        let mut c = RetryCounter::new(RetryPolicy::UNLIMITED).unwrap();
        for _ in 0..100 {
            c.begin_attempt().unwrap();
        }
        assert_eq!(c.status(), RetryStatus::Unlimited);
        assert_eq!(c.remaining(), None);
    }

    #[test]
    fn pin_style_suspend_resume_block_unblock() {
        let mut c = RetryCounter::new(PIN).unwrap();
        assert_eq!(c.status(), RetryStatus::Active { remaining: 3 });
        c.begin_attempt().unwrap(); // wrong
        c.begin_attempt().unwrap(); // wrong
        assert_eq!(c.status(), RetryStatus::Suspended);
        assert_eq!(c.begin_attempt(), Err(Error::PasswordSuspended));
        c.resume().unwrap();
        assert_eq!(c.status(), RetryStatus::Active { remaining: 1 });
        c.begin_attempt().unwrap(); // wrong again
        assert_eq!(c.status(), RetryStatus::Blocked);
        assert_eq!(c.begin_attempt(), Err(Error::PasswordBlocked));
        assert_eq!(c.resume(), Err(Error::PasswordBlocked));
        c.unblock();
        assert_eq!(c.remaining(), Some(3));
    }

    #[test]
    fn success_restores_and_resume_needs_suspension() {
        let mut c = RetryCounter::new(PIN).unwrap();
        c.begin_attempt().unwrap();
        assert_eq!(c.remaining(), Some(2));
        c.record_success();
        assert_eq!(c.remaining(), Some(3));
        assert!(matches!(c.resume(), Err(Error::BadRetryPolicy(_))));
        // A torn attempt (begin without result) stays counted.
        c.begin_attempt().unwrap();
        let restored = RetryCounter::from_remaining(PIN, c.remaining().unwrap()).unwrap();
        assert_eq!(restored.status(), RetryStatus::Active { remaining: 2 });
    }

    #[test]
    fn block_without_suspension() {
        let mut c = RetryCounter::new(RetryPolicy {
            max_attempts: Some(2),
            suspend_at: None,
        })
        .unwrap();
        c.begin_attempt().unwrap();
        c.begin_attempt().unwrap();
        assert_eq!(c.begin_attempt(), Err(Error::PasswordBlocked));
    }

    #[test]
    fn invalid_policies() {
        for p in [
            RetryPolicy {
                max_attempts: Some(0),
                suspend_at: None,
            },
            RetryPolicy {
                max_attempts: None,
                suspend_at: Some(1),
            },
            RetryPolicy {
                max_attempts: Some(3),
                suspend_at: Some(3),
            },
            RetryPolicy {
                max_attempts: Some(3),
                suspend_at: Some(0),
            },
        ] {
            assert!(
                matches!(RetryCounter::new(p), Err(Error::BadRetryPolicy(_))),
                "{p:?}"
            );
        }
        assert!(RetryCounter::from_remaining(PIN, 4).is_err());
    }
}
