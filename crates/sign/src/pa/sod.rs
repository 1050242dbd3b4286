//! The EF.SOD's content: eContentType, the LDSSecurityObject and its data group hashes against
//! the files read, the SignerInfo and the DS certificate the SOD carries. The signature over it
//! and the certificate's chain are checked next (`signature`, `chain`) with what this finds.

use super::chain::check_chain;
use super::signature::check_signature;
use super::{PaInput, PaReport, Status};
use crate::certs::serial_hex;
use crate::oids;
use crate::sigverify::Hash;
use crate::sod::LdsSecurityObject;
use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::Decode;
use der::asn1::OctetString;
use x509_cert::Certificate;

pub(super) fn check_signed_data(sd: &SignedData, input: &PaInput<'_>, rep: &mut PaReport) {
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
