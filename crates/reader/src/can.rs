//! The Card Access Number, the PACE password a reader can get without the MRZ: printed on the
//! card where there is one, or (Vietnam) the last 6 digits of the 12-digit ID number.

use crate::error::Error;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A CAN: exactly 6 decimal digits (ICAO 9303-11 §4.4.4.1). Zeroized on drop, redacted in
/// `Debug`: with it anyone near the card can read the chip.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Can(String);

impl fmt::Debug for Can {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Can(<redacted>)")
    }
}

impl Can {
    /// Validates a CAN as typed (surrounding spaces ignored).
    pub fn new(can: &str) -> Result<Can, Error> {
        let can = can.trim();
        pace::Password::from_can(can)?;
        Ok(Can(can.to_string()))
    }

    /// The CAN of a Vietnamese card: the last 6 digits of its 12-digit ID number.
    pub fn from_vietnam_id_number(id_number: &str) -> Result<Can, Error> {
        Ok(Can(pace::vietnam_can(id_number)?))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PACE password.
    pub fn password(&self) -> pace::Password {
        // Validated at construction.
        pace::Password::from_can(&self.0).expect("a Can holds 6 digits")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_redacts() {
        let can = Can::new(" 012345 ").unwrap();
        assert_eq!(can.as_str(), "012345");
        assert_eq!(format!("{can:?}"), "Can(<redacted>)");
        for bad in ["01234", "0123456", "01234a", ""] {
            assert!(Can::new(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Can::from_vietnam_id_number("001099012345")
                .unwrap()
                .as_str(),
            "012345"
        );
        assert!(Can::from_vietnam_id_number("12345").is_err());
        assert_eq!(can.password().kind(), pace::PasswordKind::Can);
    }
}
