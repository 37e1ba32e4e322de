//! Which dates the calendar covers, and the error for everything outside.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use thiserror::Error;

/// The first year whose federal holidays docket models.
///
/// The Uniform Monday Holiday Act (Pub. L. 90-363) took effect in 1971 and
/// moved Washington's Birthday, Memorial Day, Columbus Day and (until 1977)
/// Veterans Day to Mondays. Earlier years followed rules docket does not
/// encode, so the calendar refuses them instead of guessing; an incident date
/// before 1971 is far more likely a broken timestamp (such as the Unix epoch)
/// than a real event.
pub const FIRST_SUPPORTED_YEAR: i32 = 1971;

/// The last year the calendar covers.
///
/// Today's holiday law is projected forward up to here. The bound keeps every
/// date four digits long and makes a runaway working-day count stop with an
/// error after a few million steps instead of running for minutes.
pub const LAST_SUPPORTED_YEAR: i32 = 9999;

/// 31 December of [`LAST_SUPPORTED_YEAR`], the last day the calendar covers.
pub(crate) const LAST_SUPPORTED_DATE: NaiveDate =
    match NaiveDate::from_ymd_opt(LAST_SUPPORTED_YEAR, 12, 31) {
        Some(date) => date,
        // Unreachable: chrono represents dates up to the year 262,142.
        None => NaiveDate::MAX,
    };

/// Why a calendar computation could not produce an answer.
///
/// The calendar never guesses: a date whose holidays it does not know, or a
/// result past the end of its range, is reported so the caller can point at
/// the record that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// A date outside the years whose holidays are modeled was asked about.
    #[error(
        "{date} is outside the dates docket's calendar covers \
         ({FIRST_SUPPORTED_YEAR}-01-01 to {LAST_SUPPORTED_YEAR}-12-31): federal holidays are \
         modeled from 1971, when the Uniform Monday Holiday Act took effect"
    )]
    UnsupportedDate {
        /// The date that was asked about.
        date: NaiveDate,
    },
    /// The holidays of a year outside the modeled years were asked for.
    #[error(
        "federal holidays are modeled for the years {FIRST_SUPPORTED_YEAR} to \
         {LAST_SUPPORTED_YEAR}, not {year}"
    )]
    UnsupportedYear {
        /// The year that was asked for.
        year: i32,
    },
    /// Adding a duration to a start instant went past the last covered date.
    #[error(
        "{} after {start} falls after {LAST_SUPPORTED_YEAR}-12-31, the last date docket's \
         calendar covers",
        count(*.amount, .unit)
    )]
    PastEnd {
        /// The instant the duration was added to.
        start: DateTime<Utc>,
        /// How many units were added.
        amount: u32,
        /// The unit, singular: "hour", "calendar day" or "working day".
        unit: &'static str,
    },
}

/// "1 working day", "3 working days".
fn count(amount: u32, unit: &str) -> String {
    let plural = if amount == 1 { "" } else { "s" };
    format!("{amount} {unit}{plural}")
}

/// Returns `date` if its holidays are modeled, the error naming it otherwise.
pub(crate) fn supported(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    if is_supported_year(date.year()) {
        Ok(date)
    } else {
        Err(CalendarError::UnsupportedDate { date })
    }
}

/// Whether the holidays of `year` are modeled.
pub(crate) fn is_supported_year(year: i32) -> bool {
    (FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&year)
}
