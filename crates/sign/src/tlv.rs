//! A minimal strict DER/BER TLV reader for the few places where we need the raw bytes of an
//! element (the `77` wrapper, the signed attributes exactly as they were signed).

/// Reads one TLV with a single- or multi-byte tag: returns (first tag byte, value, rest).
/// Multi-byte tags are returned by their first byte only (we never need them).
pub fn read(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let (tag, hdr, len) = header(input)?;
    let end = hdr
        .checked_add(len)
        .filter(|&e| e <= input.len())
        .ok_or_else(|| {
            format!(
                "length {len} runs past the end of the data ({} bytes after the header)",
                input.len().saturating_sub(hdr)
            )
        })?;
    Ok((tag, &input[hdr..end], &input[end..]))
}

/// Reads one TLV and returns (tag, the whole element including header, rest).
pub fn read_whole(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let (tag, hdr, len) = header(input)?;
    let end = hdr
        .checked_add(len)
        .filter(|&e| e <= input.len())
        .ok_or_else(|| "length runs past the end of the data".to_string())?;
    Ok((tag, &input[..end], &input[end..]))
}

fn header(input: &[u8]) -> Result<(u8, usize, usize), String> {
    let tag = *input.first().ok_or("empty input")?;
    let mut i = 1;
    if tag & 0x1F == 0x1F {
        loop {
            let b = *input.get(i).ok_or("truncated tag")?;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 4 {
                return Err("tag too long".into());
            }
        }
    }
    let first = *input.get(i).ok_or("truncated length")?;
    i += 1;
    let len = if first < 0x80 {
        usize::from(first)
    } else if first == 0x80 {
        return Err("indefinite length is not allowed".into());
    } else {
        let n = usize::from(first & 0x7F);
        if n > 4 {
            return Err(format!("{n}-byte length field"));
        }
        let mut l = 0usize;
        for _ in 0..n {
            l = (l << 8) | usize::from(*input.get(i).ok_or("truncated length")?);
            i += 1;
        }
        l
    };
    Ok((tag, i, len))
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
