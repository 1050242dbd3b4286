//! The few BER-TLV structures PACE and CA exchange: dynamic authentication data (`7C`) of
//! GENERAL AUTHENTICATE, the data field of MSE:Set AT, and the public-key data object (`7F49`)
//! the authentication tokens are computed over.
//!
//! Parsing is strict (definite lengths, at most 3-byte lengths, no trailing bytes) because the
//! input comes from the other side of the card interface.

use crate::ec::EcPoint;
use crate::error::{Error, Result};

/// Appends a DER length.
pub(crate) fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xFF {
        out.extend_from_slice(&[0x81, len as u8]);
    } else if len <= 0xFFFF {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    } else {
        out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
    }
}

/// `tag || len || value` with a one- or two-byte tag given as bytes.
pub fn encode(tag: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tag.len() + 3 + value.len());
    out.extend_from_slice(tag);
    push_len(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

/// One parsed TLV: tag (1 or 2 bytes as a number), value, and the offset after it.
struct Item<'a> {
    tag: u16,
    value: &'a [u8],
    end: usize,
}

fn read_item<'a>(data: &'a [u8], at: usize, context: &'static str) -> Result<Item<'a>> {
    let err = |reason, offset| Error::Tlv {
        context,
        reason,
        offset,
    };
    let mut i = at;
    let first = *data.get(i).ok_or(err("missing tag", i))?;
    i += 1;
    let mut tag = u16::from(first);
    if first & 0x1F == 0x1F {
        let second = *data.get(i).ok_or(err("truncated tag", i))?;
        if second & 0x80 != 0 {
            return Err(err("tag longer than two bytes", i));
        }
        tag = (tag << 8) | u16::from(second);
        i += 1;
    }
    let l0 = *data.get(i).ok_or(err("missing length", i))?;
    i += 1;
    let len = match l0 {
        0..=0x7F => usize::from(l0),
        0x81 => {
            let l = *data.get(i).ok_or(err("truncated length", i))?;
            i += 1;
            usize::from(l)
        }
        0x82 => {
            let hi = *data.get(i).ok_or(err("truncated length", i))?;
            let lo = *data.get(i + 1).ok_or(err("truncated length", i + 1))?;
            i += 2;
            (usize::from(hi) << 8) | usize::from(lo)
        }
        _ => return Err(err("unsupported length form", i - 1)),
    };
    let end = i.checked_add(len).ok_or(err("length overflow", i))?;
    if end > data.len() {
        return Err(err("value runs past the end", i));
    }
    Ok(Item {
        tag,
        value: &data[i..end],
        end,
    })
}

/// Parses a sequence of TLVs with one-byte tags that fills `data` exactly.
pub(crate) fn read_flat(data: &[u8], context: &'static str) -> Result<Vec<(u8, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let item = read_item(data, at, context)?;
        let tag = u8::try_from(item.tag).map_err(|_| Error::Tlv {
            context,
            reason: "two-byte tag where a one-byte tag is expected",
            offset: at,
        })?;
        out.push((tag, item.value.to_vec()));
        at = item.end;
    }
    Ok(out)
}

/// Parses a sequence of TLVs (one- or two-byte tags) that fills `data` exactly, keeping
/// two-byte tags out (the callers only accept universal one-byte tags).
pub(crate) fn read_all(data: &[u8], context: &'static str) -> Result<Vec<(u8, Vec<u8>)>> {
    read_flat(data, context)
}

/// Dynamic authentication data: the `7C` template of GENERAL AUTHENTICATE commands and
/// responses, holding context-specific objects `80`-`88` (ICAO 9303-11 §4.4.4.2):
///
/// | step | command (terminal → chip) | response (chip → terminal) |
/// |---|---|---|
/// | 1 | empty (`7C 00`) | `80` encrypted nonce |
/// | 2 | `81` mapping data (PK_PCD,map) | `82` mapping data (PK_IC,map) |
/// | 3 | `83` ephemeral public key | `84` ephemeral public key |
/// | 4 | `85` authentication token T_PCD | `86` token T_IC (+ `87`/`88` CARs with TA) |
///
/// Chip Authentication over GENERAL AUTHENTICATE (AES) sends `80` (the terminal's ephemeral
/// public key) and gets an empty `7C 00` back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicAuthData {
    objects: Vec<(u8, Vec<u8>)>,
}

impl DynamicAuthData {
    /// An empty template (`7C 00`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an object (builder style).
    pub fn with(mut self, tag: u8, value: &[u8]) -> Self {
        self.objects.push((tag, value.to_vec()));
        self
    }

    /// `7C len { tag len value ... }`.
    pub fn encode(&self) -> Vec<u8> {
        let mut inner = Vec::new();
        for (tag, value) in &self.objects {
            inner.extend_from_slice(&encode(&[*tag], value));
        }
        encode(&[0x7C], &inner)
    }

    /// Parses a complete `7C` template (nothing may follow it).
    pub fn decode(data: &[u8]) -> Result<Self> {
        const CTX: &str = "dynamic authentication data";
        let item = read_item(data, 0, CTX)?;
        if item.tag != 0x7C {
            return Err(Error::Tlv {
                context: CTX,
                reason: "expected tag 7C",
                offset: 0,
            });
        }
        if item.end != data.len() {
            return Err(Error::Tlv {
                context: CTX,
                reason: "trailing bytes after 7C",
                offset: item.end,
            });
        }
        Ok(DynamicAuthData {
            objects: read_flat(item.value, CTX)?,
        })
    }

    /// The value of the first object with `tag`.
    pub fn get(&self, tag: u8) -> Option<&[u8]> {
        self.objects
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v.as_slice())
    }

    /// The value of `tag`, or [`Error::MissingDataObject`].
    pub fn require(&self, tag: u8) -> Result<&[u8]> {
        self.get(tag).ok_or(Error::MissingDataObject {
            context: "dynamic authentication data",
            tag,
        })
    }

    /// True when the template holds no object.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// The data field of MSE:Set AT (`00 22 C1 A4` for PACE, `00 22 41 A4` for CA with AES):
/// `80` protocol OID, `83` password reference (PACE), `84` private key reference (the domain
/// parameter ID of PACE when the chip offers several; the key ID of CA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MseSetAt {
    /// Protocol OID content octets (`80`).
    pub protocol_oid: Vec<u8>,
    /// Password reference (`83`): 1 MRZ, 2 CAN (see [`crate::PasswordKind`]).
    pub password_ref: Option<u8>,
    /// Private key reference (`84`), an unsigned big-endian integer.
    pub key_ref: Option<u64>,
}

impl MseSetAt {
    /// Encodes `80 .. [83 ..] [84 ..]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = encode(&[0x80], &self.protocol_oid);
        if let Some(r) = self.password_ref {
            out.extend_from_slice(&encode(&[0x83], &[r]));
        }
        if let Some(k) = self.key_ref {
            let bytes = k.to_be_bytes();
            let skip = bytes.iter().take(7).take_while(|b| **b == 0).count();
            out.extend_from_slice(&encode(&[0x84], &bytes[skip..]));
        }
        out
    }

    /// Parses the data field; unknown objects are refused so a chip never ignores a parameter.
    pub fn decode(data: &[u8]) -> Result<Self> {
        const CTX: &str = "MSE:Set AT data";
        let mut protocol_oid = None;
        let mut password_ref = None;
        let mut key_ref = None;
        for (tag, value) in read_flat(data, CTX)? {
            match tag {
                0x80 if !value.is_empty() => protocol_oid = Some(value),
                0x83 if value.len() == 1 => password_ref = Some(value[0]),
                0x84 if !value.is_empty() && value.len() <= 8 => {
                    key_ref = Some(value.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
                }
                _ => {
                    return Err(Error::Tlv {
                        context: CTX,
                        reason: "unexpected or malformed data object",
                        offset: 0,
                    });
                }
            }
        }
        Ok(MseSetAt {
            protocol_oid: protocol_oid.ok_or(Error::MissingDataObject {
                context: CTX,
                tag: 0x80,
            })?,
            password_ref,
            key_ref,
        })
    }
}

/// The public-key data object an authentication token is computed over
/// (ICAO 9303-11 §4.4.3.4 / §9.4.1): `7F49 len { 06 protocol-OID, 86 uncompressed point }`.
pub fn public_key_data_object(protocol_oid: &[u8], point: &EcPoint) -> Vec<u8> {
    let mut inner = encode(&[0x06], protocol_oid);
    inner.extend_from_slice(&encode(&[0x86], point.to_sec1()));
    encode(&[0x7F, 0x49], &inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let mut v = Vec::new();
        push_len(&mut v, 0x7F);
        push_len(&mut v, 0x80);
        push_len(&mut v, 0x1234);
        push_len(&mut v, 0x012345);
        assert_eq!(
            v,
            [0x7F, 0x81, 0x80, 0x82, 0x12, 0x34, 0x83, 0x01, 0x23, 0x45]
        );
        let long = DynamicAuthData::new().with(0x80, &[0xAA; 300]);
        assert_eq!(DynamicAuthData::decode(&long.encode()).unwrap(), long);
    }

    #[test]
    fn malformed_templates_are_refused() {
        for bad in [
            &[][..],
            &[0x7C][..],
            &[0x7C, 0x02, 0x80][..],
            &[0x7C, 0x00, 0x00][..],
            &[0x7D, 0x00][..],
            &[0x7C, 0x83, 0x00, 0x00, 0x00][..],
            &[0x7C, 0x03, 0x80, 0x05, 0x00][..],
            &[0x7C, 0x04, 0x9F, 0x81, 0x01, 0x00][..],
            &[0x7C, 0x82, 0x00][..],
            &[0x7C, 0x01, 0x9F][..],
        ] {
            assert!(DynamicAuthData::decode(bad).is_err(), "{bad:02X?}");
        }
        let empty = DynamicAuthData::decode(&[0x7C, 0x00]).unwrap();
        assert!(empty.is_empty());
        assert!(matches!(
            empty.require(0x80),
            Err(Error::MissingDataObject { tag: 0x80, .. })
        ));
    }

    #[test]
    fn mse_set_at_round_trip_and_errors() {
        let m = MseSetAt {
            protocol_oid: vec![1, 2, 3],
            password_ref: Some(2),
            key_ref: Some(13),
        };
        assert_eq!(m.encode(), [0x80, 3, 1, 2, 3, 0x83, 1, 2, 0x84, 1, 13]);
        assert_eq!(MseSetAt::decode(&m.encode()).unwrap(), m);
        assert!(matches!(
            MseSetAt::decode(&[0x83, 1, 2]),
            Err(Error::MissingDataObject { tag: 0x80, .. })
        ));
        assert!(MseSetAt::decode(&[0x80, 1, 1, 0x85, 1, 0]).is_err());
        assert!(MseSetAt::decode(&[0x80, 1, 1, 0x83, 2, 0, 1]).is_err());
    }
}
