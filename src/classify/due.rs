//! When the response to a record is due, from its level's window.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::calendar::{Calendar, NonWorkingReason};
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, LevelId, Window};

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
/// window, `Err(field)` if the window's start field is absent (or so far
/// from today that no calendar covers it).
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
    let due = match response.window {
        Window::Immediately => Due {
            at: start,
            from,
            start,
            window: response.window,
            counted: Vec::new(),
            skipped: Vec::new(),
        },
        Window::Within(duration) => {
            let added = calendar.add(start_utc, duration).map_err(|_| from)?;
            Due {
                at: added.due,
                from,
                start,
                window: response.window,
                counted: added.counted,
                skipped: added.skipped,
            }
        }
    };
    Ok(Some(due))
}
