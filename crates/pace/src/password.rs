//! PACE passwords and the password key K_π (ICAO 9303-11 §4.4.3.1, §9.7.3).
//!
//! The shared secret of PACE is derived from a password π: the MRZ (document number, date of
//! birth, date of expiry, each with its check digit) or the CAN. The protocol uses
//! `K_π = KDF(f(π), 3)` where `f(π) = SHA-1(MRZ_information)` (the full 20 bytes; BAC truncates,
//! PACE does not) and `f(π) = π` (the ISO 8859-1 bytes) for the CAN.
//!
//! Vietnamese CCCD cards print no separate CAN: readers use the last 6 digits of the 12-digit
//! personal ID number ([`vietnam_can`]).

use crate::error::{Error, Result};
use crate::sym::{Cipher, KDF_PI, SecretBytes, kdf};
use sha1::{Digest, Sha1};

/// Which password a PACE run uses; the value is the key reference of MSE:Set AT (data object
/// 83) and of PACEInfo-based password selection (ICAO 9303-11 §4.4.4.1, Table 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordKind {
    /// Machine Readable Zone (reference 01).
    Mrz,
    /// Card Access Number (reference 02).
    Can,
    /// PIN (reference 03), not used by eMRTDs but kept for the retry-counter model.
    Pin,
    /// PUK (reference 04).
    Puk,
}

impl PasswordKind {
    /// The key reference byte (value of data object 83 in MSE:Set AT).
    pub fn reference(self) -> u8 {
        match self {
            PasswordKind::Mrz => 1,
            PasswordKind::Can => 2,
            PasswordKind::Pin => 3,
            PasswordKind::Puk => 4,
        }
    }

    /// The kind for a key reference byte.
    pub fn from_reference(r: u8) -> Result<Self> {
        match r {
            1 => Ok(PasswordKind::Mrz),
            2 => Ok(PasswordKind::Can),
            3 => Ok(PasswordKind::Pin),
            4 => Ok(PasswordKind::Puk),
            other => Err(Error::BadInput {
                what: "PACE password reference",
                reason: format!("{other:02X} is not 01 (MRZ), 02 (CAN), 03 (PIN) or 04 (PUK)"),
            }),
        }
    }
}

/// A PACE password, already mapped through `f(π)`: zeroized on drop, redacted in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Password {
    kind: PasswordKind,
    secret: SecretBytes,
}

impl Password {
    /// The MRZ password from an MRZ_information string (document number + check digit, date of
    /// birth + check digit, date of expiry + check digit; see [`mrz_information`]).
    pub fn from_mrz_information(mrz_information: &str) -> Result<Self> {
        if mrz_information.len() < 24 || !mrz_information.bytes().all(is_mrz_char) {
            return Err(Error::BadInput {
                what: "MRZ information",
                reason: "expected at least 24 characters of A-Z, 0-9 and '<'".into(),
            });
        }
        Ok(Password {
            kind: PasswordKind::Mrz,
            secret: SecretBytes::new(Sha1::digest(mrz_information.as_bytes()).to_vec()),
        })
    }

    /// The MRZ password from the stored `SHA-1(MRZ_information)` (20 bytes): what a chip keeps
    /// instead of the MRZ itself (its first 16 bytes are also the BAC key seed).
    pub fn from_mrz_hash(sha1_of_mrz_information: &[u8]) -> Result<Self> {
        if sha1_of_mrz_information.len() != 20 {
            return Err(Error::BadLength {
                what: "SHA-1 of MRZ information",
                expected: "20".into(),
                actual: sha1_of_mrz_information.len(),
            });
        }
        Ok(Password {
            kind: PasswordKind::Mrz,
            secret: SecretBytes::new(sha1_of_mrz_information.to_vec()),
        })
    }

    /// The MRZ password from the three fields (check digits are computed here).
    pub fn from_mrz(
        document_number: &str,
        date_of_birth: &str,
        date_of_expiry: &str,
    ) -> Result<Self> {
        Self::from_mrz_information(&mrz_information(
            document_number,
            date_of_birth,
            date_of_expiry,
        )?)
    }

    /// The CAN password: exactly 6 decimal digits (ICAO 9303-11 §4.4.4.1; the CAN printed on
    /// cards that have one, or [`vietnam_can`] of the ID number).
    pub fn from_can(can: &str) -> Result<Self> {
        if can.len() != 6 || !can.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::BadInput {
                what: "CAN",
                reason: format!("expected 6 decimal digits, got {} characters", can.len()),
            });
        }
        Ok(Password {
            kind: PasswordKind::Can,
            secret: SecretBytes::new(can.as_bytes().to_vec()),
        })
    }

    /// The CAN of a Vietnamese card from its 12-digit personal ID number.
    pub fn from_vietnam_id_number(id_number: &str) -> Result<Self> {
        Self::from_can(&vietnam_can(id_number)?)
    }

    /// Which password this is.
    pub fn kind(&self) -> PasswordKind {
        self.kind
    }

    /// `f(π)`: SHA-1(MRZ_information) for the MRZ, the password bytes otherwise.
    pub fn encoded(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    /// `K_π = KDF(f(π), 3)` for the cipher of the PACE protocol.
    pub fn key(&self, cipher: Cipher) -> SecretBytes {
        kdf(self.secret.as_bytes(), KDF_PI, cipher)
    }
}

/// The MRZ character set (Part 3 §4.3): exactly the characters a check digit is defined over.
fn is_mrz_char(b: u8) -> bool {
    icao::check_digit::char_value(char::from(b)).is_some()
}

/// The CAN of a Vietnamese chip card: the last 6 digits of the 12-digit personal identification
/// number (vietnam-cccd.md §1.1: the card prints no separate CAN).
pub fn vietnam_can(id_number: &str) -> Result<String> {
    let id = id_number.trim();
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::BadInput {
            what: "Vietnamese ID number",
            reason: "expected 12 decimal digits".into(),
        });
    }
    Ok(id[6..].to_string())
}

/// ICAO 9303-3 §4.9 check digit, [`icao::check_digit`]'s, with its refusal of a character
/// outside `A-Z0-9<` as this crate's [`Error::BadInput`].
pub fn check_digit(field: &str) -> Result<char> {
    icao::check_digit::check_digit(field).map_err(|e| Error::BadInput {
        what: "MRZ field",
        reason: e.to_string(),
    })
}

/// MRZ_information (ICAO 9303-11 §9.7.2 / Appendix D.2): document number padded with `<` to 9
/// characters (longer numbers in full), its check digit, date of birth YYMMDD and check digit,
/// date of expiry YYMMDD and check digit.
pub fn mrz_information(
    document_number: &str,
    date_of_birth: &str,
    date_of_expiry: &str,
) -> Result<String> {
    let doc = document_number.trim().to_ascii_uppercase();
    if doc.is_empty() || !doc.bytes().all(is_mrz_char) {
        return Err(Error::BadInput {
            what: "document number",
            reason: "expected A-Z, 0-9 and '<' only".into(),
        });
    }
    let mut doc_field = doc;
    while doc_field.len() < 9 {
        doc_field.push('<');
    }
    for (what, date) in [
        ("date of birth", date_of_birth),
        ("date of expiry", date_of_expiry),
    ] {
        if date.len() != 6 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::BadInput {
                what,
                reason: "expected YYMMDD".into(),
            });
        }
    }
    let mut out = String::with_capacity(doc_field.len() + 15);
    out.push_str(&doc_field);
    out.push(check_digit(&doc_field)?);
    out.push_str(date_of_birth);
    out.push(check_digit(date_of_birth)?);
    out.push_str(date_of_expiry);
    out.push(check_digit(date_of_expiry)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrz_information_short_and_long_numbers() {
        // ICAO 9303-11 Appendix D.2 and its long-document-number variant.
        assert_eq!(
            mrz_information("L898902C", "690806", "940623").unwrap(),
            "L898902C<369080619406236"
        );
        assert_eq!(
            mrz_information("D23145890734", "340712", "950712").unwrap(),
            "D23145890734934071279507122"
        );
        assert_eq!(
            mrz_information("T22000129", "640812", "101031").unwrap(),
            "T22000129364081251010318"
        );
    }

    #[test]
    fn bad_mrz_fields_are_refused() {
        assert!(mrz_information("", "640812", "101031").is_err());
        assert!(mrz_information("T2200-0129", "640812", "101031").is_err());
        assert!(mrz_information("T22000129", "64081", "101031").is_err());
        assert!(mrz_information("T22000129", "640812", "1010AB").is_err());
        assert!(check_digit("a").is_err());
        assert!(Password::from_mrz_information("short").is_err());
        assert!(Password::from_mrz_information("t22000129364081251010318").is_err());
    }

    #[test]
    fn mrz_hash_password_equals_mrz_password() {
        let from_fields = Password::from_mrz("T22000129", "640812", "101031").unwrap();
        let from_hash = Password::from_mrz_hash(from_fields.encoded()).unwrap();
        assert_eq!(from_hash, from_fields);
        assert!(matches!(
            Password::from_mrz_hash(&[0; 16]),
            Err(Error::BadLength { .. })
        ));
    }

    #[test]
    fn can_rules() {
        assert!(Password::from_can("123456").is_ok());
        assert!(Password::from_can("12345").is_err());
        assert!(Password::from_can("12345A").is_err());
        assert_eq!(vietnam_can("001099012345").unwrap(), "012345");
        assert_eq!(vietnam_can(" 079203001234 ").unwrap(), "001234");
        assert!(vietnam_can("01099012345").is_err());
        assert!(vietnam_can("00109901234X").is_err());
        let p = Password::from_vietnam_id_number("001099012345").unwrap();
        assert_eq!(p.kind(), PasswordKind::Can);
        assert_eq!(p.encoded(), b"012345");
    }

    #[test]
    fn references() {
        for k in [
            PasswordKind::Mrz,
            PasswordKind::Can,
            PasswordKind::Pin,
            PasswordKind::Puk,
        ] {
            assert_eq!(PasswordKind::from_reference(k.reference()).unwrap(), k);
        }
        assert!(PasswordKind::from_reference(5).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let p = Password::from_can("123456").unwrap();
        assert!(!format!("{p:?}").contains("123456"));
    }
}
