//! Issuing PKI, EF.SOD signing, passive authentication and the signature audit log.
#![forbid(unsafe_code)]
