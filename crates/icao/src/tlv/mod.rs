//! The one strict BER-TLV codec of the workspace (ISO/IEC 7816-4 §5.2, X.690 §8.1, as used by
//! Doc 9303 Part 10 §4.4 for the LDS and Part 11 for secure messaging, PACE and CA objects).
//!
//! Tags are kept as the integer of their bytes, big-endian (`0x5F1F`, `0x7F61`), up to 3 bytes,
//! because that is how Doc 9303 and ISO/IEC 7816-4 print them and how every table compares them.
//! Lengths use the short form (< 128) or the long form with 1–4 length bytes.
//!
//! Decoding refuses, with the absolute byte offset of the fault:
//! - the indefinite length (`80`) and the reserved length bytes (`85`–`FF`);
//! - long-form tags that start with an `80` continuation byte or exceed 3 bytes;
//! - lengths that run past the input;
//! - bytes after the object, unless the caller asks for them ([`decode_prefix`], [`Reader`]);
//! - with [`Rules::Der`], lengths not in their shortest form, so that re-encoding a decoded object
//!   is byte-exact (what the hashes of EF.SOD need).
//!
//! Two-byte tags with a small number (`5F01`, `5F1F`) are the ISO/IEC 7816 usage of the LDS and
//! are accepted even though X.690 would want them in one byte.
//!
//! The API covers what each user needs: one TLV ([`decode_one`], [`decode_prefix`]), a sequence
//! ([`Reader`], an iterator), nested constructed values ([`Tlv::children`]), only the header to
//! learn how much to read from a card ([`read_header`]), and encoders with the tag as a number
//! ([`encode()`], [`encode_into`], [`encode_parts`], [`encoded_size`]).

mod encode;
mod error;

pub use encode::{
    encode, encode_into, encode_len, encode_parts, encode_tag, encoded_size, len_size, tag_size,
};
pub use error::{ErrorKind, TlvError};

/// How strict length decoding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rules {
    /// Lengths in any definite form (e.g. `81 05` accepted): what ISO/IEC 7816-4 allows a card
    /// to send, and what some issued documents contain.
    Ber,
    /// Lengths in their shortest form only (X.690 §10.1), so that re-encoding is byte-exact.
    Der,
}

/// One decoded TLV, borrowing its value from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u32,
    pub value: &'a [u8],
    /// Absolute offset of the first tag byte.
    pub offset: usize,
    /// Absolute offset of the first value byte.
    pub value_offset: usize,
}

impl<'a> Tlv<'a> {
    /// Bit 6 of the first tag byte (X.690 §8.1.2.5): the value is itself a sequence of TLVs.
    #[inline]
    pub fn constructed(&self) -> bool {
        first_tag_byte(self.tag) & 0x20 != 0
    }

    /// A reader over the value (for constructed TLVs), with absolute offsets.
    #[inline]
    pub fn children(&self, rules: Rules) -> Reader<'a> {
        Reader::new(self.value, self.value_offset, rules)
    }

    /// Bytes of tag and length.
    #[inline]
    pub fn header_len(&self) -> usize {
        self.value_offset - self.offset
    }

    /// Total encoded size.
    #[inline]
    pub fn encoded_len(&self) -> usize {
        self.header_len() + self.value.len()
    }
}

#[inline]
pub(crate) fn first_tag_byte(tag: u32) -> u8 {
    let bytes = tag.to_be_bytes();
    bytes.iter().copied().find(|b| *b != 0).unwrap_or(0)
}

/// The tag and length at the start of a TLV, read without needing the value: what a terminal
/// learns from the first bytes of an EF before it reads the rest (Part 10 §4.4: read the header,
/// then the announced length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub tag: u32,
    /// Bytes of tag and length.
    pub header_len: usize,
    /// The announced value length.
    pub value_len: usize,
}

impl Header {
    /// Header plus value: how many bytes the whole TLV takes.
    pub fn total_len(&self) -> usize {
        self.header_len.saturating_add(self.value_len)
    }
}

/// Reads the header of the TLV at the start of `buf` (offsets in errors are from `buf[0]`).
/// The value need not be present; bytes after the header are not looked at.
#[inline]
pub fn read_header(buf: &[u8], rules: Rules) -> Result<Header, TlvError> {
    let h = parse_header(buf, 0, 0, rules)?;
    Ok(Header {
        tag: h.tag,
        header_len: h.value_start,
        value_len: h.len,
    })
}

/// Tag and length as [`parse_header`] found them, with indexes into its `buf`.
struct RawHeader {
    tag: u32,
    /// Index of the first length byte (where length errors point).
    len_at: usize,
    /// Index of the first value byte.
    value_start: usize,
    len: usize,
}

/// Parses tag and length at `buf[start..]`. `base` is the absolute offset of `buf[0]`, for
/// errors. The value is not looked at.
#[inline]
fn parse_header(
    buf: &[u8],
    start: usize,
    base: usize,
    rules: Rules,
) -> Result<RawHeader, TlvError> {
    let err = |i: usize, kind| TlvError::new(base + i, kind);
    let first = *buf
        .get(start)
        .ok_or_else(|| err(start, ErrorKind::TagMissing))?;
    let mut tag = u32::from(first);
    let mut i = start + 1;
    if first & 0x1F == 0x1F {
        // Subsequent tag bytes: bit 8 set on all but the last (X.690 §8.1.2.4).
        let mut n = 0;
        loop {
            let b = *buf.get(i).ok_or_else(|| err(i, ErrorKind::TagTruncated))?;
            if n == 0 && b == 0x80 {
                return Err(err(i, ErrorKind::TagLeadingZero));
            }
            tag = (tag << 8) | u32::from(b);
            i += 1;
            n += 1;
            if b & 0x80 == 0 {
                break;
            }
            if n >= 2 {
                return Err(err(start, ErrorKind::TagTooLong));
            }
        }
    }
    let len_at = i;
    let l0 = *buf.get(i).ok_or_else(|| err(i, ErrorKind::LengthMissing))?;
    i += 1;
    let len = match l0 {
        0..=0x7F => usize::from(l0),
        0x80 => return Err(err(len_at, ErrorKind::IndefiniteLength)),
        0x81..=0x84 => {
            let n = usize::from(l0 & 0x7F);
            let bytes = buf
                .get(i..i + n)
                .ok_or_else(|| err(len_at, ErrorKind::LengthTruncated))?;
            i += n;
            let v = bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
            if rules == Rules::Der && (v < 0x80 || bytes[0] == 0) {
                return Err(err(len_at, ErrorKind::NonMinimalLength(v)));
            }
            v
        }
        _ => return Err(err(len_at, ErrorKind::ReservedLength(l0))),
    };
    Ok(RawHeader {
        tag,
        len_at,
        value_start: i,
        len,
    })
}

/// Reads TLVs one after another from a slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    rules: Rules,
}

impl<'a> Reader<'a> {
    /// `base` is the absolute offset of `buf[0]` in the file, used in errors and [`Tlv`] offsets.
    #[inline]
    pub fn new(buf: &'a [u8], base: usize, rules: Rules) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            rules,
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Absolute offset of the next byte.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> &'a [u8] {
        &self.buf[self.pos.min(self.buf.len())..]
    }

    /// The next TLV.
    #[inline]
    pub fn read(&mut self) -> Result<Tlv<'a>, TlvError> {
        let start = self.pos;
        let RawHeader {
            tag,
            len_at,
            value_start: i,
            len,
        } = parse_header(self.buf, start, self.base, self.rules)?;
        let remaining = self.buf.len() - i;
        if len > remaining {
            return Err(TlvError::new(
                self.base + len_at,
                ErrorKind::ValueOverrun { len, remaining },
            ));
        }
        self.pos = i + len;
        Ok(Tlv {
            tag,
            value: &self.buf[i..i + len],
            offset: self.base + start,
            value_offset: self.base + i,
        })
    }

    /// The next TLV, which must have tag `tag`; errors name `what`.
    #[inline]
    pub fn expect(&mut self, tag: u32, what: &str) -> Result<Tlv<'a>, TlvError> {
        let at = self.offset();
        let t = self.read().map_err(|e| e.with_context(what))?;
        if t.tag != tag {
            return Err(TlvError::new(
                at,
                ErrorKind::UnexpectedTag {
                    expected: tag,
                    found: t.tag,
                },
            )
            .with_context(what));
        }
        Ok(t)
    }

    /// The next TLV if it has tag `tag`; nothing consumed otherwise.
    #[inline]
    pub fn optional(&mut self, tag: u32) -> Result<Option<Tlv<'a>>, TlvError> {
        if self.is_empty() {
            return Ok(None);
        }
        let mut probe = self.clone();
        let t = probe.read()?;
        if t.tag == tag {
            *self = probe;
            Ok(Some(t))
        } else {
            Ok(None)
        }
    }

    /// Fails if bytes are left; `what` names the element they follow.
    #[inline]
    pub fn finish(&self, what: &str) -> Result<(), TlvError> {
        if self.is_empty() {
            return Ok(());
        }
        Err(TlvError::new(
            self.offset(),
            ErrorKind::TrailingBytes {
                count: self.buf.len() - self.pos,
                after: what.into(),
            },
        ))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.is_empty() {
            return None;
        }
        let r = self.read();
        if r.is_err() {
            self.pos = self.buf.len(); // stop after an error
        }
        Some(r)
    }
}

/// Decodes exactly one TLV that spans all of `buf` (no trailing bytes).
#[inline]
pub fn decode_one(buf: &[u8], rules: Rules) -> Result<Tlv<'_>, TlvError> {
    let mut r = Reader::new(buf, 0, rules);
    let t = r.read()?;
    r.finish("the TLV")?;
    Ok(t)
}

/// Decodes the TLV at the start of `buf` and returns it with the bytes after it, for formats
/// where something may follow (padding after EF.SOD's `77`, a status word after a response).
#[inline]
pub fn decode_prefix(buf: &[u8], rules: Rules) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let mut r = Reader::new(buf, 0, rules);
    let t = r.read()?;
    Ok((t, r.remaining()))
}
