//! Local times of classification rows, written straight into the row.
//!
//! Every CSV row shows two instants in a zone (when the event occurred,
//! when the response is due). [`LocalClock`] keeps, for the buffer that
//! encodes the rows, what it has worked out about each UTC day it has seen:
//! the zone's offset throughout it and the text of the local dates it
//! spans, so that an instant costs one look-up and the digits of its time
//! of day. A day during which the offset changes is never cached, and
//! instants the fast text does not cover (offsets in seconds, years outside
//! 0..=9999) go through chrono, so the bytes are always the ones
//! [`timestamp::write_local`] writes.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::cells::CellEscaping;
use super::csv_row;
use crate::record::timestamp;

/// Days the cache holds, a power of two: almost three years.
const SLOTS: usize = 1024;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// One cached UTC day of a zone.
#[derive(Clone, Copy)]
struct Slot {
    day: i64,
    tz: Tz,
    /// `None` when the offset changes during the day, or its local times
    /// are not all written by [`timestamp::local_text`].
    text: Option<DayText>,
}

/// What the local times of a UTC day share.
#[derive(Clone, Copy)]
struct DayText {
    /// The offset throughout the day, in seconds.
    offset: i64,
    /// The text of midnight of the local dates of the day before, the day
    /// itself and the day after (an offset moves some of the day's local
    /// times into one of them), at the offset.
    before: [u8; 25],
    on: [u8; 25],
    after: [u8; 25],
}

impl DayText {
    /// The text of `day` of `tz`, if the offset is the same all day and
    /// every local time of it has a fast text.
    fn of(tz: Tz, day: i64) -> Option<Self> {
        let offset = timestamp::cached_uniform_utc_day(tz, day)?;
        let suffix = timestamp::offset_text(offset)?;
        let midnight = |day| {
            let date = timestamp::date_text(day)?;
            Some(timestamp::join_local(date, *b"00:00:00", suffix))
        };
        Some(DayText {
            offset: i64::from(offset),
            before: midnight(day - 1)?,
            on: midnight(day)?,
            after: midnight(day + 1)?,
        })
    }
}

/// Writes the time of day `second` (under a day) into the text of a
/// midnight.
fn set_time(text: &mut [u8; 25], second: u32) {
    let [h0, h1, _, m0, m1, _, s0, s1] = timestamp::time_text(second);
    text[11] = h0;
    text[12] = h1;
    text[14] = m0;
    text[15] = m1;
    text[17] = s0;
    text[18] = s1;
}

/// A per-buffer cache of a zone's days, and the writer of local times
/// through it.
pub struct LocalClock {
    slots: Vec<Option<Slot>>,
    /// Text of the instants that chrono formats.
    scratch: String,
}

impl Default for LocalClock {
    fn default() -> Self {
        LocalClock {
            slots: vec![None; SLOTS],
            scratch: String::new(),
        }
    }
}

impl LocalClock {
    /// Appends `at` in `tz` as a CSV cell: `%Y-%m-%dT%H:%M:%S%:z` (seconds
    /// truncated), the text of [`timestamp::write_local`], through
    /// `escaping` (which only a time chrono writes can need: a year before
    /// 0 begins with `-`).
    pub fn push_cell(
        &mut self,
        out: &mut Vec<u8>,
        at: DateTime<Utc>,
        tz: Tz,
        escaping: CellEscaping,
    ) {
        let seconds = at.timestamp();
        let day = seconds.div_euclid(DAY);
        // A leap second is left to the exact path.
        if at.timestamp_subsec_nanos() < 1_000_000_000 {
            if let Some(text) = self.day(tz, day) {
                // Within a day either side: offsets are under a day.
                let local = seconds - day * DAY + text.offset;
                let (mut text, second) = if local < 0 {
                    (text.before, local + DAY)
                } else if local < DAY {
                    (text.on, local)
                } else {
                    (text.after, local - DAY)
                };
                set_time(&mut text, second as u32);
                // Digits first, and no delimiter, quote or line break.
                out.extend_from_slice(&text);
                return;
            }
        }
        self.push_exact(out, at, tz, escaping);
    }

    /// The cached text of `day` of `tz`, worked out on a miss.
    fn day(&mut self, tz: Tz, day: i64) -> Option<&DayText> {
        let slot = self.slots.get_mut((day as usize) & (SLOTS - 1))?;
        if !matches!(slot, Some(s) if s.day == day && s.tz == tz) {
            *slot = Some(Slot {
                day,
                tz,
                text: DayText::of(tz, day),
            });
        }
        slot.as_ref().and_then(|s| s.text.as_ref())
    }

    /// [`Self::push_cell`] for a day with a change of offset, a leap second
    /// or a time without a fast text.
    #[cold]
    fn push_exact(&mut self, out: &mut Vec<u8>, at: DateTime<Utc>, tz: Tz, escaping: CellEscaping) {
        let offset = tz
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc();
        match timestamp::local_text(at, offset) {
            Some(text) => out.extend_from_slice(&text),
            None => {
                self.scratch.clear();
                timestamp::write_local_by_chrono(&mut self.scratch, at, tz);
                csv_row::push_cell(out, &self.scratch, escaping);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_chrono(at: DateTime<Utc>, tz: Tz) -> String {
        at.with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .to_utc()
    }

    /// Every `step` from `start`, `count` times, in each zone: the clock
    /// writes what chrono writes (one clock for all zones, so that zones
    /// also evict each other's days).
    fn agrees_with_chrono(zones: &[&str], start: &str, step: chrono::TimeDelta, count: usize) {
        let mut clock = LocalClock::default();
        let mut out = Vec::new();
        let mut at = instant(start);
        for _ in 0..count {
            for zone in zones {
                let tz: Tz = zone.parse().expect("a zone");
                out.clear();
                clock.push_cell(&mut out, at, tz, CellEscaping::Raw);
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    by_chrono(at, tz),
                    "{zone} {at}"
                );
            }
            at += step;
        }
    }

    #[test]
    fn local_times_are_written_as_chrono_writes_them_across_daylight_saving() {
        // Every 7 minutes from before the spring changes to after the fall
        // ones, in zones that move by an hour, by half an hour (Lord Howe),
        // not at all (UTC, Kolkata), at odd minutes (Kathmandu), and south
        // of the equator.
        agrees_with_chrono(
            &[
                "America/New_York",
                "Europe/London",
                "Australia/Lord_Howe",
                "Australia/Sydney",
                "Asia/Kolkata",
                "Asia/Kathmandu",
                "America/St_Johns",
                "UTC",
            ],
            "2026-01-01T00:00:00Z",
            chrono::TimeDelta::minutes(7),
            366 * 24 * 60 / 7,
        );
    }

    #[test]
    fn the_changes_themselves_are_written_as_chrono_writes_them() {
        // Every second around New York's spring and fall changes.
        for start in ["2026-03-08T06:30:00Z", "2026-11-01T05:30:00Z"] {
            agrees_with_chrono(
                &["America/New_York"],
                start,
                chrono::TimeDelta::seconds(1),
                3600,
            );
        }
    }

    #[test]
    fn odd_offsets_and_far_years_go_through_chrono() {
        // Local mean time of the 19th century (offsets in seconds), years
        // around 0 and 9999, and a span of whole decades.
        agrees_with_chrono(
            &["Europe/Amsterdam", "Africa/Monrovia", "America/New_York"],
            "1800-01-01T00:00:00Z",
            chrono::TimeDelta::days(13) + chrono::TimeDelta::seconds(3_607),
            300 * 365 / 13,
        );
        for text in [
            "0000-01-01T00:00:00Z",
            "0000-03-01T04:59:59Z",
            "0000-03-01T05:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31T04:59:59Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00Z",
        ] {
            let mut clock = LocalClock::default();
            for zone in ["UTC", "America/New_York", "Asia/Tokyo"] {
                let tz: Tz = zone.parse().expect("a zone");
                let mut out = Vec::new();
                clock.push_cell(&mut out, instant(text), tz, CellEscaping::Raw);
                assert_eq!(String::from_utf8_lossy(&out), by_chrono(instant(text), tz));
            }
        }
    }

    #[test]
    fn leap_seconds_are_written_as_chrono_writes_them() {
        let tz: Tz = "America/New_York".parse().expect("a zone");
        let leap = instant("2016-12-31T23:59:60Z");
        let mut out = Vec::new();
        LocalClock::default().push_cell(&mut out, leap, tz, CellEscaping::Raw);
        let mut expected = String::new();
        timestamp::write_local(&mut expected, leap, tz);
        assert_eq!(String::from_utf8_lossy(&out), expected);
    }
}
