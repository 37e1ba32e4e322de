//! Turning local wall-clock times into instants.
//!
//! A local time names zero instants inside a spring-forward gap and two inside
//! a fall-back overlap. Timestamps read from records are resolved strictly
//! ([`resolve_local`]): the data must say which instant it meant. Times the
//! calendar computes itself (a deadline, the start of a quarter) are resolved
//! by a fixed, documented rule instead, so a deadline always exists.

use chrono::{DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset};
use chrono::{TimeDelta, TimeZone};
use chrono_tz::{GapInfo, Tz};
use thiserror::Error;

/// Why a naive local timestamp does not name exactly one instant.
///
/// Records that carry local times without an offset are ambiguous twice a
/// year in zones with daylight saving; guessing would silently move an event
/// by an hour, which can flip a one-hour reporting deadline, so the record is
/// rejected with this reason instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LocalTimeError {
    /// The local time falls inside a gap: the clocks jumped forward over it.
    #[error("{naive} does not exist in {tz}: the clocks skip {}; the record must give its UTC offset", describe_gap(.gap.as_ref()))]
    Nonexistent {
        /// The zone the time was read in.
        tz: Tz,
        /// The local time that does not exist.
        naive: NaiveDateTime,
        /// The span the clocks skip, when the zone's table describes it.
        gap: Option<ClockGap>,
    },
    /// The local time happens twice: the clocks fell back over it.
    #[error(
        "{naive} happens twice in {tz}: first at UTC offset {} ({}), then at {} ({}) after the \
         clocks go back; the record must give its UTC offset to say which",
        .earlier.offset().fix(), .earlier.offset(), .later.offset().fix(), .later.offset()
    )]
    Ambiguous {
        /// The zone the time was read in.
        tz: Tz,
        /// The local time that happens twice.
        naive: NaiveDateTime,
        /// The first instant with that local time.
        earlier: DateTime<Tz>,
        /// The second instant with that local time.
        later: DateTime<Tz>,
    },
}

/// The local times a zone skips when its clocks jump forward.
///
/// Carried by [`LocalTimeError::Nonexistent`] so the message can say what the
/// clocks did ("from 02:00 to 03:00") rather than just "invalid".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockGap {
    /// The first local time that does not exist.
    pub skipped_from: NaiveDateTime,
    /// The UTC offset in force just before the gap.
    pub offset_before: FixedOffset,
    /// The first instant after the gap; its local time is the first that
    /// exists again.
    pub resumes_at: DateTime<Tz>,
}

fn describe_gap(gap: Option<&ClockGap>) -> String {
    match gap {
        Some(gap) => format!(
            "from {} to {} (UTC offset {} becomes {})",
            gap.skipped_from,
            gap.resumes_at.naive_local(),
            gap.offset_before,
            gap.resumes_at.offset().fix()
        ),
        None => "over that time".to_owned(),
    }
}

/// The one instant at which the wall clocks of `tz` show `naive`.
///
/// Use this for timestamps read from input; it refuses to guess.
///
/// # Errors
///
/// [`LocalTimeError::Nonexistent`] inside a spring-forward gap (such as
/// 2026-03-08 02:30 in America/New_York) and [`LocalTimeError::Ambiguous`]
/// inside a fall-back overlap (such as 2026-11-01 01:30 there).
pub fn resolve_local(tz: Tz, naive: NaiveDateTime) -> Result<DateTime<Tz>, LocalTimeError> {
    match tz.from_local_datetime(&naive) {
        MappedLocalTime::Single(instant) => Ok(instant),
        MappedLocalTime::Ambiguous(first, second) => Err(LocalTimeError::Ambiguous {
            tz,
            naive,
            earlier: first.min(second),
            later: first.max(second),
        }),
        MappedLocalTime::None => Err(LocalTimeError::Nonexistent {
            tz,
            naive,
            gap: clock_gap(tz, naive),
        }),
    }
}

fn clock_gap(tz: Tz, naive: NaiveDateTime) -> Option<ClockGap> {
    let GapInfo { begin, end } = GapInfo::new(&naive, &tz)?;
    let (skipped_from, offset_before) = begin?;
    Some(ClockGap {
        skipped_from,
        offset_before: offset_before.fix(),
        resumes_at: end?,
    })
}

/// The instant at which the wall clocks of `tz` show `naive`, by a fixed rule
/// for the two awkward cases: inside a gap, the first instant after the gap;
/// inside an overlap, the earlier of the two instants.
///
/// Used for times docket computes itself, where the rule is documented and
/// the answer must exist.
pub(crate) fn resolve_local_or_next(tz: Tz, naive: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&naive) {
        MappedLocalTime::Single(instant) => instant,
        MappedLocalTime::Ambiguous(first, second) => first.min(second),
        MappedLocalTime::None => GapInfo::new(&naive, &tz)
            .and_then(|gap| gap.end)
            // chrono-tz knows the end of every gap it reports, except at the
            // far edges of chrono's range (years beyond ±262,000). Reading
            // the time as UTC there keeps this total without a panic path.
            .unwrap_or_else(|| tz.from_utc_datetime(&naive)),
    }
}

/// The first instant whose local date in `tz` is `date`: usually midnight,
/// but the end of the gap in zones whose clocks spring forward at midnight.
pub(crate) fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Tz> {
    resolve_local_or_next(tz, date.and_time(NaiveTime::MIN))
}

/// The last instant whose local date in `tz` is `date`: 23:59:59.999999999
/// local time, the second occurrence of it when the clocks fall back at
/// midnight.
pub(crate) fn end_of_day(tz: Tz, date: NaiveDate) -> DateTime<Tz> {
    // One nanosecond before the next day starts. chrono runs out of dates
    // only around the year 262,000, where both steps saturate instead.
    let next_start = start_of_day(tz, date.succ_opt().unwrap_or(NaiveDate::MAX));
    next_start
        .checked_sub_signed(TimeDelta::nanoseconds(1))
        .unwrap_or(next_start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use chrono_tz::America::{New_York, Sao_Paulo};
    use chrono_tz::Pacific::Apia;

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("test times are valid")
    }

    #[test]
    fn spring_forward_gap_is_nonexistent_and_says_what_the_clocks_do() {
        let err = resolve_local(New_York, local(2026, 3, 8, 2, 30)).unwrap_err();
        let LocalTimeError::Nonexistent { gap: Some(gap), .. } = &err else {
            panic!("expected a gap, got {err:?}");
        };
        assert_eq!(gap.skipped_from, local(2026, 3, 8, 2, 0));
        assert_eq!(gap.resumes_at.naive_local(), local(2026, 3, 8, 3, 0));
        assert_eq!(
            err.to_string(),
            "2026-03-08 02:30:00 does not exist in America/New_York: the clocks skip from \
             2026-03-08 02:00:00 to 2026-03-08 03:00:00 (UTC offset -05:00 becomes -04:00); \
             the record must give its UTC offset"
        );
    }

    #[test]
    fn fall_back_overlap_is_ambiguous_and_lists_both_offsets() {
        let err = resolve_local(New_York, local(2026, 11, 1, 1, 30)).unwrap_err();
        let LocalTimeError::Ambiguous { earlier, later, .. } = &err else {
            panic!("expected an overlap, got {err:?}");
        };
        assert_eq!(*later - *earlier, TimeDelta::hours(1));
        assert_eq!(
            err.to_string(),
            "2026-11-01 01:30:00 happens twice in America/New_York: first at UTC offset -04:00 \
             (EDT), then at -05:00 (EST) after the clocks go back; the record must give its UTC \
             offset to say which"
        );
    }

    #[test]
    fn ordinary_local_time_resolves_to_its_instant() {
        let instant = resolve_local(New_York, local(2026, 7, 1, 12, 0));
        assert_eq!(
            instant.map(|t| t.to_rfc3339()),
            Ok("2026-07-01T12:00:00-04:00".to_owned())
        );
    }

    #[test]
    fn lenient_resolution_takes_first_instant_after_a_gap_and_earlier_of_an_overlap() {
        let after_gap = resolve_local_or_next(New_York, local(2026, 3, 8, 2, 30));
        assert_eq!(after_gap.to_rfc3339(), "2026-03-08T03:00:00-04:00");
        let overlap = resolve_local_or_next(New_York, local(2026, 11, 1, 1, 30));
        assert_eq!(overlap.to_rfc3339(), "2026-11-01T01:30:00-04:00");
    }

    #[test]
    fn end_of_day_is_the_last_nanosecond_of_local_time() {
        let date = local(2026, 12, 1, 0, 0).date();
        let end = end_of_day(New_York, date);
        assert_eq!(end.naive_local().date(), date);
        assert_eq!(
            (end.hour(), end.minute(), end.second(), end.nanosecond()),
            (23, 59, 59, 999_999_999)
        );
        assert_eq!(
            end.offset().fix(),
            FixedOffset::west_opt(5 * 3600).expect("valid")
        );
    }

    #[test]
    fn day_bounds_follow_midnight_clock_changes() {
        // Sao Paulo sprang forward at midnight on 2018-11-04: the day began
        // at 01:00, and the previous one ended just before it.
        let start = start_of_day(Sao_Paulo, local(2018, 11, 4, 0, 0).date());
        assert_eq!(start.to_rfc3339(), "2018-11-04T01:00:00-02:00");
        let end = end_of_day(Sao_Paulo, local(2018, 11, 3, 0, 0).date());
        assert_eq!(end.to_rfc3339(), "2018-11-03T23:59:59.999999999-03:00");
        // It fell back at midnight on 2018-02-18, repeating 23:00-24:00 of
        // the 17th: the day ends after the second pass.
        let end = end_of_day(Sao_Paulo, local(2018, 2, 17, 0, 0).date());
        assert_eq!(end.to_rfc3339(), "2018-02-17T23:59:59.999999999-03:00");
    }

    #[test]
    fn a_day_the_zone_skipped_entirely_takes_no_time() {
        // Samoa skipped 2011-12-30 when it crossed the date line: the day
        // "starts" when the 31st does and ends a nanosecond earlier.
        let skipped = local(2011, 12, 30, 0, 0).date();
        let start = start_of_day(Apia, skipped);
        assert_eq!(start.to_rfc3339(), "2011-12-31T00:00:00+14:00");
        assert_eq!(end_of_day(Apia, skipped) + TimeDelta::nanoseconds(1), start);
    }
}
