//! Why a day does not count as a working day.

use std::fmt;

use chrono::{Datelike, Weekday};

use super::holidays::Holiday;

/// The reason a day is not a working day.
///
/// Every skipped day of a working-day deadline carries one, so `docket
/// explain` can show a reader why a three-day window stretched over a week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonWorkingReason {
    /// A Saturday or Sunday.
    Weekend(Weekday),
    /// The observed date of a federal holiday; the holiday itself may fall on
    /// another day (see [`Holiday::is_observed_on_other_day`]).
    Holiday(Holiday),
    /// A one-off closure declared by the ruleset, with its stated reason.
    Closure(String),
}

impl fmt::Display for NonWorkingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Weekend(day) => f.write_str(weekday_name(*day)),
            Self::Holiday(holiday) if holiday.is_observed_on_other_day() => write!(
                f,
                "{} (observed; falls on {} {})",
                holiday.name,
                weekday_name(holiday.date.weekday()),
                holiday.date
            ),
            Self::Holiday(holiday) => f.write_str(holiday.name),
            Self::Closure(reason) => write!(f, "closure: {reason}"),
        }
    }
}

/// The English name of a weekday; chrono's `Display` abbreviates it.
fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::test_dates::day;

    #[test]
    fn reasons_read_as_plain_english() {
        assert_eq!(
            NonWorkingReason::Weekend(Weekday::Sat).to_string(),
            "Saturday"
        );
        let thanksgiving = Holiday {
            name: "Thanksgiving Day",
            date: day(2026, 11, 26),
            observed: day(2026, 11, 26),
        };
        assert_eq!(
            NonWorkingReason::Holiday(thanksgiving).to_string(),
            "Thanksgiving Day"
        );
        let christmas = Holiday {
            name: "Christmas Day",
            date: day(2022, 12, 25),
            observed: day(2022, 12, 26),
        };
        assert_eq!(
            NonWorkingReason::Holiday(christmas).to_string(),
            "Christmas Day (observed; falls on Sunday 2022-12-25)"
        );
        assert_eq!(
            NonWorkingReason::Closure("lapse in appropriations".to_owned()).to_string(),
            "closure: lapse in appropriations"
        );
    }
}
