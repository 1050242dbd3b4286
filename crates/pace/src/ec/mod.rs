//! Elliptic-curve groups used by PACE, Chip Authentication and Active Authentication:
//! NIST P-256 (standardized domain parameter ID 12) and brainpoolP256r1 (ID 13).
//!
//! Points cross the public API as validated uncompressed SEC1 encodings (`04 || X || Y`), private
//! keys as validated 32-byte big-endian scalars. The arithmetic comes from the RustCrypto `p256`
//! and `bp256` crates through the generic `elliptic-curve` traits, so both curves share one code
//! path.
//!
//! **Timing**: P-256 scalar multiplication in `p256` is constant-time. The `bp256` crate
//! implements brainpoolP256r1 with its variable-time multiplication backend, and this crate's
//! brainpool ECDSA is written on top of it; that is fine for a terminal and for the virtual test
//! chip, but a real chip that must resist timing attacks needs a constant-time implementation.
//!
//! | module | holds |
//! |---|---|
//! | `curve` | [`Curve`]: the supported curves, their IDs, OIDs and domain parameters |
//! | `point` | [`EcPoint`]: validated public points and the point operations PACE needs |
//! | `key` | [`EcPrivateKey`]: validated scalars, key generation, ECDH |
//! | `arith` | the generic arithmetic over the RustCrypto traits, written once for both curves |
//! | `ecdsa` | plain `r‖s` ECDSA on either curve (brainpool Active Authentication) |
//! | `mapping` | the point encoding of the PACE Integrated Mapping |

use std::fmt;

/// Size in bytes of a field element and of a scalar for both supported curves.
pub const FIELD_LEN: usize = 32;
/// Size of an uncompressed SEC1 point: `04 || X || Y`.
pub const POINT_LEN: usize = 1 + 2 * FIELD_LEN;

mod arith;
mod curve;
mod ecdsa;
mod key;
mod mapping;
mod point;

pub use curve::{Curve, OID_BRAINPOOL_P256R1, OID_NIST_P256};
pub(crate) use ecdsa::{ecdsa_sign_with_nonce, ecdsa_verify};
pub use key::EcPrivateKey;
pub(crate) use mapping::integrated_mapping_point;
pub use point::EcPoint;

/// Upper-case hex, for error messages and `Debug`.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}
