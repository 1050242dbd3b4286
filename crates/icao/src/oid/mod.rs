//! Object identifiers of ICAO 9303 and BSI TR-03110 / TR-03111, and the standardized domain
//! parameters of PACE and Chip Authentication.
//!
//! Each identifier is written once, as dotted text; its content octets (X.690 §8.19: the bytes
//! after `06 len`, the form in which OIDs appear in MSE:Set AT data object `80`, in the `7F49`
//! public-key object, and in the comparisons every parser makes) are computed from that text at
//! compile time, so the two cannot disagree. [`ObjectId::to_der`] gives the full `06 len …`.
//!
//! The runtime helpers ([`encode_dotted`], [`validate_content`], [`arcs`], [`to_dotted`]) are the
//! same rules for OIDs that arrive in files and messages.

mod domain;
mod table;

pub use domain::{DOMAIN_PARAMETERS, DomainParameters, Group};
pub use table::*;

use std::fmt;

/// A named object identifier known at compile time.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectId {
    name: &'static str,
    dotted: &'static str,
    content: &'static [u8],
}

impl ObjectId {
    /// The ASN.1 name in the defining document, e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Dotted decimal text, e.g. `0.4.0.127.0.7.2.2.4.2.2`.
    pub const fn dotted(&self) -> &'static str {
        self.dotted
    }

    /// The content octets (no tag, no length).
    pub const fn content(&self) -> &'static [u8] {
        self.content
    }

    /// The full DER encoding `06 len content`.
    pub fn to_der(&self) -> Vec<u8> {
        crate::tlv::encode(OBJECT_IDENTIFIER_TAG, self.content)
    }

    /// Whether `content` lies strictly below this identifier (e.g. a PACE protocol under
    /// [`ID_PACE`]); a protocol family is recognised this way before its last arcs are read.
    pub fn is_parent_of(&self, content: &[u8]) -> bool {
        content.len() > self.content.len() && content.starts_with(self.content)
    }

    /// The identifier of this module with these content octets.
    pub fn from_content(content: &[u8]) -> Option<ObjectId> {
        ALL.iter().find(|o| o.content == content).copied()
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dotted)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({} {})", self.name, self.dotted)
    }
}

/// The universal tag of OBJECT IDENTIFIER (X.690 §8.19).
pub const OBJECT_IDENTIFIER_TAG: u32 = 0x06;

/// Why dotted text or content octets are not an object identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidError {
    /// Not at least two dot-separated decimal arcs, a first arc above 2, a second arc of 40 or
    /// more under 0 or 1 (X.660 §A.1), or an arc too large for 64 bits.
    #[error("not a dotted object identifier")]
    NotDotted,
    /// No content octets at all.
    #[error("empty OBJECT IDENTIFIER")]
    Empty,
    /// An arc starts with `80`, a leading zero group (X.690 §8.19.2 wants the fewest octets).
    #[error("OBJECT IDENTIFIER arc with a leading 80 byte")]
    ArcLeadingZero { index: usize },
    /// The last byte has bit 8 set: the last arc is cut off.
    #[error("OBJECT IDENTIFIER ends inside an arc")]
    UnterminatedArc { index: usize },
}

impl OidError {
    /// The index in the content octets where the fault is (0 for text and empty content).
    pub fn index(&self) -> usize {
        match self {
            OidError::ArcLeadingZero { index } | OidError::UnterminatedArc { index } => *index,
            _ => 0,
        }
    }
}

/// Writes the base-128 groups of `arc` at `out[at..]` (as far as `out` reaches) and returns the
/// index after them (X.690 §8.19.2).
const fn put_arc(arc: u64, out: &mut [u8], at: usize) -> usize {
    let mut n = 1;
    let mut rest = arc >> 7;
    while rest > 0 {
        n += 1;
        rest >>= 7;
    }
    let mut k = 0;
    while k < n {
        let shift = 7 * (n - 1 - k);
        let more = if k + 1 < n { 0x80 } else { 0 };
        if at + k < out.len() {
            out[at + k] = ((arc >> shift) & 0x7F) as u8 | more;
        }
        k += 1;
    }
    at + n
}

/// The content octets of dotted `text`, written into `out` as far as it reaches; returns how
/// many bytes they take. One function for compile time (sized in a first pass) and run time.
const fn encode_dotted_into(text: &str, out: &mut [u8]) -> Result<usize, OidError> {
    let s = text.as_bytes();
    let mut i = 0;
    let mut arcs = 0;
    let mut first = 0u64;
    let mut written = 0;
    while i <= s.len() {
        let start = i;
        let mut v = 0u64;
        while i < s.len() && s[i] != b'.' {
            let d = s[i];
            if !d.is_ascii_digit() {
                return Err(OidError::NotDotted);
            }
            v = match v.checked_mul(10) {
                Some(x) => match x.checked_add((d - b'0') as u64) {
                    Some(y) => y,
                    None => return Err(OidError::NotDotted),
                },
                None => return Err(OidError::NotDotted),
            };
            i += 1;
        }
        if i == start {
            return Err(OidError::NotDotted);
        }
        if arcs == 0 {
            if v > 2 {
                return Err(OidError::NotDotted);
            }
            first = v;
        } else if arcs == 1 {
            if first < 2 && v >= 40 {
                return Err(OidError::NotDotted);
            }
            // The first two arcs share one subidentifier: 40 × first + second (X.690 §8.19.4).
            match v.checked_add(first * 40) {
                Some(x) => written = put_arc(x, out, written),
                None => return Err(OidError::NotDotted),
            }
        } else {
            written = put_arc(v, out, written);
        }
        arcs += 1;
        i += 1; // the dot (or one past the end)
    }
    if arcs < 2 {
        return Err(OidError::NotDotted);
    }
    Ok(written)
}

/// Length of the content octets of a dotted constant; a malformed constant fails the build.
const fn content_len(text: &str) -> usize {
    match encode_dotted_into(text, &mut []) {
        Ok(n) => n,
        Err(_) => panic!("malformed dotted object identifier"),
    }
}

/// The content octets of a dotted constant, `N` = [`content_len`] of it.
const fn content<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    match encode_dotted_into(text, &mut out) {
        Ok(n) if n == N => out,
        _ => panic!("malformed dotted object identifier"),
    }
}

/// The content octets of dotted text such as `0.4.0.127.0.7.2.2.4.2.2`.
pub fn encode_dotted(text: &str) -> Result<Vec<u8>, OidError> {
    let n = encode_dotted_into(text, &mut [])?;
    let mut out = vec![0; n];
    encode_dotted_into(text, &mut out)?;
    Ok(out)
}

/// Checks content octets read from input: not empty, every arc in its fewest octets, the last
/// byte ends an arc. The index in the error is relative to `content`.
pub fn validate_content(content: &[u8]) -> Result<(), OidError> {
    if content.is_empty() {
        return Err(OidError::Empty);
    }
    let mut arc_start = true;
    for (index, b) in content.iter().enumerate() {
        if arc_start && *b == 0x80 {
            return Err(OidError::ArcLeadingZero { index });
        }
        arc_start = b & 0x80 == 0;
    }
    if !arc_start {
        return Err(OidError::UnterminatedArc {
            index: content.len() - 1,
        });
    }
    Ok(())
}

/// The arcs of content octets (the first subidentifier split into two arcs). Best effort on
/// content that [`validate_content`] refuses: an unterminated last arc is left out.
pub fn arcs(content: &[u8]) -> Vec<u64> {
    let mut arcs = Vec::with_capacity(content.len() + 1);
    let mut v: u64 = 0;
    for b in content {
        v = (v << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (v / 40).min(2);
                arcs.push(first);
                arcs.push(v - first * 40);
            } else {
                arcs.push(v);
            }
            v = 0;
        }
    }
    arcs
}

/// Dotted decimal text of content octets, for display.
pub fn to_dotted(content: &[u8]) -> String {
    let mut out = String::with_capacity(content.len() * 3);
    for (i, a) in arcs(content).iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&a.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_text_rules() {
        assert_eq!(
            encode_dotted("2.23.136.1.1.1").unwrap(),
            LDS_SECURITY_OBJECT.content()
        );
        assert_eq!(encode_dotted("2.999").unwrap(), [0x88, 0x37]);
        assert_eq!(encode_dotted("0.0").unwrap(), [0]);
        for bad in [
            "",
            "1",
            "3.1",
            "1.40",
            "1..2",
            "1.2.",
            ".1.2",
            "1.a",
            "2.18446744073709551615",
        ] {
            assert_eq!(encode_dotted(bad), Err(OidError::NotDotted), "{bad:?}");
        }
    }

    #[test]
    fn content_rules() {
        assert_eq!(validate_content(&[]), Err(OidError::Empty));
        assert_eq!(
            validate_content(&[0x2A, 0x80, 0x01]),
            Err(OidError::ArcLeadingZero { index: 1 })
        );
        assert_eq!(
            validate_content(&[0x2A, 0x86]),
            Err(OidError::UnterminatedArc { index: 1 })
        );
        assert_eq!(to_dotted(&[0x88, 0x37]), "2.999");
        assert_eq!(arcs(&[0x2A, 0x86]), [1, 2]);
    }
}
