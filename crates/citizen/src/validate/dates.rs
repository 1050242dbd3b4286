//! Dates: the calendar arithmetic of the two laws (birthdays, ages, the lawful expiry) and the
//! checks of the date of birth, the date of issue and the date of expiry.

use super::Check;
use crate::error::RecordError;
use crate::record::{CardGeneration, Expiry};
use chrono::{Datelike, NaiveDate};

/// The holder's birthday at age `years` (29 February becomes 28 February in common years).
pub fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    let y = dob.year() + years;
    dob.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
        .unwrap_or(dob)
}

/// Age in completed years on `on`.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// The expiry the law gives a card issued on `issue` to someone born on `dob`: valid until the
/// next renewal age (2014 law: 25, 40, 60; 2023 law: 14, 25, 40, 60), skipping a renewal age
/// that is less than 2 years away; no expiry when issued at 58 or later.
pub fn expiry_for(generation: CardGeneration, dob: NaiveDate, issue: NaiveDate) -> Expiry {
    let milestones: &[i32] = match generation {
        CardGeneration::Cccd2021 => &[25, 40, 60],
        CardGeneration::Cancuoc2024 => &[14, 25, 40, 60],
    };
    for &m in milestones {
        if issue < birthday(dob, m - 2) {
            return Expiry::On(birthday(dob, m));
        }
    }
    Expiry::Never
}

/// A date in `YYYY-MM-DD` form that exists in the calendar.
pub(super) fn parse_date(id: &str, field: &'static str, s: &str) -> Result<NaiveDate, RecordError> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(RecordError::invalid(
            id,
            field,
            "date.format",
            format!("{s:?} is not a date in YYYY-MM-DD form"),
        ));
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)).ok_or_else(|| {
        RecordError::invalid(
            id,
            field,
            "date.calendar",
            format!("{s} is not a calendar date"),
        )
    })
}

/// Not in the future, not before 1900, not older than the oldest plausible holder.
pub(super) fn date_of_birth(c: &Check, value: &str) -> Result<NaiveDate, RecordError> {
    let dob = parse_date(c.id, "date_of_birth", value)?;
    let today = c.today;
    if dob > today {
        return Err(c.bad(
            "date_of_birth",
            "dob.future",
            format!("{dob} is after today ({today})"),
        ));
    }
    if dob.year() < 1900 || age_on(dob, today) > c.rules.max_age_years {
        return Err(c.bad(
            "date_of_birth",
            "dob.too_old",
            format!(
                "{dob}: older than {} years or before 1900",
                c.rules.max_age_years
            ),
        ));
    }
    Ok(dob)
}

/// Between birth and today, at an age the generation's law allows, and (when the rules say so)
/// in the period in which the generation is issued.
pub(super) fn date_of_issue(
    c: &Check,
    value: &str,
    dob: NaiveDate,
    generation: CardGeneration,
) -> Result<NaiveDate, RecordError> {
    let (rules, today) = (c.rules, c.today);
    let issue = parse_date(c.id, "date_of_issue", value)?;
    if issue < dob {
        return Err(c.bad(
            "date_of_issue",
            "issue.before_birth",
            format!("{issue} is before the date of birth {dob}"),
        ));
    }
    if issue > today {
        return Err(c.bad(
            "date_of_issue",
            "issue.future",
            format!("{issue} is after today ({today})"),
        ));
    }
    let age_at_issue = age_on(dob, issue);
    if generation == CardGeneration::Cccd2021 && age_at_issue < rules.cccd2021_min_age {
        return Err(c.bad(
            "date_of_issue",
            "issue.age",
            format!(
                "the holder was {age_at_issue} on {issue}; a CCCD is issued from age {}",
                rules.cccd2021_min_age
            ),
        ));
    }
    if rules.enforce_generation_period {
        let (from, until) = match generation {
            CardGeneration::Cccd2021 => {
                (rules.cccd2021_first_issue, Some(rules.cccd2021_last_issue))
            }
            CardGeneration::Cancuoc2024 => (rules.cancuoc2024_first_issue, None),
        };
        if issue < from || until.is_some_and(|u| issue > u) {
            return Err(c.bad(
                "date_of_issue",
                "issue.period",
                format!(
                    "{} cards are issued from {from}{}, not on {issue}",
                    generation.as_str(),
                    until.map(|u| format!(" to {u}")).unwrap_or_default()
                ),
            ));
        }
    }
    Ok(issue)
}

/// The expiry: computed from the law when absent, otherwise checked against it; then refused
/// if already past and the rules say so.
pub(super) fn date_of_expiry(
    c: &Check,
    value: Option<&Option<String>>,
    generation: CardGeneration,
    dob: NaiveDate,
    issue: NaiveDate,
) -> Result<Expiry, RecordError> {
    let age_at_issue = age_on(dob, issue);
    let lawful = expiry_for(generation, dob, issue);
    let date_of_expiry = match value {
        None => lawful,
        Some(None) => {
            if lawful != Expiry::Never {
                return Err(c.bad(
                    "date_of_expiry",
                    "expiry.never_not_allowed",
                    format!(
                        "no expiry is only for cards issued at 58 or later (holder was {age_at_issue}); the law gives {}",
                        show(lawful)
                    ),
                ));
            }
            Expiry::Never
        }
        Some(Some(s)) => {
            let given = parse_date(c.id, "date_of_expiry", s)?;
            if given <= issue {
                return Err(c.bad(
                    "date_of_expiry",
                    "expiry.before_issue",
                    format!("{given} is not after the date of issue {issue}"),
                ));
            }
            match lawful {
                Expiry::Never => {
                    return Err(c.bad(
                        "date_of_expiry",
                        "expiry.should_be_never",
                        format!(
                            "issued at age {age_at_issue}: the card has no expiry, not {given}"
                        ),
                    ));
                }
                Expiry::On(d) if d != given => {
                    return Err(c.bad(
                        "date_of_expiry",
                        "expiry.mismatch",
                        format!(
                            "{given} contradicts the {} rules, which give {d}",
                            generation.as_str()
                        ),
                    ));
                }
                on => on,
            }
        }
    };
    if c.rules.reject_expired
        && let Expiry::On(d) = date_of_expiry
        && d < c.today
    {
        return Err(c.bad(
            "date_of_expiry",
            "expiry.expired",
            format!("the card expired on {d}"),
        ));
    }
    Ok(date_of_expiry)
}

fn show(e: Expiry) -> String {
    match e {
        Expiry::On(d) => d.to_string(),
        Expiry::Never => "no expiry".into(),
    }
}
