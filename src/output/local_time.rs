//! Local times of classification rows, written straight into the row.
//!
//! Every CSV row shows two instants in a zone (when the event occurred,
//! when the response is due). [`LocalClock`] keeps, for the buffer that
//! encodes the rows, what it has worked out about each UTC day it has seen:
//! the zone's offset throughout it and the text of the local dates it
//! spans, so that an instant costs one look-up (by its UTC date, as chrono
//! holds it, without working out its timestamp), one fixed-size copy and
//! the digits of its time of day. A day during which the offset changes is
//! never cached, and instants the fast text does not cover (offsets in
//! seconds, years outside 0..=9999) go through chrono, so the bytes are
//! always the ones [`timestamp::write_local`] writes.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::cells::CellEscaping;
use super::csv_row;
use crate::record::timestamp;

/// Days the cache holds, a power of two: almost three years.
const SLOTS: usize = 1024;

/// Seconds in a day.
const DAY: i32 = 86_400;

/// The length of a local time's text: `YYYY-MM-DDTHH:MM:SS+HH:MM`.
const TEXT: usize = 25;

/// Where `HH:MM:SS` is in a local time's text.
const TIME_AT: usize = 11;

/// A local time's text and the comma after it in a block a little longer,
/// copied whole (see [`super::encoded`]).
type Block = [u8; 32];

/// One cached UTC day of a zone.
#[derive(Clone, Copy)]
struct Slot {
    /// The UTC date.
    date: NaiveDate,
    tz: Tz,
    /// `None` when the offset changes during the day, or its local times
    /// are not all written by [`timestamp::local_text`] (and for the slots
    /// not filled yet, which then cost nothing but the exact path).
    text: Option<DayText>,
}

/// What the local times of a UTC day share.
#[derive(Clone, Copy)]
struct DayText {
    /// The offset throughout the day, in seconds.
    offset: i32,
    /// The text of midnight of the local dates of the day before, the day
    /// itself and the day after (an offset moves some of the day's local
    /// times into one of them), at the offset, and a comma.
    midnights: [Block; 3],
    /// The second of the UTC day last written and the digits of its local
    /// time of day (a second of no day at first): due times are mostly the
    /// end of a local day.
    last: (u32, [u8; 8]),
}

impl DayText {
    /// The text of `day` (days since the epoch) of `tz`, if the offset is
    /// the same all day and every local time of it has a fast text.
    fn of(tz: Tz, day: i64) -> Option<Self> {
        let offset = timestamp::cached_uniform_utc_day(tz, day)?;
        let suffix = timestamp::offset_text(offset)?;
        let midnight = |day| {
            let date = timestamp::date_text(day)?;
            let text = timestamp::join_local(date, *b"00:00:00", suffix);
            let mut block = [0; 32];
            block.get_mut(..TEXT)?.copy_from_slice(&text);
            *block.get_mut(TEXT)? = b',';
            Some(block)
        };
        Some(DayText {
            offset,
            midnights: [midnight(day - 1)?, midnight(day)?, midnight(day + 1)?],
            last: (u32::MAX, [0; 8]),
        })
    }

    /// Appends the local time `second` seconds into the UTC day and a
    /// comma: the text of its local midnight, then its time of day written
    /// over the midnight's in `out`. The digits are stored after the copy, never
    /// into bytes about to be copied: a copy that reads bytes just written
    /// in part waits for the writes to reach the cache.
    #[inline(always)]
    fn push(&mut self, out: &mut Vec<u8>, second: u32) {
        // Within a day either side: offsets are under a day.
        let local = second as i32 + self.offset;
        let [before, on, after] = &self.midnights;
        let (midnight, local) = if local < 0 {
            (before, local + DAY)
        } else if local < DAY {
            (on, local)
        } else {
            (after, local - DAY)
        };
        if self.last.0 != second {
            self.last = (second, time_of_day(local as u32));
        }
        let start = out.len();
        out.extend_from_slice(midnight);
        // Digits first, and no delimiter, quote or line break.
        out.truncate(start + TEXT + 1);
        let at = start + TIME_AT;
        if let Some(digits) = out.get_mut(at..at + 8) {
            digits.copy_from_slice(&self.last.1);
        }
    }
}

/// The two digits of each number under 100, one after another.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
    5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// The digits of `n`, under 100 (else `00`, which no caller gives).
fn pair(n: u32) -> [u8; 2] {
    let at = 2 * n as usize;
    match PAIRS.get(at..at + 2) {
        Some(&[tens, ones]) => [tens, ones],
        _ => *b"00",
    }
}

/// `HH:MM:SS` of `second` (under a day): the text of
/// [`timestamp::time_text`], from a table of digit pairs.
#[inline(always)]
fn time_of_day(second: u32) -> [u8; 8] {
    let (hour, second_of_hour) = (second / 3600, second % 3600);
    let [h0, h1] = pair(hour);
    let [m0, m1] = pair(second_of_hour / 60);
    let [s0, s1] = pair(second_of_hour % 60);
    [h0, h1, b':', m0, m1, b':', s0, s1]
}

/// A slot for each UTC date; consecutive dates take consecutive slots.
fn slot_index(date: NaiveDate) -> usize {
    (date.year() as usize)
        .wrapping_mul(367)
        .wrapping_add(date.ordinal0() as usize)
        & (SLOTS - 1)
}

/// Puts the day of `at` (whose UTC date is `date`) in `tz` in `slot`: once
/// a day, out of the way of the look-ups.
#[cold]
#[inline(never)]
fn fill(slot: &mut Slot, tz: Tz, date: NaiveDate, at: DateTime<Utc>) {
    *slot = Slot {
        date,
        tz,
        text: DayText::of(tz, at.timestamp().div_euclid(i64::from(DAY))),
    };
}

/// A per-buffer cache of a zone's days, and the writer of local times
/// through it.
pub struct LocalClock {
    slots: Vec<Slot>,
    /// Text of the instants that chrono formats.
    scratch: String,
}

impl Default for LocalClock {
    fn default() -> Self {
        let empty = Slot {
            date: NaiveDate::MIN,
            tz: Tz::UTC,
            text: None,
        };
        LocalClock {
            slots: vec![empty; SLOTS],
            scratch: String::new(),
        }
    }
}

impl LocalClock {
    /// Appends `at` in `tz` as a CSV cell: `%Y-%m-%dT%H:%M:%S%:z` (seconds
    /// truncated), the text of [`timestamp::write_local`], through
    /// `escaping` (which only a time chrono writes can need: a year before
    /// 0 begins with `-`), then the comma after it (every local time of a
    /// row is followed by one, and the cached text holds it, so appending
    /// it costs nothing).
    #[inline(always)]
    pub fn push_cell_and_comma(
        &mut self,
        out: &mut Vec<u8>,
        at: DateTime<Utc>,
        tz: Tz,
        escaping: CellEscaping,
    ) {
        let utc = at.naive_utc();
        let time = utc.time();
        // A leap second is left to the exact path.
        if time.nanosecond() < 1_000_000_000 {
            if let Some(text) = self.day(tz, utc.date(), at) {
                return text.push(out, time.num_seconds_from_midnight());
            }
        }
        self.push_exact(out, at, tz, escaping);
    }

    /// The cached text of the UTC `date` of `at` in `tz`, worked out on a
    /// miss.
    #[inline(always)]
    fn day(&mut self, tz: Tz, date: NaiveDate, at: DateTime<Utc>) -> Option<&mut DayText> {
        let slot = self.slots.get_mut(slot_index(date))?;
        if slot.date != date || slot.tz != tz {
            fill(slot, tz, date, at);
        }
        slot.text.as_mut()
    }

    /// [`Self::push_cell_and_comma`] for a day with a change of offset, a
    /// leap second or a time without a fast text.
    #[cold]
    #[inline(never)]
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
        out.push(b',');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chrono's text of `at` in `tz`, and the comma the clock appends.
    fn by_chrono(at: DateTime<Utc>, tz: Tz) -> String {
        let text = at.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z");
        format!("{text},")
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
                clock.push_cell_and_comma(&mut out, at, tz, CellEscaping::Raw);
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
                clock.push_cell_and_comma(&mut out, instant(text), tz, CellEscaping::Raw);
                assert_eq!(String::from_utf8_lossy(&out), by_chrono(instant(text), tz));
            }
        }
    }

    #[test]
    fn a_time_written_again_is_written_as_chrono_writes_it() {
        // The same seconds of a day again, after others of that day, of
        // the same second of other days, and in another zone.
        let mut clock = LocalClock::default();
        let texts = [
            "2026-02-04T04:59:59Z",
            "2026-02-04T04:59:59Z",
            "2026-02-05T04:59:59Z",
            "2026-02-04T04:59:59Z",
            "2026-02-04T17:00:00Z",
            "2026-02-04T04:59:59Z",
            "2026-02-04T17:00:00Z",
        ];
        for zone in ["America/New_York", "Asia/Kolkata", "America/New_York"] {
            let tz: Tz = zone.parse().expect("a zone");
            for text in texts {
                let mut out = Vec::new();
                clock.push_cell_and_comma(&mut out, instant(text), tz, CellEscaping::Raw);
                assert_eq!(String::from_utf8_lossy(&out), by_chrono(instant(text), tz));
            }
        }
    }

    #[test]
    fn every_time_of_day_is_the_text_of_time_text() {
        for second in 0..86_400 {
            assert_eq!(
                time_of_day(second),
                timestamp::time_text(second),
                "{second}"
            );
        }
    }

    #[test]
    fn leap_seconds_are_written_as_chrono_writes_them() {
        let tz: Tz = "America/New_York".parse().expect("a zone");
        let leap = instant("2016-12-31T23:59:60Z");
        let mut out = Vec::new();
        LocalClock::default().push_cell_and_comma(&mut out, leap, tz, CellEscaping::Raw);
        let mut expected = String::new();
        timestamp::write_local(&mut expected, leap, tz);
        expected.push(',');
        assert_eq!(String::from_utf8_lossy(&out), expected);
    }
}
