//! DG13, the Vietnamese structure (vietnam-cccd.md §1.3): a DER SEQUENCE with a version, an
//! OID and a SET of numbered entries.
//!
//! ```text
//! 6D { 30 { 02 01 01   06 06 28D316010008   31 { 30 { 02 01 n  <value> } … } } }
//! ```
//!
//! Entry values: 1 ID number, 3 date of birth, 11 date of issue, 15 old ID (PrintableString);
//! 2 name, 4 sex ("Nam"/"Nữ"), 5 nationality, 6 ethnicity, 7 religion, 8 place of origin,
//! 9 residence, 10 identifying features, 12 expiry (UTF8String; dates `dd/mm/yyyy`, no expiry
//! "Không thời hạn"); 13 parents, 14 spouse (constructed).
//!
//! Field 13 comes in two shapes: per parent (`SEQ{father} SEQ{mother}`, leeon/CMC, derived from
//! real bytes, which we emit) and joint (`SEQ{father, mother}`, NghiaLio), which we decode too.
//! An absent parent is emitted as an empty UTF8String so both positions stay; an unmarried
//! holder's field 14 is the bare `30 03 02 01 0E`. The model keeps every string type and nesting,
//! so any decoded file re-encodes byte for byte.

use crate::asn1::{self, Oid};
use crate::error::LdsError;
use crate::tlv::{self, Reader, Rules};
use chrono::NaiveDate;
use citizen::{Expiry, Record, Sex};

const FILE: &str = "DG13";

/// OID 1.0.10646.1.0.8 (ISO 10646 UTF-8 form) as content octets.
pub const UTF8_FORM_OID: &[u8] = &[0x28, 0xD3, 0x16, 0x01, 0x00, 0x08];

/// The text the card shows for "no expiry".
pub const NO_EXPIRY: &str = "Không thời hạn";

/// A string value with its ASN.1 type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Printable(String),
    Utf8(String),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Printable(s) | Text::Utf8(s) => s,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Text::Printable(s) => tlv::encode(asn1::PRINTABLE_STRING, s.as_bytes()),
            Text::Utf8(s) => tlv::encode(asn1::UTF8_STRING, s.as_bytes()),
        }
    }

    fn decode(t: &tlv::Tlv<'_>) -> Result<Text, LdsError> {
        let s = std::str::from_utf8(t.value)
            .map_err(|e| {
                LdsError::content(
                    FILE,
                    t.value_offset + e.valid_up_to(),
                    "string is not UTF-8",
                )
            })?
            .to_string();
        match t.tag {
            asn1::UTF8_STRING => Ok(Text::Utf8(s)),
            asn1::PRINTABLE_STRING => {
                if let Some(i) = s.bytes().position(|b| !is_printable(b)) {
                    return Err(LdsError::content(
                        FILE,
                        t.value_offset + i,
                        "character not allowed in a PrintableString",
                    ));
                }
                Ok(Text::Printable(s))
            }
            other => Err(LdsError::content(
                FILE,
                t.offset,
                format!("expected a UTF8String or PrintableString, found tag {other:02X}"),
            )),
        }
    }
}

fn is_printable(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b)
}

/// The value of one numbered entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Text),
    /// Constructed: a list of SEQUENCEs of strings (field 13 and 14). Empty for an entry that
    /// holds nothing after its number.
    Sequences(Vec<Vec<Text>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub number: u8,
    pub value: Value,
}

/// The whole of DG13, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg13 {
    pub version: u64,
    pub oid: Oid,
    pub entries: Vec<Entry>,
}

/// The fields of DG13 by name (strings as stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dg13Fields {
    pub id_number: Option<String>,
    pub full_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub ethnicity: Option<String>,
    pub religion: Option<String>,
    pub place_of_origin: Option<String>,
    pub place_of_residence: Option<String>,
    pub identifying_features: Option<String>,
    pub date_of_issue: Option<String>,
    pub date_of_expiry: Option<String>,
    pub father_name: Option<String>,
    pub mother_name: Option<String>,
    pub spouse_name: Option<String>,
    pub old_id_number: Option<String>,
    /// Field 16, meaning unknown [U].
    pub field16: Option<String>,
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl Dg13 {
    /// DG13 of a record, in the leeon/CMC shape.
    pub fn from_record(r: &Record) -> Dg13 {
        let p = |s: &str| Value::Text(Text::Printable(s.to_string()));
        let u = |s: &str| Value::Text(Text::Utf8(s.to_string()));
        let parent = |s: &Option<String>| vec![Text::Utf8(s.clone().unwrap_or_default())];
        let mut entries = vec![
            (1, p(&r.id_number)),
            (2, u(&r.full_name)),
            (3, p(&dmy(r.date_of_birth))),
            (
                4,
                u(match r.sex {
                    Sex::Male => "Nam",
                    Sex::Female => "Nữ",
                }),
            ),
            (
                5,
                u(if r.nationality == "VNM" {
                    "Việt Nam"
                } else {
                    &r.nationality
                }),
            ),
            (6, u(&r.ethnicity)),
            (7, u(&r.religion)),
            (8, u(&r.place_of_origin)),
            (9, u(&r.place_of_residence)),
            (10, u(&r.identifying_features)),
            (11, p(&dmy(r.date_of_issue))),
            (
                12,
                u(&match r.date_of_expiry {
                    Expiry::On(d) => dmy(d),
                    Expiry::Never => NO_EXPIRY.to_string(),
                }),
            ),
            (
                13,
                Value::Sequences(vec![parent(&r.father_name), parent(&r.mother_name)]),
            ),
            (
                14,
                Value::Sequences(match &r.spouse_name {
                    Some(s) => vec![vec![Text::Utf8(s.clone())]],
                    None => vec![],
                }),
            ),
        ];
        if let Some(old) = &r.old_id_number {
            entries.push((15, p(old)));
        }
        Dg13 {
            version: 1,
            oid: Oid(UTF8_FORM_OID.to_vec()),
            entries: entries
                .into_iter()
                .map(|(number, value)| Entry { number, value })
                .collect(),
        }
    }

    /// The entry with this number.
    pub fn entry(&self, number: u8) -> Option<&Value> {
        self.entries
            .iter()
            .find(|e| e.number == number)
            .map(|e| &e.value)
    }

    /// Named fields; field 13 is read in either shape.
    pub fn fields(&self) -> Dg13Fields {
        let text = |n: u8| match self.entry(n) {
            Some(Value::Text(t)) => Some(t.as_str().to_string()),
            _ => None,
        };
        let nonempty = |s: &Text| Some(s.as_str().to_string()).filter(|s| !s.is_empty());
        let (father_name, mother_name) = match self.entry(13) {
            Some(Value::Sequences(seqs)) => {
                let flat: Vec<&Text> = seqs.iter().flatten().collect();
                (
                    flat.first().and_then(|t| nonempty(t)),
                    flat.get(1).and_then(|t| nonempty(t)),
                )
            }
            _ => (None, None),
        };
        let spouse_name = match self.entry(14) {
            Some(Value::Sequences(seqs)) => seqs.iter().flatten().next().and_then(nonempty),
            _ => None,
        };
        Dg13Fields {
            id_number: text(1),
            full_name: text(2),
            date_of_birth: text(3),
            sex: text(4),
            nationality: text(5),
            ethnicity: text(6),
            religion: text(7),
            place_of_origin: text(8),
            place_of_residence: text(9),
            identifying_features: text(10),
            date_of_issue: text(11),
            date_of_expiry: text(12),
            father_name,
            mother_name,
            spouse_name,
            old_id_number: text(15),
            field16: text(16),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let entries: Vec<u8> = self
            .entries
            .iter()
            .flat_map(|e| {
                let mut v = asn1::int(u64::from(e.number));
                match &e.value {
                    Value::Text(t) => v.extend(t.encode()),
                    Value::Sequences(seqs) => {
                        for s in seqs {
                            let inner: Vec<u8> = s.iter().flat_map(Text::encode).collect();
                            v.extend(tlv::encode(asn1::SEQUENCE, &inner));
                        }
                    }
                }
                tlv::encode(asn1::SEQUENCE, &v)
            })
            .collect();
        let body = [
            asn1::int(self.version),
            self.oid.to_der(),
            tlv::encode(asn1::SET, &entries),
        ]
        .concat();
        tlv::encode(0x6D, &tlv::encode(asn1::SEQUENCE, &body))
    }

    pub fn decode(bytes: &[u8]) -> Result<Dg13, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let dg = outer.expect(0x6D, FILE)?;
        outer.finish(FILE)?;
        let mut r = dg.children(Rules::Der);
        let seq = r.expect(asn1::SEQUENCE, "DG13 SEQUENCE")?;
        r.finish("the DG13 SEQUENCE")?;
        let mut s = seq.children(Rules::Der);
        let version = asn1::read_int(&mut s, "version")?;
        let oid = asn1::read_oid(&mut s, "UTF-8 form OID")?;
        let set = s.expect(asn1::SET, "SET of fields")?;
        s.finish("the SET of fields")?;
        let mut entries = Vec::new();
        for e in set.children(Rules::Der) {
            let e = e?;
            if e.tag != asn1::SEQUENCE {
                return Err(LdsError::content(
                    FILE,
                    e.offset,
                    format!("field entry with tag {:02X}, expected 30", e.tag),
                ));
            }
            let mut f = e.children(Rules::Der);
            let n_at = f.offset();
            let number = asn1::read_int(&mut f, "field number")?;
            let number = u8::try_from(number)
                .ok()
                .filter(|n| (1..=32).contains(n))
                .ok_or_else(|| {
                    LdsError::content(FILE, n_at, format!("field number {number} out of range"))
                })?;
            if entries.iter().any(|x: &Entry| x.number == number) {
                return Err(LdsError::content(
                    FILE,
                    n_at,
                    format!("field {number} appears twice"),
                ));
            }
            let value = if f.is_empty() {
                Value::Sequences(vec![])
            } else {
                let first = f.read()?;
                if first.tag == asn1::SEQUENCE {
                    let mut seqs = vec![read_strings(&first)?];
                    for more in f.by_ref() {
                        let more = more?;
                        if more.tag != asn1::SEQUENCE {
                            return Err(LdsError::content(
                                FILE,
                                more.offset,
                                "a SEQUENCE expected after a SEQUENCE",
                            ));
                        }
                        seqs.push(read_strings(&more)?);
                    }
                    Value::Sequences(seqs)
                } else {
                    let t = Text::decode(&first)?;
                    f.finish("the field value")?;
                    Value::Text(t)
                }
            };
            entries.push(Entry { number, value });
        }
        Ok(Dg13 {
            version,
            oid,
            entries,
        })
    }
}

fn read_strings(seq: &tlv::Tlv<'_>) -> Result<Vec<Text>, LdsError> {
    seq.children(Rules::Der)
        .map(|t| Text::decode(&t?))
        .collect()
}
