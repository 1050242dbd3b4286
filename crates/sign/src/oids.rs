//! Object identifiers used by the PKI, EF.SOD and passive authentication (ICAO 9303 Parts 10–12,
//! RFC 5652, RFC 5280, RFC 4055, RFC 5639). The ICAO and BSI identifiers, the named curves and
//! the public-key algorithms are [`icao::oid`]'s; the CMS, digest, signature and X.509 ones,
//! which only this crate uses, are written here.

use der::asn1::ObjectIdentifier as Oid;

/// Re-declares identifiers of the workspace's ICAO/BSI table ([`icao::oid`], where each is
/// written once as dotted text) under the same names, as the `der` type the PKI code needs.
macro_rules! from_icao {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        $(
            $(#[$doc])*
            pub const $name: Oid = Oid::new_unwrap(icao::oid::$name.dotted());
        )*
    };
}

from_icao! {
    /// id-icao-mrtd-security-ldsSecurityObject (Part 10 §4.6.2.3).
    LDS_SECURITY_OBJECT,
    /// Legacy LDS security object OID seen on some BE/FR documents.
    LDS_SECURITY_OBJECT_LEGACY,
    /// id-icao-mrtd-security-extensions-documentTypeList (Part 12 §7.1.1).
    DOCUMENT_TYPE_LIST,
    /// id-ecPublicKey (RFC 5480).
    EC_PUBLIC_KEY,
    /// rsaEncryption (RFC 8017).
    RSA_ENCRYPTION,
    /// BSI TR-03111 ecdsa-plain-SHA*: raw r||s signatures.
    ECDSA_PLAIN_SHA1,
    ECDSA_PLAIN_SHA224,
    ECDSA_PLAIN_SHA256,
    ECDSA_PLAIN_SHA384,
    ECDSA_PLAIN_SHA512,
    /// Named curves.
    P256,
    P384,
    P521,
    BRAINPOOL_P256R1,
    BRAINPOOL_P384R1,
    BRAINPOOL_P512R1,
}

/// id-data (RFC 5652), a real-world deviation for eContentType.
pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData.
pub const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// CMS attributes.
pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");

/// Digests.
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

/// ECDSA.
pub const PRIME_FIELD: Oid = Oid::new_unwrap("1.2.840.10045.1.1");
pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
pub const ECDSA_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

/// RSA.
pub const RSA_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
pub const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub const RSA_SHA224: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");

/// X.509 attribute types.
pub const AT_COUNTRY: Oid = Oid::new_unwrap("2.5.4.6");
pub const AT_LOCALITY: Oid = Oid::new_unwrap("2.5.4.7");
pub const AT_ORG: Oid = Oid::new_unwrap("2.5.4.10");
pub const AT_ORG_UNIT: Oid = Oid::new_unwrap("2.5.4.11");
pub const AT_COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
pub const AT_SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");

/// X.509 extensions.
pub const EXT_SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
pub const EXT_PRIVATE_KEY_USAGE_PERIOD: Oid = Oid::new_unwrap("2.5.29.16");
pub const EXT_SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
pub const EXT_ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
pub const EXT_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
pub const EXT_CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
pub const EXT_CRL_REASON: Oid = Oid::new_unwrap("2.5.29.21");
pub const EXT_AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
