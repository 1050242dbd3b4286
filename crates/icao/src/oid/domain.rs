//! Standardized domain parameters (Doc 9303 Part 11 §9.5.1, BSI TR-03110 Part 3 §A.2.1.1):
//! PACEInfo and ChipAuthenticationInfo name the group of the key agreement by a small integer
//! instead of spelling out the parameters. IDs 3–7 and 19–31 are reserved.

use super::{
    BRAINPOOL_P192R1, BRAINPOOL_P224R1, BRAINPOOL_P256R1, BRAINPOOL_P320R1, BRAINPOOL_P384R1,
    BRAINPOOL_P512R1, ObjectId, P192, P224, P256, P384, P521,
};

/// The group a standardized domain parameter ID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// A MODP group with a prime-order subgroup (RFC 5114 §2.1–2.3).
    Modp { modulus_bits: u16, order_bits: u16 },
    /// An elliptic curve, by its named-curve OID.
    Ec(ObjectId),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DomainParameters {
    pub id: u8,
    pub name: &'static str,
    pub group: Group,
}

const fn ec(id: u8, name: &'static str, curve: ObjectId) -> DomainParameters {
    DomainParameters {
        id,
        name,
        group: Group::Ec(curve),
    }
}

const fn modp(id: u8, name: &'static str, modulus_bits: u16, order_bits: u16) -> DomainParameters {
    DomainParameters {
        id,
        name,
        group: Group::Modp {
            modulus_bits,
            order_bits,
        },
    }
}

/// Every standardized domain parameter set, by ID.
pub const DOMAIN_PARAMETERS: [DomainParameters; 14] = [
    modp(
        0,
        "1024-bit MODP Group with 160-bit Prime Order Subgroup",
        1024,
        160,
    ),
    modp(
        1,
        "2048-bit MODP Group with 224-bit Prime Order Subgroup",
        2048,
        224,
    ),
    modp(
        2,
        "2048-bit MODP Group with 256-bit Prime Order Subgroup",
        2048,
        256,
    ),
    ec(8, "NIST P-192 (secp192r1)", P192),
    ec(9, "BrainpoolP192r1", BRAINPOOL_P192R1),
    ec(10, "NIST P-224 (secp224r1)", P224),
    ec(11, "BrainpoolP224r1", BRAINPOOL_P224R1),
    ec(12, "NIST P-256 (secp256r1)", P256),
    ec(13, "BrainpoolP256r1", BRAINPOOL_P256R1),
    ec(14, "BrainpoolP320r1", BRAINPOOL_P320R1),
    ec(15, "NIST P-384 (secp384r1)", P384),
    ec(16, "BrainpoolP384r1", BRAINPOOL_P384R1),
    ec(17, "BrainpoolP512r1", BRAINPOOL_P512R1),
    ec(18, "NIST P-521 (secp521r1)", P521),
];

impl DomainParameters {
    /// The parameters with this ID (as read from a parameterId INTEGER, hence `u64`).
    pub fn from_id(id: u64) -> Option<&'static DomainParameters> {
        DOMAIN_PARAMETERS.iter().find(|p| u64::from(p.id) == id)
    }

    /// The ID of the elliptic curve with this named-curve OID (content octets), as written in
    /// PACEInfo.parameterId.
    pub fn from_curve(curve: &[u8]) -> Option<&'static DomainParameters> {
        DOMAIN_PARAMETERS
            .iter()
            .find(|p| matches!(p.group, Group::Ec(c) if c.content() == curve))
    }

    /// The named-curve OID, for elliptic curve parameters.
    pub fn curve(&self) -> Option<ObjectId> {
        match self.group {
            Group::Ec(c) => Some(c),
            Group::Modp { .. } => None,
        }
    }
}
