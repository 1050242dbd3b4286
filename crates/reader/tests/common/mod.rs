//! Shared fixtures: the shipped profiles and a synthetic LDS file set whose bytes are easy to
//! check (the SOD here is opaque bytes: personalization does not interpret it).
#![allow(dead_code)]

use reader::bac::MrzInfo;
use reader::files::{Ef, LdsFiles};
use reader::perso::{ChipKeys, Secrets};
use reader::profile::Profile;
use reader::tlv;

pub fn profile(name: &str) -> Profile {
    let text = match name {
        "jmrtd-applet" => include_str!("../../../../firmware-profiles/jmrtd-applet.toml"),
        "cccd-chip" => include_str!("../../../../firmware-profiles/cccd-chip.toml"),
        other => panic!("no profile {other}"),
    };
    Profile::from_toml(text, name).unwrap()
}

pub const PROFILES: [&str; 2] = ["jmrtd-applet", "cccd-chip"];

pub fn secrets() -> Secrets {
    Secrets {
        mrz: MrzInfo::new("C03000001", "900101", "340101").unwrap(),
        can: Some(reader::Can::new("012345").unwrap()),
    }
}

/// EF.COM; DG1 with a TD1 MRZ; DG2 of `dg2_len` bytes in total; DG14, DG15 and EF.CardAccess as
/// `profile` and the chip's keys call for (built by `lds`); a stand-in EF.SOD.
pub fn files(profile: &Profile, keys: &ChipKeys, dg2_len: usize) -> LdsFiles {
    let security = keys.lds_options(profile).unwrap().security_files().unwrap();
    let mut f = LdsFiles::new();
    let mrz = [
        "I<VNMC030000011001234567890<<<",
        "9001014M3401012VNM<<<<<<<<<<<6",
        "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<",
    ]
    .concat();
    assert_eq!(mrz.len(), 90);
    f.insert(
        Ef::Dg(1),
        tlv::encode(0x61, &tlv::encode(0x5F1F, mrz.as_bytes())),
    );
    f.insert(Ef::Dg(2), dg2(dg2_len));
    if let Some(dg14) = security.dg14 {
        f.insert(Ef::Dg(14), dg14);
    }
    if let Some(dg15) = security.dg15 {
        f.insert(Ef::Dg(15), dg15);
    }
    if let Some(card_access) = security.card_access {
        f.insert(Ef::CardAccess, card_access);
    }
    let present: Vec<lds::FileId> = f
        .keys()
        .filter_map(|ef| match ef {
            Ef::Dg(n) => lds::FileId::from_dg_number(*n),
            _ => None,
        })
        .collect();
    f.insert(Ef::Com, lds::Com::new(&present).encode());
    let sod_body: Vec<u8> = (0..1500u32).map(|i| (i * 7 + 3) as u8).collect();
    f.insert(Ef::Sod, tlv::encode(0x77, &sod_body));
    f
}

/// A DG2 of exactly `total` (>= 260) bytes: `75 82 LLLL` and a counter pattern (the content is
/// opaque to personalization and to the file reader).
pub fn dg2(total: usize) -> Vec<u8> {
    assert!(total >= 260);
    let value_len = total - 4;
    let mut v = vec![0x75, 0x82, (value_len >> 8) as u8, value_len as u8];
    v.extend((0..value_len).map(|i| (i % 251) as u8));
    v
}
