//! Reading the LDS under secure messaging: EF.COM, every data group its tag list names, and
//! EF.SOD, each recorded in the report with its size and SHA-256. A file that cannot be read is
//! a failed check, not the end of the inspection; only card and transport failures are.

use super::is_fatal;
use super::options::InspectOptions;
use super::report::{FileRead, InspectReport};
use crate::error::Error;
use crate::files::{Ef, LdsFiles};
use crate::session::Session;
use crate::tlv;
use sha2::{Digest, Sha256};
use sign::pa::Status;

pub(super) fn record_file(report: &mut InspectReport, ef: Ef, data: &[u8]) {
    report.files.push(FileRead {
        ef: ef.to_string(),
        fid: format!("{:04X}", ef.fid()),
        bytes: data.len(),
        sha256: hex::encode_upper(Sha256::digest(data)),
    });
    report.push(
        format!("file.{ef}"),
        Status::Pass,
        format!("{} bytes read", data.len()),
    );
}

/// EF.COM, the data groups it lists, and EF.SOD, in that order.
pub(super) fn read_files(
    s: &mut Session<'_>,
    opts: &InspectOptions<'_>,
    report: &mut InspectReport,
    files: &mut LdsFiles,
) -> Result<(), Error> {
    let plan = opts.plan(s.block_len().unwrap_or(0));
    let read = |s: &mut Session<'_>,
                ef: Ef,
                report: &mut InspectReport,
                files: &mut LdsFiles|
     -> Result<bool, Error> {
        match s.read_ef(ef, None, &plan) {
            Ok(data) => {
                record_file(report, ef, &data);
                files.insert(ef, data);
                Ok(true)
            }
            Err(e) if is_fatal(&e) => Err(e),
            Err(e) => {
                report.push(format!("file.{ef}"), Status::Fail, e.to_string());
                Ok(false)
            }
        }
    };
    let mut listed = Vec::new();
    if read(s, Ef::Com, report, files)? {
        match com_data_groups(&files[&Ef::Com]) {
            Ok(dgs) => {
                report.push(
                    "com.parse",
                    Status::Pass,
                    format!("EF.COM lists {}", list(&dgs)),
                );
                listed = dgs;
            }
            Err(reason) => report.push("com.parse", Status::Fail, reason),
        }
    }
    for ef in &listed {
        read(s, *ef, report, files)?;
    }
    read(s, Ef::Sod, report, files)?;
    Ok(())
}

fn list(dgs: &[Ef]) -> String {
    dgs.iter().map(Ef::to_string).collect::<Vec<_>>().join(", ")
}

/// The data groups EF.COM lists in its tag list (`60 { … 5C <tags> }`).
pub fn com_data_groups(com: &[u8]) -> Result<Vec<Ef>, String> {
    let inner = match tlv::read(com) {
        Ok((0x60, inner, used)) if used == com.len() => inner,
        _ => return Err("EF.COM is not a 60 TLV filling the file".into()),
    };
    let tags = tlv::find(inner, 0x5C).ok_or("EF.COM has no tag list 5C")?;
    tags.iter()
        .map(|&t| Ef::from_dg_tag(t).ok_or_else(|| format!("EF.COM lists unknown tag {t:02X}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_tag_list() {
        let com = hex::decode("60145F0104303130365F36063034303030305C026175").unwrap();
        assert_eq!(com_data_groups(&com), Ok(vec![Ef::Dg(1), Ef::Dg(2)]));
        assert!(com_data_groups(&com[..10]).is_err());
        assert!(com_data_groups(&hex::decode("6003010100").unwrap()).is_err());
        assert!(com_data_groups(&hex::decode("60035C0177").unwrap()).is_err());
    }
}
