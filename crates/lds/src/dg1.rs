//! DG1 (Doc 9303 Part 10 §4.7.1): the MRZ as one string.
//!
//! ```text
//! 61 { 5F1F <MRZ: 90 (TD1), 72 (TD2) or 88 (TD3) characters> }
//! ```

use crate::error::LdsError;
use crate::mrz::{self, Mrz};
use crate::tlv::{self, Reader, Rules};

const FILE: &str = "DG1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg1 {
    /// The zone without line breaks.
    pub mrz: String,
}

impl Dg1 {
    /// DG1 of validated MRZ lines.
    pub fn from_lines(lines: &[String]) -> Dg1 {
        Dg1 {
            mrz: lines.concat(),
        }
    }

    /// The lines (3 × 30, 2 × 36 or 2 × 44).
    pub fn lines(&self) -> Vec<String> {
        let width = match self.mrz.len() {
            90 => 30,
            72 => 36,
            _ => 44,
        };
        self.mrz
            .as_bytes()
            .chunks(width)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }

    /// The zone parsed and every check digit verified (TD1 and TD3).
    pub fn parse_mrz(&self) -> Result<Mrz, LdsError> {
        mrz::parse(&self.mrz)
    }

    pub fn encode(&self) -> Vec<u8> {
        tlv::encode(0x61, &tlv::encode(0x5F1F, self.mrz.as_bytes()))
    }

    /// Decodes the structure; the zone must have a TD1/TD2/TD3 length and MRZ characters only
    /// (check digits are verified by [`Dg1::parse_mrz`]).
    pub fn decode(bytes: &[u8]) -> Result<Dg1, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let dg = outer.expect(0x61, FILE)?;
        outer.finish(FILE)?;
        let mut r = dg.children(Rules::Der);
        let m = r.expect(0x5F1F, "MRZ (5F1F)")?;
        r.finish("the MRZ")?;
        if !matches!(m.value.len(), 90 | 72 | 88) {
            return Err(LdsError::content(
                FILE,
                m.value_offset,
                format!(
                    "MRZ of {} characters (90, 72 or 88 expected)",
                    m.value.len()
                ),
            ));
        }
        if let Some(i) = m
            .value
            .iter()
            .position(|b| mrz::char_value(*b as char).is_none())
        {
            return Err(LdsError::content(
                FILE,
                m.value_offset + i,
                format!("byte {:02X} is not an MRZ character", m.value[i]),
            ));
        }
        Ok(Dg1 {
            mrz: String::from_utf8_lossy(m.value).into_owned(),
        })
    }
}
