//! The virtual eMRTD chip implementing our firmware profiles, in-process and as a vpcd card.
#![forbid(unsafe_code)]
