//! The few BER-TLV structures PACE and CA exchange: dynamic authentication data (`7C`) of
//! GENERAL AUTHENTICATE, the data field of MSE:Set AT, and the public-key data object (`7F49`)
//! the authentication tokens are computed over.
//!
//! Encoding and decoding are the workspace's one codec, [`icao::tlv`]; this module only says
//! which tags each structure allows. Parsing is strict (definite lengths, no trailing bytes)
//! because the input comes from the other side of the card interface. The messages of the
//! protocol run (`read_flat`: `7C`, MSE:Set AT, MSE:Set KAT) must also use the shortest length
//! form ([`Rules::Der`]), the form both sides of this crate write, so that a padded length such
//! as `7C 83 00 00 00` stays refused as it was before the shared codec; the domain parameters of
//! keys read from issued documents (`read_all`) may use any definite length form
//! ([`Rules::Ber`]), which some issued documents use.

use crate::ec::EcPoint;
use crate::error::{Error, Result};
use icao::tlv::{self as codec, Reader, Rules, TlvError};

/// Appends a length in its shortest (DER) form.
#[inline]
pub fn push_len(out: &mut Vec<u8>, len: usize) {
    codec::encode_len(len, out);
}

/// `tag || len || value` with a one- or two-byte tag given as bytes (`&[0x7F, 0x49]`).
pub fn encode(tag: &[u8], value: &[u8]) -> Vec<u8> {
    let tag = tag.iter().fold(0u32, |t, b| (t << 8) | u32::from(*b));
    codec::encode(tag, value)
}

/// The codec's error as this crate's [`Error::Tlv`], offset included.
fn tlv_error(context: &'static str) -> impl Fn(TlvError) -> Error {
    move |e| Error::Tlv {
        context,
        reason: e.kind().summary(),
        offset: e.offset(),
    }
}

/// The TLVs left in `items`, each with a one-byte tag (the callers only accept universal or
/// context-specific one-byte tags), as owned `(tag, value)` pairs.
fn one_byte_tags(items: Reader<'_>, context: &'static str) -> Result<Vec<(u8, Vec<u8>)>> {
    items
        .map(|item| {
            let item = item.map_err(tlv_error(context))?;
            let tag = u8::try_from(item.tag).map_err(|_| Error::Tlv {
                context,
                reason: "two-byte tag where a one-byte tag is expected",
                offset: item.offset,
            })?;
            Ok((tag, item.value.to_vec()))
        })
        .collect()
}

/// Parses a sequence of TLVs with one-byte tags and shortest-form lengths that fills `data`
/// exactly: the data objects of a protocol message.
pub(crate) fn read_flat(data: &[u8], context: &'static str) -> Result<Vec<(u8, Vec<u8>)>> {
    one_byte_tags(Reader::new(data, 0, Rules::Der), context)
}

/// Parses a sequence of TLVs with one-byte tags, lengths in any definite form, that fills
/// `data` exactly: ASN.1 read from DG14/DG15 of issued documents.
pub(crate) fn read_all(data: &[u8], context: &'static str) -> Result<Vec<(u8, Vec<u8>)>> {
    one_byte_tags(Reader::new(data, 0, Rules::Ber), context)
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
            codec::encode_into(u32::from(*tag), value, &mut inner);
        }
        codec::encode(0x7C, &inner)
    }

    /// Parses a complete `7C` template (nothing may follow it).
    pub fn decode(data: &[u8]) -> Result<Self> {
        const CTX: &str = "dynamic authentication data";
        let mut r = Reader::new(data, 0, Rules::Der);
        let template = r.expect(0x7C, "7C").map_err(tlv_error(CTX))?;
        r.finish("7C").map_err(tlv_error(CTX))?;
        Ok(DynamicAuthData {
            objects: one_byte_tags(template.children(Rules::Der), CTX)?,
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
        let mut out = codec::encode(0x80, &self.protocol_oid);
        if let Some(r) = self.password_ref {
            codec::encode_into(0x83, &[r], &mut out);
        }
        if let Some(k) = self.key_ref {
            let bytes = k.to_be_bytes();
            let skip = bytes.iter().take(7).take_while(|b| **b == 0).count();
            codec::encode_into(0x84, &bytes[skip..], &mut out);
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
    codec::encode_parts(
        0x7F49,
        &[
            &codec::encode(icao::oid::OBJECT_IDENTIFIER_TAG, protocol_oid),
            &codec::encode(0x86, point.to_sec1()),
        ],
    )
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
