//! Fast paths for the timestamp spellings of bulk inputs and outputs.
//!
//! [`parse_fixed`] reads `YYYY-MM-DD[T ]HH:MM:SS` with `Z`, `±HH:MM` or
//! nothing after it, byte by byte; anything else (fractions, other
//! spellings) is left to the general parser in [`super::parse_timestamp`],
//! which gives the same result for these spellings, only slower.
//! [`write_local`] writes an instant in a zone as `%Y-%m-%dT%H:%M:%S%:z`,
//! looking up the zone's offset through a small per-thread cache keyed by
//! the UTC hour; an hour during which the offset changes is never cached.

use std::cell::RefCell;
use std::fmt::Write as _;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// A timestamp read by [`parse_fixed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fixed {
    /// With an offset (`Z` is +00:00).
    Offset(DateTime<FixedOffset>),
    /// Without one: a local time in the ruleset's zone.
    Naive(NaiveDateTime),
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// Reads `YYYY-MM-DD[T ]HH:MM:SS` followed by `Z`, `±HH:MM` or nothing;
/// `None` for anything else.
pub fn parse_fixed(text: &str) -> Option<Fixed> {
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
    ] = text.as_bytes()
    else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(
        digits(&[*y0, *y1, *y2, *y3])? as i32,
        digits(&[*mo0, *mo1])?,
        digits(&[*d0, *d1])?,
    )?;
    let naive = date.and_hms_opt(
        digits(&[*h0, *h1])?,
        digits(&[*mi0, *mi1])?,
        digits(&[*s0, *s1])?,
    )?;
    match rest {
        [] => Some(Fixed::Naive(naive)),
        [b'Z'] => Some(Fixed::Offset(naive.and_utc().fixed_offset())),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
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

/// Entries of the per-thread offset cache.
const CACHE_SLOTS: usize = 4096;

thread_local! {
    /// (zone, UTC hour) -> the zone's offset in seconds throughout that hour.
    static OFFSETS: RefCell<Vec<Option<(Tz, i64, i32)>>> = RefCell::new(vec![None; CACHE_SLOTS]);
}

/// The UTC offset of `tz` at `utc`, in seconds.
pub fn offset_at(tz: Tz, utc: NaiveDateTime) -> i32 {
    let exact = |at: NaiveDateTime| tz.offset_from_utc_datetime(&at).fix().local_minus_utc();
    let hour = utc.and_utc().timestamp().div_euclid(3600);
    let slot = hour.rem_euclid(CACHE_SLOTS as i64) as usize;
    OFFSETS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(Some((zone, cached_hour, offset))) = cache.get(slot) {
            if *zone == tz && *cached_hour == hour {
                return *offset;
            }
        }
        let offset = exact(utc);
        let start = DateTime::from_timestamp(hour * 3600, 0).map(|t| t.naive_utc());
        let end = DateTime::from_timestamp(hour * 3600 + 3599, 0).map(|t| t.naive_utc());
        if let (Some(start), Some(end)) = (start, end) {
            if exact(start) == offset && exact(end) == offset {
                if let Some(entry) = cache.get_mut(slot) {
                    *entry = Some((tz, hour, offset));
                }
            }
        }
        offset
    })
}

/// Writes `at` in `tz` as `%Y-%m-%dT%H:%M:%S%:z` (seconds truncated).
pub fn write_local(out: &mut String, at: DateTime<Utc>, tz: Tz) {
    let offset = offset_at(tz, at.naive_utc());
    let local = at.naive_utc() + chrono::TimeDelta::seconds(i64::from(offset));
    let year = local.year();
    if !(0..=9999).contains(&year) || offset % 60 != 0 {
        let _ = write!(
            out,
            "{}",
            at.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z")
        );
        return;
    }
    let digit = |value: u32, place: u32| char::from(b'0' + (value / place % 10) as u8);
    let mut put = |value: u32, width: u32, then: Option<char>| {
        for place in (0..width).rev().map(|p| 10u32.pow(p)) {
            out.push(digit(value, place));
        }
        out.extend(then);
    };
    let minutes = offset.unsigned_abs() / 60;
    put(year as u32, 4, Some('-'));
    put(local.month(), 2, Some('-'));
    put(local.day(), 2, Some('T'));
    put(local.hour(), 2, Some(':'));
    put(local.minute(), 2, Some(':'));
    put(local.second(), 2, Some(if offset < 0 { '-' } else { '+' }));
    put(minutes / 60, 2, Some(':'));
    put(minutes % 60, 2, None);
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
