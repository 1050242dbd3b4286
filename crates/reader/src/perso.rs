//! Personalization by firmware profile, in two phases so the chip's public keys exist before
//! DG15/DG14 are built and the SOD is signed:
//!
//! ```text
//! let mut p = Personalization::begin(&mut transport, &profile, &secrets)?;  // SELECT, AA key on the chip
//! let aa_spki = p.chip_keys().aa_spki.clone();                             // -> build DG15, sign the SOD
//! let report = p.write(&files)?;                                           // files, MRZ secret, read-back, lock
//! ```
//!
//! Both phases run inside one transport transaction (held by [`Personalization`]). The APDU
//! sequence is the profile's: CREATE FILE in its format (JMRTD: then SELECT), UPDATE BINARY in
//! the largest chunks the profile allows (odd INS with an offset DO past 32767), PUT DATA with the
//! MRZ secret after DG1, then a read-back of every file (plain, or under BAC when the profile
//! needs it) compared byte for byte, and only then the lock. Any failure, including a card torn
//! at any APDU, is an `Err`: the lock is the last command, so a chip never ends locked with
//! incomplete data, and the host never reports success for a card it did not read back.

use crate::aa::{self, InjectedRsaKey};
use crate::apdu::Command;
use crate::bac::{self, BacKeys, MrzInfo};
use crate::can::Can;
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::profile::{
    AaAlgorithm, CreateFileFormat, KeyProvisioning, MrzSecretFormat, PacePassword, Profile,
    ReadAccess,
};
use crate::session::{Counting, Counts, ReadPlan, Session};
use crate::tlv;
use crate::transport::{Exchange, Transport};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// The secrets a chip receives at personalization.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// The MRZ fields the BAC (and PACE-MRZ) keys derive from.
    pub mrz: MrzInfo,
    /// The PACE CAN, for profiles whose chip accepts one (`pace.passwords` has `can`).
    pub can: Option<Can>,
}

impl Secrets {
    /// MRZ only (profiles without PACE).
    pub fn mrz(mrz: MrzInfo) -> Self {
        Secrets { mrz, can: None }
    }
}

/// Public keys the chip holds after phase 1 (SubjectPublicKeyInfo DER).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChipKeys {
    /// The Active Authentication key: DG15 = `6F L <aa_spki>`.
    pub aa_spki: Option<Vec<u8>>,
    /// The Chip Authentication key (for DG14), when the profile has one.
    pub ca_spki: Option<Vec<u8>>,
}

impl ChipKeys {
    /// DG15 built from the AA key.
    pub fn dg15(&self) -> Option<Vec<u8>> {
        self.aa_spki.as_ref().map(|spki| tlv::encode(0x6F, spki))
    }

    /// What the LDS needs from the chip and its profile: the AA key (DG15, and DG14's
    /// ActiveAuthenticationInfo), the CA key (DG14) and the PACE offers (EF.CardAccess, DG14).
    pub fn lds_options(&self, profile: &Profile) -> Result<lds::LdsOptions, lds::LdsError> {
        let spki = |der: &Option<Vec<u8>>| {
            der.as_deref()
                .map(|d| lds::SubjectPublicKeyInfo::decode(d, 0))
                .transpose()
        };
        Ok(lds::LdsOptions {
            aa_public_key: spki(&self.aa_spki)?,
            ca_public_key: spki(&self.ca_spki)?,
            pace: profile.pace_choices(),
            ..lds::LdsOptions::default()
        })
    }
}

/// What one personalization did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersoReport {
    pub profile: String,
    /// Files written, in order, with their sizes.
    pub files: Vec<FileWritten>,
    /// Phase 1: application selection and key provisioning.
    pub keys: Counts,
    /// Writing the files and the MRZ secret.
    pub write: Counts,
    /// Access control (if any) and reading every file back.
    pub read_back: Counts,
    /// The lock.
    pub lock: Counts,
    /// Everything.
    pub total: Counts,
    /// Wall time of both phases (excluding the caller's time between them).
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// One file in the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileWritten {
    pub ef: String,
    pub fid: String,
    pub bytes: usize,
    /// UPDATE BINARY commands it took.
    pub updates: u64,
}

/// A personalization in progress (phase 1 done). Holds the transport's transaction.
pub struct Personalization<'t> {
    ch: Counting<Box<dyn Exchange + 't>>,
    profile: &'t Profile,
    secrets: Secrets,
    keys: ChipKeys,
    phase1: Counts,
    elapsed: Duration,
}

impl<'t> Personalization<'t> {
    /// Phase 1: opens a transaction, selects the application and puts the AA key on the chip
    /// (generated on the chip, or generated here, injected and zeroized), plus the CA key when
    /// the profile has one. A chip that is already locked fails here with 6985.
    pub fn begin(
        transport: &'t mut dyn Transport,
        profile: &'t Profile,
        secrets: &Secrets,
    ) -> Result<Self, Error> {
        let start = Instant::now();
        let tx = transport.transaction()?;
        let mut ch = Counting::new(tx);
        let mut keys = ChipKeys::default();
        {
            let mut s = Session::new(&mut ch);
            let c = &profile.commands;
            s.transmit_ok(
                &c.select_application
                    .command()
                    .with_data(profile.aid.clone()),
                "SELECT application",
            )?;
            match profile.algorithms.aa_key_provisioning {
                KeyProvisioning::Inject => {
                    let AaAlgorithm::RsaIso9796_2 { key_bits, .. } =
                        profile.algorithms.active_authentication
                    else {
                        return Err(Error::Profile {
                            path: profile.name.clone(),
                            reason: "key injection is defined for RSA keys only".into(),
                        });
                    };
                    let key = InjectedRsaKey::generate(key_bits, &mut rand::rngs::OsRng)?;
                    let (Some(put_n), Some(put_d)) = (c.put_aa_modulus, c.put_aa_private_exponent)
                    else {
                        return Err(Error::Profile {
                            path: profile.name.clone(),
                            reason: "no PUT DATA for the AA key".into(),
                        });
                    };
                    let n = tlv::encode(0x60, &tlv::encode(0x04, &key.modulus));
                    s.transmit_ok(&put_n.command().with_data(n), "PUT DATA AA modulus")?;
                    let d = Zeroizing::new(tlv::encode(
                        0x61,
                        &tlv::encode(0x04, &key.private_exponent),
                    ));
                    s.transmit_ok(
                        &put_d.command().with_data(d.to_vec()),
                        "PUT DATA AA private exponent",
                    )?;
                    keys.aa_spki = Some(key.spki.clone());
                    // `key` (and its private exponent) is dropped and zeroized here.
                }
                KeyProvisioning::GenerateOnChip => {
                    let gen_aa = c.generate_aa_key.ok_or_else(|| Error::Profile {
                        path: profile.name.clone(),
                        reason: "no GENERATE ASYMMETRIC KEY PAIR for the AA key".into(),
                    })?;
                    keys.aa_spki =
                        Some(generate_on_chip(&mut s, gen_aa, "GENERATE KEY PAIR (AA)")?);
                }
            }
            if profile.algorithms.chip_authentication.is_some()
                && let Some(gen_ca) = c.generate_ca_key
            {
                keys.ca_spki = Some(generate_on_chip(&mut s, gen_ca, "GENERATE KEY PAIR (CA)")?);
            }
        }
        let phase1 = ch.counts();
        Ok(Personalization {
            ch,
            profile,
            secrets: secrets.clone(),
            keys,
            phase1,
            elapsed: start.elapsed(),
        })
    }

    /// The chip's public keys: build DG15 (and DG14) from these before signing the SOD.
    pub fn chip_keys(&self) -> &ChipKeys {
        &self.keys
    }

    /// APDUs and bytes so far.
    pub fn counts(&self) -> Counts {
        self.ch.counts()
    }

    /// Phase 2: writes every file, the MRZ secret, reads everything back and compares, then
    /// locks. `files` must hold EF.COM, DG1 and EF.SOD, and DG15 equal to the chip's AA key.
    pub fn write(mut self, files: &LdsFiles) -> Result<PersoReport, Error> {
        let start = Instant::now();
        let profile = self.profile;
        check_files(profile, files, &self.keys)?;
        let c = &profile.commands;
        let mut written = Vec::new();
        let before_write = self.ch.counts();
        {
            let mut s = Session::new(&mut self.ch);
            for (ef, data) in files {
                let updates = write_file(&mut s, profile, *ef, data)?;
                written.push(FileWritten {
                    ef: ef.to_string(),
                    fid: format!("{:04X}", ef.fid()),
                    bytes: data.len(),
                    updates,
                });
                if *ef == Ef::Dg(1) {
                    let MrzSecretFormat::JmrtdTag62 = c.put_mrz_format;
                    let m = &self.secrets.mrz;
                    let mut inner = Zeroizing::new(Vec::new());
                    tlv::write(&mut inner, 0x04, m.document_number.as_bytes());
                    tlv::write(&mut inner, 0x04, m.date_of_birth.as_bytes());
                    tlv::write(&mut inner, 0x04, m.date_of_expiry.as_bytes());
                    let data = Zeroizing::new(tlv::encode(0x62, &inner));
                    s.transmit_ok(
                        &c.put_mrz.command().with_data(data.to_vec()),
                        "PUT DATA MRZ",
                    )?;
                    if let Some(put_can) = can_command(profile)? {
                        let can = self.secrets.can.as_ref().ok_or_else(|| Error::Perso {
                            file: "CAN".into(),
                            reason: format!(
                                "profile {} takes a PACE CAN; none given",
                                profile.name
                            ),
                        })?;
                        let data = Zeroizing::new(tlv::encode(
                            0x65,
                            &tlv::encode(0x04, can.as_str().as_bytes()),
                        ));
                        s.transmit_ok(&put_can.command().with_data(data.to_vec()), "PUT DATA CAN")?;
                    }
                }
            }
        }
        let before_read = self.ch.counts();
        {
            let mut s = Session::new(&mut self.ch);
            let plan = match profile.lifecycle.read_before_lock {
                ReadAccess::Plain => ReadPlan {
                    chunk: profile.apdu.max_response_data,
                    extended: profile.apdu.extended_length,
                    ins: c.read_binary.ins,
                    odd_ins: c.read_binary_odd.map(|h| h.ins),
                },
                ReadAccess::Bac => {
                    let keys = BacKeys::from_mrz(&self.secrets.mrz);
                    let sm = bac::authenticate(s.exchange(), &keys, &mut rand::rngs::OsRng)?;
                    s.secure(sm);
                    ReadPlan {
                        chunk: crate::sm::max_plain_for(profile.apdu.max_response_data, 8),
                        extended: profile.apdu.extended_length,
                        ins: c.read_binary.ins,
                        odd_ins: c.read_binary_odd.map(|h| h.ins),
                    }
                }
            };
            for (ef, data) in files {
                let got = s
                    .read_ef(*ef, Some(data.len()), &plan)
                    .map_err(|e| Error::Perso {
                        file: ef.to_string(),
                        reason: format!("read-back failed: {e}"),
                    })?;
                if let Some(at) = got.iter().zip(data).position(|(a, b)| a != b) {
                    return Err(Error::Perso {
                        file: ef.to_string(),
                        reason: format!("read-back differs at offset {at}"),
                    });
                }
                if got.len() != data.len() {
                    return Err(Error::Perso {
                        file: ef.to_string(),
                        reason: format!("read back {} bytes, wrote {}", got.len(), data.len()),
                    });
                }
            }
            // The lock goes in plain: a plain command also ends any secure-messaging session.
            s.end_secure();
        }
        let before_lock = self.ch.counts();
        Session::new(&mut self.ch).transmit_ok(&c.lock.command(), "LOCK")?;
        let end = self.ch.counts();
        Ok(PersoReport {
            profile: profile.name.clone(),
            files: written,
            keys: self.phase1,
            write: before_read.since(&before_write),
            read_back: before_lock.since(&before_read),
            lock: end.since(&before_lock),
            total: end,
            elapsed: self.elapsed + start.elapsed(),
        })
    }
}

/// Both phases in one call: `build` gets the chip's public keys and returns the files (with
/// DG15 from the AA key and the signed SOD). An error from `build` aborts before any file is
/// written (the chip keeps its keys and stays in the personalization state).
pub fn personalize<E: std::fmt::Display>(
    transport: &mut dyn Transport,
    profile: &Profile,
    secrets: &Secrets,
    build: impl FnOnce(&ChipKeys) -> Result<LdsFiles, E>,
) -> Result<PersoReport, Error> {
    let p = Personalization::begin(transport, profile, secrets)?;
    let files = build(p.chip_keys()).map_err(|e| Error::Perso {
        file: "file set".into(),
        reason: e.to_string(),
    })?;
    p.write(&files)
}

/// The PUT DATA header for the CAN, when the profile's chip takes a CAN.
fn can_command(profile: &Profile) -> Result<Option<crate::profile::Header>, Error> {
    match &profile.pace {
        Some(p) if p.passwords.contains(&PacePassword::Can) => profile
            .commands
            .put_can
            .map(Some)
            .ok_or_else(|| Error::Profile {
                path: profile.name.clone(),
                reason: "a CAN password needs the put_can command".into(),
            }),
        _ => Ok(None),
    }
}

/// GENERATE ASYMMETRIC KEY PAIR: response `7F49 L { 86 L <04 X Y> }` -> SPKI DER.
fn generate_on_chip(
    s: &mut Session<'_>,
    header: crate::profile::Header,
    what: &str,
) -> Result<Vec<u8>, Error> {
    let resp = s.transmit_ok(&header.command().with_le(256), what)?;
    let point = match tlv::read(&resp) {
        Ok((0x7F49, inner, used)) if used == resp.len() => {
            tlv::find(inner, 0x86).map(<[u8]>::to_vec)
        }
        _ => None,
    }
    .ok_or_else(|| Error::Key {
        purpose: "chip public key",
        reason: format!("{what}: response is not 7F49 {{ 86 … }}"),
    })?;
    aa::p256_spki(&point)
}

/// Files the profile cannot take are refused before anything is written.
fn check_files(profile: &Profile, files: &LdsFiles, keys: &ChipKeys) -> Result<(), Error> {
    for required in [Ef::Com, Ef::Dg(1), Ef::Sod] {
        if !files.contains_key(&required) {
            return Err(Error::Perso {
                file: required.to_string(),
                reason: "missing from the file set".into(),
            });
        }
    }
    if files.len() > profile.files.max_files {
        return Err(Error::Perso {
            file: "file set".into(),
            reason: format!(
                "{} files, the profile allows {}",
                files.len(),
                profile.files.max_files
            ),
        });
    }
    let mut total = 0usize;
    for (ef, data) in files {
        if !ef.is_valid() {
            return Err(Error::Perso {
                file: ef.to_string(),
                reason: "not a data group number 1..16".into(),
            });
        }
        if data.is_empty() || data.len() > profile.files.max_file_size {
            return Err(Error::Perso {
                file: ef.to_string(),
                reason: format!(
                    "{} bytes; the profile allows 1..={}",
                    data.len(),
                    profile.files.max_file_size
                ),
            });
        }
        if data[0] != ef.tag() {
            return Err(Error::Perso {
                file: ef.to_string(),
                reason: format!(
                    "starts with {:02X}, its LDS tag is {:02X}",
                    data[0],
                    ef.tag()
                ),
            });
        }
        total += data.len() + profile.memory.per_file_overhead;
    }
    if total > profile.memory.capacity {
        return Err(Error::Perso {
            file: "file set".into(),
            reason: format!(
                "needs {total} bytes of chip memory, the profile has {}",
                profile.memory.capacity
            ),
        });
    }
    check_card_access(profile, files)?;
    check_dg14(keys, files)?;
    match (keys.dg15(), files.get(&Ef::Dg(15))) {
        (Some(expected), Some(dg15)) if &expected != dg15 => Err(Error::Perso {
            file: "DG15".into(),
            reason: "does not hold the chip's Active Authentication public key".into(),
        }),
        (Some(_), None) => Err(Error::Perso {
            file: "DG15".into(),
            reason: "missing: the chip has an Active Authentication key".into(),
        }),
        _ => Ok(()),
    }
}

/// With a Chip Authentication key on the chip, DG14 must announce exactly that key.
fn check_dg14(keys: &ChipKeys, files: &LdsFiles) -> Result<(), Error> {
    let Some(ca_spki) = &keys.ca_spki else {
        return Ok(());
    };
    let bad = |reason: &str| Error::Perso {
        file: "DG14".into(),
        reason: reason.into(),
    };
    let dg14 = files
        .get(&Ef::Dg(14))
        .ok_or_else(|| bad("missing: the chip has a Chip Authentication key"))?;
    let infos =
        lds::SecurityInfos::decode_dg14(dg14).map_err(|e| bad(&format!("does not decode: {e}")))?;
    let announced = infos.0.iter().any(|i| {
        matches!(i, lds::SecurityInfo::ChipAuthenticationPublicKey { public_key, .. }
            if public_key.der == *ca_spki)
    });
    if announced {
        Ok(())
    } else {
        Err(bad(
            "does not hold the chip's Chip Authentication public key",
        ))
    }
}

/// A PACE profile needs EF.CardAccess offering exactly the profile's parameter sets (the chip
/// accepts MSE:Set AT for those only); a profile without PACE must not get one.
fn check_card_access(profile: &Profile, files: &LdsFiles) -> Result<(), Error> {
    let bad = |reason: String| Error::Perso {
        file: "EF.CardAccess".into(),
        reason,
    };
    match (profile.pace_offers(), files.get(&Ef::CardAccess)) {
        ([], None) => Ok(()),
        ([], Some(_)) => Err(bad(format!(
            "profile {} has no PACE; the chip would advertise a protocol it lacks",
            profile.name
        ))),
        (_, None) => Err(bad(format!(
            "missing: profile {} offers PACE",
            profile.name
        ))),
        (offers, Some(bytes)) => {
            let infos = lds::SecurityInfos::decode_card_access(bytes)
                .map_err(|e| bad(format!("does not decode: {e}")))?;
            let got = infos.pace_parameters();
            let mut want: Vec<(Vec<u8>, Option<u64>)> = offers
                .iter()
                .map(|o| (o.protocol.oid().to_vec(), Some(o.parameter_id)))
                .collect();
            want.sort();
            if got != want {
                return Err(bad(format!(
                    "its PACEInfos differ from the {} offers of profile {}",
                    offers.len(),
                    profile.name
                )));
            }
            Ok(())
        }
    }
}

/// CREATE FILE, (SELECT), UPDATE BINARY chunks. Returns the number of UPDATE BINARY commands.
fn write_file(s: &mut Session<'_>, profile: &Profile, ef: Ef, data: &[u8]) -> Result<u64, Error> {
    let c = &profile.commands;
    let fid = ef.fid().to_be_bytes();
    let size = (data.len() as u16).to_be_bytes();
    let create = match c.create_file_format {
        CreateFileFormat::Jmrtd => vec![0x63, 0x04, size[0], size[1], fid[0], fid[1]],
        CreateFileFormat::Fcp => {
            let mut fcp = Vec::new();
            tlv::write(&mut fcp, 0x80, &size);
            tlv::write(&mut fcp, 0x83, &fid);
            tlv::write(&mut fcp, 0x88, &[ef.sfi() << 3]);
            tlv::encode(0x62, &fcp)
        }
    };
    let status = |what: &str, e: Error| match e {
        Error::Status { sw, .. } => Error::Status {
            command: format!("{what} {ef}"),
            sw,
        },
        other => other,
    };
    s.transmit_ok(&c.create_file.command().with_data(create), "CREATE FILE")
        .map_err(|e| status("CREATE FILE", e))?;
    if c.create_file_format == CreateFileFormat::Jmrtd {
        s.transmit_ok(&c.select_file.command().with_data(fid.to_vec()), "SELECT")
            .map_err(|e| status("SELECT", e))?;
    }
    let max = profile.apdu.max_command_data;
    let mut offset = 0usize;
    let mut updates = 0u64;
    while offset < data.len() {
        let at = offset;
        let cmd = if offset <= 0x7FFF {
            let n = (data.len() - offset).min(max);
            let cmd = Command {
                p1: (offset >> 8) as u8,
                p2: offset as u8,
                ..c.update_binary.command()
            }
            .with_data(data[offset..offset + n].to_vec());
            offset += n;
            cmd
        } else {
            let odd = c.update_binary_odd.ok_or_else(|| Error::Perso {
                file: ef.to_string(),
                reason: "longer than 32767 bytes but the profile has no odd-INS UPDATE BINARY"
                    .into(),
            })?;
            // 54 02 <offset> 53 <len> <chunk>: 4 + 1 + length field
            let mut n = (data.len() - offset).min(max.saturating_sub(8));
            while 4 + 1 + tlv::length_size(n) + n > max {
                n -= 1;
            }
            let mut body = tlv::encode(0x54, &(offset as u16).to_be_bytes());
            tlv::write(&mut body, 0x53, &data[offset..offset + n]);
            offset += n;
            odd.command().with_data(body)
        };
        s.transmit_ok(&cmd, "UPDATE BINARY")
            .map_err(|e| status(&format!("UPDATE BINARY at offset {at} of"), e))?;
        updates += 1;
    }
    Ok(updates)
}
