//! SecurityInfos (Doc 9303 Part 11 §9.2): the DER `SET OF SecurityInfo` that is the content of
//! EF.CardAccess and, wrapped in tag `6E`, of DG14. DG15 (tag `6F`) holds the Active
//! Authentication public key as a SubjectPublicKeyInfo.
//!
//! ```asn1
//! PACEInfo ::= SEQUENCE { protocol OID, version INTEGER, parameterId INTEGER OPTIONAL }
//! ChipAuthenticationInfo ::= SEQUENCE { protocol OID, version INTEGER, keyId INTEGER OPTIONAL }
//! ChipAuthenticationPublicKeyInfo ::= SEQUENCE {
//!     protocol OID, chipAuthenticationPublicKey SubjectPublicKeyInfo, keyId INTEGER OPTIONAL }
//! ActiveAuthenticationInfo ::= SEQUENCE { protocol OID, version INTEGER, signatureAlgorithm OID }
//! ```

use crate::asn1::{self, Oid, SubjectPublicKeyInfo, oids};
use crate::error::LdsError;
use crate::tlv::{self, Reader, Rules};

/// One SecurityInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityInfo {
    Pace {
        protocol: Oid,
        version: u64,
        parameter_id: Option<u64>,
    },
    ChipAuthentication {
        protocol: Oid,
        version: u64,
        key_id: Option<u64>,
    },
    ChipAuthenticationPublicKey {
        protocol: Oid,
        public_key: SubjectPublicKeyInfo,
        key_id: Option<u64>,
    },
    ActiveAuthentication {
        protocol: Oid,
        version: u64,
        signature_algorithm: Oid,
    },
    /// Any other SecurityInfo (e.g. TerminalAuthenticationInfo), kept as its DER bytes.
    Other { protocol: Oid, der: Vec<u8> },
}

impl SecurityInfo {
    /// PACEInfo, version 2.
    pub fn pace(protocol: &[u8], parameter_id: Option<u64>) -> SecurityInfo {
        SecurityInfo::Pace {
            protocol: Oid(protocol.to_vec()),
            version: 2,
            parameter_id,
        }
    }

    pub fn protocol(&self) -> &Oid {
        match self {
            SecurityInfo::Pace { protocol, .. }
            | SecurityInfo::ChipAuthentication { protocol, .. }
            | SecurityInfo::ChipAuthenticationPublicKey { protocol, .. }
            | SecurityInfo::ActiveAuthentication { protocol, .. }
            | SecurityInfo::Other { protocol, .. } => protocol,
        }
    }

    /// The kind, for humans.
    pub fn kind(&self) -> &'static str {
        match self {
            SecurityInfo::Pace { .. } => "PACEInfo",
            SecurityInfo::ChipAuthentication { .. } => "ChipAuthenticationInfo",
            SecurityInfo::ChipAuthenticationPublicKey { .. } => "ChipAuthenticationPublicKeyInfo",
            SecurityInfo::ActiveAuthentication { .. } => "ActiveAuthenticationInfo",
            SecurityInfo::Other { .. } => "SecurityInfo",
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let opt = |v: &Option<u64>| v.map(asn1::int).unwrap_or_default();
        let body = match self {
            SecurityInfo::Pace {
                protocol,
                version,
                parameter_id,
            } => [protocol.to_der(), asn1::int(*version), opt(parameter_id)].concat(),
            SecurityInfo::ChipAuthentication {
                protocol,
                version,
                key_id,
            } => [protocol.to_der(), asn1::int(*version), opt(key_id)].concat(),
            SecurityInfo::ChipAuthenticationPublicKey {
                protocol,
                public_key,
                key_id,
            } => [protocol.to_der(), public_key.der.clone(), opt(key_id)].concat(),
            SecurityInfo::ActiveAuthentication {
                protocol,
                version,
                signature_algorithm,
            } => [
                protocol.to_der(),
                asn1::int(*version),
                signature_algorithm.to_der(),
            ]
            .concat(),
            SecurityInfo::Other { der, .. } => return der.clone(),
        };
        tlv::encode(asn1::SEQUENCE, &body)
    }

    fn decode(t: &tlv::Tlv<'_>, whole: &[u8], base: usize) -> Result<SecurityInfo, LdsError> {
        let mut r = t.children(Rules::Der);
        let protocol = asn1::read_oid(&mut r, "SecurityInfo protocol")?;
        let arcs = protocol.0.len();
        let under = |p: &[u8]| protocol.0.starts_with(p) && arcs > p.len();
        let opt_int = |r: &mut Reader<'_>, what: &str| -> Result<Option<u64>, LdsError> {
            if r.is_empty() {
                Ok(None)
            } else {
                asn1::read_int(r, what).map(Some)
            }
        };
        let info = if under(oids::ID_PACE) && arcs == oids::ID_PACE.len() + 2 {
            let version = asn1::read_int(&mut r, "PACEInfo version")?;
            let parameter_id = opt_int(&mut r, "PACEInfo parameterId")?;
            SecurityInfo::Pace {
                protocol,
                version,
                parameter_id,
            }
        } else if under(oids::ID_CA) && arcs == oids::ID_CA.len() + 2 {
            let version = asn1::read_int(&mut r, "ChipAuthenticationInfo version")?;
            let key_id = opt_int(&mut r, "ChipAuthenticationInfo keyId")?;
            SecurityInfo::ChipAuthentication {
                protocol,
                version,
                key_id,
            }
        } else if under(oids::ID_PK) {
            let k = r.expect(asn1::SEQUENCE, "chipAuthenticationPublicKey")?;
            let start = k.offset - base;
            let public_key =
                SubjectPublicKeyInfo::decode(&whole[start..start + k.encoded_len()], k.offset)?;
            let key_id = opt_int(&mut r, "ChipAuthenticationPublicKeyInfo keyId")?;
            SecurityInfo::ChipAuthenticationPublicKey {
                protocol,
                public_key,
                key_id,
            }
        } else if protocol.0 == oids::ID_AA {
            let version = asn1::read_int(&mut r, "ActiveAuthenticationInfo version")?;
            let signature_algorithm = asn1::read_oid(&mut r, "signatureAlgorithm")?;
            SecurityInfo::ActiveAuthentication {
                protocol,
                version,
                signature_algorithm,
            }
        } else {
            let start = t.offset - base;
            return Ok(SecurityInfo::Other {
                protocol,
                der: whole[start..start + t.encoded_len()].to_vec(),
            });
        };
        r.finish(info.kind())?;
        Ok(info)
    }
}

/// A SET OF SecurityInfo, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityInfos(pub Vec<SecurityInfo>);

impl SecurityInfos {
    /// The DER SET. Elements are written in the order given (a DER SET OF is sorted; callers
    /// that build from scratch get sorted output from [`SecurityInfos::sorted`]).
    pub fn encode(&self) -> Vec<u8> {
        let body: Vec<u8> = self.0.iter().flat_map(SecurityInfo::encode).collect();
        tlv::encode(asn1::SET, &body)
    }

    /// The PACE parameters its PACEInfos offer, as (protocol OID content octets, parameter ID),
    /// sorted: EF.CardAccess, DG14 and a firmware profile compare equal on this.
    pub fn pace_parameters(&self) -> Vec<(Vec<u8>, Option<u64>)> {
        let mut v: Vec<(Vec<u8>, Option<u64>)> = self
            .0
            .iter()
            .filter_map(|i| match i {
                SecurityInfo::Pace {
                    protocol,
                    parameter_id,
                    ..
                } => Some((protocol.0.clone(), *parameter_id)),
                _ => None,
            })
            .collect();
        v.sort();
        v
    }

    /// The same infos in DER SET OF order (by encoding).
    pub fn sorted(mut self) -> SecurityInfos {
        self.0.sort_by_cached_key(SecurityInfo::encode);
        self
    }

    /// Decodes a SET OF SecurityInfo that spans `bytes`; `base` is its offset in the file.
    pub fn decode(
        bytes: &[u8],
        base: usize,
        file: &'static str,
    ) -> Result<SecurityInfos, LdsError> {
        let mut outer = Reader::new(bytes, base, Rules::Der);
        let set = outer.expect(asn1::SET, "SecurityInfos")?;
        outer.finish("SecurityInfos")?;
        let mut infos = Vec::new();
        for t in set.children(Rules::Der) {
            let t = t?;
            if t.tag != asn1::SEQUENCE {
                return Err(LdsError::content(
                    file,
                    t.offset,
                    format!("SecurityInfo with tag {:02X}, expected 30", t.tag),
                ));
            }
            infos.push(SecurityInfo::decode(&t, bytes, base)?);
        }
        if infos.is_empty() {
            return Err(LdsError::content(
                file,
                set.offset,
                "no SecurityInfo in the set",
            ));
        }
        Ok(SecurityInfos(infos))
    }

    /// EF.CardAccess: the bare SET.
    pub fn decode_card_access(bytes: &[u8]) -> Result<SecurityInfos, LdsError> {
        Self::decode(bytes, 0, "EF.CardAccess")
    }

    /// DG14: `6E { SET }`.
    pub fn encode_dg14(&self) -> Vec<u8> {
        tlv::encode(0x6E, &self.encode())
    }

    pub fn decode_dg14(bytes: &[u8]) -> Result<SecurityInfos, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let dg = outer.expect(0x6E, "DG14")?;
        outer.finish("DG14")?;
        Self::decode(dg.value, dg.value_offset, "DG14")
    }
}

/// DG15: the Active Authentication public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg15 {
    pub public_key: SubjectPublicKeyInfo,
}

impl Dg15 {
    /// DG15 for an EC P-256 or RSA key; other keys are refused.
    pub fn new(public_key: SubjectPublicKeyInfo) -> Result<Dg15, LdsError> {
        let rsa = matches!(public_key.kind(), asn1::KeyKind::Rsa { .. });
        if !(public_key.is_p256() || rsa) {
            return Err(LdsError::build(
                "DG15",
                format!(
                    "Active Authentication key must be EC P-256 or RSA, not {}",
                    public_key.describe()
                ),
            ));
        }
        Ok(Dg15 { public_key })
    }

    pub fn encode(&self) -> Vec<u8> {
        tlv::encode(0x6F, &self.public_key.der)
    }

    /// Decodes any SubjectPublicKeyInfo (real cards carry other curves too).
    pub fn decode(bytes: &[u8]) -> Result<Dg15, LdsError> {
        let mut outer = Reader::new(bytes, 0, Rules::Der);
        let dg = outer.expect(0x6F, "DG15")?;
        outer.finish("DG15")?;
        Ok(Dg15 {
            public_key: SubjectPublicKeyInfo::decode(dg.value, dg.value_offset)?,
        })
    }
}
