//! Encoding: always the shortest length form (DER, X.690 §10.1), so that what we write is what
//! [`super::Rules::Der`] reads back, byte for byte. Tags are written as the bytes of their
//! number without leading zero bytes (`0x5F1F` → `5F 1F`, `0x7F49` → `7F 49`).
//!
//! Lengths need at most 4 length bytes for anything below 4 GiB; no eMRTD object or APDU comes
//! near that, and the decoder refuses more (reserved length bytes `85`–`FF`).

/// Bytes the tag takes: its number without leading zero bytes, at least one.
#[inline]
pub fn tag_size(tag: u32) -> usize {
    (4 - tag.leading_zeros() as usize / 8).max(1)
}

/// Bytes a length field takes in its shortest form: 1 for < 128, else 1 + the length bytes.
#[inline]
pub fn len_size(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    }
}

/// Bytes of the whole TLV with this tag and a value of `value_len` bytes: what an APDU or a
/// file will need before it is built.
#[inline]
pub fn encoded_size(tag: u32, value_len: usize) -> usize {
    tag_size(tag) + len_size(value_len) + value_len
}

/// Appends the bytes of a tag.
#[inline]
pub fn encode_tag(tag: u32, out: &mut Vec<u8>) {
    let bytes = tag.to_be_bytes();
    out.extend_from_slice(&bytes[4 - tag_size(tag)..]);
}

/// Appends a length in its shortest form.
#[inline]
pub fn encode_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let n = len_size(len) - 1;
        out.push(0x80 | n as u8);
        out.extend_from_slice(&bytes[8 - n..]);
    }
}

/// Appends one TLV to `out`: the form for building a message piece by piece (secure-messaging
/// data objects, command templates) without intermediate vectors.
#[inline]
pub fn encode_into(tag: u32, value: &[u8], out: &mut Vec<u8>) {
    out.reserve(encoded_size(tag, value.len()));
    encode_tag(tag, out);
    encode_len(value.len(), out);
    out.extend_from_slice(value);
}

/// Encodes one TLV.
#[inline]
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_size(tag, value.len()));
    encode_tag(tag, &mut out);
    encode_len(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

/// Encodes one TLV whose value is the concatenation of `parts` (a constructed object from its
/// already encoded children), with one allocation.
#[inline]
pub fn encode_parts(tag: u32, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(encoded_size(tag, len));
    encode_tag(tag, &mut out);
    encode_len(len, &mut out);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_what_is_written() {
        for tag in [0x00, 0x04, 0x5F1F, 0x7F61, 0x5F8101] {
            let mut out = Vec::new();
            encode_tag(tag, &mut out);
            assert_eq!(out.len(), tag_size(tag), "{tag:X}");
        }
        for len in [
            0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0xFF_FFFF, 0x100_0000,
        ] {
            let mut out = Vec::new();
            encode_len(len, &mut out);
            assert_eq!(out.len(), len_size(len), "{len:X}");
        }
        assert_eq!(encoded_size(0x87, 0x80), 1 + 2 + 0x80);
    }
}
