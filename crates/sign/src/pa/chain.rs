//! The Document Signer certificate against the CSCA: its validity at the given time, its key
//! usage, the CSCA that signed it (by subject, then by signature) and that CSCA's own validity
//! and key usage. Revocation follows in `crl` once the issuing CSCA is known.

use super::crl::check_crl;
use super::{PaInput, PaReport, Status};
use crate::certs::{from_x509_time, key_usage};
use crate::sigverify::verify_signature;
use der::Encode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsages;

pub(super) fn check_chain(ds: &Certificate, input: &PaInput<'_>, rep: &mut PaReport) {
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
