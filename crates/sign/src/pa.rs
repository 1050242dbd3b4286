//! Passive authentication (ICAO 9303 Part 11 §5.1): parse the EF.SOD, check the data group
//! hashes, the SOD signature, the Document Signer certificate against the CSCA (signature,
//! validity at the given time, key usage) and the CRL. Every check is reported — pass, fail,
//! warning (accepted real-world deviation) or skipped — so a verifier sees why a document
//! failed, not only that it failed.

use crate::certs::{from_x509_time, key_usage, serial_hex};
use crate::oids;
use crate::sigverify::{Hash, verify_signature};
use crate::sod::{LdsSecurityObject, parse_signed_data, unwrap_tag77};
use crate::tlv;
use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::{Decode, Encode};
use serde::Serialize;
use std::collections::BTreeMap;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::KeyUsages;

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warning,
    Fail,
    Skipped,
}

/// One named check with its reason.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Stable identifier, e.g. `sod.signature`, `dg.2.hash`, `ds.chain`.
    pub id: String,
    pub status: Status,
    pub detail: String,
}

/// The result of passive authentication.
#[derive(Clone, Debug, Serialize)]
pub struct PaReport {
    pub version: u32,
    /// The time certificates were checked at.
    pub at: DateTime<Utc>,
    /// DS serial (hex), if the SOD carried a certificate.
    pub ds_serial: Option<String>,
    pub ds_subject: Option<String>,
    /// DG numbers listed in the SOD.
    pub dgs_in_sod: Vec<u8>,
    pub checks: Vec<Check>,
}

impl PaReport {
    /// True when no check failed (warnings and skipped checks allowed).
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }
    /// Finds a check by id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
    fn push(&mut self, id: impl Into<String>, status: Status, detail: impl Into<String>) {
        self.checks.push(Check {
            id: id.into(),
            status,
            detail: detail.into(),
        });
    }
}

/// Inputs of passive authentication.
pub struct PaInput<'a> {
    /// The EF.SOD file (with its `77` tag).
    pub sod: &'a [u8],
    /// Data group files read from the chip (full TLV), keyed by DG number; `None` checks only the
    /// signature and the chain.
    pub dgs: Option<&'a BTreeMap<u8, Vec<u8>>>,
    /// Trusted CSCA certificates.
    pub cscas: &'a [Certificate],
    /// The CSCA's CRL, if any.
    pub crl: Option<&'a CertificateList>,
    /// Time at which certificate validity is judged.
    pub at: DateTime<Utc>,
}

/// Runs passive authentication and reports every check.
pub fn verify_sod(input: &PaInput<'_>) -> PaReport {
    let mut rep = PaReport {
        version: 1,
        at: input.at,
        ds_serial: None,
        ds_subject: None,
        dgs_in_sod: Vec::new(),
        checks: Vec::new(),
    };
    let sd = match parse_signed_data(input.sod) {
        Ok(sd) => {
            rep.push(
                "sod.parse",
                Status::Pass,
                "EF.SOD parses as ContentInfo/SignedData",
            );
            sd
        }
        Err(e) => {
            rep.push("sod.parse", Status::Fail, e.to_string());
            return rep;
        }
    };
    check_signed_data(&sd, input, &mut rep);
    rep
}

fn check_signed_data(sd: &SignedData, input: &PaInput<'_>, rep: &mut PaReport) {
    // eContentType and the LDSSecurityObject.
    let ect = sd.encap_content_info.econtent_type;
    match ect {
        oids::LDS_SECURITY_OBJECT => rep.push(
            "sod.content_type",
            Status::Pass,
            "eContentType is id-icao-mrtd-security-ldsSecurityObject",
        ),
        oids::ID_DATA => rep.push(
            "sod.content_type",
            Status::Warning,
            "eContentType is id-data (real-world deviation)",
        ),
        oids::LDS_SECURITY_OBJECT_LEGACY => rep.push(
            "sod.content_type",
            Status::Warning,
            "eContentType is the legacy 1.3.27.1.1.1",
        ),
        other => {
            rep.push(
                "sod.content_type",
                Status::Fail,
                format!("eContentType {other} is not an LDS security object"),
            );
            return;
        }
    }
    let econtent = match sd
        .encap_content_info
        .econtent
        .as_ref()
        .map(|a| a.decode_as::<OctetString>())
    {
        Some(Ok(os)) => os.as_bytes().to_vec(),
        Some(Err(e)) => {
            rep.push(
                "sod.lds_security_object",
                Status::Fail,
                format!("eContent is not an OCTET STRING: {e}"),
            );
            return;
        }
        None => {
            rep.push(
                "sod.lds_security_object",
                Status::Fail,
                "SignedData has no eContent",
            );
            return;
        }
    };
    let lso = match LdsSecurityObject::from_der(&econtent) {
        Ok(l) => l,
        Err(e) => {
            rep.push(
                "sod.lds_security_object",
                Status::Fail,
                format!("LDSSecurityObject does not parse: {e}"),
            );
            return;
        }
    };
    let dg_hash = match Hash::from_oid(&lso.hash_algorithm.oid) {
        Some(h) => h,
        None => {
            rep.push(
                "sod.lds_security_object",
                Status::Fail,
                format!("unknown DG hash algorithm {}", lso.hash_algorithm.oid),
            );
            return;
        }
    };
    rep.dgs_in_sod = lso
        .data_group_hash_values
        .iter()
        .map(|d| d.data_group_number)
        .collect();
    rep.push(
        "sod.lds_security_object",
        if dg_hash == Hash::Sha1 {
            Status::Warning
        } else {
            Status::Pass
        },
        format!(
            "LDSSecurityObject v{}, {} over DGs {:?}{}",
            lso.version,
            dg_hash.name(),
            rep.dgs_in_sod,
            if dg_hash == Hash::Sha1 {
                " (SHA-1: old document)"
            } else {
                ""
            }
        ),
    );
    check_data_groups(&lso, dg_hash, input, rep);

    // The signer and its certificate.
    let signers: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let si = match signers.as_slice() {
        [one] => *one,
        [] => {
            rep.push("sod.signer_info", Status::Fail, "no SignerInfo");
            return;
        }
        [first, ..] => {
            rep.push(
                "sod.signer_info",
                Status::Warning,
                format!("{} SignerInfos; the first is checked", signers.len()),
            );
            *first
        }
    };
    if signers.len() == 1 {
        rep.push("sod.signer_info", Status::Pass, "one SignerInfo");
    }
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let ds = certs.iter().copied().find(|c| match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            crate::certs::find_extension(c, &oids::EXT_SUBJECT_KEY_ID)
                .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok())
                .is_some_and(|k| k == ski.0)
        }
    });
    let Some(ds) = ds else {
        rep.push(
            "sod.ds_certificate",
            Status::Fail,
            "the SOD carries no certificate matching the SignerInfo",
        );
        return;
    };
    rep.ds_serial = Some(serial_hex(&ds.tbs_certificate.serial_number));
    rep.ds_subject = Some(ds.tbs_certificate.subject.to_string());
    rep.push(
        "sod.ds_certificate",
        Status::Pass,
        format!(
            "DS certificate {} serial {}",
            ds.tbs_certificate.subject,
            serial_hex(&ds.tbs_certificate.serial_number)
        ),
    );

    check_signature(sd, si, &econtent, ds, input, rep);
    check_chain(ds, input, rep);
}

fn check_data_groups(lso: &LdsSecurityObject, h: Hash, input: &PaInput<'_>, rep: &mut PaReport) {
    let Some(dgs) = input.dgs else {
        rep.push(
            "dg.hashes",
            Status::Skipped,
            "no data groups given: only the signature and the certificate chain were checked",
        );
        return;
    };
    for d in &lso.data_group_hash_values {
        let id = format!("dg.{}.hash", d.data_group_number);
        match dgs.get(&d.data_group_number) {
            None => rep.push(
                id,
                Status::Fail,
                format!("DG{} is listed in the SOD but missing", d.data_group_number),
            ),
            Some(bytes) => {
                if h.digest(bytes) == d.data_group_hash_value.as_bytes() {
                    rep.push(
                        id,
                        Status::Pass,
                        format!("DG{} hash matches", d.data_group_number),
                    );
                } else {
                    rep.push(
                        id,
                        Status::Fail,
                        format!(
                            "DG{} hash does not match the SOD (data group altered)",
                            d.data_group_number
                        ),
                    );
                }
            }
        }
    }
    for n in dgs.keys() {
        if !lso
            .data_group_hash_values
            .iter()
            .any(|d| d.data_group_number == *n)
        {
            rep.push(
                format!("dg.{n}.covered"),
                Status::Fail,
                format!("DG{n} is present but not covered by the SOD"),
            );
        }
    }
}

/// The raw `[0] IMPLICIT SignedAttributes` bytes of the first SignerInfo, exactly as signed
/// (re-tagged as `SET OF` by the caller). Walks the DER by hand so a re-encoding can never hide
/// a difference.
fn raw_signed_attrs(sod: &[u8]) -> Result<Vec<u8>, String> {
    let ci = unwrap_tag77(sod).map_err(|e| e.to_string())?;
    let (_, ci_body, _) = tlv::read(ci)?; // ContentInfo SEQUENCE
    let (_, _, rest) = tlv::read(ci_body)?; // contentType
    let (_, content, _) = tlv::read(rest)?; // [0] EXPLICIT
    let (_, sd, _) = tlv::read(content)?; // SignedData SEQUENCE
    let mut cur = sd;
    let mut signer_infos = None;
    while !cur.is_empty() {
        let (tag, value, rest) = tlv::read(cur)?;
        cur = rest;
        if tag == 0x31 && rest.is_empty() {
            signer_infos = Some(value);
        }
    }
    let sis = signer_infos.ok_or("no signerInfos SET")?;
    let (_, si, _) = tlv::read(sis)?; // first SignerInfo
    let mut cur = si;
    while !cur.is_empty() {
        let (tag, whole, rest) = tlv::read_whole(cur)?;
        if tag == 0xA0 {
            let mut out = whole.to_vec();
            out[0] = 0x31;
            return Ok(out);
        }
        cur = rest;
    }
    Err("SignerInfo has no signedAttrs".into())
}

fn check_signature(
    sd: &SignedData,
    si: &SignerInfo,
    econtent: &[u8],
    ds: &Certificate,
    input: &PaInput<'_>,
    rep: &mut PaReport,
) {
    let Some(digest) = Hash::from_oid(&si.digest_alg.oid) else {
        rep.push(
            "sod.digest_algorithm",
            Status::Fail,
            format!("unknown digest algorithm {}", si.digest_alg.oid),
        );
        return;
    };
    if sd
        .digest_algorithms
        .iter()
        .any(|a| a.oid == si.digest_alg.oid)
    {
        rep.push(
            "sod.digest_algorithms",
            Status::Pass,
            format!("{} listed in SignedData.digestAlgorithms", digest.name()),
        );
    } else {
        rep.push(
            "sod.digest_algorithms",
            Status::Fail,
            format!(
                "the SignerInfo digest {} is not listed in SignedData.digestAlgorithms",
                si.digest_alg.oid
            ),
        );
    }
    let Some(attrs) = &si.signed_attrs else {
        rep.push(
            "sod.signed_attrs",
            Status::Fail,
            "SignerInfo has no signed attributes (Part 10 Table 37 requires them)",
        );
        return;
    };
    let attr = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    match attr(oids::ATTR_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<der::asn1::ObjectIdentifier>().ok())
    {
        Some(ct) if ct == sd.encap_content_info.econtent_type => rep.push(
            "sod.signed_attrs.content_type",
            Status::Pass,
            "contentType attribute matches eContentType",
        ),
        Some(ct) => rep.push(
            "sod.signed_attrs.content_type",
            Status::Fail,
            format!("contentType attribute {ct} differs from eContentType"),
        ),
        None => rep.push(
            "sod.signed_attrs.content_type",
            Status::Fail,
            "no contentType attribute",
        ),
    }
    match attr(oids::ATTR_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok()) {
        Some(md) if md.as_bytes() == digest.digest(econtent).as_slice() => rep.push(
            "sod.signed_attrs.message_digest",
            if digest == Hash::Sha1 {
                Status::Warning
            } else {
                Status::Pass
            },
            format!(
                "messageDigest matches {} of the LDSSecurityObject",
                digest.name()
            ),
        ),
        Some(_) => rep.push(
            "sod.signed_attrs.message_digest",
            Status::Fail,
            "messageDigest does not match the LDSSecurityObject",
        ),
        None => rep.push(
            "sod.signed_attrs.message_digest",
            Status::Fail,
            "no messageDigest attribute",
        ),
    }
    let signed = match raw_signed_attrs(input.sod) {
        Ok(b) => b,
        Err(e) => {
            rep.push(
                "sod.signature",
                Status::Fail,
                format!("cannot locate the signed attributes: {e}"),
            );
            return;
        }
    };
    // The raw bytes must be what the parser saw, else a non-DER encoding slipped through.
    if attrs.to_der().ok().as_deref() != Some(&signed[..]) {
        rep.push(
            "sod.signed_attrs.encoding",
            Status::Warning,
            "signed attributes are not in canonical DER order",
        );
    }
    match verify_signature(
        &ds.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm,
        Some(digest),
        &signed,
        si.signature.as_bytes(),
    ) {
        Ok(w) if w.is_empty() => rep.push(
            "sod.signature",
            Status::Pass,
            format!(
                "SOD signature ({}) verifies with the DS key",
                si.signature_algorithm.oid
            ),
        ),
        Ok(w) => rep.push(
            "sod.signature",
            Status::Warning,
            format!("SOD signature verifies; {}", w.join("; ")),
        ),
        Err(e) => rep.push("sod.signature", Status::Fail, e),
    }
}

fn check_chain(ds: &Certificate, input: &PaInput<'_>, rep: &mut PaReport) {
    let at = input.at;
    // Validity of the DS at `at`.
    let nb = from_x509_time(&ds.tbs_certificate.validity.not_before);
    let na = from_x509_time(&ds.tbs_certificate.validity.not_after);
    if at < nb {
        rep.push(
            "ds.validity",
            Status::Fail,
            format!("DS certificate not valid before {nb} (checked at {at})"),
        );
    } else if at > na {
        rep.push(
            "ds.validity",
            Status::Fail,
            format!("DS certificate expired at {na} (checked at {at})"),
        );
    } else {
        rep.push(
            "ds.validity",
            Status::Pass,
            format!("DS certificate valid {nb} .. {na}"),
        );
    }
    match key_usage(ds) {
        Some(ku) if ku.0.contains(KeyUsages::DigitalSignature) => rep.push(
            "ds.key_usage",
            Status::Pass,
            "DS KeyUsage has digitalSignature",
        ),
        Some(_) => rep.push(
            "ds.key_usage",
            Status::Fail,
            "DS KeyUsage lacks digitalSignature",
        ),
        None => rep.push(
            "ds.key_usage",
            Status::Warning,
            "DS certificate has no KeyUsage extension",
        ),
    }
    // Issuer: a CSCA whose subject is the DS issuer and whose key verifies the DS signature.
    let candidates: Vec<&Certificate> = input
        .cscas
        .iter()
        .filter(|c| c.tbs_certificate.subject == ds.tbs_certificate.issuer)
        .collect();
    if candidates.is_empty() {
        rep.push(
            "ds.chain",
            Status::Fail,
            format!(
                "no given CSCA has subject {} (the DS issuer): wrong or missing CSCA",
                ds.tbs_certificate.issuer
            ),
        );
        return;
    }
    let tbs = match ds.tbs_certificate.to_der() {
        Ok(t) => t,
        Err(e) => {
            rep.push(
                "ds.chain",
                Status::Fail,
                format!("DS TBSCertificate does not re-encode: {e}"),
            );
            return;
        }
    };
    let mut issuer = None;
    let mut last_err = String::new();
    for c in &candidates {
        match verify_signature(
            &c.tbs_certificate.subject_public_key_info,
            &ds.signature_algorithm,
            None,
            &tbs,
            ds.signature.raw_bytes(),
        ) {
            Ok(w) => {
                issuer = Some((*c, w));
                break;
            }
            Err(e) => last_err = e,
        }
    }
    let Some((csca, w)) = issuer else {
        rep.push("ds.chain", Status::Fail, format!("DS certificate signature does not verify with the CSCA: {last_err} (wrong CSCA or altered certificate)"));
        return;
    };
    if w.is_empty() {
        rep.push(
            "ds.chain",
            Status::Pass,
            format!(
                "DS certificate signed by CSCA {}",
                csca.tbs_certificate.subject
            ),
        );
    } else {
        rep.push(
            "ds.chain",
            Status::Warning,
            format!("DS certificate signed by CSCA; {}", w.join("; ")),
        );
    }
    let cnb = from_x509_time(&csca.tbs_certificate.validity.not_before);
    let cna = from_x509_time(&csca.tbs_certificate.validity.not_after);
    if at < cnb || at > cna {
        rep.push(
            "csca.validity",
            Status::Fail,
            format!("CSCA certificate valid {cnb} .. {cna}, not at {at}"),
        );
    } else {
        rep.push(
            "csca.validity",
            Status::Pass,
            format!("CSCA certificate valid {cnb} .. {cna}"),
        );
    }
    match key_usage(csca) {
        Some(ku) if ku.0.contains(KeyUsages::KeyCertSign) => rep.push(
            "csca.key_usage",
            Status::Pass,
            "CSCA KeyUsage has keyCertSign",
        ),
        Some(_) => rep.push(
            "csca.key_usage",
            Status::Fail,
            "CSCA KeyUsage lacks keyCertSign",
        ),
        None => rep.push(
            "csca.key_usage",
            Status::Warning,
            "CSCA certificate has no KeyUsage extension",
        ),
    }
    check_crl(ds, csca, input, rep);
}

fn check_crl(ds: &Certificate, csca: &Certificate, input: &PaInput<'_>, rep: &mut PaReport) {
    let Some(crl) = input.crl else {
        rep.push(
            "crl",
            Status::Warning,
            "no CRL given: revocation not checked",
        );
        return;
    };
    if crl.tbs_cert_list.issuer != csca.tbs_certificate.subject {
        rep.push("crl.signature", Status::Fail, "CRL issuer is not the CSCA");
        return;
    }
    let tbs = match crl.tbs_cert_list.to_der() {
        Ok(t) => t,
        Err(e) => {
            rep.push(
                "crl.signature",
                Status::Fail,
                format!("CRL does not re-encode: {e}"),
            );
            return;
        }
    };
    match verify_signature(
        &csca.tbs_certificate.subject_public_key_info,
        &crl.signature_algorithm,
        None,
        &tbs,
        crl.signature.raw_bytes(),
    ) {
        Ok(_) => rep.push("crl.signature", Status::Pass, "CRL signed by the CSCA"),
        Err(e) => {
            rep.push("crl.signature", Status::Fail, format!("CRL signature: {e}"));
            return;
        }
    }
    let this = from_x509_time(&crl.tbs_cert_list.this_update);
    match crl.tbs_cert_list.next_update.as_ref().map(from_x509_time) {
        Some(next) if input.at > next => rep.push(
            "crl.freshness",
            Status::Warning,
            format!("CRL nextUpdate {next} has passed (issued {this})"),
        ),
        _ => rep.push("crl.freshness", Status::Pass, format!("CRL issued {this}")),
    }
    let revoked = crl
        .tbs_cert_list
        .revoked_certificates
        .as_ref()
        .and_then(|l| {
            l.iter()
                .find(|r| r.serial_number == ds.tbs_certificate.serial_number)
        });
    match revoked {
        Some(r) => rep.push(
            "ds.revocation",
            Status::Fail,
            format!(
                "DS serial {} revoked on {}",
                serial_hex(&ds.tbs_certificate.serial_number),
                from_x509_time(&r.revocation_date)
            ),
        ),
        None => rep.push("ds.revocation", Status::Pass, "DS not on the CRL"),
    }
}
