//! The identifiers themselves. Names are the ASN.1 names of the defining documents; Rust names
//! follow what the crates of the workspace called them before (`ID_PACE_ECDH_GM_AES_128`,
//! `ID_AA`, `P256`).

use super::{ObjectId, content, content_len};

/// Declares each identifier from its name and dotted text (content octets computed at compile
/// time), and [`ALL`] with all of them.
macro_rules! object_ids {
    ($( $(#[$meta:meta])* $id:ident = $name:literal, $dotted:literal; )*) => {
        $(
            $(#[$meta])*
            #[doc = concat!("\n\n`", $name, "` = `", $dotted, "`")]
            pub const $id: ObjectId = {
                const CONTENT: [u8; content_len($dotted)] =
                    content::<{ content_len($dotted) }>($dotted);
                ObjectId { name: $name, dotted: $dotted, content: &CONTENT }
            };
        )*
        /// Every identifier of this module, for lookups by content octets
        /// ([`ObjectId::from_content`]).
        pub const ALL: &[ObjectId] = &[$($id),*];
    };
}

object_ids! {
    // ICAO (Doc 9303 Part 10 §4.6.2, Part 11 §6.1, Part 12 §7.1, §9).
    /// The ICAO security arc.
    ICAO_MRTD_SECURITY = "id-icao-mrtd-security", "2.23.136.1.1";
    /// eContentType of EF.SOD (Part 10 §4.6.2.3).
    LDS_SECURITY_OBJECT = "id-icao-mrtd-security-ldsSecurityObject", "2.23.136.1.1.1";
    /// The LDS security object OID some older documents (BE, FR) carry; verifiers tolerate it.
    LDS_SECURITY_OBJECT_LEGACY = "ldsSecurityObject (legacy)", "1.3.27.1.1.1";
    /// eContentType of a CSCA Master List (Part 12 §9).
    CSCA_MASTER_LIST = "id-icao-cscaMasterList", "2.23.136.1.1.2";
    /// Extended key usage of a Master List signer (Part 12 §7.1.1).
    CSCA_MASTER_LIST_SIGNING_KEY = "id-icao-cscaMasterListSigningKey", "2.23.136.1.1.3";
    /// Active Authentication protocol in ActiveAuthenticationInfo of DG14 (Part 11 §6.1.2.3).
    ID_AA = "id-icao-mrtd-security-aaProtocolObject", "2.23.136.1.1.5";
    /// Certificate extensions arc (Part 12 §7.1.1).
    ICAO_EXTENSIONS = "id-icao-mrtd-security-extensions", "2.23.136.1.1.6";
    /// CSCA name change extension.
    NAME_CHANGE = "id-icao-mrtd-security-extensions-nameChange", "2.23.136.1.1.6.1";
    /// Document type list extension of a Document Signer certificate.
    DOCUMENT_TYPE_LIST = "id-icao-mrtd-security-extensions-documentTypeList", "2.23.136.1.1.6.2";
    /// eContentType of a Deviation List (Part 12 §10).
    DEVIATION_LIST = "id-icao-DeviationList", "2.23.136.1.1.7";
    /// Extended key usage of a Deviation List signer.
    DEVIATION_LIST_SIGNING_KEY = "id-icao-DeviationListSigningKey", "2.23.136.1.1.8";

    // BSI (TR-03110 Part 3 Appendix A, TR-03111 §5.2; profiled by Doc 9303 Part 11 §9.2).
    /// The BSI arc.
    BSI_DE = "bsi-de", "0.4.0.127.0.7";
    /// ECDSA signatures as plain r‖s (TR-03111 §5.2.1), the arc of the hash variants.
    ECDSA_PLAIN_SIGNATURES = "ecdsa-plain-signatures", "0.4.0.127.0.7.1.1.4.1";
    /// Plain ECDSA with SHA-1.
    ECDSA_PLAIN_SHA1 = "ecdsa-plain-SHA1", "0.4.0.127.0.7.1.1.4.1.1";
    /// Plain ECDSA with SHA-224.
    ECDSA_PLAIN_SHA224 = "ecdsa-plain-SHA224", "0.4.0.127.0.7.1.1.4.1.2";
    /// Plain ECDSA with SHA-256: the Active Authentication signature algorithm of this issuer.
    ECDSA_PLAIN_SHA256 = "ecdsa-plain-SHA256", "0.4.0.127.0.7.1.1.4.1.3";
    /// Plain ECDSA with SHA-384.
    ECDSA_PLAIN_SHA384 = "ecdsa-plain-SHA384", "0.4.0.127.0.7.1.1.4.1.4";
    /// Plain ECDSA with SHA-512.
    ECDSA_PLAIN_SHA512 = "ecdsa-plain-SHA512", "0.4.0.127.0.7.1.1.4.1.5";
    /// Algorithm of a PACEDomainParameterInfo naming standardized domain parameters
    /// (TR-03110 Part 3 §A.2.1.1; the IDs are in [`super::DOMAIN_PARAMETERS`]).
    STANDARDIZED_DOMAIN_PARAMETERS = "standardizedDomainParameters", "0.4.0.127.0.7.1.2";
    /// The smartcard protocols arc: every PACE, CA, TA and PK identifier is below it.
    BSI_PROTOCOLS = "bsi-de protocols smartcard", "0.4.0.127.0.7.2.2";
    /// Public key protocols (ChipAuthenticationPublicKeyInfo algorithm).
    ID_PK = "id-PK", "0.4.0.127.0.7.2.2.1";
    /// Chip Authentication public key on a DH group.
    ID_PK_DH = "id-PK-DH", "0.4.0.127.0.7.2.2.1.1";
    /// Chip Authentication public key on an elliptic curve.
    ID_PK_ECDH = "id-PK-ECDH", "0.4.0.127.0.7.2.2.1.2";
    /// Terminal Authentication (TerminalAuthenticationInfo).
    ID_TA = "id-TA", "0.4.0.127.0.7.2.2.2";
    /// Chip Authentication.
    ID_CA = "id-CA", "0.4.0.127.0.7.2.2.3";
    /// Chip Authentication with DH.
    ID_CA_DH = "id-CA-DH", "0.4.0.127.0.7.2.2.3.1";
    /// CA, DH, 3DES secure messaging.
    ID_CA_DH_3DES = "id-CA-DH-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.3.1.1";
    /// CA, DH, AES-128 secure messaging.
    ID_CA_DH_AES_128 = "id-CA-DH-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.3.1.2";
    /// CA, DH, AES-192 secure messaging.
    ID_CA_DH_AES_192 = "id-CA-DH-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.3.1.3";
    /// CA, DH, AES-256 secure messaging.
    ID_CA_DH_AES_256 = "id-CA-DH-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.3.1.4";
    /// Chip Authentication with ECDH.
    ID_CA_ECDH = "id-CA-ECDH", "0.4.0.127.0.7.2.2.3.2";
    /// CA, ECDH, 3DES secure messaging.
    ID_CA_ECDH_3DES = "id-CA-ECDH-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.3.2.1";
    /// CA, ECDH, AES-128 secure messaging.
    ID_CA_ECDH_AES_128 = "id-CA-ECDH-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.3.2.2";
    /// CA, ECDH, AES-192 secure messaging.
    ID_CA_ECDH_AES_192 = "id-CA-ECDH-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.3.2.3";
    /// CA, ECDH, AES-256 secure messaging.
    ID_CA_ECDH_AES_256 = "id-CA-ECDH-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.3.2.4";
    /// PACE: every PACEInfo protocol is two arcs below it (mapping, then cipher).
    ID_PACE = "id-PACE", "0.4.0.127.0.7.2.2.4";
    /// PACE, DH, Generic Mapping.
    ID_PACE_DH_GM = "id-PACE-DH-GM", "0.4.0.127.0.7.2.2.4.1";
    /// PACE, DH-GM, 3DES.
    ID_PACE_DH_GM_3DES = "id-PACE-DH-GM-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.4.1.1";
    /// PACE, DH-GM, AES-128.
    ID_PACE_DH_GM_AES_128 = "id-PACE-DH-GM-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.4.1.2";
    /// PACE, DH-GM, AES-192.
    ID_PACE_DH_GM_AES_192 = "id-PACE-DH-GM-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.4.1.3";
    /// PACE, DH-GM, AES-256.
    ID_PACE_DH_GM_AES_256 = "id-PACE-DH-GM-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.4.1.4";
    /// PACE, ECDH, Generic Mapping.
    ID_PACE_ECDH_GM = "id-PACE-ECDH-GM", "0.4.0.127.0.7.2.2.4.2";
    /// PACE, ECDH-GM, 3DES.
    ID_PACE_ECDH_GM_3DES = "id-PACE-ECDH-GM-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.4.2.1";
    /// PACE, ECDH-GM, AES-128: what this issuer's chips offer by default.
    ID_PACE_ECDH_GM_AES_128 = "id-PACE-ECDH-GM-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.4.2.2";
    /// PACE, ECDH-GM, AES-192.
    ID_PACE_ECDH_GM_AES_192 = "id-PACE-ECDH-GM-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.4.2.3";
    /// PACE, ECDH-GM, AES-256.
    ID_PACE_ECDH_GM_AES_256 = "id-PACE-ECDH-GM-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.4.2.4";
    /// PACE, DH, Integrated Mapping.
    ID_PACE_DH_IM = "id-PACE-DH-IM", "0.4.0.127.0.7.2.2.4.3";
    /// PACE, DH-IM, 3DES.
    ID_PACE_DH_IM_3DES = "id-PACE-DH-IM-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.4.3.1";
    /// PACE, DH-IM, AES-128.
    ID_PACE_DH_IM_AES_128 = "id-PACE-DH-IM-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.4.3.2";
    /// PACE, DH-IM, AES-192.
    ID_PACE_DH_IM_AES_192 = "id-PACE-DH-IM-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.4.3.3";
    /// PACE, DH-IM, AES-256.
    ID_PACE_DH_IM_AES_256 = "id-PACE-DH-IM-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.4.3.4";
    /// PACE, ECDH, Integrated Mapping.
    ID_PACE_ECDH_IM = "id-PACE-ECDH-IM", "0.4.0.127.0.7.2.2.4.4";
    /// PACE, ECDH-IM, 3DES.
    ID_PACE_ECDH_IM_3DES = "id-PACE-ECDH-IM-3DES-CBC-CBC", "0.4.0.127.0.7.2.2.4.4.1";
    /// PACE, ECDH-IM, AES-128.
    ID_PACE_ECDH_IM_AES_128 = "id-PACE-ECDH-IM-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.4.4.2";
    /// PACE, ECDH-IM, AES-192.
    ID_PACE_ECDH_IM_AES_192 = "id-PACE-ECDH-IM-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.4.4.3";
    /// PACE, ECDH-IM, AES-256.
    ID_PACE_ECDH_IM_AES_256 = "id-PACE-ECDH-IM-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.4.4.4";
    /// PACE, ECDH, Chip Authentication Mapping (no 3DES variant).
    ID_PACE_ECDH_CAM = "id-PACE-ECDH-CAM", "0.4.0.127.0.7.2.2.4.6";
    /// PACE, ECDH-CAM, AES-128.
    ID_PACE_ECDH_CAM_AES_128 = "id-PACE-ECDH-CAM-AES-CBC-CMAC-128", "0.4.0.127.0.7.2.2.4.6.2";
    /// PACE, ECDH-CAM, AES-192.
    ID_PACE_ECDH_CAM_AES_192 = "id-PACE-ECDH-CAM-AES-CBC-CMAC-192", "0.4.0.127.0.7.2.2.4.6.3";
    /// PACE, ECDH-CAM, AES-256.
    ID_PACE_ECDH_CAM_AES_256 = "id-PACE-ECDH-CAM-AES-CBC-CMAC-256", "0.4.0.127.0.7.2.2.4.6.4";

    // Public keys of DG14 and DG15 (SubjectPublicKeyInfo, RFC 5480, RFC 3279, RFC 8017).
    /// Elliptic curve public key.
    EC_PUBLIC_KEY = "id-ecPublicKey", "1.2.840.10045.2.1";
    /// RSA public key (Active Authentication with RSA).
    RSA_ENCRYPTION = "rsaEncryption", "1.2.840.113549.1.1.1";
    /// Diffie-Hellman public key (RFC 3279 §2.3.3).
    DH_PUBLIC_NUMBER = "dhpublicnumber", "1.2.840.10046.2.1";

    // Named curves of the standardized domain parameters (RFC 5480 §2.1.1.1, RFC 5639 §4.1).
    /// NIST P-192.
    P192 = "secp192r1", "1.2.840.10045.3.1.1";
    /// NIST P-224.
    P224 = "secp224r1", "1.3.132.0.33";
    /// NIST P-256.
    P256 = "secp256r1", "1.2.840.10045.3.1.7";
    /// NIST P-384.
    P384 = "secp384r1", "1.3.132.0.34";
    /// NIST P-521.
    P521 = "secp521r1", "1.3.132.0.35";
    /// brainpoolP192r1.
    BRAINPOOL_P192R1 = "brainpoolP192r1", "1.3.36.3.3.2.8.1.1.3";
    /// brainpoolP224r1.
    BRAINPOOL_P224R1 = "brainpoolP224r1", "1.3.36.3.3.2.8.1.1.5";
    /// brainpoolP256r1.
    BRAINPOOL_P256R1 = "brainpoolP256r1", "1.3.36.3.3.2.8.1.1.7";
    /// brainpoolP320r1.
    BRAINPOOL_P320R1 = "brainpoolP320r1", "1.3.36.3.3.2.8.1.1.9";
    /// brainpoolP384r1.
    BRAINPOOL_P384R1 = "brainpoolP384r1", "1.3.36.3.3.2.8.1.1.11";
    /// brainpoolP512r1.
    BRAINPOOL_P512R1 = "brainpoolP512r1", "1.3.36.3.3.2.8.1.1.13";
}
