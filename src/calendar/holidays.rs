//! US federal holidays by their legal rules.
//!
//! The holidays are the eleven of 5 U.S.C. 6103(a). A holiday that falls on a
//! Saturday is observed on the Friday before and one that falls on a Sunday on
//! the Monday after (5 U.S.C. 6103(b) and Executive Order 11582, as OPM
//! applies them to the Monday-to-Friday workweek). That includes New Year's
//! Day observed on 31 December of the previous year when 1 January is a
//! Saturday.
//!
//! Inauguration Day (20 January after a presidential election) is left out on
//! purpose: 5 U.S.C. 6103(c) makes it a holiday only for employees in the
//! Washington, DC area, not for federal agencies in general. One-off closures
//! by executive order (an extra day at Christmas, a national day of mourning)
//! are not holidays either; a ruleset lists them as closures of its
//! [`Calendar`](super::Calendar).

use chrono::{Datelike, Months, NaiveDate, Weekday};

use super::error::{CalendarError, is_supported_year, supported};

/// One federal holiday of one year.
///
/// The law names a date (`date`), but federal offices close on the `observed`
/// date, which differs when the holiday falls on a weekend. Deadlines only
/// care about `observed`; reports show both so a reader sees why a Friday was
/// a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    /// The holiday's name as 5 U.S.C. 6103(a) writes it.
    pub name: &'static str,
    /// The date the law names, which may fall on a weekend.
    pub date: NaiveDate,
    /// The weekday federal offices are closed instead.
    pub observed: NaiveDate,
}

impl Holiday {
    /// Whether offices close on a different day than the holiday itself,
    /// because the holiday falls on a weekend.
    pub fn is_observed_on_other_day(&self) -> bool {
        self.date != self.observed
    }
}

/// The federal holidays of `year`, in date order.
///
/// These are the holidays *of* that year: New Year's Day of 2022 is in the
/// list for 2022 even though it was observed on 31 December 2021. Use
/// [`observed_holiday`] to ask about a given day.
///
/// # Errors
///
/// [`CalendarError::UnsupportedYear`] outside
/// [`FIRST_SUPPORTED_YEAR`](super::FIRST_SUPPORTED_YEAR) to
/// [`LAST_SUPPORTED_YEAR`](super::LAST_SUPPORTED_YEAR).
pub fn federal_holidays(year: i32) -> Result<Vec<Holiday>, CalendarError> {
    if !is_supported_year(year) {
        return Err(CalendarError::UnsupportedYear { year });
    }
    Ok(LAWS.iter().filter_map(|law| law.holiday_in(year)).collect())
}

/// The federal holiday observed on `date`, if any.
///
/// This is the question working-day arithmetic asks, so it looks only at the
/// holidays that can be observed in `date`'s month, plus New Year's Day of the
/// next year on 31 December.
///
/// # Errors
///
/// [`CalendarError::UnsupportedDate`] for a date outside the modeled years.
pub fn observed_holiday(date: NaiveDate) -> Result<Option<Holiday>, CalendarError> {
    supported(date).map(observed_on)
}

/// [`observed_holiday`] without the range check, for callers that did it.
pub(crate) fn observed_on(date: NaiveDate) -> Option<Holiday> {
    // A weekend shift moves a holiday by one day, which keeps it in its
    // month except for 1 January on a Saturday: that one is observed on
    // 31 December of the year before.
    let this_year = LAWS
        .iter()
        .filter(|law| law.rule.month() == date.month())
        .filter_map(|law| law.holiday_in(date.year()));
    let next_new_year = (date.month() == 12 && date.day() == 31)
        .then(|| NEW_YEARS_DAY.holiday_in(date.year() + 1))
        .flatten();
    this_year
        .chain(next_new_year)
        .find(|holiday| holiday.observed == date)
}

/// How the law places a holiday in the year.
#[derive(Debug, Clone, Copy)]
enum DateRule {
    /// A fixed month and day, shifted to a weekday when it falls on a weekend.
    Fixed { month: u32, day: u32 },
    /// The n-th (1-based) given weekday of a month.
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: u32,
    },
    /// The last given weekday of a month.
    LastWeekday { month: u32, weekday: Weekday },
}

impl DateRule {
    fn month(self) -> u32 {
        match self {
            Self::Fixed { month, .. }
            | Self::NthWeekday { month, .. }
            | Self::LastWeekday { month, .. } => month,
        }
    }

    /// The date the rule names in `year`; `None` only past chrono's range.
    fn date_in(self, year: i32) -> Option<NaiveDate> {
        match self {
            Self::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            Self::NthWeekday {
                month,
                weekday,
                nth,
            } => {
                let first_day = 1 + 7 * nth.checked_sub(1)?;
                first_weekday_on_or_after(NaiveDate::from_ymd_opt(year, month, first_day)?, weekday)
            }
            Self::LastWeekday { month, weekday } => {
                let last_of_month = NaiveDate::from_ymd_opt(year, month, 1)?
                    .checked_add_months(Months::new(1))?
                    .pred_opt()?;
                let last_week_start = last_of_month.checked_sub_days(chrono::Days::new(6))?;
                first_weekday_on_or_after(last_week_start, weekday)
            }
        }
    }
}

/// The first `weekday` on or after `date`.
fn first_weekday_on_or_after(date: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date.checked_add_days(chrono::Days::new(u64::from(ahead)))
}

/// The weekday offices close for a holiday that falls on `date`.
fn observed_date(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => date.pred_opt(),
        Weekday::Sun => date.succ_opt(),
        _ => Some(date),
    }
}

/// One holiday as a statute defines it, with the years the definition holds.
#[derive(Debug, Clone, Copy)]
struct HolidayLaw {
    name: &'static str,
    rule: DateRule,
    first_year: i32,
    /// The last year this rule applied, for rules since changed.
    last_year: Option<i32>,
}

impl HolidayLaw {
    /// This holiday in `year`, or `None` if the law did not provide it then.
    fn holiday_in(&self, year: i32) -> Option<Holiday> {
        let in_force = year >= self.first_year && self.last_year.is_none_or(|last| year <= last);
        if !in_force {
            return None;
        }
        let date = self.rule.date_in(year)?;
        Some(Holiday {
            name: self.name,
            date,
            observed: observed_date(date)?,
        })
    }
}

const fn law(name: &'static str, rule: DateRule, first_year: i32) -> HolidayLaw {
    HolidayLaw {
        name,
        rule,
        first_year,
        last_year: None,
    }
}

const NEW_YEARS_DAY: HolidayLaw = law("New Year's Day", DateRule::Fixed { month: 1, day: 1 }, 1971);

/// Every holiday rule since 1971, in calendar order.
const LAWS: [HolidayLaw; 12] = [
    NEW_YEARS_DAY,
    // Signed in 1983, first observed on 20 January 1986.
    law(
        "Birthday of Martin Luther King, Jr.",
        DateRule::NthWeekday {
            month: 1,
            weekday: Weekday::Mon,
            nth: 3,
        },
        1986,
    ),
    law(
        "Washington's Birthday",
        DateRule::NthWeekday {
            month: 2,
            weekday: Weekday::Mon,
            nth: 3,
        },
        1971,
    ),
    law(
        "Memorial Day",
        DateRule::LastWeekday {
            month: 5,
            weekday: Weekday::Mon,
        },
        1971,
    ),
    // Signed on 17 June 2021 and first observed the next day.
    law(
        "Juneteenth National Independence Day",
        DateRule::Fixed { month: 6, day: 19 },
        2021,
    ),
    law(
        "Independence Day",
        DateRule::Fixed { month: 7, day: 4 },
        1971,
    ),
    law(
        "Labor Day",
        DateRule::NthWeekday {
            month: 9,
            weekday: Weekday::Mon,
            nth: 1,
        },
        1971,
    ),
    law(
        "Columbus Day",
        DateRule::NthWeekday {
            month: 10,
            weekday: Weekday::Mon,
            nth: 2,
        },
        1971,
    ),
    // The Uniform Monday Holiday Act moved Veterans Day to the fourth Monday
    // of October; Pub. L. 94-97 returned it to 11 November from 1978.
    HolidayLaw {
        name: "Veterans Day",
        rule: DateRule::NthWeekday {
            month: 10,
            weekday: Weekday::Mon,
            nth: 4,
        },
        first_year: 1971,
        last_year: Some(1977),
    },
    law("Veterans Day", DateRule::Fixed { month: 11, day: 11 }, 1978),
    law(
        "Thanksgiving Day",
        DateRule::NthWeekday {
            month: 11,
            weekday: Weekday::Thu,
            nth: 4,
        },
        1971,
    ),
    law(
        "Christmas Day",
        DateRule::Fixed { month: 12, day: 25 },
        1971,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::test_dates::day;

    fn holiday_named(year: i32, name: &str) -> Vec<Holiday> {
        federal_holidays(year)
            .unwrap_or_default()
            .into_iter()
            .filter(|h| h.name == name)
            .collect()
    }

    #[test]
    fn new_years_day_on_saturday_is_observed_on_the_previous_new_years_eve() {
        let new_year = holiday_named(2022, "New Year's Day");
        assert_eq!(
            new_year,
            vec![Holiday {
                name: "New Year's Day",
                date: day(2022, 1, 1),
                observed: day(2021, 12, 31),
            }]
        );
        assert_eq!(
            observed_holiday(day(2021, 12, 31)),
            Ok(new_year.first().copied())
        );
        assert_eq!(observed_holiday(day(2022, 1, 1)), Ok(None));
    }

    #[test]
    fn sunday_holiday_is_observed_on_monday() {
        let christmas = observed_holiday(day(2022, 12, 26)).ok().flatten();
        assert_eq!(
            christmas,
            Some(Holiday {
                name: "Christmas Day",
                date: day(2022, 12, 25),
                observed: day(2022, 12, 26),
            })
        );
        assert!(christmas.is_some_and(|h| h.is_observed_on_other_day()));
    }

    #[test]
    fn juneteenth_starts_in_2021() {
        assert!(holiday_named(2020, "Juneteenth National Independence Day").is_empty());
        assert_eq!(
            holiday_named(2021, "Juneteenth National Independence Day")
                .first()
                .map(|h| h.observed),
            Some(day(2021, 6, 18))
        );
    }

    #[test]
    fn martin_luther_king_day_starts_in_1986() {
        let name = "Birthday of Martin Luther King, Jr.";
        assert!(holiday_named(1985, name).is_empty());
        assert_eq!(
            holiday_named(1986, name).first().map(|h| h.date),
            Some(day(1986, 1, 20))
        );
    }

    #[test]
    fn veterans_day_was_in_october_from_1971_to_1977() {
        let observed = |year| {
            holiday_named(year, "Veterans Day")
                .iter()
                .map(|h| h.observed)
                .collect::<Vec<_>>()
        };
        assert_eq!(observed(1971), vec![day(1971, 10, 25)]);
        assert_eq!(observed(1977), vec![day(1977, 10, 24)]);
        assert_eq!(observed(1978), vec![day(1978, 11, 10)]);
    }

    #[test]
    fn memorial_day_is_the_last_monday_even_on_the_31st() {
        assert_eq!(
            holiday_named(2021, "Memorial Day").first().map(|h| h.date),
            Some(day(2021, 5, 31))
        );
        assert_eq!(
            holiday_named(2026, "Memorial Day").first().map(|h| h.date),
            Some(day(2026, 5, 25))
        );
    }

    #[test]
    fn years_outside_the_model_are_refused() {
        assert_eq!(
            federal_holidays(1970),
            Err(CalendarError::UnsupportedYear { year: 1970 })
        );
        assert_eq!(
            federal_holidays(10_000),
            Err(CalendarError::UnsupportedYear { year: 10_000 })
        );
        assert_eq!(
            observed_holiday(day(1970, 12, 25)),
            Err(CalendarError::UnsupportedDate {
                date: day(1970, 12, 25)
            })
        );
    }

    #[test]
    fn last_supported_new_years_eve_is_answered() {
        // 1 January 10000 is a Saturday, so New Year's Eve 9999 is its
        // observed date even though the year 10000 itself is not modeled.
        assert_eq!(day(10_000, 1, 1).weekday(), Weekday::Sat);
        assert_eq!(
            observed_holiday(day(9999, 12, 31))
                .ok()
                .flatten()
                .map(|h| h.date),
            Some(day(10_000, 1, 1))
        );
    }

    #[test]
    fn day_lookup_agrees_with_the_yearly_lists() {
        // observed_on only looks at one month's rules; check that shortcut
        // against the full lists for every day of many years.
        for year in 1971..=2100 {
            let mut expected: Vec<Holiday> = [year, year + 1]
                .into_iter()
                .flat_map(|y| LAWS.iter().filter_map(move |law| law.holiday_in(y)))
                .filter(|h| h.observed.year() == year)
                .collect();
            expected.sort_by_key(|h| h.observed);
            let found: Vec<Holiday> = day(year, 1, 1)
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter_map(observed_on)
                .collect();
            assert_eq!(found, expected, "year {year}");
        }
    }
}
