//! EF.SOD: the LDSSecurityObject (Part 10 §4.6.2) inside CMS SignedData (RFC 5652, Part 10
//! Table 37), wrapped in application tag `77`.
//!
//! We build the SignedData ourselves: version 3, one digest algorithm, eContentType
//! `id-icao-mrtd-security-ldsSecurityObject`, the DS certificate, one SignerInfo (v1,
//! issuerAndSerialNumber) with signed attributes contentType, signingTime and messageDigest. The
//! signature is over the DER of the signed attributes as a `SET OF` (tag `31`).

use crate::error::{Error, Result};
use crate::oids;
use crate::signer::Signer;
use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, OctetString, PrintableString, SetOfVec};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use std::collections::BTreeMap;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// `DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }`
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct DataGroupHash {
    pub data_group_number: u8,
    pub data_group_hash_value: OctetString,
}

/// `LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }`
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct LdsVersionInfo {
    pub lds_version: PrintableString,
    pub unicode_version: PrintableString,
}

/// ```text
/// LDSSecurityObject ::= SEQUENCE {
///   version             LDSSecurityObjectVersion,      -- v0(0), v1(1)
///   hashAlgorithm       DigestAlgorithmIdentifier,
///   dataGroupHashValues SEQUENCE SIZE (2..ub-DataGroups) OF DataGroupHash,
///   ldsVersionInfo      LDSVersionInfo OPTIONAL }      -- present iff v1
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct LdsSecurityObject {
    pub version: u8,
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub data_group_hash_values: Vec<DataGroupHash>,
    #[asn1(optional = "true")]
    pub lds_version_info: Option<LdsVersionInfo>,
}

/// The first byte (tag) of each data group file, DG1..DG16 (Part 10 Table 38, as
/// [`icao::FileId`] holds it).
pub fn dg_tag(dg: u8) -> Option<u8> {
    icao::FileId::from_dg_number(dg).and_then(icao::FileId::tag)
}

/// Checks the DG map handed to the signer: numbers 1..=16, at least two, each file starting with
/// its own tag.
pub fn check_data_groups(dgs: &BTreeMap<u8, Vec<u8>>) -> Result<()> {
    if dgs.len() < 2 {
        return Err(Error::Sod(format!(
            "LDSSecurityObject needs at least 2 data groups, got {}",
            dgs.len()
        )));
    }
    for (&n, bytes) in dgs {
        let tag = dg_tag(n).ok_or_else(|| Error::DataGroup {
            dg: n,
            reason: "data group numbers are 1..=16".into(),
        })?;
        match bytes.first() {
            None => {
                return Err(Error::DataGroup {
                    dg: n,
                    reason: "empty file".into(),
                });
            }
            Some(&b) if b != tag => {
                return Err(Error::DataGroup {
                    dg: n,
                    reason: format!("file starts with tag {b:02X}, expected {tag:02X}"),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// DER of the LDSSecurityObject v0 with SHA-256 over each complete DG file.
pub fn build_lds_security_object(dgs: &BTreeMap<u8, Vec<u8>>) -> Result<Vec<u8>> {
    check_data_groups(dgs)?;
    let mut hashes = Vec::with_capacity(dgs.len());
    for (&n, bytes) in dgs {
        let h = ring::digest::digest(&ring::digest::SHA256, bytes);
        hashes.push(DataGroupHash {
            data_group_number: n,
            data_group_hash_value: OctetString::new(h.as_ref()).map_err(Error::der("DG hash"))?,
        });
    }
    LdsSecurityObject {
        version: 0,
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: oids::SHA256,
            parameters: None,
        },
        data_group_hash_values: hashes,
        lds_version_info: None,
    }
    .to_der()
    .map_err(Error::der("LDSSecurityObject"))
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Attribute> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(Error::der("attribute"))?,
    })
}

/// Builds and signs the EF.SOD (with the `77` wrapper) over `dgs` with the DS key `signer`,
/// whose certificate is `ds_cert`.
pub fn build_sod(
    dgs: &BTreeMap<u8, Vec<u8>>,
    signer: &dyn Signer,
    ds_cert: &Certificate,
    signing_time: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let econtent = build_lds_security_object(dgs)?;
    let curve = signer.curve();
    let digest = curve.digest(&econtent);
    let signed_attrs: SetOfVec<Attribute> = SetOfVec::try_from(vec![
        attribute(
            oids::ATTR_CONTENT_TYPE,
            Any::from(&oids::LDS_SECURITY_OBJECT),
        )?,
        attribute(
            oids::ATTR_SIGNING_TIME,
            Any::encode_from(&crate::certs::x509_time(signing_time)?)
                .map_err(Error::der("signingTime"))?,
        )?,
        attribute(
            oids::ATTR_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest).map_err(Error::der("messageDigest"))?)
                .map_err(Error::der("messageDigest"))?,
        )?,
    ])
    .map_err(Error::der("signedAttrs"))?;
    let to_sign = signed_attrs.to_der().map_err(Error::der("signedAttrs"))?;
    let signature = signer.sign(&to_sign)?;
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: ds_cert.tbs_certificate.issuer.clone(),
            serial_number: ds_cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: curve.digest_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signer.signature_algorithm(),
        signature: OctetString::new(signature).map_err(Error::der("signature"))?,
        unsigned_attrs: None,
    };
    let sd = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![curve.digest_algorithm()])
            .map_err(Error::der("digestAlgorithms"))?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oids::LDS_SECURITY_OBJECT,
            econtent: Some(
                Any::encode_from(&OctetString::new(econtent).map_err(Error::der("eContent"))?)
                    .map_err(Error::der("eContent"))?,
            ),
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(ds_cert.clone())])
                .map_err(Error::der("certificates"))?,
        )),
        crls: None,
        signer_infos: SignerInfos(
            SetOfVec::try_from(vec![signer_info]).map_err(Error::der("signerInfos"))?,
        ),
    };
    let ci = ContentInfo {
        content_type: oids::ID_SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(Error::der("SignedData"))?,
    };
    let body = ci.to_der().map_err(Error::der("ContentInfo"))?;
    Ok(wrap_tag77(&body))
}

/// Wraps `body` in the EF.SOD application tag `77` (shortest-form length).
pub fn wrap_tag77(body: &[u8]) -> Vec<u8> {
    icao::tlv::encode(0x77, body)
}

/// Strips the `77` wrapper and returns the ContentInfo bytes. Errors name what is wrong.
pub fn unwrap_tag77(sod: &[u8]) -> Result<&[u8]> {
    let (tag, value, rest) =
        crate::tlv::read(sod).map_err(|e| Error::Sod(format!("outer TLV: {e}")))?;
    if tag != 0x77 {
        return Err(Error::Sod(format!(
            "file starts with tag {tag:02X}, expected 77"
        )));
    }
    if !rest.is_empty() && rest.iter().any(|&b| b != 0 && b != 0xFF) {
        return Err(Error::Sod(format!(
            "{} bytes of data after the 77 object",
            rest.len()
        )));
    }
    Ok(value)
}

/// Parses the ContentInfo → SignedData of an EF.SOD.
pub fn parse_signed_data(sod: &[u8]) -> Result<SignedData> {
    let ci_bytes = unwrap_tag77(sod)?;
    let ci = ContentInfo::from_der(ci_bytes)
        .map_err(|e| Error::Sod(format!("ContentInfo does not parse: {e}")))?;
    if ci.content_type != oids::ID_SIGNED_DATA {
        return Err(Error::Sod(format!(
            "ContentInfo type is {}, expected id-signedData",
            ci.content_type
        )));
    }
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| Error::Sod(format!("SignedData does not parse: {e}")))
}
