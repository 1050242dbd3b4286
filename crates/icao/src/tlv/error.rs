//! The one error type of the codec. Inputs come from cards, files and the other side of the
//! contactless interface, none of which we trust, so every error says where it happened (the
//! absolute byte offset in the file or message) and what was wrong there, in words a log reader
//! can act on.

use std::fmt;

/// What was wrong at the offset of a [`TlvError`].
///
/// The texts are part of the interface: `lds` shows them unchanged inside its own errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends where a tag must start.
    #[error("expected a tag, input ends")]
    TagMissing,
    /// A multi-byte tag (low five bits `11111`) ends before its last byte.
    #[error("tag truncated")]
    TagTruncated,
    /// The first subsequent tag byte is `80`: the tag number has a leading zero group, which
    /// X.690 §8.1.2.4.2 (c) forbids.
    #[error("tag number with a leading zero continuation byte")]
    TagLeadingZero,
    /// Tags longer than 3 bytes do not occur in Doc 9303 (Part 10 §4.4 uses at most 2).
    #[error("tag longer than 3 bytes")]
    TagTooLong,
    /// The input ends after the tag.
    #[error("length missing, input ends")]
    LengthMissing,
    /// `80`: the indefinite form, which ISO/IEC 7816-4 §5.2 BER-TLV data objects do not use.
    #[error("indefinite length (80) is not allowed")]
    IndefiniteLength,
    /// The long form announces more length bytes than the input holds.
    #[error("length bytes truncated")]
    LengthTruncated,
    /// `85`–`FF`: more than four length bytes (no eMRTD object is 4 GiB) or the reserved `FF`.
    #[error("reserved length byte {0:02X}")]
    ReservedLength(u8),
    /// [`crate::tlv::Rules::Der`]: the length is not in its shortest form (X.690 §10.1).
    #[error("length {0} not in its shortest form")]
    NonMinimalLength(usize),
    /// The value would run past the end of the input.
    #[error("length {len} runs past the input ({remaining} bytes left)")]
    ValueOverrun { len: usize, remaining: usize },
    /// [`crate::tlv::Reader::expect`] found another tag than the one the structure requires.
    #[error("expected tag {expected:02X}, found {found:02X}")]
    UnexpectedTag { expected: u32, found: u32 },
    /// Bytes are left after the object(s) that must fill the input.
    #[error("{count} trailing byte(s) after {after}")]
    TrailingBytes { count: usize, after: Box<str> },
}

impl ErrorKind {
    /// The kind in fixed words, without the numbers [`fmt::Display`] adds. For the error types
    /// of protocol crates that carry a `&'static str` reason and keep the offset in a field of
    /// their own (`pace::Error::Tlv`, `card`'s secure-messaging errors): they report the fault
    /// in the codec's words instead of keeping a wording of their own.
    pub fn summary(&self) -> &'static str {
        match self {
            ErrorKind::TagMissing => "expected a tag, input ends",
            ErrorKind::TagTruncated => "tag truncated",
            ErrorKind::TagLeadingZero => "tag number with a leading zero continuation byte",
            ErrorKind::TagTooLong => "tag longer than 3 bytes",
            ErrorKind::LengthMissing => "length missing, input ends",
            ErrorKind::IndefiniteLength => "indefinite length (80) is not allowed",
            ErrorKind::LengthTruncated => "length bytes truncated",
            ErrorKind::ReservedLength(_) => "reserved length byte",
            ErrorKind::NonMinimalLength(_) => "length not in its shortest form",
            ErrorKind::ValueOverrun { .. } => "length runs past the input",
            ErrorKind::UnexpectedTag { .. } => "unexpected tag",
            ErrorKind::TrailingBytes { .. } => "trailing bytes",
        }
    }
}

/// A decoding error: where, what, and optionally which element was being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlvError {
    offset: usize,
    kind: ErrorKind,
    /// What the caller was reading ("SubjectPublicKeyInfo", "DG1"), outermost first.
    context: Option<Box<str>>,
}

impl TlvError {
    /// An error at absolute byte `offset`.
    pub fn new(offset: usize, kind: ErrorKind) -> Self {
        TlvError {
            offset,
            kind,
            context: None,
        }
    }

    /// Names the element being read; an existing context stays after it (`"outer: inner"`).
    #[must_use]
    pub fn with_context(mut self, what: &str) -> Self {
        self.context = Some(match self.context.take() {
            Some(inner) => format!("{what}: {inner}").into(),
            None => what.into(),
        });
        self
    }

    /// The absolute byte offset the error points at (tag, length or value byte).
    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The message without the offset: `"<context>: <kind>"`, or the kind alone. Crates with
    /// their own error type keep the offset in a field and this text as the reason.
    pub fn reason(&self) -> String {
        match &self.context {
            Some(c) => format!("{c}: {}", self.kind),
            None => self.kind.to_string(),
        }
    }
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLV error at byte {}: ", self.offset)?;
        if let Some(c) = &self.context {
            write!(f, "{c}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for TlvError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_the_display_text_without_numbers() {
        for kind in [
            ErrorKind::TagMissing,
            ErrorKind::TagTruncated,
            ErrorKind::TagLeadingZero,
            ErrorKind::TagTooLong,
            ErrorKind::LengthMissing,
            ErrorKind::IndefiniteLength,
            ErrorKind::LengthTruncated,
        ] {
            assert_eq!(kind.summary(), kind.to_string());
        }
        assert_eq!(
            ErrorKind::ValueOverrun {
                len: 5,
                remaining: 1
            }
            .summary(),
            "length runs past the input"
        );
        assert_eq!(
            ErrorKind::ReservedLength(0x85).summary(),
            "reserved length byte"
        );
    }
}
