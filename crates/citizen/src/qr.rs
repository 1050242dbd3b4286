//! The text of the card's QR code (vietnam-cccd.md §4.3): UTF-8, `|`-separated.
//!
//! 2021 CCCD: `ID|old CMND|full name|DOB ddmmyyyy|Nam or Nữ|place of residence|issue ddmmyyyy`.
//! 2024 Căn cước: the same seven fields followed by four fields left empty, as on a public
//! sample card (their meaning is [U]: cancelled ID numbers, parents' names).

use crate::record::{CardGeneration, Record, Sex};

/// The QR payload of a record.
pub fn qr_payload(r: &Record) -> String {
    let date = |d: chrono::NaiveDate| d.format("%d%m%Y").to_string();
    let mut fields = vec![
        r.id_number.clone(),
        r.old_id_number.clone().unwrap_or_default(),
        r.full_name.clone(),
        date(r.date_of_birth),
        match r.sex {
            Sex::Male => "Nam".to_string(),
            Sex::Female => "Nữ".to_string(),
        },
        r.place_of_residence.clone(),
        date(r.date_of_issue),
    ];
    if r.card_generation == CardGeneration::Cancuoc2024 {
        fields.extend(std::iter::repeat_n(String::new(), 4));
    }
    fields.join("|")
}
