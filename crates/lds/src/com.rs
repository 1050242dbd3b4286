//! EF.COM (Doc 9303 Part 10 §4.6.1): LDS version, Unicode version and the tags of the data
//! groups present.
//!
//! ```text
//! 60 { 5F01 04 "aabb"  5F36 06 "aabbcc"  5C n <DG tags> }
//! ```

use crate::FileId;
use crate::error::LdsError;
use crate::tlv::{self, Reader, Rules};

const FILE: &str = "EF.COM";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Com {
    /// Four digits "aabb", e.g. "0107" for LDS 1.7.
    pub lds_version: String,
    /// Six digits "aabbcc", e.g. "040000" for Unicode 4.0.0.
    pub unicode_version: String,
    /// Outer tags of the data groups present, e.g. `[0x61, 0x75]`.
    pub tags: Vec<u8>,
}

impl Com {
    /// LDS 1.7, Unicode 4.0.0, with the given data groups.
    pub fn new(dgs: &[FileId]) -> Com {
        Com {
            lds_version: "0107".into(),
            unicode_version: "040000".into(),
            tags: dgs.iter().filter_map(|f| f.tag()).collect(),
        }
    }

    /// The data groups the tag list names (unknown tags are skipped).
    pub fn data_groups(&self) -> Vec<FileId> {
        self.tags
            .iter()
            .filter_map(|t| FileId::from_tag(*t))
            .collect()
    }

    pub fn encode(&self) -> Vec<u8> {
        tlv::encode_parts(
            0x60,
            &[
                &tlv::encode(0x5F01, self.lds_version.as_bytes()),
                &tlv::encode(0x5F36, self.unicode_version.as_bytes()),
                &tlv::encode(0x5C, &self.tags),
            ],
        )
    }

    pub fn decode(bytes: &[u8]) -> Result<Com, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let com = outer.expect(0x60, FILE)?;
        outer.finish(FILE)?;
        let mut r = com.children(Rules::Der);
        let lds = r.expect(0x5F01, "LDS version (5F01)")?;
        let uni = r.expect(0x5F36, "Unicode version (5F36)")?;
        let tags = r.expect(0x5C, "tag list (5C)")?;
        r.finish("the tag list")?;
        let digits = |t: &tlv::Tlv<'_>, n: usize, what: &str| -> Result<String, LdsError> {
            if t.value.len() != n || !t.value.iter().all(u8::is_ascii_digit) {
                return Err(LdsError::content(
                    FILE,
                    t.value_offset,
                    format!("{what} must be {n} ASCII digits"),
                ));
            }
            Ok(String::from_utf8_lossy(t.value).into_owned())
        };
        for (i, t) in tags.value.iter().enumerate() {
            if FileId::from_tag(*t).and_then(FileId::dg_number).is_none() {
                return Err(LdsError::content(
                    FILE,
                    tags.value_offset + i,
                    format!("{t:02X} is not a data group tag"),
                ));
            }
        }
        Ok(Com {
            lds_version: digits(&lds, 4, "LDS version")?,
            unicode_version: digits(&uni, 6, "Unicode version")?,
            tags: tags.value.to_vec(),
        })
    }
}
