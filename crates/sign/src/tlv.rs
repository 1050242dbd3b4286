//! The two TLV reads passive authentication needs where it wants the raw bytes of an element
//! (the `77` wrapper, the signed attributes exactly as they were signed), as thin uses of the
//! workspace's one codec, [`icao::tlv`]. Lengths in any definite form are accepted
//! ([`Rules::Ber`]): EF.SODs of issued documents are not always DER.

use icao::tlv::{self as codec, ErrorKind, Rules, TlvError};

/// Reads one TLV with a single- or multi-byte tag: returns (first tag byte, value, rest).
/// Multi-byte tags are returned by their first byte only (we never need them).
pub fn read(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let (tlv, rest) = codec::decode_prefix(input, Rules::Ber).map_err(describe)?;
    // Decoding succeeded, so the input has a first byte.
    Ok((input[0], tlv.value, rest))
}

/// Reads one TLV and returns (tag, the whole element including header, rest).
pub fn read_whole(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let (tlv, rest) = codec::decode_prefix(input, Rules::Ber).map_err(describe)?;
    Ok((input[0], &input[..tlv.encoded_len()], rest))
}

/// The codec's error as the text passive authentication reports; a value that overruns the
/// input keeps the words this module always used for it ("runs past the end of the data").
fn describe(e: TlvError) -> String {
    match e.kind() {
        ErrorKind::ValueOverrun { len, remaining } => format!(
            "TLV error at byte {}: length {len} runs past the end of the data ({remaining} bytes \
             after the header)",
            e.offset()
        ),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_long_and_multibyte_tags() {
        assert_eq!(
            read(&[0x77, 0x01, 0xAA, 0xBB]),
            Ok((0x77, &[0xAA][..], &[0xBB][..]))
        );
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0u8, 256));
        assert_eq!(
            read(&long).map(|(_, v, r)| (v.len(), r.len())),
            Ok((256, 0))
        );
        assert_eq!(
            read(&[0x5F, 0x1F, 0x01, 0x41]).map(|(t, v, _)| (t, v.to_vec())),
            Ok((0x5F, vec![0x41]))
        );
        assert_eq!(
            read_whole(&[0xA0, 0x01, 0x05, 0x09]),
            Ok((0xA0, &[0xA0, 0x01, 0x05][..], &[0x09][..]))
        );
    }

    #[test]
    fn rejects_malformed_input() {
        assert!(read(&[]).is_err());
        assert!(read(&[0x77]).is_err());
        assert!(read(&[0x77, 0x80]).unwrap_err().contains("indefinite"));
        assert!(read(&[0x77, 0x85, 1, 2, 3, 4, 5]).is_err());
        assert!(read(&[0x77, 0x82, 0x01]).is_err());
        assert!(
            read(&[0x77, 0x05, 0x00])
                .unwrap_err()
                .contains("past the end")
        );
        assert!(read(&[0x5F, 0x9F, 0x9F, 0x9F, 0x9F, 0x01]).is_err());
    }
}
