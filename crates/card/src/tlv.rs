//! A minimal strict BER-TLV reader/writer for the data objects this crate handles itself
//! (secure-messaging DOs, perso command templates, EF.COM tag lists). The full LDS codec lives in
//! the `lds` crate. Tags are kept as big-endian numbers (`0x5F1F`), lengths in definite form only.

/// Appends `tag || length || value`.
pub fn write(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    let tb = tag.to_be_bytes();
    let first = tb.iter().position(|&b| b != 0).unwrap_or(3);
    out.extend_from_slice(&tb[first..]);
    write_length(out, value.len());
    out.extend_from_slice(value);
}

/// `tag || length || value` as a new vector.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    write(&mut out, tag, value);
    out
}

/// Appends a definite BER length.
pub fn write_length(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        0x100..=0xFFFF => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
}

/// Bytes a definite length field takes.
pub fn length_size(len: usize) -> usize {
    match len {
        0..=0x7F => 1,
        0x80..=0xFF => 2,
        0x100..=0xFFFF => 3,
        _ => 4,
    }
}

/// Reads one TLV at the start of `input`: (tag, value, total length consumed).
pub fn read(input: &[u8]) -> Result<(u32, &[u8], usize), &'static str> {
    let first = *input.first().ok_or("empty input")?;
    let mut pos = 1;
    let mut tag = first as u32;
    if first & 0x1F == 0x1F {
        loop {
            let b = *input.get(pos).ok_or("truncated tag")?;
            pos += 1;
            if pos > 3 {
                return Err("tag longer than 3 bytes");
            }
            tag = (tag << 8) | b as u32;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let l0 = *input.get(pos).ok_or("missing length")?;
    pos += 1;
    let len = if l0 < 0x80 {
        l0 as usize
    } else {
        let n = (l0 & 0x7F) as usize;
        if n == 0 || n > 3 {
            return Err("unsupported length form");
        }
        let bytes = input.get(pos..pos + n).ok_or("truncated length")?;
        pos += n;
        bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize)
    };
    let value = input.get(pos..pos + len).ok_or("value runs past the end")?;
    Ok((tag, value, pos + len))
}

/// One TLV found by [`parse_all`]: (tag, value, offset of the TLV in the input).
pub type Item<'a> = (u32, &'a [u8], usize);

/// Reads consecutive TLVs filling `input` exactly.
pub fn parse_all(input: &[u8]) -> Result<Vec<Item<'_>>, &'static str> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let (tag, value, used) = read(&input[pos..])?;
        out.push((tag, value, pos));
        pos += used;
    }
    Ok(out)
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
