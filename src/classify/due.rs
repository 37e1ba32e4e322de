//! When the response to a record is due, from its level's window.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::calendar::{Calendar, NonWorkingReason};
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{DurationUnit, FieldId, LevelId, Window};

/// A due time and how it was reached, for `explain`.
#[derive(Clone, Debug)]
pub struct Due {
    /// When the response is due.
    pub at: DateTime<Tz>,
    /// The field the window starts from.
    pub from: FieldId,
    /// The start of the window.
    pub start: DateTime<Tz>,
    /// The window.
    pub window: Window,
    /// Working days counted, for a window in working days.
    pub counted: Vec<NaiveDate>,
    /// Days skipped when counting working days, with why.
    pub skipped: Vec<(NaiveDate, NonWorkingReason)>,
}

/// The due time of a record at `level`: `Ok(None)` if the level has no
/// window, `Err(field)` if the window's start field is absent.
pub fn compute(
    ruleset: &Ruleset,
    calendar: &Calendar,
    level: LevelId,
    record: &Record,
) -> Result<Option<Due>, FieldId> {
    let Some(response) = ruleset
        .levels
        .get(level.index())
        .and_then(|l| l.response.as_ref())
    else {
        return Ok(None);
    };
    let from = response.from.value;
    let Some(Value::Time(start)) = record.get(from) else {
        return Err(from);
    };
    let start_utc = start.with_timezone(&Utc);
    let start = start.with_timezone(&calendar.tz());
    let (mut counted, mut skipped) = (Vec::new(), Vec::new());
    let at = match response.window {
        Window::Immediately => Some(start),
        Window::Within(duration) => match duration.unit {
            DurationUnit::Minutes => Some(start + TimeDelta::minutes(i64::from(duration.amount))),
            DurationUnit::Hours => calendar.hours_after(start_utc, duration.amount).ok(),
            DurationUnit::CalendarDays => calendar
                .calendar_days_after(start_utc, duration.amount)
                .ok(),
            DurationUnit::WorkingDays => calendar
                .working_days_after(start_utc, duration.amount)
                .ok()
                .map(|due| {
                    counted = due.counted;
                    skipped = due.skipped;
                    due.due
                }),
        },
    };
    // A calendar error means a date outside 1971-9999: no due time can be
    // given, and the start field is the one to blame.
    let Some(at) = at else {
        return Err(from);
    };
    Ok(Some(Due {
        at,
        from,
        start,
        window: response.window,
        counted,
        skipped,
    }))
}
