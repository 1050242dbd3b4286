//! The one error type of the crate.
//!
//! Every variant names what failed so that a chip can map it to a status word and a terminal can
//! put it into an inspection report ("PACE: authentication token of the chip did not verify").

/// Everything that can go wrong in PACE, Chip Authentication, Active Authentication, secure
/// messaging and the retry counter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An object identifier that names no protocol this crate implements.
    #[error("unsupported {what} OID {oid_hex}")]
    UnsupportedOid {
        /// Which kind of OID was expected ("PACE protocol", "CA protocol", "AA signature").
        what: &'static str,
        /// The content octets of the OID, upper-case hex.
        oid_hex: String,
    },
    /// A standardized domain parameter ID other than 12 (P-256) or 13 (brainpoolP256r1).
    #[error(
        "unsupported standardized domain parameter ID {0} (supported: 12 = NIST P-256, 13 = brainpoolP256r1)"
    )]
    UnsupportedDomainParameters(u64),
    /// A byte string had the wrong length.
    #[error("{what}: expected {expected} bytes, got {actual}")]
    BadLength {
        /// Which field.
        what: &'static str,
        /// What the field must hold (may be a description such as "16, 24 or 32").
        expected: String,
        /// What was given.
        actual: usize,
    },
    /// Bytes that should encode a point of the curve do not (wrong format, not on the curve, the
    /// point at infinity).
    #[error("{what}: not a valid {curve} point ({reason})")]
    InvalidPoint {
        /// Which key or point.
        what: &'static str,
        /// The curve it should be on.
        curve: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A private key or nonce that is zero or not below the group order.
    #[error("{what}: not a valid {curve} scalar (zero or not below the group order)")]
    InvalidScalar {
        /// Which key or nonce.
        what: &'static str,
        /// The curve.
        curve: &'static str,
    },
    /// The other party sent the same ephemeral public key as ours (ICAO 9303-11 §4.4.3.4 requires
    /// the check): a reflection attack or a broken peer.
    #[error("PACE: the peer's ephemeral public key equals our own")]
    ReflectedPublicKey,
    /// A step was called in the wrong state.
    #[error("{role}: {step} called in state {state}")]
    OutOfOrder {
        /// "PACE chip", "PACE terminal".
        role: &'static str,
        /// The method that was called.
        step: &'static str,
        /// The state the machine was in.
        state: &'static str,
    },
    /// The peer's authentication token did not verify: wrong password, or a man in the middle.
    #[error(
        "PACE: authentication token of the {peer} did not verify (wrong password or tampering)"
    )]
    TokenMismatch {
        /// "chip" or "terminal".
        peer: &'static str,
    },
    /// An input text that must follow a format does not.
    #[error("{what}: {reason}")]
    BadInput {
        /// Which input ("CAN", "ID number", "document number", ...).
        what: &'static str,
        /// The rule it broke.
        reason: String,
    },
    /// Ciphertext whose length is not a positive multiple of the block size.
    #[error("{what}: ciphertext length {len} is not a positive multiple of {block}")]
    BadCiphertextLength {
        /// Which cryptogram.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The block size.
        block: usize,
    },
    /// Decrypted data without valid ISO/IEC 7816-4 padding (80 00 .. 00).
    #[error("{what}: bad ISO/IEC 7816-4 padding after decryption")]
    BadPadding {
        /// Which cryptogram.
        what: &'static str,
    },
    /// A secure-messaging MAC (DO8E) did not verify.
    #[error("secure messaging: MAC did not verify")]
    MacMismatch,
    /// The send sequence counter would wrap around; the session must end.
    #[error("secure messaging: send sequence counter exhausted")]
    SscExhausted,
    /// A malformed TLV in dynamic authentication data or MSE data.
    #[error("TLV {context}: {reason} at offset {offset}")]
    Tlv {
        /// What was being parsed.
        context: &'static str,
        /// What was wrong.
        reason: &'static str,
        /// Byte offset of the problem.
        offset: usize,
    },
    /// A required data object is missing.
    #[error("{context}: missing data object {tag:02X}")]
    MissingDataObject {
        /// What was being parsed.
        context: &'static str,
        /// The tag that was expected.
        tag: u8,
    },
    /// An Active Authentication signature did not verify.
    #[error("Active Authentication: signature did not verify")]
    SignatureInvalid,
    /// A signature of the wrong form (neither plain r||s of the key size nor DER).
    #[error("Active Authentication: malformed signature ({reason})")]
    MalformedSignature {
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An RSA Active Authentication key lacks a part it needs (the modulus or the private
    /// exponent): a JMRTD applet whose PUT DATA 60/61 never came.
    #[error("RSA AA key incomplete: {0} missing")]
    RsaKeyIncomplete(&'static str),
    /// The RSA modulus has no room for ISO/IEC 9796-2's header, hash and trailer.
    #[error(
        "RSA AA modulus of {bits} bits is too short for ISO/IEC 9796-2 with {hash_len}-byte hashes"
    )]
    RsaModulusTooShort {
        /// Modulus length in bits.
        bits: usize,
        /// Hash length in bytes.
        hash_len: usize,
    },
    /// The password may not be used: its retry counter is at the suspension threshold.
    #[error("password suspended: resume it with an authenticated CAN session first")]
    PasswordSuspended,
    /// The password may not be used: its retry counter reached zero.
    #[error("password blocked: no attempts left")]
    PasswordBlocked,
    /// A retry policy that cannot work (e.g. suspension threshold above the maximum).
    #[error("retry policy: {0}")]
    BadRetryPolicy(String),
    /// The random number generator failed.
    #[error("random number generator failed")]
    Rng,
}

impl Error {
    /// The status word a chip should answer with when this error ends a command (ICAO 9303-11,
    /// ISO/IEC 7816-4, BSI TR-03110-3 conventions):
    /// malformed input `6A80`, step out of order `6985`, wrong password (token) `6300`,
    /// blocked password `6983`, suspended password `63C1`, secure-messaging failure `6988`,
    /// internal failure (RNG, bad profile) `6F00`.
    pub fn chip_status_word(&self) -> u16 {
        match self {
            Error::OutOfOrder { .. } => 0x6985,
            Error::TokenMismatch { .. } => 0x6300,
            Error::PasswordBlocked => 0x6983,
            Error::PasswordSuspended => 0x63C1,
            Error::MacMismatch
            | Error::BadPadding { .. }
            | Error::BadCiphertextLength { .. }
            | Error::SscExhausted => 0x6988,
            Error::Rng
            | Error::BadRetryPolicy(_)
            | Error::RsaKeyIncomplete(_)
            | Error::RsaModulusTooShort { .. } => 0x6F00,
            Error::UnsupportedOid { .. }
            | Error::UnsupportedDomainParameters(_)
            | Error::BadLength { .. }
            | Error::InvalidPoint { .. }
            | Error::InvalidScalar { .. }
            | Error::ReflectedPublicKey
            | Error::BadInput { .. }
            | Error::Tlv { .. }
            | Error::MissingDataObject { .. }
            | Error::SignatureInvalid
            | Error::MalformedSignature { .. } => 0x6A80,
        }
    }
}

/// Shorthand used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_and_messages() {
        assert_eq!(
            Error::TokenMismatch { peer: "terminal" }.chip_status_word(),
            0x6300
        );
        assert_eq!(Error::PasswordBlocked.chip_status_word(), 0x6983);
        assert_eq!(Error::PasswordSuspended.chip_status_word(), 0x63C1);
        assert_eq!(Error::MacMismatch.chip_status_word(), 0x6988);
        assert_eq!(Error::Rng.chip_status_word(), 0x6F00);
        assert_eq!(Error::ReflectedPublicKey.chip_status_word(), 0x6A80);
        let e = Error::OutOfOrder {
            role: "PACE chip",
            step: "map_nonce",
            state: "failed",
        };
        assert_eq!(e.chip_status_word(), 0x6985);
        assert_eq!(e.to_string(), "PACE chip: map_nonce called in state failed");
        assert_eq!(
            Error::MissingDataObject {
                context: "x",
                tag: 0x81
            }
            .to_string(),
            "x: missing data object 81"
        );
    }
}
