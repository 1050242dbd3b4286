//! Protocol identifiers (ICAO 9303-11 §9.2) and the parameter sets they select.
//!
//! OIDs are handled as DER content octets (no `06` tag, no length), the form in which they appear
//! in MSE:Set AT (data object 80) and inside PACEInfo / ChipAuthenticationInfo. The constants
//! keep the names callers use; their bytes are [`icao::oid`]'s, computed from the dotted text
//! written once there.

use crate::ec::{Curve, hex_upper};
use crate::error::{Error, Result};
use crate::sym::Cipher;
use icao::oid;

/// id-PACE-ECDH-GM-AES-CBC-CMAC-128.
pub const ID_PACE_ECDH_GM_AES_128: &[u8] = oid::ID_PACE_ECDH_GM_AES_128.content();
/// id-PACE-ECDH-GM-AES-CBC-CMAC-192.
pub const ID_PACE_ECDH_GM_AES_192: &[u8] = oid::ID_PACE_ECDH_GM_AES_192.content();
/// id-PACE-ECDH-GM-AES-CBC-CMAC-256.
pub const ID_PACE_ECDH_GM_AES_256: &[u8] = oid::ID_PACE_ECDH_GM_AES_256.content();

/// id-PACE-ECDH-IM-AES-CBC-CMAC-128.
pub const ID_PACE_ECDH_IM_AES_128: &[u8] = oid::ID_PACE_ECDH_IM_AES_128.content();

/// id-CA-ECDH-3DES-CBC-CBC.
pub const ID_CA_ECDH_3DES: &[u8] = oid::ID_CA_ECDH_3DES.content();
/// id-CA-ECDH-AES-CBC-CMAC-128.
pub const ID_CA_ECDH_AES_128: &[u8] = oid::ID_CA_ECDH_AES_128.content();
/// id-CA-ECDH-AES-CBC-CMAC-192.
pub const ID_CA_ECDH_AES_192: &[u8] = oid::ID_CA_ECDH_AES_192.content();
/// id-CA-ECDH-AES-CBC-CMAC-256.
pub const ID_CA_ECDH_AES_256: &[u8] = oid::ID_CA_ECDH_AES_256.content();

/// id-PK-ECDH: the algorithm of a ChipAuthenticationPublicKeyInfo.
pub const ID_PK_ECDH: &[u8] = oid::ID_PK_ECDH.content();

/// ecdsa-plain-SHA224.
pub const ECDSA_PLAIN_SHA224: &[u8] = oid::ECDSA_PLAIN_SHA224.content();
/// ecdsa-plain-SHA256.
pub const ECDSA_PLAIN_SHA256: &[u8] = oid::ECDSA_PLAIN_SHA256.content();
/// ecdsa-plain-SHA384.
pub const ECDSA_PLAIN_SHA384: &[u8] = oid::ECDSA_PLAIN_SHA384.content();
/// ecdsa-plain-SHA512.
pub const ECDSA_PLAIN_SHA512: &[u8] = oid::ECDSA_PLAIN_SHA512.content();

/// The full DER encoding `06 len content` of an OID given by its content octets.
pub fn oid_der(content: &[u8]) -> Vec<u8> {
    icao::tlv::encode(oid::OBJECT_IDENTIFIER_TAG, content)
}

/// How PACE maps the nonce to the ephemeral generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mapping {
    /// Generic Mapping: `G̃ = s·G + H` with an ECDH on the mapping keys.
    Generic,
    /// Integrated Mapping: `G̃ = f_G(R_p(s, t))` with a terminal nonce `t` (AES-128 only here).
    Integrated,
}

/// A PACE parameter set: ECDH Generic or Integrated Mapping with AES, on one curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaceParams {
    /// The mapping.
    pub mapping: Mapping,
    /// Cipher of the session (and of the nonce encryption): AES-128, -192 or -256.
    pub cipher: Cipher,
    /// Domain parameters.
    pub curve: Curve,
}

impl PaceParams {
    /// The parameters named by a PACE protocol OID (content octets) and a standardized domain
    /// parameter ID, as in PACEInfo or MSE:Set AT.
    pub fn new(protocol_oid: &[u8], parameter_id: u64) -> Result<Self> {
        let (mapping, cipher) = if protocol_oid == ID_PACE_ECDH_GM_AES_128 {
            (Mapping::Generic, Cipher::Aes128)
        } else if protocol_oid == ID_PACE_ECDH_GM_AES_192 {
            (Mapping::Generic, Cipher::Aes192)
        } else if protocol_oid == ID_PACE_ECDH_GM_AES_256 {
            (Mapping::Generic, Cipher::Aes256)
        } else if protocol_oid == ID_PACE_ECDH_IM_AES_128 {
            (Mapping::Integrated, Cipher::Aes128)
        } else {
            return Err(Error::UnsupportedOid {
                what: "PACE protocol (ECDH-GM-AES-128/192/256, ECDH-IM-AES-128)",
                oid_hex: hex_upper(protocol_oid),
            });
        };
        Ok(PaceParams {
            mapping,
            cipher,
            curve: Curve::from_parameter_id(parameter_id)?,
        })
    }

    /// The protocol OID content octets.
    pub fn protocol_oid(&self) -> &'static [u8] {
        if self.mapping == Mapping::Integrated {
            return ID_PACE_ECDH_IM_AES_128;
        }
        match self.cipher {
            Cipher::Aes192 => ID_PACE_ECDH_GM_AES_192,
            Cipher::Aes256 => ID_PACE_ECDH_GM_AES_256,
            _ => ID_PACE_ECDH_GM_AES_128,
        }
    }

    /// The standardized domain parameter ID.
    pub fn parameter_id(&self) -> u64 {
        self.curve.parameter_id()
    }
}

/// A Chip Authentication protocol (ECDH, CA version 1 as profiled by ICAO 9303-11 §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaParams {
    /// Cipher of the new secure-messaging session.
    pub cipher: Cipher,
}

impl CaParams {
    /// The parameters named by a CA protocol OID (content octets) from ChipAuthenticationInfo.
    pub fn new(protocol_oid: &[u8]) -> Result<Self> {
        let cipher = if protocol_oid == ID_CA_ECDH_3DES {
            Cipher::Tdes
        } else if protocol_oid == ID_CA_ECDH_AES_128 {
            Cipher::Aes128
        } else if protocol_oid == ID_CA_ECDH_AES_192 {
            Cipher::Aes192
        } else if protocol_oid == ID_CA_ECDH_AES_256 {
            Cipher::Aes256
        } else {
            return Err(Error::UnsupportedOid {
                what: "Chip Authentication protocol (ECDH)",
                oid_hex: hex_upper(protocol_oid),
            });
        };
        Ok(CaParams { cipher })
    }

    /// The protocol OID content octets.
    pub fn protocol_oid(&self) -> &'static [u8] {
        match self.cipher {
            Cipher::Tdes => ID_CA_ECDH_3DES,
            Cipher::Aes128 => ID_CA_ECDH_AES_128,
            Cipher::Aes192 => ID_CA_ECDH_AES_192,
            Cipher::Aes256 => ID_CA_ECDH_AES_256,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_der_matches_shared_vectors() {
        // oids.der in the shared ICAO vector file.
        assert_eq!(
            hex_upper(&oid_der(ID_PACE_ECDH_GM_AES_128)),
            "060A04007F00070202040202"
        );
        assert_eq!(
            hex_upper(&oid_der(ID_PACE_ECDH_IM_AES_128)),
            "060A04007F00070202040402"
        );
        assert_eq!(
            hex_upper(&oid_der(ID_CA_ECDH_3DES)),
            "060A04007F00070202030201"
        );
        assert_eq!(hex_upper(&oid_der(ID_PK_ECDH)), "060904007F000702020102");
        assert_eq!(
            hex_upper(&oid_der(ECDSA_PLAIN_SHA256)),
            "060A04007F00070101040103"
        );
    }

    #[test]
    fn pace_params_by_oid_and_id() {
        let p = PaceParams::new(ID_PACE_ECDH_GM_AES_128, 13).unwrap();
        assert_eq!(p.cipher, Cipher::Aes128);
        assert_eq!(p.curve, Curve::BrainpoolP256r1);
        assert_eq!(p.protocol_oid(), ID_PACE_ECDH_GM_AES_128);
        let p = PaceParams::new(ID_PACE_ECDH_GM_AES_256, 12).unwrap();
        assert_eq!(
            (p.cipher, p.curve, p.parameter_id()),
            (Cipher::Aes256, Curve::NistP256, 12)
        );
        assert_eq!(
            PaceParams::new(ID_PACE_ECDH_GM_AES_192, 12)
                .unwrap()
                .protocol_oid(),
            ID_PACE_ECDH_GM_AES_192
        );
        // DH-GM (…4.1.2) and IM (…4.4.2) are not implemented.
        let dh = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x02];
        assert!(matches!(
            PaceParams::new(&dh, 0),
            Err(Error::UnsupportedOid { .. })
        ));
        assert!(matches!(
            PaceParams::new(ID_PACE_ECDH_GM_AES_128, 15),
            Err(Error::UnsupportedDomainParameters(15))
        ));
    }

    #[test]
    fn ca_params_by_oid() {
        for oid in [
            ID_CA_ECDH_3DES,
            ID_CA_ECDH_AES_128,
            ID_CA_ECDH_AES_192,
            ID_CA_ECDH_AES_256,
        ] {
            assert_eq!(CaParams::new(oid).unwrap().protocol_oid(), oid);
        }
        assert!(CaParams::new(ID_PACE_ECDH_GM_AES_128).is_err());
    }
}
