//! Portrait header checks without an image decoder: the format from the magic bytes, the
//! dimensions from the JPEG frame header (SOFn) or the JPEG 2000 image header (`ihdr` box of a
//! JP2 file, `SIZ` marker of a raw codestream). Enough to refuse files that are not portraits
//! before they reach DG2 and the printer; the pixels themselves are not decoded here.

use crate::record::PhotoFormat;

/// Why a photo header could not be read. Non-exhaustive: a new check may add a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// Neither JPEG nor JPEG 2000 magic bytes.
    NotAPortraitFormat,
    /// The magic is right but the header is broken, with the byte offset and reason.
    Corrupt { offset: usize, reason: String },
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::NotAPortraitFormat => {
                write!(f, "not a JPEG or JPEG 2000 file (magic bytes)")
            }
            HeaderError::Corrupt { offset, reason } => {
                write!(f, "corrupt header at byte {offset}: {reason}")
            }
        }
    }
}

/// Format, width and height read from an image's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
}

const JP2_SIGNATURE: [u8; 12] = [
    0, 0, 0, 0x0C, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A,
];

/// Reads format and dimensions from the image header.
pub fn inspect(bytes: &[u8]) -> Result<ImageInfo, HeaderError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)
    } else if bytes.starts_with(&JP2_SIGNATURE) {
        jp2(bytes)
    } else if bytes.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        j2k_siz(bytes, 2)
    } else {
        Err(HeaderError::NotAPortraitFormat)
    }
}

fn corrupt(offset: usize, reason: impl Into<String>) -> HeaderError {
    HeaderError::Corrupt {
        offset,
        reason: reason.into(),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walks the JPEG marker segments up to the first frame header and requires the end-of-image
/// marker, so a truncated file is refused.
fn jpeg(b: &[u8]) -> Result<ImageInfo, HeaderError> {
    if !b.ends_with(&[0xFF, 0xD9]) {
        return Err(corrupt(
            b.len(),
            "no end-of-image marker (FFD9): file truncated",
        ));
    }
    let mut i = 2;
    loop {
        // Fill bytes (FF FF …) may precede a marker.
        if b.get(i) != Some(&0xFF) {
            return Err(corrupt(i, "expected a marker (FF xx)"));
        }
        while b.get(i) == Some(&0xFF) {
            i += 1;
        }
        let marker = *b
            .get(i)
            .ok_or_else(|| corrupt(i, "file ends inside a marker"))?;
        i += 1;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => {
                return Err(corrupt(
                    i - 2,
                    "no frame header (SOF) before the image data",
                ));
            }
            _ => {}
        }
        let len = be16(b, i).ok_or_else(|| corrupt(i, "segment length missing"))? as usize;
        if len < 2 || i + len > b.len() {
            return Err(corrupt(
                i,
                format!("segment length {len} runs past the file"),
            ));
        }
        let is_sof = matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF);
        if is_sof {
            if len < 8 {
                return Err(corrupt(i, "frame header too short"));
            }
            let height = be16(b, i + 3).unwrap_or(0);
            let width = be16(b, i + 5).unwrap_or(0);
            let components = b[i + 7];
            if !matches!(components, 1 | 3) {
                return Err(corrupt(
                    i + 7,
                    format!("{components} colour components (1 or 3 expected)"),
                ));
            }
            if width == 0 || height == 0 {
                return Err(corrupt(i + 3, "zero width or height in the frame header"));
            }
            return Ok(ImageInfo {
                format: PhotoFormat::Jpeg,
                width,
                height,
            });
        }
        i += len;
    }
}

/// JP2 file: boxes after the signature; the `jp2h` superbox holds `ihdr` (height, width).
fn jp2(b: &[u8]) -> Result<ImageInfo, HeaderError> {
    let mut i = JP2_SIGNATURE.len();
    let mut saw_codestream = false;
    let mut info = None;
    while i < b.len() {
        let (len, header) = box_len(b, i)?;
        let kind = b
            .get(i + 4..i + 8)
            .ok_or_else(|| corrupt(i, "box type missing"))?;
        let end = if len == 0 { b.len() } else { i + len };
        if kind == b"jp2h" {
            let mut j = i + header;
            while j < end {
                let (sub_len, sub_header) = box_len(b, j)?;
                if sub_len == 0 || j + sub_len > end {
                    return Err(corrupt(j, "box inside jp2h runs past it"));
                }
                if b.get(j + 4..j + 8) == Some(b"ihdr") {
                    let at = j + sub_header;
                    let height = be32(b, at).ok_or_else(|| corrupt(at, "ihdr too short"))?;
                    let width = be32(b, at + 4).ok_or_else(|| corrupt(at + 4, "ihdr too short"))?;
                    if width == 0 || height == 0 {
                        return Err(corrupt(at, "zero width or height in ihdr"));
                    }
                    info = Some(ImageInfo {
                        format: PhotoFormat::Jpeg2000,
                        width,
                        height,
                    });
                }
                j += sub_len;
            }
        } else if kind == b"jp2c" {
            let at = i + header;
            if b.get(at..at + 2) != Some(&[0xFF, 0x4F]) {
                return Err(corrupt(at, "codestream does not start with SOC (FF4F)"));
            }
            saw_codestream = true;
        }
        if len == 0 {
            break;
        }
        i = end;
    }
    match (info, saw_codestream) {
        (Some(info), true) => Ok(info),
        (None, _) => Err(corrupt(
            JP2_SIGNATURE.len(),
            "no image header box (jp2h/ihdr)",
        )),
        (Some(_), false) => Err(corrupt(b.len(), "no codestream box (jp2c)")),
    }
}

/// Box length (0 = to end of file) and header size, with the 64-bit extended form.
fn box_len(b: &[u8], i: usize) -> Result<(usize, usize), HeaderError> {
    let len = be32(b, i).ok_or_else(|| corrupt(i, "box header truncated"))? as usize;
    let (len, header) = if len == 1 {
        let hi = be32(b, i + 8).ok_or_else(|| corrupt(i + 8, "extended box length truncated"))?;
        let lo = be32(b, i + 12).ok_or_else(|| corrupt(i + 12, "extended box length truncated"))?;
        let l = (u64::from(hi) << 32) | u64::from(lo);
        (usize::try_from(l).unwrap_or(usize::MAX), 16)
    } else {
        (len, 8)
    };
    if len != 0 && (len < header || i.checked_add(len).is_none_or(|e| e > b.len())) {
        return Err(corrupt(i, format!("box length {len} runs past the file")));
    }
    Ok((len, header))
}

/// Raw JPEG 2000 codestream: SOC then SIZ (Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, …).
fn j2k_siz(b: &[u8], at: usize) -> Result<ImageInfo, HeaderError> {
    let p = at + 2; // after FF51
    let xsiz = be32(b, p + 4).ok_or_else(|| corrupt(p, "SIZ segment truncated"))?;
    let ysiz = be32(b, p + 8).ok_or_else(|| corrupt(p, "SIZ segment truncated"))?;
    let xo = be32(b, p + 12).ok_or_else(|| corrupt(p, "SIZ segment truncated"))?;
    let yo = be32(b, p + 16).ok_or_else(|| corrupt(p, "SIZ segment truncated"))?;
    if xsiz <= xo || ysiz <= yo {
        return Err(corrupt(p + 4, "image area is empty in SIZ"));
    }
    if !b.ends_with(&[0xFF, 0xD9]) {
        return Err(corrupt(
            b.len(),
            "no end-of-codestream marker (FFD9): file truncated",
        ));
    }
    Ok(ImageInfo {
        format: PhotoFormat::Jpeg2000,
        width: xsiz - xo,
        height: ysiz - yo,
    })
}
