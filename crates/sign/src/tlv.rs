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
