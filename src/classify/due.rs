//! When the response to a record is due, from its level's window.
//!
//! A window in working days ends at the end of a day that depends only on
//! the local date the window starts on, so its result is kept in a small
//! [`Cache`] that the caller owns (in a [`Scratch`](super::Scratch), one
//! per thread of a batch): a million records of one year need a few
//! hundred counts, not a million. Finding a start's local date needs the zone's
//! offset, so the cache is by UTC day: one slot holds the day's offset
//! (where it is the same all day) and the window's ends for the local dates
//! the day's instants fall on, so that a hit costs one slot (one cache
//! line). Other windows are plain arithmetic on the start
//! instant.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

use super::slots::Slots;
use crate::calendar::{Calendar, NonWorkingReason};
use crate::record::timestamp::{cached_uniform_utc_day, offset_at};
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{DurationUnit, FieldId, LevelId, Window};

/// A due time and how it was reached, for `explain`.
///
/// The working days counted and skipped are not kept: a million records
/// need only their due times, and sharing the lists cost a reference-count
/// increment and decrement per list and record. `explain` counts them again
/// ([`Due::working_days`]).
#[derive(Clone, Copy, Debug)]
pub struct Due {
    /// When the response is due.
    pub at: DateTime<Utc>,
    /// The zone the due time is shown in (the calendar's).
    pub tz: Tz,
    /// The field the window starts from.
    pub from: FieldId,
    /// The start of the window.
    pub start: DateTime<Utc>,
    /// The window.
    pub window: Window,
}

impl Due {
    /// The due time in the calendar's zone.
    pub fn at_local(&self) -> DateTime<Tz> {
        self.at.with_timezone(&self.tz)
    }

    /// The start of the window in the calendar's zone.
    pub fn start_local(&self) -> DateTime<Tz> {
        self.start.with_timezone(&self.tz)
    }

    /// The working days counted to reach [`at`](Self::at) and the days
    /// skipped on the way, with why, as `calendar` (the one the due time was
    /// computed with) counts them; empty for a window not in working days.
    pub fn working_days(&self, calendar: &Calendar) -> Counting {
        match self.window {
            Window::Within(duration) if duration.unit == DurationUnit::WorkingDays => calendar
                .working_days_after(self.start, duration.amount)
                .map(|added| (added.counted, added.skipped))
                .unwrap_or_default(),
            _ => Counting::default(),
        }
    }
}

/// The working days a window counted, and the days it skipped with why.
pub type Counting = (Vec<NaiveDate>, Vec<(NaiveDate, NonWorkingReason)>);

/// The windows in working days counted for one calendar, by UTC day of
/// their start (see [`Slots`]).
pub type Cache = Slots<UtcDay, SLOTS>;

/// What the cache knows of one UTC day, for one window length.
///
/// Aligned to a cache line, which it fills, so that a hit reads one line.
#[derive(Clone, Copy)]
#[repr(align(64))]
pub struct UtcDay {
    /// The UTC date.
    date: NaiveDate,
    /// The zone's offset throughout the day, if it is the same all day:
    /// what [`offset_at`] answers for every instant of it.
    offset: Option<i32>,
    /// The working days the ends count.
    amount: u32,
    /// The window's end for a start on the local date before, on and after
    /// the UTC day (an instant's local date is within a day of its UTC
    /// date), once counted.
    ends: [Option<DateTime<Utc>>; 3],
}

/// Cache slots: UTC days, so two years (see [`slot_of`]).
const SLOTS: usize = 1024;

/// The slot of a UTC date: its day of the year, in one half of the table
/// for even years and in the other for odd ones. Read from the date as it
/// is held (year and ordinal), without counting the days since the epoch
/// that a hit does not need.
#[inline]
fn slot_of(date: NaiveDate) -> usize {
    const HALF: usize = SLOTS / 2;
    let odd_year = usize::from(date.year() % 2 != 0);
    odd_year * HALF + date.ordinal0() as usize % HALF
}

/// The due time of a record at `level`: `Ok(None)` if the level has no
/// window, `Err(field)` if the window's start field is absent (or so far
/// from today that no calendar covers it). `cache` holds the windows
/// already counted with `calendar`.
pub fn compute(
    ruleset: &Ruleset,
    calendar: &Calendar,
    cache: &mut Cache,
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
    let start = start.to_utc();
    let tz = calendar.tz();
    let due = |at| Due {
        at,
        tz,
        from,
        start,
        window: response.window,
    };
    let at = match response.window {
        Window::Immediately => due(start),
        Window::Within(duration) => {
            let elapsed = match duration.unit {
                DurationUnit::Minutes => Some(TimeDelta::minutes(i64::from(duration.amount))),
                DurationUnit::Hours => Some(TimeDelta::hours(i64::from(duration.amount))),
                _ => None,
            };
            // Plain arithmetic when the result is a year or more inside the
            // calendar's range; the calendar checks the edges itself.
            let plain = elapsed
                .and_then(|e| start.checked_add_signed(e))
                .filter(|at| at.year() < crate::calendar::LAST_SUPPORTED_YEAR);
            match (plain, duration.unit) {
                (Some(at), _) => due(at),
                (None, DurationUnit::WorkingDays) => {
                    due(working_days(calendar, cache, start, duration.amount).ok_or(from)?)
                }
                (None, _) => due(calendar
                    .add(start, duration)
                    .map_err(|_| from)?
                    .due
                    .to_utc()),
            }
        }
    };
    Ok(Some(at))
}

/// The end of `amount` working days after the local day of `start`,
/// through the cache; `None` if the calendar cannot count that far.
fn working_days(
    calendar: &Calendar,
    cache: &mut Cache,
    start: DateTime<Utc>,
    amount: u32,
) -> Option<DateTime<Utc>> {
    let utc = start.naive_utc();
    let date = utc.date();
    let slot = cache.slot_mut(slot_of(date))?;
    if !matches!(slot, Some(d) if d.date == date) {
        // Days since the epoch, which the offset cache is keyed by: only
        // when a day is first met.
        let utc_day = start.timestamp().div_euclid(86_400);
        *slot = Some(UtcDay {
            date,
            offset: cached_uniform_utc_day(calendar.tz(), utc_day),
            amount,
            ends: [None; 3],
        });
    }
    let entry = slot.as_mut()?;
    if entry.amount != amount {
        entry.amount = amount;
        entry.ends = [None; 3];
    }
    // The local date, as whole days after the UTC date (-1, 0 or 1):
    // integer arithmetic on the time of day and the offset, no calendar
    // dates.
    let offset = entry
        .offset
        .unwrap_or_else(|| offset_at(calendar.tz(), utc));
    let local = i64::from(utc.time().num_seconds_from_midnight()) + i64::from(offset);
    let end = usize::try_from(local.div_euclid(86_400) + 1)
        .ok()
        .and_then(|i| entry.ends.get_mut(i));
    if let Some(Some(at)) = end.as_deref() {
        return Some(*at);
    }
    let at = calendar
        .working_days_after(start, amount)
        .ok()?
        .due
        .to_utc();
    if let Some(end) = end {
        *end = Some(at);
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two years of consecutive UTC dates take distinct slots, so the
    /// cache holds a window for each of them.
    #[test]
    fn two_years_of_dates_take_distinct_slots() {
        let first = NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date");
        let slots: std::collections::HashSet<usize> =
            first.iter_days().take(365 + 366).map(slot_of).collect();
        assert_eq!(slots.len(), 365 + 366);
        assert!(slots.iter().all(|s| *s < SLOTS));
    }

    /// A slot fills one cache line.
    #[test]
    fn a_slot_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Option<UtcDay>>(), 64);
    }

    /// The cache (offsets and ends by UTC day) gives what counting afresh
    /// gives, for starts every 37 minutes through two years (clock changes
    /// and holidays included), in zones west and east of UTC (up to 14
    /// hours east), for two window lengths sharing the cache.
    #[test]
    fn cached_windows_are_those_counted_afresh() {
        for tz in [
            chrono_tz::America::New_York,
            chrono_tz::Australia::Sydney,
            chrono_tz::Pacific::Kiritimati,
        ] {
            let calendar = Calendar::new(tz, std::iter::empty()).with_federal_holidays(true);
            let mut cache = Cache::default();
            let first = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
                .map(|t| t.to_utc())
                .ok();
            let mut start = first.expect("a valid instant");
            let mut counted = 0;
            for step in 0..28_000 {
                let amount = if step % 3 == 0 { 1 } else { 3 };
                let cached = working_days(&calendar, &mut cache, start, amount);
                let afresh = calendar.working_days_after(start, amount).ok();
                match (cached, afresh) {
                    (Some(c), Some(a)) => {
                        counted += 1;
                        assert_eq!(c, a.due.to_utc(), "{tz} {start} {amount}");
                    }
                    (None, None) => {}
                    (c, a) => panic!("{tz} {start}: {c:?} against {a:?}"),
                }
                start += TimeDelta::minutes(37);
            }
            assert_eq!(counted, 28_000, "{tz}: every window is within the calendar");
        }
    }
}
