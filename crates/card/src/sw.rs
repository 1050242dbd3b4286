//! Status words (ISO/IEC 7816-4 §5.6) as an enum with a fallback, so code matches on meaning
//! and an unknown value from a card is still carried, never lost or panicked on.

use std::fmt;

/// A status word SW1-SW2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusWord {
    /// 9000
    Ok,
    /// 61xx: xx more bytes available (GET RESPONSE); handled inside the transport.
    BytesRemaining(u8),
    /// 6282: end of file reached before Le bytes were read.
    EndOfFile,
    /// 63Cx: verification failed, x tries left.
    RetriesLeft(u8),
    /// 6581: memory failure (EEPROM write failed).
    MemoryFailure,
    /// 6700: wrong length.
    WrongLength,
    /// 6882: secure messaging not supported (SM command before BAC on the JMRTD applet).
    SecureMessagingNotSupported,
    /// 6982: security status not satisfied.
    SecurityStatusNotSatisfied,
    /// 6983: authentication method blocked.
    AuthenticationBlocked,
    /// 6984: reference data not usable.
    ReferenceDataNotUsable,
    /// 6985: conditions of use not satisfied (e.g. a personalization command after lock).
    ConditionsNotSatisfied,
    /// 6986: command not allowed (no current EF).
    NoCurrentEf,
    /// 6987: expected secure-messaging data objects missing.
    SmObjectsMissing,
    /// 6988: incorrect secure-messaging data objects (bad MAC).
    SmObjectsIncorrect,
    /// 6A80: incorrect parameters in the data field.
    IncorrectData,
    /// 6A81: function not supported.
    FunctionNotSupported,
    /// 6A82: file or application not found.
    FileNotFound,
    /// 6A84: not enough memory space (file or chip capacity).
    NotEnoughMemory,
    /// 6A86: incorrect P1-P2.
    IncorrectP1P2,
    /// 6A88: referenced data not found.
    ReferencedDataNotFound,
    /// 6A89: file already exists.
    FileExists,
    /// 6B00: wrong parameters (offset outside the EF).
    WrongParameters,
    /// 6Cxx: wrong Le, xx is the exact length; handled inside the transport.
    WrongLe(u8),
    /// 6D00: instruction not supported.
    InsNotSupported,
    /// 6E00: class not supported.
    ClaNotSupported,
    /// 6F00: no precise diagnosis.
    NoPreciseDiagnosis,
    /// Anything else, kept verbatim.
    Other(u16),
}

impl StatusWord {
    /// The two bytes as a number.
    pub fn to_u16(self) -> u16 {
        use StatusWord::*;
        match self {
            Ok => 0x9000,
            BytesRemaining(n) => 0x6100 | n as u16,
            EndOfFile => 0x6282,
            RetriesLeft(n) => 0x63C0 | (n as u16 & 0x0F),
            MemoryFailure => 0x6581,
            WrongLength => 0x6700,
            SecureMessagingNotSupported => 0x6882,
            SecurityStatusNotSatisfied => 0x6982,
            AuthenticationBlocked => 0x6983,
            ReferenceDataNotUsable => 0x6984,
            ConditionsNotSatisfied => 0x6985,
            NoCurrentEf => 0x6986,
            SmObjectsMissing => 0x6987,
            SmObjectsIncorrect => 0x6988,
            IncorrectData => 0x6A80,
            FunctionNotSupported => 0x6A81,
            FileNotFound => 0x6A82,
            NotEnoughMemory => 0x6A84,
            IncorrectP1P2 => 0x6A86,
            ReferencedDataNotFound => 0x6A88,
            FileExists => 0x6A89,
            WrongParameters => 0x6B00,
            WrongLe(n) => 0x6C00 | n as u16,
            InsNotSupported => 0x6D00,
            ClaNotSupported => 0x6E00,
            NoPreciseDiagnosis => 0x6F00,
            Other(v) => v,
        }
    }

    /// True for 9000.
    pub fn is_ok(self) -> bool {
        self == StatusWord::Ok
    }
}

impl From<u16> for StatusWord {
    fn from(v: u16) -> Self {
        use StatusWord::*;
        match v {
            0x9000 => Ok,
            0x6282 => EndOfFile,
            0x6581 => MemoryFailure,
            0x6700 => WrongLength,
            0x6882 => SecureMessagingNotSupported,
            0x6982 => SecurityStatusNotSatisfied,
            0x6983 => AuthenticationBlocked,
            0x6984 => ReferenceDataNotUsable,
            0x6985 => ConditionsNotSatisfied,
            0x6986 => NoCurrentEf,
            0x6987 => SmObjectsMissing,
            0x6988 => SmObjectsIncorrect,
            0x6A80 => IncorrectData,
            0x6A81 => FunctionNotSupported,
            0x6A82 => FileNotFound,
            0x6A84 => NotEnoughMemory,
            0x6A86 => IncorrectP1P2,
            0x6A88 => ReferencedDataNotFound,
            0x6A89 => FileExists,
            0x6B00 => WrongParameters,
            0x6D00 => InsNotSupported,
            0x6E00 => ClaNotSupported,
            0x6F00 => NoPreciseDiagnosis,
            v if v & 0xFF00 == 0x6100 => BytesRemaining(v as u8),
            v if v & 0xFF00 == 0x6C00 => WrongLe(v as u8),
            v if v & 0xFFF0 == 0x63C0 => RetriesLeft(v as u8 & 0x0F),
            v => Other(v),
        }
    }
}

impl From<StatusWord> for u16 {
    fn from(sw: StatusWord) -> u16 {
        sw.to_u16()
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.to_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_roundtrips() {
        for v in 0u16..=0xFFFF {
            assert_eq!(StatusWord::from(v).to_u16(), v, "{v:04X}");
        }
        assert_eq!(StatusWord::from(0x6985), StatusWord::ConditionsNotSatisfied);
        assert_eq!(StatusWord::from(0x6110), StatusWord::BytesRemaining(0x10));
        assert_eq!(StatusWord::from(0x1234), StatusWord::Other(0x1234));
        assert_eq!(StatusWord::from(0x6A84).to_string(), "6A84");
    }
}
