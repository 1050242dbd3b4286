//! ICAO 9303 Logical Data Structure: BER-TLV, MRZ, EF.COM, DG1, DG2, DG13, DG14, DG15, EF.CardAccess.
#![forbid(unsafe_code)]
