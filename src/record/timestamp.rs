//! Fast paths for the timestamp spellings of bulk inputs and outputs.
//!
//! [`parse_fixed`] reads `YYYY-MM-DD[T ]HH:MM:SS` with `Z`, `±HH:MM` or
//! nothing after it, byte by byte; anything else (fractions, other
//! spellings) is left to the general parser in [`super::parse_timestamp`],
//! which gives the same result for these spellings, only slower.
//! [`write_local`] writes an instant in a zone as `%Y-%m-%dT%H:%M:%S%:z`,
//! looking up the zone's offset through a small per-thread cache keyed by
//! the UTC day; a day during which the offset changes is never cached.
//! [`resolve_naive`] resolves a naive local time through a similar cache
//! keyed by the local day.

use std::cell::RefCell;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// A timestamp read by [`parse_fixed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fixed {
    /// With an offset (`Z` is +00:00).
    Offset(DateTime<FixedOffset>),
    /// Without one: a local time in the ruleset's zone.
    Naive(NaiveDateTime),
}

/// The two-digit number `ab`, if both are ASCII digits.
fn two(a: u8, b: u8) -> Option<u32> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then(|| u32::from(a) * 10 + u32::from(b))
}

/// Reads `YYYY-MM-DD[T ]HH:MM:SS` followed by `Z`, `±HH:MM` or nothing;
/// `None` for anything else. Text or bytes: these spellings are ASCII, so a
/// CSV cell read as bytes needs no UTF-8 check first.
pub fn parse_fixed(text: &(impl AsRef<[u8]> + ?Sized)) -> Option<Fixed> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        mo0,
        mo1,
        b'-',
        d0,
        d1,
        b'T' | b' ',
        h0,
        h1,
        b':',
        mi0,
        mi1,
        b':',
        s0,
        s1,
        rest @ ..,
    ] = text.as_ref()
    else {
        return None;
    };
    let year = two(*y0, *y1)? * 100 + two(*y2, *y3)?;
    let date = NaiveDate::from_ymd_opt(year as i32, two(*mo0, *mo1)?, two(*d0, *d1)?)?;
    let naive = date.and_hms_opt(two(*h0, *h1)?, two(*mi0, *mi1)?, two(*s0, *s1)?)?;
    match rest {
        [] => Some(Fixed::Naive(naive)),
        [b'Z'] => Some(Fixed::Offset(naive.and_utc().fixed_offset())),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            let offset = if *sign == b'+' {
                FixedOffset::east_opt(seconds)?
            } else {
                FixedOffset::west_opt(seconds)?
            };
            offset
                .from_local_datetime(&naive)
                .single()
                .map(Fixed::Offset)
        }
        _ => None,
    }
}

/// Entries of each per-thread offset cache: days, so about eleven years.
const CACHE_SLOTS: usize = 4096;

/// Where a zone's entries start in a cache of days indexed by a number
/// (this file's offset cache, and the table of dates in `fixed_dates.rs`):
/// zones a prime number of slots apart, so that two zones looked up by
/// turns (`diff` of a ruleset whose zone changed) spread over the whole
/// cache rather than evicting each other's day from one slot.
pub(super) fn zone_spread(tz: Tz) -> usize {
    (tz as usize).wrapping_mul(1031)
}

/// A zone's offset throughout one day, or `None` when it changes that day.
type DaySlot = Option<(Tz, i64, Option<i32>)>;

thread_local! {
    /// (zone, UTC day) -> the zone's offset in seconds throughout that day.
    static UTC_DAYS: RefCell<Vec<DaySlot>> = RefCell::new(vec![None; CACHE_SLOTS]);
    /// (zone, local day) -> the one offset of every local time of that day.
    static LOCAL_DAYS: RefCell<Vec<DaySlot>> = RefCell::new(vec![None; CACHE_SLOTS]);
}

/// Looks `day` of `tz` up in `cache`, filling the slot with `fill(day)` on
/// a miss. `None`: the offset is not the same all day.
fn cached_day(
    cache: &'static std::thread::LocalKey<RefCell<Vec<DaySlot>>>,
    tz: Tz,
    day: i64,
    fill: impl FnOnce(i64) -> Option<i32>,
) -> Option<i32> {
    // Each zone's days start at a slot of their own (see `zone_spread`).
    let slot = (day + zone_spread(tz) as i64).rem_euclid(CACHE_SLOTS as i64) as usize;
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(Some((zone, cached_day, offset))) = cache.get(slot) {
            if *zone == tz && *cached_day == day {
                return *offset;
            }
        }
        let offset = fill(day);
        if let Some(entry) = cache.get_mut(slot) {
            *entry = Some((tz, day, offset));
        }
        offset
    })
}

/// The offset of `tz` at the UTC instant `seconds` since the epoch.
fn exact_utc(tz: Tz, seconds: i64) -> Option<i32> {
    let at = DateTime::from_timestamp(seconds, 0)?.naive_utc();
    Some(tz.offset_from_utc_datetime(&at).fix().local_minus_utc())
}

/// The UTC offset of `tz` at `utc`, in seconds.
///
/// Cached per UTC day: a day is cached when the offset is the same at its
/// start and at the end of each of its hours (so no change within it,
/// short of two that cancel out within an hour); a day with a change is looked up
/// exactly every time.
pub fn offset_at(tz: Tz, utc: NaiveDateTime) -> i32 {
    let exact = |at: NaiveDateTime| tz.offset_from_utc_datetime(&at).fix().local_minus_utc();
    let day = utc.and_utc().timestamp().div_euclid(86_400);
    cached_uniform_utc_day(tz, day).unwrap_or_else(|| exact(utc))
}

/// [`uniform_utc_day`] through the per-thread cache that [`offset_at`]
/// keeps (so a day that computing a due time has looked up costs nothing
/// more to write).
pub fn cached_uniform_utc_day(tz: Tz, day: i64) -> Option<i32> {
    cached_day(&UTC_DAYS, tz, day, |day| uniform_utc_day(tz, day))
}

/// The offset of `tz` throughout the UTC `day` (days since the epoch), if
/// it is the same at its start and at the end of each of its hours (so no
/// change within it, short of two that cancel out within an hour): what a
/// cache of offsets by UTC day may keep.
pub fn uniform_utc_day(tz: Tz, day: i64) -> Option<i32> {
    let first = exact_utc(tz, day * 86_400)?;
    (1..=24)
        .map(|h| day * 86_400 + h * 3600 - 1)
        .all(|s| exact_utc(tz, s) == Some(first))
        .then_some(first)
}

/// The offset that every local time of `date` in `tz` has, if the local
/// time at the start and end of each of its hours names exactly one
/// instant, all at that offset (so no clock change that day, short of two
/// that cancel out within an hour).
pub(super) fn uniform_local_day(tz: Tz, date: NaiveDate) -> Option<i32> {
    let single = |h: u32, m: u32, s: u32| {
        let naive = date.and_hms_opt(h, m, s)?;
        match tz.from_local_datetime(&naive) {
            chrono::MappedLocalTime::Single(t) => Some(t.offset().fix().local_minus_utc()),
            _ => None,
        }
    };
    let first = single(0, 0, 0)?;
    (0..24)
        .map(|h| (h, 59, 59))
        .all(|(h, m, s)| single(h, m, s) == Some(first))
        .then_some(first)
}

/// A timestamp in one of the spellings [`parse_fixed`] reads, resolved in
/// `tz` when it has no offset; `None` for any other spelling. The fast
/// path that [`parse_timestamp`](super::value::parse_timestamp) and the
/// mapping of CSV cells share. The spellings of bulk inputs are read
/// through a table of their dates that all threads share
/// (`record/fixed_dates.rs`) when it can answer; [`parse_fixed`] and
/// [`resolve_naive`] read the rest.
pub fn read_fixed(
    text: &(impl AsRef<[u8]> + ?Sized),
    tz: Tz,
) -> Option<Result<DateTime<FixedOffset>, crate::calendar::LocalTimeError>> {
    let text = text.as_ref();
    if let Some(read) = super::fixed_dates::read_cached(text, tz) {
        return Some(Ok(read));
    }
    Some(match parse_fixed(text)? {
        Fixed::Offset(t) => Ok(t),
        Fixed::Naive(naive) => resolve_naive(tz, naive),
    })
}

/// The instant at which the wall clocks of `tz` show `naive`, as
/// [`crate::calendar::resolve_local`] gives it (with its offset fixed), but
/// through a per-thread cache of the offset of each local day without a
/// clock change. Days with one are resolved exactly, and refused the same
/// way when the time is skipped or repeated.
pub fn resolve_naive(
    tz: Tz,
    naive: NaiveDateTime,
) -> Result<DateTime<FixedOffset>, crate::calendar::LocalTimeError> {
    let date = naive.date();
    let day = i64::from(date.num_days_from_ce());
    let cached = cached_day(&LOCAL_DAYS, tz, day, |_| uniform_local_day(tz, date));
    match cached.and_then(FixedOffset::east_opt) {
        Some(offset) => match offset.from_local_datetime(&naive) {
            chrono::MappedLocalTime::Single(t) => Ok(t),
            _ => crate::calendar::resolve_local(tz, naive).map(|t| t.fixed_offset()),
        },
        None => crate::calendar::resolve_local(tz, naive).map(|t| t.fixed_offset()),
    }
}

/// Writes `at` in `tz` as `%Y-%m-%dT%H:%M:%S%:z` (seconds truncated).
pub fn write_local(out: &mut String, at: DateTime<Utc>, tz: Tz) {
    let offset = offset_at(tz, at.naive_utc());
    match local_text(at, offset) {
        // ASCII digits and punctuation only.
        Some(text) => out.push_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => write_local_by_chrono(out, at, tz),
    }
}

/// Writes `at` in `tz` as [`write_local`] does, through chrono's formatting:
/// for the instants that [`local_text`] leaves to chrono.
pub fn write_local_by_chrono(out: &mut String, at: DateTime<Utc>, tz: Tz) {
    let _ = write!(
        out,
        "{}",
        at.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z")
    );
}

/// Days from 1970-01-01 to -0400-03-01, the first day of the 400-year eras
/// that [`local_text`] counts in (one era before year 0, so that every day
/// it writes is at or after the start).
const ERA_START: i64 = -719_468 - 146_097;
/// Days from 1970-01-01 to 0000-01-01, the first day with a four-digit
/// year.
const FIRST_DAY: i64 = -719_528;
/// Days from 1970-01-01 to 9999-12-31, the last day with a four-digit year.
const LAST_DAY: i64 = 2_932_896;

/// The text of `at` at the UTC offset `offset` (seconds), as chrono writes
/// it with `%Y-%m-%dT%H:%M:%S%:z` (seconds truncated), by integer
/// arithmetic alone: the hot path of every timestamp a classification row
/// shows. `None` (left to chrono) for a local year outside 0..=9999 or an
/// offset that is not whole minutes.
///
/// A leap second is written as docket always has: as chrono's addition of
/// the offset to it gives it (as the second after it west of UTC, else as
/// the 59th).
pub fn local_text(at: DateTime<Utc>, offset: i32) -> Option<[u8; 25]> {
    let offset_text = offset_text(offset)?;
    // chrono adds a negative offset to a leap second from the second after.
    let leap = at.timestamp_subsec_nanos() >= 1_000_000_000 && offset < 0;
    let local = at.timestamp() + i64::from(offset) + i64::from(leap);
    let date = date_text(local.div_euclid(86_400))?;
    Some(join_local(
        date,
        time_text(local.rem_euclid(86_400) as u32),
        offset_text,
    ))
}

/// `YYYY-MM-DD` of the day `days` after 1970-01-01; `None` outside years
/// 0..=9999.
pub fn date_text(days: i64) -> Option<[u8; 10]> {
    if !(FIRST_DAY..=LAST_DAY).contains(&days) {
        return None;
    }
    // Howard Hinnant's civil_from_days, on non-negative numbers only.
    let since = (days - ERA_START) as u32;
    let (era, day_of_era) = (since / 146_097, since % 146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    // Years since -400.
    let (month, year) = if shifted_month < 10 {
        (shifted_month + 3, era * 400 + year_of_era)
    } else {
        (shifted_month - 9, era * 400 + year_of_era + 1)
    };
    let year = year - 400;
    let [y0, y1] = two_digits(year / 100);
    let [y2, y3] = two_digits(year);
    let [mo0, mo1] = two_digits(month);
    let [d0, d1] = two_digits(day);
    Some([y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1])
}

/// `HH:MM:SS` of the second of a day.
pub fn time_text(second_of_day: u32) -> [u8; 8] {
    let second_of_day = second_of_day % 86_400;
    let (hour, second_of_hour) = (second_of_day / 3600, second_of_day % 3600);
    let [h0, h1] = small_two_digits(hour);
    let [m0, m1] = small_two_digits(second_of_hour / 60);
    let [s0, s1] = small_two_digits(second_of_hour % 60);
    [h0, h1, b':', m0, m1, b':', s0, s1]
}

/// `±HH:MM` of an offset in seconds; `None` if it is not whole minutes.
pub fn offset_text(offset: i32) -> Option<[u8; 6]> {
    if offset % 60 != 0 {
        return None;
    }
    let minutes = offset.unsigned_abs() / 60;
    let sign = if offset < 0 { b'-' } else { b'+' };
    let [h0, h1] = two_digits(minutes / 60);
    let [m0, m1] = two_digits(minutes % 60);
    Some([sign, h0, h1, b':', m0, m1])
}

/// A date, a time and an offset joined into a local time's text.
pub fn join_local(date: [u8; 10], time: [u8; 8], offset: [u8; 6]) -> [u8; 25] {
    let [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9] = date;
    let [t0, t1, t2, t3, t4, t5, t6, t7] = time;
    let [o0, o1, o2, o3, o4, o5] = offset;
    [
        d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, b'T', t0, t1, t2, t3, t4, t5, t6, t7, o0, o1, o2,
        o3, o4, o5,
    ]
}

/// The last two decimal digits of `n`.
fn two_digits(n: u32) -> [u8; 2] {
    small_two_digits(n % 100)
}

/// The two decimal digits of `n`, under 100.
fn small_two_digits(n: u32) -> [u8; 2] {
    let n = n as u8;
    [b'0' + n / 10, b'0' + n % 10]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fixed_reads_agree_with_chrono(
            text in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9](Z|[+-][0-2][0-9]:[0-6][0-9])?"
        ) {
            match parse_fixed(&text) {
                Some(Fixed::Offset(t)) => {
                    let expected = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)).ok();
                    prop_assert_eq!(Some(t), expected);
                    prop_assert_eq!(Some(t.offset()), expected.as_ref().map(|e| e.offset()));
                }
                Some(Fixed::Naive(naive)) => {
                    let expected = NaiveDateTime::parse_from_str(&text.replacen(' ', "T", 1), "%Y-%m-%dT%H:%M:%S").ok();
                    prop_assert_eq!(Some(naive), expected);
                }
                None => {
                    // Left to the general parser; only a spelling it reads
                    // with a leap second or an out-of-range field.
                }
            }
        }
    }

    fn chrono_local(at: DateTime<Utc>, tz: Tz) -> String {
        at.with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    #[test]
    fn fixed_spellings_read_as_the_general_parser_reads_them() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).ok();
        for text in [
            "2026-01-30T08:47:59Z",
            "2026-01-30T08:47:59+05:30",
            "2026-01-30T08:47:59-04:00",
            "2026-01-30 08:47:59Z",
        ] {
            match parse_fixed(text) {
                Some(Fixed::Offset(t)) => {
                    let expected = at(&text.replacen(' ', "T", 1));
                    assert_eq!(Some(t), expected, "{text}");
                    assert_eq!(Some(t.offset()), expected.as_ref().map(|e| e.offset()));
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_eq!(
            parse_fixed("2026-11-25 10:00:00"),
            NaiveDateTime::parse_from_str("2026-11-25 10:00:00", "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(Fixed::Naive)
        );
        for other in [
            "2026-02-30 10:00:00",
            "2026-11-25 24:00:00",
            "2026-11-25T10:00:00.5Z",
            "2026-11-25 10:00",
            "2026-11-25T10:00:00+0500",
            "1499169318",
            "２026-11-25 10:00:00",
        ] {
            assert_eq!(parse_fixed(other), None, "{other}");
        }
    }

    #[test]
    fn local_times_are_written_as_chrono_writes_them_across_daylight_saving() {
        let tz: Tz = "America/New_York".parse().expect("a zone");
        // Every 7 minutes from before the spring change to after the fall one.
        let start = DateTime::parse_from_rfc3339("2026-03-07T00:00:00Z").map(|t| t.to_utc());
        let mut at = start.expect("an instant");
        let mut out = String::new();
        for _ in 0..(240 * 24 * 60 / 7) {
            out.clear();
            write_local(&mut out, at, tz);
            assert_eq!(out, chrono_local(at, tz));
            at += chrono::TimeDelta::minutes(7);
        }
        let kolkata: Tz = "Asia/Kolkata".parse().expect("a zone");
        out.clear();
        write_local(&mut out, at, kolkata);
        assert_eq!(out, chrono_local(at, kolkata));
    }

    /// `write_local` as it was before [`local_text`]: chrono's addition of
    /// the offset, then its fields, zero-padded.
    fn by_chrono_fields(at: DateTime<Utc>, offset: i32) -> Option<String> {
        use chrono::{Datelike, Timelike};
        let local = at.naive_utc() + chrono::TimeDelta::seconds(i64::from(offset));
        if !(0..=9999).contains(&local.year()) || offset % 60 != 0 {
            return None;
        }
        let minutes = offset.unsigned_abs() / 60;
        Some(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            local.second(),
            if offset < 0 { '-' } else { '+' },
            minutes / 60,
            minutes % 60
        ))
    }

    #[test]
    fn local_text_is_chronos_arithmetic_over_every_year_and_leap_seconds() {
        let text =
            |at, offset| local_text(at, offset).map(|t| String::from_utf8_lossy(&t).into_owned());
        let offsets = [
            0, 60, -60, 3600, -18_000, 19_800, 20_700, 50_400, -43_200, 30, -3_599,
        ];
        // Every 3 days and 7,001 seconds from before year 0 to after 9999.
        let mut seconds = -62_300_000_000_i64;
        while seconds < 253_500_000_000 {
            let at = DateTime::from_timestamp(seconds, 0).expect("in range");
            for offset in offsets {
                assert_eq!(
                    text(at, offset),
                    by_chrono_fields(at, offset),
                    "{at} {offset}"
                );
            }
            seconds += 3 * 86_400 + 7_001;
        }
        // Leap seconds, including at the first and last second of a day.
        for seconds in [1_483_228_799_i64, 59, -1, 3_599, 86_399] {
            for nanos in [1_000_000_000, 1_500_000_000, 1_999_999_999] {
                let at = DateTime::from_timestamp(seconds, nanos).expect("a leap second");
                for offset in offsets {
                    assert_eq!(
                        text(at, offset),
                        by_chrono_fields(at, offset),
                        "{at} {offset}"
                    );
                }
            }
        }
    }

    #[test]
    fn naive_times_resolve_as_the_strict_resolver_resolves_them() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let mut at = start.expect("a time");
        for zone in ["America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"] {
            let tz: Tz = zone.parse().expect("a zone");
            for _ in 0..(366 * 24 * 60 / 13) {
                let expected = crate::calendar::resolve_local(tz, at).map(|t| t.fixed_offset());
                assert_eq!(resolve_naive(tz, at), expected, "{zone} {at}");
                at += chrono::TimeDelta::minutes(13);
            }
        }
    }
}
