//! Deterministic synthetic citizens for demos, tests and benchmarks.
//!
//! Realistic in every checked detail (vietnam-cccd.md §3, §6): Vietnamese names with diacritics
//! (family, middle, given), ID numbers whose province code is the place of origin's, whose 4th
//! digit encodes sex and century and whose 5th–6th digits are the birth year; issue dates inside
//! each card generation's period; expiry computed by that generation's law (milestones with the
//! 2-years-before rule, none from 58); still valid a year after [`REFERENCE_DATE`]; a drawn
//! portrait. Random combinations of common words: nobody real is described.

mod data;
pub mod portrait;
mod rng;

use chrono::{Datelike, Months, NaiveDate};
use rng::Rng;
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// The day the synthetic population is "as of": fixed so a seed gives the same data every day.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2025, 11, 1) {
    Some(d) => d,
    None => panic!("valid constant date"),
};

/// Cards of the 2021 design were issued from this day until the 2024 law took effect.
const CCCD_2021_FROM: (i32, u32, u32) = (2021, 1, 23);
const CANCUOC_2024_FROM: (i32, u32, u32) = (2024, 7, 1);

/// One synthetic citizen: the record in the registry wire format (JSON keys of the citizen
/// crate; `photo` names the portrait) and the portrait's JPEG bytes.
#[derive(Clone)]
pub struct SyntheticCitizen {
    pub id_number: String,
    pub record: Map<String, Value>,
    pub photo: Vec<u8>,
}

impl std::fmt::Debug for SyntheticCitizen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyntheticCitizen")
            .field("record", &self.record)
            .field("photo_len", &self.photo.len())
            .finish()
    }
}

/// Generates citizens one at a time (a 10,000-record batch never sits in memory at once).
pub struct Generator {
    rng: Rng,
    used: HashSet<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            used: HashSet::new(),
        }
    }

    /// The next citizen. Errors only if the JPEG encoder fails.
    pub fn next_citizen(&mut self) -> Result<SyntheticCitizen, crate::Error> {
        let r = &mut self.rng;
        let female = r.chance(50);
        let generation_2024 = r.chance(50);
        let (dob, issue, expiry) = loop {
            if let Some(d) = dates(r, generation_2024) {
                break d;
            }
        };
        let (code, province) = *r.pick(data::PROVINCES);
        let century_digit = match (dob.year() / 100, female) {
            (19, false) => 0,
            (19, true) => 1,
            (20, false) => 2,
            (20, true) => 3,
            // dates() only draws 1940..=2019.
            (_, false) => 4,
            (_, true) => 5,
        };
        let id_number = loop {
            let id = format!(
                "{code}{century_digit}{:02}{:06}",
                dob.year() % 100,
                r.below(1_000_000)
            );
            if self.used.insert(id.clone()) {
                break id;
            }
        };
        let family = *r.weighted(data::FAMILY);
        let full_name = person(r, family, female);
        let father = person(r, family, false);
        let mother_family = *r.weighted(data::FAMILY);
        let mother = person(r, mother_family, true);
        let age_at_issue = years_between(dob, issue);
        let origin = format!(
            "{}, {}, {}",
            r.pick(data::COMMUNES),
            r.pick(data::DISTRICTS),
            province
        );
        let home_province = if r.chance(70) {
            province
        } else {
            r.pick(data::PROVINCES).1
        };
        let street = if r.chance(50) {
            format!("Số {} {}", r.range(1, 250), r.pick(data::STREETS))
        } else {
            r.pick(data::HAMLETS).to_string()
        };
        let residence = format!(
            "{street}, {}, {}, {home_province}",
            r.pick(data::COMMUNES),
            r.pick(data::DISTRICTS)
        );
        let mut record = Map::new();
        let mut put = |k: &str, v: Value| {
            record.insert(k.to_string(), v);
        };
        put("id_number", json!(id_number));
        put("full_name", json!(full_name));
        put("date_of_birth", json!(dob.to_string()));
        put("sex", json!(if female { "F" } else { "M" }));
        put("nationality", json!("VNM"));
        put("ethnicity", json!(r.weighted(data::ETHNICITIES)));
        put("religion", json!(r.weighted(data::RELIGIONS)));
        put("place_of_origin", json!(origin));
        put("place_of_residence", json!(residence));
        put("identifying_features", json!(r.pick(data::FEATURES)));
        put("date_of_issue", json!(issue.to_string()));
        put(
            "date_of_expiry",
            expiry.map_or(Value::Null, |d| json!(d.to_string())),
        );
        put("father_name", json!(father));
        put("mother_name", json!(mother));
        if age_at_issue >= 22 && r.chance(60) {
            let spouse_family = *r.weighted(data::FAMILY);
            put("spouse_name", json!(person(r, spouse_family, !female)));
        }
        if dob.year() < 2000 && r.chance(60) {
            put(
                "old_id_number",
                json!(format!("{}{:08}", r.range(1, 3), r.below(100_000_000))),
            );
        }
        put("photo", json!(format!("{id_number}.jpg")));
        put(
            "card_generation",
            json!(if generation_2024 {
                "cancuoc-2024"
            } else {
                "cccd-2021"
            }),
        );
        let photo = portrait::draw(r, female).map_err(|e| crate::Error::Portrait {
            id_number: id_number.clone(),
            reason: e.to_string(),
        })?;
        Ok(SyntheticCitizen {
            id_number,
            record,
            photo,
        })
    }
}

fn person(r: &mut Rng, family: &str, female: bool) -> String {
    let (middle, given) = if female {
        (data::MIDDLE_FEMALE, data::GIVEN_FEMALE)
    } else {
        (data::MIDDLE_MALE, data::GIVEN_MALE)
    };
    // About one in five has a second middle name ("Nguyễn Thị Bích Ngọc").
    if r.chance(20) {
        format!(
            "{family} {} {} {}",
            r.pick(middle),
            r.pick(middle),
            r.pick(given)
        )
    } else {
        format!("{family} {} {}", r.pick(middle), r.pick(given))
    }
}

/// Birth, issue and expiry dates consistent with the card generation, or None to draw again.
fn dates(r: &mut Rng, generation_2024: bool) -> Option<(NaiveDate, NaiveDate, Option<NaiveDate>)> {
    // Day ≤ 28: a 29 February birthday would make "the birthday at 25" a matter of convention.
    let dob = NaiveDate::from_ymd_opt(
        r.range(1940, 2019) as i32,
        r.range(1, 12) as u32,
        r.range(1, 28) as u32,
    )?;
    let (from, to) = if generation_2024 {
        (ymd(CANCUOC_2024_FROM), REFERENCE_DATE)
    } else {
        (ymd(CCCD_2021_FROM), ymd(CANCUOC_2024_FROM).pred_opt()?)
    };
    let span = (to - from).num_days();
    let issue = from + chrono::Duration::days(r.range(0, span));
    let age = years_between(dob, issue);
    // 2021 cards from 14; 2024 cards from 6 here (under-6 cards carry no photo).
    let min_age = if generation_2024 { 6 } else { 14 };
    // Holders from 58 get cards without expiry (MRZ expiry `<<<<<<`, "Không thời hạn").
    if age < min_age {
        return None;
    }
    let expiry = expiry_for(dob, issue, generation_2024);
    match expiry {
        Some(e) if e <= REFERENCE_DATE + chrono::Duration::days(365) => None,
        _ => Some((dob, issue, expiry)),
    }
}

/// Expiry under the card's law (vietnam-cccd.md §6): the birthday at the first milestone that is
/// more than two years after the issue date; no expiry when issued at 58 or later.
pub fn expiry_for(dob: NaiveDate, issue: NaiveDate, generation_2024: bool) -> Option<NaiveDate> {
    let milestones: &[u32] = if generation_2024 {
        &[14, 25, 40, 60]
    } else {
        &[25, 40, 60]
    };
    milestones
        .iter()
        .find(|&&m| issue < add_years(dob, m - 2))
        .map(|&m| add_years(dob, m))
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX)
}

fn years_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut y = i64::from(to.year() - from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Write `count` synthetic citizens as a registry hand-over: `DIR/batch.jsonl` (one record per
/// line, `photo` relative to `DIR`) and `DIR/photos/ID.jpg`. Returns the JSONL path. For tests and
/// demos of `cccd registry import`.
pub fn export(
    dir: &std::path::Path,
    count: usize,
    seed: u64,
) -> Result<std::path::PathBuf, crate::Error> {
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| crate::Error::Io { path, source }
    };
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).map_err(io(&photos))?;
    let mut lines = String::new();
    let mut g = Generator::new(seed);
    for _ in 0..count {
        let mut c = g.next_citizen()?;
        let name = format!("{}.jpg", c.id_number);
        let file = photos.join(&name);
        std::fs::write(&file, &c.photo).map_err(io(&file))?;
        c.record
            .insert("photo".into(), json!(format!("photos/{name}")));
        lines.push_str(&Value::Object(c.record).to_string());
        lines.push('\n');
    }
    let out = dir.join("batch.jsonl");
    std::fs::write(&out, lines).map_err(io(&out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn expiry_follows_both_laws() {
        // 2014 law: 25/40/60, two-years-before rule, none from 58.
        assert_eq!(
            expiry_for(d("2000-05-10"), d("2021-03-01"), false),
            Some(d("2025-05-10"))
        );
        assert_eq!(
            expiry_for(d("2000-05-10"), d("2023-06-01"), false),
            Some(d("2040-05-10"))
        );
        assert_eq!(
            expiry_for(d("1970-01-02"), d("2021-03-01"), false),
            Some(d("2030-01-02"))
        );
        assert_eq!(expiry_for(d("1963-01-01"), d("2021-03-01"), false), None);
        // 2023 law adds 14.
        assert_eq!(
            expiry_for(d("2015-05-10"), d("2024-08-01"), true),
            Some(d("2029-05-10"))
        );
        assert_eq!(
            expiry_for(d("2011-05-10"), d("2024-08-01"), true),
            Some(d("2036-05-10"))
        );
    }

    #[test]
    fn citizens_are_deterministic_unique_and_consistent() {
        let mut a = Generator::new(42);
        let mut b = Generator::new(42);
        let mut ids = HashSet::new();
        for _ in 0..80 {
            let x = a.next_citizen().unwrap();
            let y = b.next_citizen().unwrap();
            assert_eq!(x.record, y.record);
            assert_eq!(x.photo, y.photo);
            assert!(ids.insert(x.id_number.clone()));
            let id = x.id_number.as_bytes();
            assert_eq!(id.len(), 12);
            let rec = &x.record;
            let dob = d(rec["date_of_birth"].as_str().unwrap());
            let issue = d(rec["date_of_issue"].as_str().unwrap());
            assert_eq!(
                &x.id_number[4..6],
                &format!("{:02}", dob.year() % 100),
                "birth year digits"
            );
            let g = id[3] - b'0';
            let female = rec["sex"] == "F";
            assert_eq!(g % 2 == 1, female, "sex digit");
            assert_eq!(g / 2, (dob.year() / 100 - 19) as u8, "century digit");
            assert!(data::PROVINCES.iter().any(|(c, _)| *c == &x.id_number[..3]));
            assert!(dob < issue && issue <= REFERENCE_DATE);
            let gen2024 = rec["card_generation"] == "cancuoc-2024";
            let expiry = rec["date_of_expiry"].as_str().map(d);
            assert_eq!(expiry, expiry_for(dob, issue, gen2024));
            if gen2024 {
                assert!(issue >= ymd(CANCUOC_2024_FROM));
            } else {
                assert!(issue < ymd(CANCUOC_2024_FROM));
            }
        }
        let mut c = Generator::new(43);
        assert_ne!(
            c.next_citizen().unwrap().record,
            Generator::new(42).next_citizen().unwrap().record
        );
    }
}
