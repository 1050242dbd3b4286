//! DG2 (Doc 9303 Part 10 §4.7.2): the facial image in a CBEFF biometric template with an
//! ISO/IEC 19794-5 (2005) face record as the biometric data block.
//!
//! ```text
//! 75 { 7F61 { 02 01 n
//!             7F60 { A1 { 80 02 0101  87 02 0101  88 02 0008 … }   -- biometric header
//!                    5F2E { "FAC\0" "010\0" len(4) count(2) face… } } … } }
//! face = block len(4) feature points(2) gender eye hair mask(3) expression(2) pose(3)
//!        pose uncertainty(3) [feature point(8)]* image type, data type, width(2), height(2),
//!        colour space, source type, device(2), quality(2), image bytes
//! ```

use crate::error::LdsError;
use crate::tlv::{self, Reader, Rules};
use citizen::{Photo, PhotoFormat, Sex};

const FILE: &str = "DG2";

/// 19794-5 image data type values.
pub const IMAGE_DATA_JPEG: u8 = 0;
pub const IMAGE_DATA_JPEG2000: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg2 {
    pub templates: Vec<BiometricTemplate>,
}

/// One biometric information template (7F60).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricTemplate {
    /// Elements of the biometric header template (A1), tag and value, in file order.
    pub header: Vec<(u32, Vec<u8>)>,
    pub face: FaceRecord,
}

/// An ISO/IEC 19794-5 facial record (the 5F2E biometric data block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceRecord {
    /// "010\0" for the 2005 edition.
    pub version: [u8; 4],
    pub images: Vec<FaceImage>,
}

/// One facial image with its information blocks.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceImage {
    /// 0 unspecified, 1 male, 2 female, 0xFF unknown.
    pub gender: u8,
    pub eye_colour: u8,
    pub hair_colour: u8,
    pub feature_mask: [u8; 3],
    pub expression: u16,
    pub pose_angle: [u8; 3],
    pub pose_angle_uncertainty: [u8; 3],
    pub feature_points: Vec<[u8; 8]>,
    /// 0 basic, 1 full frontal, 2 token frontal.
    pub face_image_type: u8,
    /// 0 JPEG, 1 JPEG 2000.
    pub image_data_type: u8,
    pub width: u16,
    pub height: u16,
    pub colour_space: u8,
    pub source_type: u8,
    pub device_type: u16,
    pub quality: u16,
    pub image: Vec<u8>,
}

impl std::fmt::Debug for FaceImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceImage")
            .field("gender", &self.gender)
            .field("face_image_type", &self.face_image_type)
            .field("image_data_type", &self.image_data_type)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("image_len", &self.image.len())
            .finish_non_exhaustive()
    }
}

impl FaceImage {
    /// A full-frontal face image of the record's photo; the size comes from the image header.
    pub fn from_photo(photo: &Photo, sex: Sex) -> Result<FaceImage, LdsError> {
        let info = citizen::photo::inspect(&photo.bytes)
            .map_err(|e| LdsError::build(FILE, format!("photo {}: {e}", photo.path.display())))?;
        let dim = |v: u32, what| {
            u16::try_from(v)
                .map_err(|_| LdsError::build(FILE, format!("photo {what} {v} too large")))
        };
        Ok(FaceImage {
            gender: match sex {
                Sex::Male => 1,
                Sex::Female => 2,
            },
            eye_colour: 0,
            hair_colour: 0,
            feature_mask: [0; 3],
            expression: 0,
            pose_angle: [0; 3],
            pose_angle_uncertainty: [0; 3],
            feature_points: Vec::new(),
            face_image_type: 1,
            image_data_type: match info.format {
                PhotoFormat::Jpeg => IMAGE_DATA_JPEG,
                PhotoFormat::Jpeg2000 => IMAGE_DATA_JPEG2000,
            },
            width: dim(info.width, "width")?,
            height: dim(info.height, "height")?,
            colour_space: 0,
            source_type: 0,
            device_type: 0,
            quality: 0,
            image: photo.bytes.clone(),
        })
    }

    fn block_len(&self) -> usize {
        20 + 8 * self.feature_points.len() + 12 + self.image.len()
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.block_len() as u32).to_be_bytes());
        out.extend_from_slice(&(self.feature_points.len() as u16).to_be_bytes());
        out.extend_from_slice(&[self.gender, self.eye_colour, self.hair_colour]);
        out.extend_from_slice(&self.feature_mask);
        out.extend_from_slice(&self.expression.to_be_bytes());
        out.extend_from_slice(&self.pose_angle);
        out.extend_from_slice(&self.pose_angle_uncertainty);
        for p in &self.feature_points {
            out.extend_from_slice(p);
        }
        out.extend_from_slice(&[self.face_image_type, self.image_data_type]);
        out.extend_from_slice(&self.width.to_be_bytes());
        out.extend_from_slice(&self.height.to_be_bytes());
        out.extend_from_slice(&[self.colour_space, self.source_type]);
        out.extend_from_slice(&self.device_type.to_be_bytes());
        out.extend_from_slice(&self.quality.to_be_bytes());
        out.extend_from_slice(&self.image);
    }
}

impl FaceRecord {
    pub fn encode(&self) -> Vec<u8> {
        let total = 14 + self.images.iter().map(FaceImage::block_len).sum::<usize>();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(b"FAC\0");
        out.extend_from_slice(&self.version);
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(&(self.images.len() as u16).to_be_bytes());
        for i in &self.images {
            i.encode_into(&mut out);
        }
        out
    }

    /// Decodes a 19794-5 record; `base` is its offset in the file, for errors.
    pub fn decode(b: &[u8], base: usize) -> Result<FaceRecord, LdsError> {
        let err = |at: usize, reason: String| LdsError::content(FILE, base + at, reason);
        let need = |at: usize, n: usize| -> Result<&[u8], LdsError> {
            b.get(at..at + n)
                .ok_or_else(|| err(at, format!("face record truncated (needs {n} bytes)")))
        };
        if need(0, 4)? != b"FAC\0" {
            return Err(err(0, "face record does not start with \"FAC\\0\"".into()));
        }
        let version: [u8; 4] = need(4, 4)?.try_into().unwrap_or_default();
        if version != *b"010\0" {
            return Err(err(
                4,
                format!("face record version {version:02X?}, expected \"010\\0\""),
            ));
        }
        let total = u32::from_be_bytes(need(8, 4)?.try_into().unwrap_or_default()) as usize;
        if total != b.len() {
            return Err(err(
                8,
                format!(
                    "record length {total}, but the data block holds {}",
                    b.len()
                ),
            ));
        }
        let count = u16::from_be_bytes(need(12, 2)?.try_into().unwrap_or_default());
        if count == 0 {
            return Err(err(12, "no facial image in the record".into()));
        }
        let mut images = Vec::new();
        let mut at = 14;
        for _ in 0..count {
            let start = at;
            let block = u32::from_be_bytes(need(at, 4)?.try_into().unwrap_or_default()) as usize;
            if block < 32 || start + block > b.len() {
                return Err(err(
                    start,
                    format!("facial block length {block} does not fit the record"),
                ));
            }
            let h = need(at + 4, 16)?;
            let points = usize::from(u16::from_be_bytes([h[0], h[1]]));
            let mut img = FaceImage {
                gender: h[2],
                eye_colour: h[3],
                hair_colour: h[4],
                feature_mask: [h[5], h[6], h[7]],
                expression: u16::from_be_bytes([h[8], h[9]]),
                pose_angle: [h[10], h[11], h[12]],
                pose_angle_uncertainty: [h[13], h[14], h[15]],
                feature_points: Vec::new(),
                face_image_type: 0,
                image_data_type: 0,
                width: 0,
                height: 0,
                colour_space: 0,
                source_type: 0,
                device_type: 0,
                quality: 0,
                image: Vec::new(),
            };
            at += 20;
            if 32 + 8 * points > block {
                return Err(err(
                    start + 4,
                    format!("{points} feature points do not fit the block"),
                ));
            }
            for _ in 0..points {
                img.feature_points
                    .push(need(at, 8)?.try_into().unwrap_or_default());
                at += 8;
            }
            let ii = need(at, 12)?;
            img.face_image_type = ii[0];
            img.image_data_type = ii[1];
            img.width = u16::from_be_bytes([ii[2], ii[3]]);
            img.height = u16::from_be_bytes([ii[4], ii[5]]);
            img.colour_space = ii[6];
            img.source_type = ii[7];
            img.device_type = u16::from_be_bytes([ii[8], ii[9]]);
            img.quality = u16::from_be_bytes([ii[10], ii[11]]);
            at += 12;
            img.image = b[at..start + block].to_vec();
            at = start + block;
            images.push(img);
        }
        if at != b.len() {
            return Err(err(
                at,
                format!("{} bytes after the last facial image", b.len() - at),
            ));
        }
        Ok(FaceRecord { version, images })
    }
}

impl Dg2 {
    /// DG2 of the record's photo: one template, header as in the Part 10 example
    /// (ICAO header version 1.1, format owner ISO/IEC JTC1 SC37, format type 19794-5 face).
    pub fn from_photo(photo: &Photo, sex: Sex) -> Result<Dg2, LdsError> {
        Ok(Dg2 {
            templates: vec![BiometricTemplate {
                header: vec![
                    (0x80, vec![0x01, 0x01]),
                    (0x87, vec![0x01, 0x01]),
                    (0x88, vec![0x00, 0x08]),
                ],
                face: FaceRecord {
                    version: *b"010\0",
                    images: vec![FaceImage::from_photo(photo, sex)?],
                },
            }],
        })
    }

    /// The first facial image.
    pub fn first_image(&self) -> Option<&FaceImage> {
        self.templates.first().and_then(|t| t.face.images.first())
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut group = tlv::encode(0x02, &[self.templates.len() as u8]);
        for t in &self.templates {
            let header: Vec<u8> = t
                .header
                .iter()
                .flat_map(|(tag, v)| tlv::encode(*tag, v))
                .collect();
            group.extend(tlv::encode_parts(
                0x7F60,
                &[
                    &tlv::encode(0xA1, &header),
                    &tlv::encode(0x5F2E, &t.face.encode()),
                ],
            ));
        }
        tlv::encode(0x75, &tlv::encode(0x7F61, &group))
    }

    pub fn decode(bytes: &[u8]) -> Result<Dg2, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let dg = outer.expect(0x75, FILE)?;
        outer.finish(FILE)?;
        let mut r = dg.children(Rules::Der);
        let group = r.expect(0x7F61, "biometric information group template (7F61)")?;
        r.finish("7F61")?;
        let mut g = group.children(Rules::Der);
        let n = g.expect(0x02, "number of instances")?;
        if n.value.len() != 1 {
            return Err(LdsError::content(
                FILE,
                n.value_offset,
                "number of instances must be one byte",
            ));
        }
        let count = usize::from(n.value[0]);
        let mut templates = Vec::new();
        while !g.is_empty() {
            let bit = g.expect(0x7F60, "biometric information template (7F60)")?;
            let mut b = bit.children(Rules::Der);
            let bht = b.expect(0xA1, "biometric header template (A1)")?;
            let mut header = Vec::new();
            for e in bht.children(Rules::Der) {
                let e = e?;
                if e.constructed() {
                    return Err(LdsError::content(
                        FILE,
                        e.offset,
                        "constructed element in the biometric header",
                    ));
                }
                header.push((e.tag, e.value.to_vec()));
            }
            for (tag, what) in [(0x87, "format owner (87)"), (0x88, "format type (88)")] {
                if !header.iter().any(|(t, _)| *t == tag) {
                    return Err(LdsError::content(
                        FILE,
                        bht.offset,
                        format!("biometric header lacks the {what}"),
                    ));
                }
            }
            let bdb = b.read()?;
            match bdb.tag {
                0x5F2E => {}
                0x7F2E => {
                    return Err(LdsError::content(
                        FILE,
                        bdb.offset,
                        "ISO/IEC 39794-5 data block (7F2E) is not supported, only 19794-5 (5F2E)",
                    ));
                }
                t => {
                    return Err(LdsError::content(
                        FILE,
                        bdb.offset,
                        format!("expected 5F2E, found {t:02X}"),
                    ));
                }
            }
            b.finish("the biometric data block")?;
            let face = FaceRecord::decode(bdb.value, bdb.value_offset)?;
            templates.push(BiometricTemplate { header, face });
        }
        if templates.len() != count {
            return Err(LdsError::content(
                FILE,
                n.value_offset,
                format!("{count} instances announced, {} present", templates.len()),
            ));
        }
        Ok(Dg2 { templates })
    }
}
