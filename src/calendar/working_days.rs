//! The working-day calendar of a ruleset: its time zone, weekends, observed
//! federal holidays and one-off closures, and deadline arithmetic on it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use super::error::{CalendarError, LAST_SUPPORTED_DATE, supported};
use super::holidays::observed_on;
use super::local_time::{end_of_day, resolve_local_or_next};
use super::non_working::NonWorkingReason;

/// Working days as a federal agency counts them, in one time zone.
///
/// A day is a working day unless it is a Saturday or Sunday, the observed
/// date of a federal holiday (unless turned off with
/// [`Calendar::with_federal_holidays`]), or a closure the ruleset declares
/// (a day the government closed by executive order, for instance). Days are
/// local dates in the calendar's zone: an event at 23:30 in New York happens
/// on a different day than it does in UTC, and the policy means the local
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    tz: Tz,
    /// Whether observed federal holidays are days off.
    federal_holidays: bool,
    /// The reasons given for each closure date, in the order given.
    closures: BTreeMap<NaiveDate, Vec<String>>,
}

/// When a working-day deadline falls due, and how the count got there.
///
/// The days are kept so `docket explain` can show the count day by day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDayDue {
    /// The deadline: the last instant of the last counted day, local time.
    pub due: DateTime<Tz>,
    /// The working days counted, in order; as many as were asked for.
    pub counted: Vec<NaiveDate>,
    /// The non-working days passed over between the start day and `due`,
    /// in order, each with its reason.
    pub skipped: Vec<(NaiveDate, NonWorkingReason)>,
}

impl Calendar {
    /// A calendar in `tz` with the ruleset's one-off `closures`, each with
    /// the reason a reader will see.
    ///
    /// Two closures on the same date keep both reasons (an exact repeat is
    /// kept once), so neither silently disappears.
    pub fn new(tz: Tz, closures: impl IntoIterator<Item = (NaiveDate, String)>) -> Self {
        let mut by_date: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
        for (date, reason) in closures {
            let reasons = by_date.entry(date).or_default();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        Self {
            tz,
            federal_holidays: true,
            closures: by_date,
        }
    }

    /// The same calendar with federal holidays counted as days off or not.
    ///
    /// A ruleset for an organization that works through federal holidays
    /// (`holidays: none`) still skips weekends and its own closures.
    #[must_use]
    pub fn with_federal_holidays(self, observed: bool) -> Self {
        Self {
            federal_holidays: observed,
            ..self
        }
    }

    /// Whether observed federal holidays are days off in this calendar.
    pub fn observes_federal_holidays(&self) -> bool {
        self.federal_holidays
    }

    /// The zone whose local dates are the calendar's days.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The declared closures in date order (in the order given within a
    /// date), for reports that list them.
    pub fn closures(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.closures
            .iter()
            .flat_map(|(date, reasons)| reasons.iter().map(|reason| (*date, reason.as_str())))
    }

    /// The local date of `instant` in the calendar's zone: the day the policy
    /// means when it says "the day of the event".
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.tz).date_naive()
    }

    /// The last instant of `date` in the calendar's zone, 23:59:59.999999999
    /// local time: a deadline "by the end of the day" holds until then.
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Tz> {
        end_of_day(self.tz, date)
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnsupportedDate`] outside the modeled years.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.non_working_reason(date)?.is_none())
    }

    /// Why `date` is not a working day, or `None` if it is one.
    ///
    /// A day with several reasons reports the most basic one: a weekend
    /// before a holiday (observed holidays never fall on weekends anyway),
    /// and a holiday before a closure declared on the same day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnsupportedDate`] outside the modeled years.
    pub fn non_working_reason(
        &self,
        date: NaiveDate,
    ) -> Result<Option<NonWorkingReason>, CalendarError> {
        supported(date).map(|date| self.reason_on(date))
    }

    /// [`Calendar::non_working_reason`] for a date already checked.
    fn reason_on(&self, date: NaiveDate) -> Option<NonWorkingReason> {
        let weekday = date.weekday();
        if matches!(weekday, Weekday::Sat | Weekday::Sun) {
            return Some(NonWorkingReason::Weekend(weekday));
        }
        if let Some(holiday) = self.federal_holidays.then(|| observed_on(date)).flatten() {
            return Some(NonWorkingReason::Holiday(holiday));
        }
        self.closures
            .get(&date)
            .map(|reasons| NonWorkingReason::Closure(reasons.join("; ")))
    }

    /// The end of the `n`-th working day after the day of `start`.
    ///
    /// The day of `start` (its local date) never counts, whatever the time
    /// and whether or not it is a working day: it is the day the clock
    /// starts. With `n = 0` the deadline is the end of that day. For example,
    /// an event on Wednesday 2026-11-25 (the day before Thanksgiving) with
    /// three working days is due at the end of Tuesday 2026-12-01: Thursday
    /// is Thanksgiving, Friday counts, the weekend is skipped, then Monday
    /// and Tuesday.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnsupportedDate`] if the start day is outside the
    /// modeled years, [`CalendarError::PastEnd`] if the count runs past them.
    pub fn working_days_after(
        &self,
        start: DateTime<Utc>,
        n: u32,
    ) -> Result<WorkingDayDue, CalendarError> {
        let past_end = || CalendarError::PastEnd {
            start,
            amount: n,
            unit: "working day",
        };
        let start_day = supported(self.local_date(start))?;
        // Each working day takes at least one calendar day; refusing an
        // impossible count up front avoids walking to the year 9999 first.
        let days_left = (LAST_SUPPORTED_DATE - start_day).num_days();
        if i64::from(n) > days_left {
            return Err(past_end());
        }
        let mut counted = Vec::new();
        let mut skipped = Vec::new();
        let mut day = start_day;
        let mut remaining = n;
        while remaining > 0 {
            day = day
                .succ_opt()
                .filter(|next| *next <= LAST_SUPPORTED_DATE)
                .ok_or_else(past_end)?;
            match self.reason_on(day) {
                Some(reason) => skipped.push((day, reason)),
                None => {
                    counted.push(day);
                    remaining -= 1;
                }
            }
        }
        Ok(WorkingDayDue {
            due: self.end_of_day(day),
            counted,
            skipped,
        })
    }

    /// The same local wall-clock time `n` days after `start`.
    ///
    /// "Within 30 calendar days" of 10:00 means 10:00 local time 30 days
    /// later, even if the clocks changed in between (so the elapsed time may
    /// be 30 days plus or minus an hour). If that local time does not exist
    /// because the clocks spring forward over it, the deadline is the first
    /// instant after the gap; if it happens twice because they fall back,
    /// the earlier of the two.
    ///
    /// # Errors
    ///
    /// [`CalendarError::PastEnd`] if the result is after the last covered
    /// date.
    pub fn calendar_days_after(
        &self,
        start: DateTime<Utc>,
        n: u32,
    ) -> Result<DateTime<Tz>, CalendarError> {
        let past_end = || CalendarError::PastEnd {
            start,
            amount: n,
            unit: "calendar day",
        };
        let local = start.with_timezone(&self.tz).naive_local();
        let target = local
            .checked_add_days(Days::new(u64::from(n)))
            .ok_or_else(past_end)?;
        let due = resolve_local_or_next(self.tz, target);
        within_range(due).ok_or_else(past_end)
    }

    /// The instant `n` elapsed hours after `start`, shown in the calendar's
    /// zone.
    ///
    /// Hours are absolute time: a policy that says "within 12 hours" means
    /// twelve hours of the incident going on, so across a daylight-saving
    /// change the local clock may show 11 or 13 hours later.
    ///
    /// # Errors
    ///
    /// [`CalendarError::PastEnd`] if the result is after the last covered
    /// date.
    pub fn hours_after(&self, start: DateTime<Utc>, n: u32) -> Result<DateTime<Tz>, CalendarError> {
        let past_end = || CalendarError::PastEnd {
            start,
            amount: n,
            unit: "hour",
        };
        let due = start
            .checked_add_signed(TimeDelta::hours(i64::from(n)))
            .ok_or_else(past_end)?
            .with_timezone(&self.tz);
        within_range(due).ok_or_else(past_end)
    }

    /// How many working days lie strictly after the day of `from` up to and
    /// including the day of `to` (local dates), negated when `to` is on an
    /// earlier day than `from`.
    ///
    /// This is how late something is in working days: done on the day after
    /// a Tuesday deadline is one working day late, done on the Saturday after
    /// a Friday deadline is zero working days late (though still late in
    /// time), and done on the Monday is one. For any `n`,
    /// `working_days_between(start, working_days_after(start, n).due)` is
    /// `n`. Two instants on the same local day are zero apart.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnsupportedDate`] if either day is outside the
    /// modeled years.
    pub fn working_days_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, CalendarError> {
        let from_day = supported(self.local_date(from))?;
        let to_day = supported(self.local_date(to))?;
        let (first, last, sign) = if to_day >= from_day {
            (from_day, to_day, 1)
        } else {
            (to_day, from_day, -1)
        };
        let count = first
            .iter_days()
            .skip(1)
            .take_while(|day| *day <= last)
            .filter(|day| self.reason_on(*day).is_none())
            .fold(0_i64, |count, _| count + 1);
        Ok(sign * count)
    }
}

/// `instant` if its local date is within the covered years.
fn within_range(instant: DateTime<Tz>) -> Option<DateTime<Tz>> {
    (instant.date_naive() <= LAST_SUPPORTED_DATE).then_some(instant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Holiday;
    use crate::calendar::test_dates::day;
    use chrono::TimeZone;
    use chrono_tz::America::New_York;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("test instants are valid")
    }

    #[test]
    fn closures_on_one_date_keep_every_distinct_reason() {
        let calendar = Calendar::new(
            New_York,
            [
                (day(2026, 3, 4), "snow".to_owned()),
                (day(2026, 3, 4), "power cut".to_owned()),
                (day(2026, 3, 4), "snow".to_owned()),
                (day(2026, 3, 2), "flood".to_owned()),
            ],
        );
        assert_eq!(
            calendar.closures().collect::<Vec<_>>(),
            vec![
                (day(2026, 3, 2), "flood"),
                (day(2026, 3, 4), "snow"),
                (day(2026, 3, 4), "power cut"),
            ]
        );
        assert_eq!(
            calendar.non_working_reason(day(2026, 3, 4)),
            Ok(Some(NonWorkingReason::Closure(
                "snow; power cut".to_owned()
            )))
        );
    }

    #[test]
    fn weekend_and_holiday_come_before_a_closure_on_the_same_day() {
        let calendar = Calendar::new(
            New_York,
            [
                (day(2026, 11, 28), "weekend closure".to_owned()),
                (day(2026, 11, 26), "holiday closure".to_owned()),
            ],
        );
        assert_eq!(
            calendar.non_working_reason(day(2026, 11, 28)),
            Ok(Some(NonWorkingReason::Weekend(Weekday::Sat)))
        );
        assert!(matches!(
            calendar.non_working_reason(day(2026, 11, 26)),
            Ok(Some(NonWorkingReason::Holiday(Holiday {
                name: "Thanksgiving Day",
                ..
            })))
        ));
    }

    #[test]
    fn holidays_can_be_turned_off() {
        let calendar = Calendar::new(New_York, []).with_federal_holidays(false);
        assert!(!calendar.observes_federal_holidays());
        assert_eq!(calendar.is_working_day(day(2026, 11, 26)), Ok(true));
        assert_eq!(calendar.is_working_day(day(2026, 11, 28)), Ok(false));
        let due = calendar.working_days_after(utc(2026, 11, 25, 15), 3);
        assert_eq!(due.map(|d| d.due.date_naive()), Ok(day(2026, 11, 30)));
    }

    #[test]
    fn zero_working_days_is_the_end_of_the_start_day_even_on_a_weekend() {
        let calendar = Calendar::new(New_York, []);
        // 03:00 UTC on Sunday is still Saturday evening in New York.
        let due = calendar
            .working_days_after(utc(2026, 11, 29, 3), 0)
            .expect("in range");
        assert_eq!(due.due.to_rfc3339(), "2026-11-28T23:59:59.999999999-05:00");
        assert!(due.counted.is_empty());
        assert!(due.skipped.is_empty());
    }

    #[test]
    fn counts_that_leave_the_modeled_years_are_errors() {
        let calendar = Calendar::new(New_York, []);
        let near_end = utc(9999, 12, 29, 15);
        assert!(calendar.working_days_after(near_end, 1).is_ok());
        let err = calendar.working_days_after(near_end, 3);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err(
                "3 working days after 9999-12-29 15:00:00 UTC falls after 9999-12-31, the \
                 last date docket's calendar covers"
                    .to_owned()
            )
        );
        assert!(matches!(
            calendar.working_days_after(near_end, u32::MAX),
            Err(CalendarError::PastEnd { .. })
        ));
        assert!(matches!(
            calendar.hours_after(near_end, u32::MAX),
            Err(CalendarError::PastEnd { .. })
        ));
        assert!(matches!(
            calendar.calendar_days_after(near_end, 3),
            Err(CalendarError::PastEnd { .. })
        ));
        assert_eq!(
            calendar.working_days_after(utc(1970, 1, 1, 0), 3),
            Err(CalendarError::UnsupportedDate {
                date: day(1969, 12, 31)
            })
        );
    }

    #[test]
    fn working_days_between_counts_lateness() {
        let calendar = Calendar::new(New_York, []);
        // Due Friday 2026-11-27; done Saturday, Monday, Tuesday.
        let due = utc(2026, 11, 27, 20);
        assert_eq!(
            calendar.working_days_between(due, utc(2026, 11, 28, 15)),
            Ok(0)
        );
        assert_eq!(
            calendar.working_days_between(due, utc(2026, 11, 30, 15)),
            Ok(1)
        );
        assert_eq!(
            calendar.working_days_between(due, utc(2026, 12, 1, 15)),
            Ok(2)
        );
        assert_eq!(
            calendar.working_days_between(utc(2026, 12, 1, 15), due),
            Ok(-2)
        );
        assert_eq!(calendar.working_days_between(due, due), Ok(0));
    }
}
