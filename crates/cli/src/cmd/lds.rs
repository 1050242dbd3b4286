//! `cccd lds`: build the LDS files of a record, and dump any of them.
//!
//! Public key files for `--aa-pub` / `--ca-pub` are a SubjectPublicKeyInfo, DER or PEM
//! (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes), detected from the content.

use super::record::{load_one, parse_date, today_or};
use anyhow::Context;
use chrono::NaiveDate;
use lds::{
    Dg13Fields, LdsFile, LdsOptions, LdsSet, PaceChoice, SecurityInfo, SubjectPublicKeyInfo,
};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Write EF.COM.bin, DG1.bin, DG2.bin, DG13.bin (+ DG14.bin/DG15.bin with keys, and
    /// EF.CardAccess.bin with --pace) for one record.
    Build {
        /// A record file (JSON, one record); the photo path is relative to it.
        record: PathBuf,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Active Authentication public key (EC P-256 or RSA SubjectPublicKeyInfo, DER or PEM):
        /// writes DG15 (and for EC an ActiveAuthenticationInfo in DG14).
        #[arg(long)]
        aa_pub: Option<PathBuf>,
        /// Chip Authentication public key (EC SubjectPublicKeyInfo, DER or PEM): writes DG14.
        #[arg(long)]
        ca_pub: Option<PathBuf>,
        /// Add EF.CardAccess with a PACEInfo (ECDH-GM-AES-128) for this standardized domain
        /// parameter ID (e.g. 12 = P-256, 13 = brainpoolP256r1).
        #[arg(long)]
        pace: Option<u64>,
        /// The date that counts as today for validation (YYYY-MM-DD; default the local date).
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Decode EF.COM, DG1, DG2, DG13, DG14, DG15 or EF.CardAccess.
    Dump {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn read_key(path: &PathBuf) -> anyhow::Result<SubjectPublicKeyInfo> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    SubjectPublicKeyInfo::from_der_or_pem(&bytes)
        .with_context(|| format!("{}: not a public key", path.display()))
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Build {
            record,
            out,
            aa_pub,
            ca_pub,
            pace,
            today,
        } => {
            let record = match load_one(&record, today_or(today))? {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let options = LdsOptions {
                aa_public_key: aa_pub.as_ref().map(read_key).transpose()?,
                ca_public_key: ca_pub.as_ref().map(read_key).transpose()?,
                pace: pace
                    .map(|id| PaceChoice {
                        parameter_id: id,
                        ..PaceChoice::default()
                    })
                    .into_iter()
                    .collect(),
                ..LdsOptions::default()
            };
            let set = LdsSet::build(&record, &options)?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            for (id, bytes) in set.files() {
                let path = out.join(id.file_name());
                std::fs::write(&path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("{} ({} bytes)", path.display(), bytes.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Dump { file, json } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let decoded = match LdsFile::decode(&bytes) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    return Ok(ExitCode::from(1));
                }
            };
            let mut v = describe(&decoded);
            if json {
                v["version"] = json!(1);
                v["file"] = json!(decoded.id().name());
                v["size"] = json!(bytes.len());
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("{} ({} bytes)", decoded.id(), bytes.len());
                print_human(&v, 1);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_human(v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    Value::Object(_) | Value::Array(_) => {
                        println!("{pad}{k}:");
                        print_human(val, depth + 1);
                    }
                    Value::Null => {}
                    other => println!("{pad}{k}: {}", scalar(other)),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        println!("{pad}-");
                        print_human(item, depth + 1);
                    }
                    other => println!("{pad}- {}", scalar(other)),
                }
            }
        }
        other => println!("{pad}{}", scalar(other)),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn dg13_json(f: &Dg13Fields) -> Value {
    json!({
        "id_number": f.id_number, "full_name": f.full_name, "date_of_birth": f.date_of_birth,
        "sex": f.sex, "nationality": f.nationality, "ethnicity": f.ethnicity, "religion": f.religion,
        "place_of_origin": f.place_of_origin, "place_of_residence": f.place_of_residence,
        "identifying_features": f.identifying_features, "date_of_issue": f.date_of_issue,
        "date_of_expiry": f.date_of_expiry, "father_name": f.father_name, "mother_name": f.mother_name,
        "spouse_name": f.spouse_name, "old_id_number": f.old_id_number, "field16": f.field16,
    })
}

fn info_json(i: &SecurityInfo) -> Value {
    let mut v = json!({ "type": i.kind(), "protocol": i.protocol().to_string() });
    match i {
        SecurityInfo::Pace {
            version,
            parameter_id,
            ..
        } => {
            v["version"] = json!(version);
            v["parameter_id"] = json!(parameter_id);
        }
        SecurityInfo::ChipAuthentication {
            version, key_id, ..
        } => {
            v["version"] = json!(version);
            v["key_id"] = json!(key_id);
        }
        SecurityInfo::ChipAuthenticationPublicKey {
            public_key, key_id, ..
        } => {
            v["public_key"] = json!(public_key.describe());
            v["key_id"] = json!(key_id);
        }
        SecurityInfo::ActiveAuthentication {
            version,
            signature_algorithm,
            ..
        } => {
            v["version"] = json!(version);
            v["signature_algorithm"] = json!(signature_algorithm.to_string());
        }
        SecurityInfo::Other { der, .. } => v["der_hex"] = json!(hex::encode_upper(der)),
    }
    v
}

/// The decoded content as JSON (also the source of the human output).
fn describe(f: &LdsFile) -> Value {
    match f {
        LdsFile::Com(c) => json!({
            "lds_version": c.lds_version,
            "unicode_version": c.unicode_version,
            "data_groups": c.data_groups().iter().map(|d| d.name()).collect::<Vec<_>>(),
        }),
        LdsFile::Dg1(d) => {
            let check = d.parse_mrz();
            json!({
                "mrz": d.lines(),
                "check_digits": match &check { Ok(_) => "valid".to_string(), Err(e) => e.to_string() },
            })
        }
        LdsFile::Dg2(d) => json!({
            "faces": d.templates.iter().flat_map(|t| t.face.images.iter().map(|i| {
                let by_magic = citizen::photo::inspect(&i.image).map(|x| format!("{:?} {}x{}", x.format, x.width, x.height)).unwrap_or_else(|e| e.to_string());
                json!({
                    "width": i.width,
                    "height": i.height,
                    "image_data_type": match i.image_data_type { 0 => "JPEG".to_string(), 1 => "JPEG 2000".to_string(), n => format!("{n}") },
                    "image_bytes": i.image.len(),
                    "image_header": by_magic,
                    "gender": i.gender,
                    "face_image_type": i.face_image_type,
                })
            })).collect::<Vec<_>>(),
        }),
        LdsFile::Dg13(d) => json!({ "fields": dg13_json(&d.fields()), "entries": d.entries.len() }),
        LdsFile::Dg14(s) | LdsFile::CardAccess(s) => json!({
            "security_infos": s.0.iter().map(info_json).collect::<Vec<_>>(),
        }),
        LdsFile::Dg15(d) => json!({
            "public_key": d.public_key.describe(),
            "algorithm": d.public_key.algorithm.to_string(),
        }),
    }
}
