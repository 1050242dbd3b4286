//! The tunable side of validation: limits and policy choices, with the defaults of the law.

use chrono::NaiveDate;

/// Tunable rules. Defaults follow vietnam-cccd.md; the items it marks unconfirmed (\[U\]) or that
/// are policy rather than law are fields here.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Oldest plausible holder, in years.
    pub max_age_years: i32,
    /// Law 2014: the CCCD is issued from age 14.
    pub cccd2021_min_age: i32,
    /// Refuse issue dates outside the period in which each generation is issued.
    pub enforce_generation_period: bool,
    /// First issue date of the chip CCCD (Circular 06/2021, in force 23 Jan 2021; issuing
    /// started in January 2021).
    pub cccd2021_first_issue: NaiveDate,
    /// Last issue date of the chip CCCD (the Law on Identity applies from 1 July 2024).
    pub cccd2021_last_issue: NaiveDate,
    pub cancuoc2024_first_issue: NaiveDate,
    /// 2024 cards of children below this age carry no photo.
    pub no_photo_below_age: i32,
    /// Fewest words in the full name (family name + given name).
    pub full_name_min_words: usize,
    /// Longest name, in characters.
    pub name_max_chars: usize,
    /// Longest other text (addresses, features), in characters.
    pub text_max_chars: usize,
    /// Accept `f`, `j`, `w`, `z` in names. They are not letters of the Vietnamese alphabet but
    /// appear in names of ethnic minorities; whether the registry allows them is \[U\].
    pub allow_fjwz: bool,
    /// Largest photo file, in bytes (it goes into DG2 on a chip with limited memory).
    pub photo_max_bytes: usize,
    pub photo_min_width: u32,
    pub photo_min_height: u32,
    pub photo_max_width: u32,
    pub photo_max_height: u32,
    /// Height / width bounds (a 20 × 30 mm portrait is 1.5).
    pub photo_min_aspect: f32,
    pub photo_max_aspect: f32,
    /// Minimum marriage age (Law on Marriage and Family 2014): a spouse name below it is wrong.
    pub marriage_age_male: i32,
    pub marriage_age_female: i32,
    /// Refuse records whose card has already expired on `today`.
    pub reject_expired: bool,
}

impl Default for Rules {
    fn default() -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        Rules {
            max_age_years: 130,
            cccd2021_min_age: 14,
            enforce_generation_period: true,
            cccd2021_first_issue: d(2021, 1, 1),
            cccd2021_last_issue: d(2024, 6, 30),
            cancuoc2024_first_issue: d(2024, 7, 1),
            no_photo_below_age: 6,
            full_name_min_words: 2,
            name_max_chars: 80,
            text_max_chars: 250,
            allow_fjwz: true,
            photo_max_bytes: 100 * 1024,
            photo_min_width: 120,
            photo_min_height: 160,
            photo_max_width: 1200,
            photo_max_height: 1600,
            photo_min_aspect: 1.0,
            photo_max_aspect: 1.6,
            marriage_age_male: 20,
            marriage_age_female: 18,
            reject_expired: false,
        }
    }
}
