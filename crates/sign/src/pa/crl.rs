//! Revocation: the CRL given with the CSCA — signed by that CSCA, fresh, and not listing the
//! DS. Without a CRL revocation is a warning, not a failure, as most verifiers have none.

use super::{PaInput, PaReport, Status};
use crate::certs::{from_x509_time, serial_hex};
use crate::sigverify::verify_signature;
use der::Encode;
use x509_cert::Certificate;

pub(super) fn check_crl(
    ds: &Certificate,
    csca: &Certificate,
    input: &PaInput<'_>,
    rep: &mut PaReport,
) {
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
