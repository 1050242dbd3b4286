//! A strict BER-TLV codec (ISO/IEC 7816-4 / X.690) for the LDS files.
//!
//! Tags are kept as the integer of their bytes (`0x5F1F`, `0x7F61`), up to 3 bytes. Lengths use
//! the short form (< 128) or the long form with 1–4 length bytes. Decoding refuses: the
//! indefinite length (`80`), reserved length bytes (`85`–`FF`), long-form tags that start with
//! a `80` continuation byte or exceed 3 bytes, lengths that run past the
//! input, and (for [`decode_one`]) trailing bytes. (Two-byte tags with a small number, such as
//! `5F01`, are the ISO/IEC 7816 usage of the LDS and are accepted.) With `Rules::Der` (what every LDS decoder in
//! this crate uses) a length must also be in its shortest form. Errors carry the absolute byte
//! offset in the file.

use crate::error::LdsError;

/// How strict length decoding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Lengths in any definite form (e.g. `81 05` accepted).
    Ber,
    /// Lengths in their shortest form only (DER), so that re-encoding is byte-exact.
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
    /// Bit 6 of the first tag byte: the value is itself a sequence of TLVs.
    pub fn constructed(&self) -> bool {
        first_tag_byte(self.tag) & 0x20 != 0
    }

    /// A reader over the value (for constructed TLVs), with absolute offsets.
    pub fn children(&self, rules: Rules) -> Reader<'a> {
        Reader::new(self.value, self.value_offset, rules)
    }

    /// Total encoded size.
    pub fn encoded_len(&self) -> usize {
        self.value_offset - self.offset + self.value.len()
    }
}

fn first_tag_byte(tag: u32) -> u8 {
    let bytes = tag.to_be_bytes();
    bytes.iter().copied().find(|b| *b != 0).unwrap_or(0)
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
    /// `base` is the absolute offset of `buf[0]` in the file, used in errors.
    pub fn new(buf: &'a [u8], base: usize, rules: Rules) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            rules,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The next TLV.
    pub fn read(&mut self) -> Result<Tlv<'a>, LdsError> {
        let start = self.pos;
        let abs = |i: usize| self.base + i;
        if start >= self.buf.len() {
            return Err(LdsError::tlv(abs(start), "expected a tag, input ends"));
        }
        // Tag.
        let first = self.buf[start];
        let mut tag = u32::from(first);
        let mut i = start + 1;
        if first & 0x1F == 0x1F {
            let mut n = 0;
            loop {
                let b = *self
                    .buf
                    .get(i)
                    .ok_or_else(|| LdsError::tlv(abs(i), "tag truncated"))?;
                if n == 0 && b == 0x80 {
                    return Err(LdsError::tlv(
                        abs(i),
                        "tag number with a leading zero continuation byte",
                    ));
                }
                tag = (tag << 8) | u32::from(b);
                i += 1;
                n += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if n >= 2 {
                    return Err(LdsError::tlv(abs(start), "tag longer than 3 bytes"));
                }
            }
        }
        // Length.
        let len_at = i;
        let l0 = *self
            .buf
            .get(i)
            .ok_or_else(|| LdsError::tlv(abs(i), "length missing, input ends"))?;
        i += 1;
        let len = match l0 {
            0..=0x7F => usize::from(l0),
            0x80 => {
                return Err(LdsError::tlv(
                    abs(len_at),
                    "indefinite length (80) is not allowed",
                ));
            }
            0x81..=0x84 => {
                let n = usize::from(l0 & 0x7F);
                let bytes = self
                    .buf
                    .get(i..i + n)
                    .ok_or_else(|| LdsError::tlv(abs(len_at), "length bytes truncated"))?;
                i += n;
                let v = bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
                if self.rules == Rules::Der && (v < 0x80 || bytes[0] == 0) {
                    return Err(LdsError::tlv(
                        abs(len_at),
                        format!("length {v} not in its shortest form"),
                    ));
                }
                v
            }
            _ => {
                return Err(LdsError::tlv(
                    abs(len_at),
                    format!("reserved length byte {l0:02X}"),
                ));
            }
        };
        let remaining = self.buf.len() - i;
        if len > remaining {
            return Err(LdsError::tlv(
                abs(len_at),
                format!("length {len} runs past the input ({remaining} bytes left)"),
            ));
        }
        let value = &self.buf[i..i + len];
        self.pos = i + len;
        Ok(Tlv {
            tag,
            value,
            offset: abs(start),
            value_offset: abs(i),
        })
    }

    /// The next TLV, which must have tag `tag`.
    pub fn expect(&mut self, tag: u32, what: &str) -> Result<Tlv<'a>, LdsError> {
        let at = self.offset();
        let t = self.read().map_err(|e| match e {
            LdsError::Tlv { offset, reason } => LdsError::Tlv {
                offset,
                reason: format!("{what}: {reason}"),
            },
            other => other,
        })?;
        if t.tag != tag {
            return Err(LdsError::tlv(
                at,
                format!("{what}: expected tag {tag:02X}, found {:02X}", t.tag),
            ));
        }
        Ok(t)
    }

    /// The next TLV if it has tag `tag`; nothing consumed otherwise.
    pub fn optional(&mut self, tag: u32) -> Result<Option<Tlv<'a>>, LdsError> {
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

    /// Fails if bytes are left.
    pub fn finish(&self, what: &str) -> Result<(), LdsError> {
        if !self.is_empty() {
            return Err(LdsError::tlv(
                self.offset(),
                format!(
                    "{} trailing byte(s) after {what}",
                    self.buf.len() - self.pos
                ),
            ));
        }
        Ok(())
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, LdsError>;

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
pub fn decode_one(buf: &[u8], rules: Rules) -> Result<Tlv<'_>, LdsError> {
    let mut r = Reader::new(buf, 0, rules);
    let t = r.read()?;
    r.finish("the TLV")?;
    Ok(t)
}

/// The bytes of a tag.
pub fn encode_tag(tag: u32, out: &mut Vec<u8>) {
    let bytes = tag.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
    out.extend_from_slice(&bytes[skip..]);
}

/// A length in its shortest form.
pub fn encode_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Encodes one TLV.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    encode_tag(tag, &mut out);
    encode_len(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

/// Encodes one TLV whose value is the concatenation of `parts`.
pub fn encode_parts(tag: u32, parts: &[&[u8]]) -> Vec<u8> {
    encode(tag, &parts.concat())
}
