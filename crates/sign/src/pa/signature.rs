//! The SOD signature: the digest algorithm, the signed attributes (contentType, messageDigest,
//! their DER encoding) and the signature itself under the DS key. The signed attributes are
//! taken from the raw EF.SOD bytes, not re-encoded, so a non-DER encoding cannot hide.

use super::{PaInput, PaReport, Status};
use crate::oids;
use crate::sigverify::{Hash, verify_signature};
use crate::sod::unwrap_tag77;
use crate::tlv;
use cms::signed_data::{SignedData, SignerInfo};
use der::Encode;
use der::asn1::OctetString;
use x509_cert::Certificate;

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

pub(super) fn check_signature(
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
