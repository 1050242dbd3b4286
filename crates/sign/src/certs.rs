//! X.509 certificates and CRLs in the ICAO 9303 Part 12 profiles (§4.3 of our icao-9303 notes):
//! we build the `TBSCertificate` / `TBSCertList` ourselves and sign its DER through a [`Signer`],
//! so a software key and a PKCS#11 key produce identical structures.

use crate::error::{Error, Result};
use crate::oids;
use crate::signer::Signer;
use chrono::{DateTime, Datelike, Utc};
use der::asn1::{Any, BitString, GeneralizedTime, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode, Sequence, Tag};
use spki::SubjectPublicKeyInfoOwned;
use std::time::Duration;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::CrlNumber;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlReason, KeyUsage, KeyUsages,
    PrivateKeyUsagePeriod, SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

/// `DocumentTypeListSyntax ::= SEQUENCE { version INTEGER {v0(0)}, docTypeList SET OF DocumentType }`
/// with `DocumentType ::= PrintableString (SIZE(1..2))` (Part 12 §7.1.1.3).
#[derive(Clone, Debug, Sequence)]
pub struct DocumentTypeListSyntax {
    pub version: u8,
    pub doc_type_list: SetOfVec<Any>,
}

/// Converts a UTC instant to an X.509 `Time`: UTCTime through 2049, GeneralizedTime from 2050
/// (RFC 5280 §4.1.2.5, Part 12 Table 5), whole seconds.
pub fn x509_time(t: DateTime<Utc>) -> Result<Time> {
    let d = unix(t)?;
    if t.year() < 2050 {
        Ok(Time::UtcTime(
            UtcTime::from_unix_duration(d).map_err(Error::der("UTCTime"))?,
        ))
    } else {
        Ok(Time::GeneralTime(
            GeneralizedTime::from_unix_duration(d).map_err(Error::der("GeneralizedTime"))?,
        ))
    }
}

/// `GeneralizedTime` (whole seconds).
pub fn generalized_time(t: DateTime<Utc>) -> Result<GeneralizedTime> {
    GeneralizedTime::from_unix_duration(unix(t)?).map_err(Error::der("GeneralizedTime"))
}

fn unix(t: DateTime<Utc>) -> Result<Duration> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| Error::Sod(format!("time {t} is before 1970")))?;
    Ok(Duration::from_secs(secs))
}

/// Converts an X.509 time back to chrono.
pub fn from_x509_time(t: &Time) -> DateTime<Utc> {
    from_unix(t.to_unix_duration())
}

/// Converts a GeneralizedTime back to chrono.
pub fn from_generalized(t: &GeneralizedTime) -> DateTime<Utc> {
    from_unix(t.to_unix_duration())
}

fn from_unix(d: Duration) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::try_from(d.as_secs()).unwrap_or(i64::MAX), 0)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn atv(oid: der::asn1::ObjectIdentifier, tag: Tag, value: &str) -> Result<AttributeTypeAndValue> {
    Ok(AttributeTypeAndValue {
        oid,
        value: Any::new(tag, value.as_bytes()).map_err(Error::der("name attribute"))?,
    })
}

fn rdn(a: AttributeTypeAndValue) -> Result<RelativeDistinguishedName> {
    Ok(RelativeDistinguishedName(
        SetOfVec::try_from(vec![a]).map_err(Error::der("RDN"))?,
    ))
}

/// A distinguished name `C=…, O=…, OU=…, CN=…`; countryName is PrintableString and upper case
/// (Part 12 Table 5), the others UTF8String so Vietnamese names survive.
pub fn build_name(country: &str, org: &str, org_unit: &str, common_name: &str) -> Result<Name> {
    let c = country.to_ascii_uppercase();
    if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::Certificate {
            what: "country".into(),
            reason: format!("{country:?} is not a two-letter ISO 3166 code"),
        });
    }
    let mut rdns = vec![rdn(atv(oids::AT_COUNTRY, Tag::PrintableString, &c)?)?];
    for (oid, v) in [
        (oids::AT_ORG, org),
        (oids::AT_ORG_UNIT, org_unit),
        (oids::AT_COMMON_NAME, common_name),
    ] {
        if !v.is_empty() {
            rdns.push(rdn(atv(oid, Tag::Utf8String, v)?)?);
        }
    }
    Ok(RdnSequence(rdns))
}

/// A positive serial number of 16 random octets (≤ 20, Part 12 Table 5), minimal DER.
pub fn random_serial() -> Result<SerialNumber> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| Error::Sod("no randomness for a serial number".into()))?;
    b[0] = (b[0] & 0x7f) | 0x40;
    SerialNumber::new(&b).map_err(Error::der("serial number"))
}

/// The key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1).
pub fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    use sha1::Digest;
    sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

fn ext<T: Encode>(
    oid: der::asn1::ObjectIdentifier,
    critical: bool,
    value: &T,
) -> Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(Error::der("extension"))?)
            .map_err(Error::der("extension"))?,
    })
}

/// `IssuerAltName`/`SubjectAltName` with a directoryName holding `L=<ICAO 3-letter code>`
/// (Part 12 Table 6).
fn alt_name(locality: &str) -> Result<Vec<GeneralName>> {
    let n = RdnSequence(vec![rdn(atv(
        oids::AT_LOCALITY,
        Tag::PrintableString,
        locality,
    )?)?]);
    Ok(vec![GeneralName::DirectoryName(n)])
}

/// ICAO 3-letter code for a 2-letter country (only the ones we issue for; others repeat the code).
pub fn icao_country3(c2: &str) -> String {
    match c2.to_ascii_uppercase().as_str() {
        "VN" => "VNM".into(),
        "DE" => "D".into(),
        other => other.to_string(),
    }
}

/// Signs a TBSCertificate.
pub fn sign_certificate(tbs: TbsCertificate, signer: &dyn Signer) -> Result<Certificate> {
    let der = tbs.to_der().map_err(Error::der("TBSCertificate"))?;
    let sig = signer.sign(&der)?;
    Ok(Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signer.signature_algorithm(),
        signature: BitString::from_bytes(&sig).map_err(Error::der("signature"))?,
    })
}

/// Parameters of a CSCA certificate.
pub struct CscaParams<'a> {
    pub country: &'a str,
    pub org: &'a str,
    pub not_before: DateTime<Utc>,
    /// Certificate validity (Part 12: 13–15 years).
    pub validity_days: i64,
    /// Private key usage period (Part 12: 3–5 years).
    pub key_usage_days: i64,
}

/// The self-signed CSCA: KeyUsage keyCertSign+cRLSign (critical), BasicConstraints cA pathLen 0
/// (critical), SKI, AKI (= SKI), PrivateKeyUsagePeriod, SubjectAltName/IssuerAltName.
pub fn csca_certificate(signer: &dyn Signer, p: &CscaParams<'_>) -> Result<Certificate> {
    let name = build_name(
        p.country,
        p.org,
        "Country Signing CA",
        &format!("CSCA {}", p.country.to_ascii_uppercase()),
    )?;
    let spki = signer.public_key().clone();
    let kid = key_identifier(&spki);
    let not_after = p.not_before + chrono::Duration::days(p.validity_days);
    let pkup_end = p.not_before + chrono::Duration::days(p.key_usage_days);
    let alt = alt_name(&icao_country3(p.country))?;
    let exts = vec![
        ext(
            oids::EXT_BASIC_CONSTRAINTS,
            true,
            &BasicConstraints {
                ca: true,
                path_len_constraint: Some(0),
            },
        )?,
        ext(
            oids::EXT_KEY_USAGE,
            true,
            &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
        )?,
        ext(
            oids::EXT_SUBJECT_KEY_ID,
            false,
            &SubjectKeyIdentifier(OctetString::new(kid.clone()).map_err(Error::der("SKI"))?),
        )?,
        ext(
            oids::EXT_AUTHORITY_KEY_ID,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(kid).map_err(Error::der("AKI"))?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
        ext(
            oids::EXT_PRIVATE_KEY_USAGE_PERIOD,
            false,
            &PrivateKeyUsagePeriod {
                not_before: Some(generalized_time(p.not_before)?),
                not_after: Some(generalized_time(pkup_end)?),
            },
        )?,
        ext(oids::EXT_SUBJECT_ALT_NAME, false, &alt)?,
        ext(oids::EXT_ISSUER_ALT_NAME, false, &alt)?,
    ];
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: random_serial()?,
        signature: signer.signature_algorithm(),
        issuer: name.clone(),
        validity: Validity {
            not_before: x509_time(p.not_before)?,
            not_after: x509_time(not_after)?,
        },
        subject: name,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(exts),
    };
    sign_certificate(tbs, signer)
}

/// Parameters of a Document Signer certificate.
pub struct DsParams<'a> {
    pub country: &'a str,
    pub org: &'a str,
    pub common_name: &'a str,
    pub not_before: DateTime<Utc>,
    /// Private key usage period: at most 3 months (Part 12 Table 1).
    pub key_usage_days: i64,
    /// Certificate validity: key usage period + the longest document validity.
    pub validity_days: i64,
}

/// Longest DS private-key usage period we allow (Part 12: 3 months).
pub const MAX_DS_KEY_USAGE_DAYS: i64 = 92;

/// A Document Signer certificate: KeyUsage digitalSignature (critical), AKI, SKI,
/// PrivateKeyUsagePeriod (≤ 3 months), DocumentTypeList `{ID}`, IssuerAltName.
pub fn ds_certificate(
    csca_signer: &dyn Signer,
    csca: &Certificate,
    ds_spki: SubjectPublicKeyInfoOwned,
    p: &DsParams<'_>,
) -> Result<Certificate> {
    if p.key_usage_days < 1 || p.key_usage_days > MAX_DS_KEY_USAGE_DAYS {
        return Err(Error::Certificate {
            what: "Document Signer".into(),
            reason: format!(
                "private key usage period of {} days; ICAO 9303 Part 12 allows 1..={MAX_DS_KEY_USAGE_DAYS}",
                p.key_usage_days
            ),
        });
    }
    if p.validity_days < p.key_usage_days {
        return Err(Error::Certificate {
            what: "Document Signer".into(),
            reason: "certificate validity shorter than the key usage period".into(),
        });
    }
    let subject = build_name(p.country, p.org, "Document Signer", p.common_name)?;
    let csca_kid = key_identifier(&csca.tbs_certificate.subject_public_key_info);
    let ds_kid = key_identifier(&ds_spki);
    let doc_types = DocumentTypeListSyntax {
        version: 0,
        doc_type_list: SetOfVec::try_from(vec![
            Any::new(Tag::PrintableString, b"ID".as_slice()).map_err(Error::der("DocumentType"))?,
        ])
        .map_err(Error::der("DocumentTypeList"))?,
    };
    let exts = vec![
        ext(
            oids::EXT_KEY_USAGE,
            true,
            &KeyUsage(KeyUsages::DigitalSignature.into()),
        )?,
        ext(
            oids::EXT_AUTHORITY_KEY_ID,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(csca_kid).map_err(Error::der("AKI"))?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
        ext(
            oids::EXT_SUBJECT_KEY_ID,
            false,
            &SubjectKeyIdentifier(OctetString::new(ds_kid).map_err(Error::der("SKI"))?),
        )?,
        ext(
            oids::EXT_PRIVATE_KEY_USAGE_PERIOD,
            false,
            &PrivateKeyUsagePeriod {
                not_before: Some(generalized_time(p.not_before)?),
                not_after: Some(generalized_time(
                    p.not_before + chrono::Duration::days(p.key_usage_days),
                )?),
            },
        )?,
        ext(oids::DOCUMENT_TYPE_LIST, false, &doc_types)?,
        ext(
            oids::EXT_ISSUER_ALT_NAME,
            false,
            &alt_name(&icao_country3(p.country))?,
        )?,
    ];
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: random_serial()?,
        signature: csca_signer.signature_algorithm(),
        issuer: csca.tbs_certificate.subject.clone(),
        validity: Validity {
            not_before: x509_time(p.not_before)?,
            not_after: x509_time(p.not_before + chrono::Duration::days(p.validity_days))?,
        },
        subject,
        subject_public_key_info: ds_spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(exts),
    };
    sign_certificate(tbs, csca_signer)
}

/// One revoked certificate for a CRL.
pub struct RevokedEntry {
    pub serial: Vec<u8>,
    pub time: DateTime<Utc>,
    pub reason: CrlReason,
}

/// Parses a CRL reason name (RFC 5280 §5.3.1), e.g. `keyCompromise` or `key-compromise`.
pub fn parse_reason(s: &str) -> Result<CrlReason> {
    let k: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Ok(match k.as_str() {
        "unspecified" => CrlReason::Unspecified,
        "keycompromise" => CrlReason::KeyCompromise,
        "cacompromise" => CrlReason::CaCompromise,
        "affiliationchanged" => CrlReason::AffiliationChanged,
        "superseded" => CrlReason::Superseded,
        "cessationofoperation" => CrlReason::CessationOfOperation,
        "certificatehold" => CrlReason::CertificateHold,
        "privilegewithdrawn" => CrlReason::PrivilegeWithdrawn,
        _ => {
            return Err(Error::Certificate {
                what: "revocation reason".into(),
                reason: format!(
                    "{s:?} is not one of unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn"
                ),
            });
        }
    })
}

/// Name of a CRL reason (camelCase, as in RFC 5280).
pub fn reason_name(r: CrlReason) -> &'static str {
    match r {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "caCompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
}

/// A v2 CRL signed by the CSCA, with AKI and CRLNumber; revoked entries carry a reason code.
pub fn build_crl(
    csca_signer: &dyn Signer,
    csca: &Certificate,
    revoked: &[RevokedEntry],
    number: u64,
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
) -> Result<CertificateList> {
    let mut list = Vec::new();
    for r in revoked {
        list.push(RevokedCert {
            serial_number: SerialNumber::new(&r.serial).map_err(Error::der("serial"))?,
            revocation_date: x509_time(r.time)?,
            crl_entry_extensions: Some(vec![ext(oids::EXT_CRL_REASON, false, &r.reason)?]),
        });
    }
    let kid = key_identifier(&csca.tbs_certificate.subject_public_key_info);
    let tbs = TbsCertList {
        version: Version::V2,
        signature: csca_signer.signature_algorithm(),
        issuer: csca.tbs_certificate.subject.clone(),
        this_update: x509_time(this_update)?,
        next_update: Some(x509_time(next_update)?),
        revoked_certificates: if list.is_empty() { None } else { Some(list) },
        crl_extensions: Some(vec![
            ext(
                oids::EXT_AUTHORITY_KEY_ID,
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(kid).map_err(Error::der("AKI"))?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )?,
            ext(
                oids::EXT_CRL_NUMBER,
                false,
                &CrlNumber(
                    der::asn1::Uint::new(&number.to_be_bytes())
                        .map_err(Error::der("CRL number"))?,
                ),
            )?,
        ]),
    };
    let der = tbs.to_der().map_err(Error::der("TBSCertList"))?;
    let sig = csca_signer.sign(&der)?;
    Ok(CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: csca_signer.signature_algorithm(),
        signature: BitString::from_bytes(&sig).map_err(Error::der("signature"))?,
    })
}

/// Parses one certificate from DER or PEM.
pub fn parse_certificate(bytes: &[u8], what: &str) -> Result<Certificate> {
    let der = pem_or_der(bytes, "CERTIFICATE", what)?;
    Certificate::from_der(&der).map_err(|e| Error::Certificate {
        what: what.into(),
        reason: format!("not an X.509 certificate: {e}"),
    })
}

/// Parses every certificate in a PEM bundle (or a single DER certificate).
pub fn parse_certificates(bytes: &[u8], what: &str) -> Result<Vec<Certificate>> {
    if bytes.starts_with(b"-----") || bytes.iter().take(64).all(|b| b.is_ascii()) {
        let text = String::from_utf8_lossy(bytes);
        let mut out = Vec::new();
        let mut rest: &str = &text;
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let after = &rest[start..];
            let end_marker = "-----END CERTIFICATE-----";
            let Some(end) = after.find(end_marker) else {
                break;
            };
            let block = &after[..end + end_marker.len()];
            out.push(parse_certificate(block.as_bytes(), what)?);
            rest = &after[end + end_marker.len()..];
        }
        if !out.is_empty() {
            return Ok(out);
        }
    }
    Ok(vec![parse_certificate(bytes, what)?])
}

/// Parses a CRL from DER or PEM.
pub fn parse_crl(bytes: &[u8], what: &str) -> Result<CertificateList> {
    let der = pem_or_der(bytes, "X509 CRL", what)?;
    CertificateList::from_der(&der).map_err(|e| Error::Certificate {
        what: what.into(),
        reason: format!("not an X.509 CRL: {e}"),
    })
}

fn pem_or_der(bytes: &[u8], label: &str, what: &str) -> Result<Vec<u8>> {
    if bytes.starts_with(b"-----BEGIN") {
        let (l, der) = der::pem::decode_vec(bytes).map_err(|e| Error::Certificate {
            what: what.into(),
            reason: format!("bad PEM: {e}"),
        })?;
        if l != label {
            return Err(Error::Certificate {
                what: what.into(),
                reason: format!("PEM label {l:?}, expected {label:?}"),
            });
        }
        Ok(der)
    } else {
        Ok(bytes.to_vec())
    }
}

/// PEM text of a DER object.
pub fn to_pem(label: &'static str, der: &[u8]) -> Result<String> {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).map_err(|e| Error::Certificate {
        what: label.into(),
        reason: format!("PEM encoding: {e}"),
    })
}

/// Finds an extension by OID.
pub fn find_extension<'a>(
    cert: &'a Certificate,
    oid: &der::asn1::ObjectIdentifier,
) -> Option<&'a Extension> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| &e.extn_id == oid)
}

/// A PrivateKeyUsagePeriod: (notBefore, notAfter), each optional.
pub type UsagePeriod = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The certificate's PrivateKeyUsagePeriod, if present and well formed.
pub fn private_key_usage_period(cert: &Certificate) -> Option<UsagePeriod> {
    let e = find_extension(cert, &oids::EXT_PRIVATE_KEY_USAGE_PERIOD)?;
    let p = PrivateKeyUsagePeriod::from_der(e.extn_value.as_bytes()).ok()?;
    Some((
        p.not_before.as_ref().map(from_generalized),
        p.not_after.as_ref().map(from_generalized),
    ))
}

/// The certificate's KeyUsage, if present.
pub fn key_usage(cert: &Certificate) -> Option<KeyUsage> {
    let e = find_extension(cert, &oids::EXT_KEY_USAGE)?;
    KeyUsage::from_der(e.extn_value.as_bytes()).ok()
}

/// Hex of a serial number's content octets (upper case, as `openssl` prints it).
pub fn serial_hex(s: &SerialNumber) -> String {
    hex::encode_upper(s.as_bytes())
}
