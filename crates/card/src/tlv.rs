//! The BER-TLV helpers of this crate (secure-messaging DOs, perso command templates, EF.COM tag
//! lists), kept under their old names because the chip, the reader and their tests call them in
//! many places: each one is a thin use of the workspace's one codec, [`icao::tlv`]. Tags are
//! big-endian numbers (`0x5F1F`); lengths in any definite form are read ([`Rules::Ber`]: ISO/IEC
//! 7816-4 lets a card send `81 05`), and always written in their shortest form.

use icao::tlv::{self, Reader, Rules, TlvError};

/// Appends `tag || length || value`.
#[inline]
pub fn write(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    tlv::encode_into(tag, value, out);
}

/// `tag || length || value` as a new vector.
#[inline]
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    tlv::encode(tag, value)
}

/// Appends a definite BER length in its shortest form.
#[inline]
pub fn write_length(out: &mut Vec<u8>, len: usize) {
    tlv::encode_len(len, out);
}

/// Bytes a definite length field takes.
#[inline]
pub fn length_size(len: usize) -> usize {
    tlv::len_size(len)
}

/// The codec's error as the `&'static str` this module's callers carry
/// (`SmError::Malformed { reason }`); the offset is dropped, as these callers never had one.
fn reason(e: TlvError) -> &'static str {
    e.kind().summary()
}

/// Reads one TLV at the start of `input`: (tag, value, total length consumed).
pub fn read(input: &[u8]) -> Result<(u32, &[u8], usize), &'static str> {
    let (t, _) = tlv::decode_prefix(input, Rules::Ber).map_err(reason)?;
    Ok((t.tag, t.value, t.encoded_len()))
}

/// One TLV found by [`parse_all`]: (tag, value, offset of the TLV in the input).
pub type Item<'a> = (u32, &'a [u8], usize);

/// Reads consecutive TLVs filling `input` exactly.
pub fn parse_all(input: &[u8]) -> Result<Vec<Item<'_>>, &'static str> {
    Reader::new(input, 0, Rules::Ber)
        .map(|t| t.map(|t| (t.tag, t.value, t.offset)).map_err(reason))
        .collect()
}

/// The value of the first TLV with `tag` among the TLVs filling `input`.
pub fn find(input: &[u8], tag: u32) -> Option<&[u8]> {
    parse_all(input)
        .ok()?
        .into_iter()
        .find(|(t, _, _)| *t == tag)
        .map(|(_, v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_strictness() {
        for len in [0usize, 5, 0x7F, 0x80, 0xFF, 0x100, 0x1_0000] {
            let v = vec![0xAA; len];
            let e = encode(0x5F1F, &v);
            let (t, got, used) = read(&e).unwrap();
            assert_eq!((t, got.len(), used), (0x5F1F, len, e.len()));
        }
        assert!(read(&[0x87, 0x05, 1]).is_err());
        assert!(read(&[0x87, 0x80]).is_err());
        assert!(read(&[0x5F]).is_err());
        assert!(read(&[0x87, 0x84, 0, 0, 0, 1]).is_err());
        assert_eq!(
            find(&[0x99, 2, 0x90, 0, 0x8E, 0], 0x99),
            Some(&[0x90u8, 0][..])
        );
        assert!(parse_all(&[0x99, 2, 0x90]).is_err());
    }
}
