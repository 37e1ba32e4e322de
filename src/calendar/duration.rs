//! Adding a policy duration to an instant, in the duration's own unit.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Calendar, CalendarError, WorkingDayDue};
use crate::ruleset::model::{Duration, DurationUnit};

impl Calendar {
    /// `start` plus `duration`: elapsed minutes or hours, the same local time
    /// some calendar days later, or the end of the n-th working day after the
    /// start day. For working days the days counted and skipped come back
    /// too (for `explain`); for the other units they are empty.
    pub fn add(
        &self,
        start: DateTime<Utc>,
        duration: Duration,
    ) -> Result<WorkingDayDue, CalendarError> {
        let plain = |due| WorkingDayDue {
            due,
            counted: Vec::new(),
            skipped: Vec::new(),
        };
        match duration.unit {
            DurationUnit::Minutes => {
                let due = start
                    .checked_add_signed(TimeDelta::minutes(i64::from(duration.amount)))
                    .ok_or(CalendarError::PastEnd {
                        start,
                        amount: duration.amount,
                        unit: "minutes",
                    })?;
                Ok(plain(due.with_timezone(&self.tz())))
            }
            DurationUnit::Hours => self.hours_after(start, duration.amount).map(plain),
            DurationUnit::CalendarDays => {
                self.calendar_days_after(start, duration.amount).map(plain)
            }
            DurationUnit::WorkingDays => self.working_days_after(start, duration.amount),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_means_what_the_policy_says() {
        let calendar = Calendar::new(chrono_tz::America::New_York, []);
        // Friday 2026-11-20 16:00 local.
        let start: DateTime<Utc> = "2026-11-20T21:00:00Z".parse().unwrap();
        let add = |amount, unit| {
            calendar
                .add(start, Duration { amount, unit })
                .unwrap()
                .due
                .to_rfc3339()
        };
        assert_eq!(add(90, DurationUnit::Minutes), "2026-11-20T17:30:00-05:00");
        assert_eq!(add(12, DurationUnit::Hours), "2026-11-21T04:00:00-05:00");
        assert_eq!(
            add(1, DurationUnit::CalendarDays),
            "2026-11-21T16:00:00-05:00"
        );
        // One working day after a Friday is the end of Monday.
        assert_eq!(
            add(1, DurationUnit::WorkingDays),
            "2026-11-23T23:59:59.999999999-05:00"
        );
    }
}
