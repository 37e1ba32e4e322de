//! The dates of fixed-spelling timestamps, remembered by their text.
//!
//! A bulk input names a few hundred dates a million times. Reading
//! `YYYY-MM-DD` into a calendar date, and resolving a local time of that
//! date in the ruleset's zone, depend on the date alone; so a table keyed
//! by the date's ten bytes keeps the date, the days either side of it, and
//! the zone's offset throughout the day (when no clock change falls in it).
//! A row then costs its `HH:MM:SS` digits and an addition.
//!
//! The table is one for the process, each slot set once: what a slot holds
//! depends only on its date and zone, so threads can share it, and reading
//! it is a load rather than a thread-local's lookup and borrow (which cost
//! more than the rest of reading a timestamp). A date whose slot another
//! date (or zone) took first is read afresh each time, as the general path
//! would read it.
//!
//! [`read_cached`] answers only the two spellings of bulk inputs, `Z` and
//! no offset, and only what it can answer exactly as the general path of
//! [`read_fixed`](super::timestamp::read_fixed) does; everything else (an
//! offset, a leap second, an invalid date, a day with a clock change) it
//! leaves to that path.

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::timestamp::{uniform_local_day, zone_spread};

/// Slots of the table: the dates of eight years, one each.
const SLOTS: usize = 4096;

/// What the table keeps of one date.
#[derive(Clone, Copy)]
struct Day {
    /// The date's text, `YYYY-MM-DD`.
    text: [u8; 10],
    /// The zone local times of the date were read in.
    tz: Tz,
    /// The date, and the days before and after it (where a local time's
    /// UTC instant may fall).
    date: NaiveDate,
    before: NaiveDate,
    after: NaiveDate,
    /// The offset of every local time of the date in `tz`, if known;
    /// `Some(None)` when a clock change falls in it. Always known in the
    /// table; a date read afresh finds it only if it needs it.
    local: Option<Option<FixedOffset>>,
}

/// The table: each slot is set once, by the first date (and zone) read
/// into it.
static DAYS: [OnceLock<Day>; SLOTS] = [const { OnceLock::new() }; SLOTS];

/// The slot of a date's text: distinct for the valid dates of any eight
/// consecutive years (month and day, then the year's last three bits),
/// with no digit checks, since the text is compared in full on a hit.
///
/// The slots of each zone are permuted by a mask of its own
/// ([`zone_spread`]), so that the dates of two zones read by turns mostly
/// take different slots; one zone's dates keep the layout above.
#[inline]
fn slot(text: &[u8; 10], tz: Tz) -> usize {
    let [_, _, y2, y3, _, m0, m1, _, d0, d1] = *text;
    let low = |b: u8| usize::from(b & 15);
    let year = (low(y2) * 10 + low(y3)) & 7;
    let month = low(m0 & 1) * 10 + low(m1);
    let day = low(d0 & 3) * 10 + low(d1);
    ((year << 9 | month << 5 | day) ^ zone_spread(tz)) & (SLOTS - 1)
}

/// The two-digit number `ab`, if both are ASCII digits.
#[inline]
fn two(a: u8, b: u8) -> Option<u32> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then(|| u32::from(a) * 10 + u32::from(b))
}

/// A word of the eight bytes of `HH:MM:SS`, `digit` in each digit's byte
/// and `colon` in each colon's.
const fn lanes(digit: u8, colon: u8) -> u64 {
    u64::from_le_bytes([digit, digit, colon, digit, digit, colon, digit, digit])
}

/// The second of the day of `HH:MM:SS`, if it is one chrono reads without
/// a leap second: what [`two`] reads of each pair, checked and combined
/// in one word rather than byte by byte.
#[inline]
fn second_of_day(time: [u8; 8]) -> Option<u32> {
    let word = u64::from_le_bytes(time);
    // Colons in place, and each digit byte 0x30..=0x3F that stays under
    // 0x3A with 6 added (so no byte carries into the next).
    let shape = word & lanes(0xF0, 0xFF) == lanes(0x30, b':');
    if !shape || (word + lanes(6, 0)) & lanes(0xF0, 0) != lanes(0x30, 0) {
        return None;
    }
    let digits = word & lanes(0x0F, 0);
    // Each byte becomes ten times itself plus the next (at most 99, so no
    // carries): the first byte of each pair is its number.
    let pairs = digits * 10 + (digits >> 8);
    let [h, _, _, m, _, _, s, _] = pairs.to_le_bytes().map(u32::from);
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// `text` read as [`read_fixed`](super::timestamp::read_fixed) reads it,
/// through the table of dates, when it is `YYYY-MM-DD[T ]HH:MM:SS`
/// followed by `Z` or nothing, names a valid date and time without a leap
/// second, and (without `Z`) its date has no clock change in `tz`; `None`
/// otherwise, for the general path to read.
#[inline]
pub fn read_cached(text: &[u8], tz: Tz) -> Option<DateTime<FixedOffset>> {
    let (date_text, rest) = text.split_first_chunk::<10>()?;
    let (separator, rest) = rest.split_first()?;
    let (time, rest) = rest.split_first_chunk::<8>()?;
    if !matches!(separator, b'T' | b' ') {
        return None;
    }
    let second = second_of_day(*time)?;
    let utc = match rest {
        [] => false,
        [b'Z'] => true,
        _ => return None,
    };
    let slot = DAYS.get(slot(date_text, tz))?;
    let afresh;
    let day = match slot.get() {
        Some(day) if day.text == *date_text && day.tz == tz => day,
        // Another date (or zone) holds the slot.
        Some(_) => {
            afresh = fill(date_text, tz)?;
            &afresh
        }
        None => {
            let mut day = fill(date_text, tz)?;
            day.local = Some(local_offset(tz, day.date));
            // Should another thread have set the slot meanwhile, this
            // thread's day is still the one read.
            let _ = slot.set(day);
            afresh = day;
            &afresh
        }
    };
    if utc {
        let time = NaiveTime::from_num_seconds_from_midnight_opt(second, 0)?;
        return Some(NaiveDateTime::new(day.date, time).and_utc().fixed_offset());
    }
    let offset = day.local.unwrap_or_else(|| local_offset(tz, day.date))?;
    // The offset is under a day, so the UTC instant is on the date or
    // the day either side of it.
    let utc = i64::from(second) - i64::from(offset.local_minus_utc());
    let (date, utc) = match utc {
        ..0 => (day.before, utc + 86_400),
        86_400.. => (day.after, utc - 86_400),
        _ => (day.date, utc),
    };
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(utc).ok()?, 0)?;
    Some(DateTime::from_naive_utc_and_offset(
        NaiveDateTime::new(date, time),
        offset,
    ))
}

/// The offset of every local time of `date` in `tz`; `None` when a clock
/// change falls in it.
#[cold]
fn local_offset(tz: Tz, date: NaiveDate) -> Option<FixedOffset> {
    uniform_local_day(tz, date).and_then(FixedOffset::east_opt)
}

/// What the table keeps of the date `text` names, if it is a valid one.
#[cold]
fn fill(text: &[u8; 10], tz: Tz) -> Option<Day> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text else {
        return None;
    };
    let year = two(y0, y1)? * 100 + two(y2, y3)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(m0, m1)?, two(d0, d1)?)?;
    Some(Day {
        text: *text,
        tz,
        date,
        before: date.pred_opt()?,
        after: date.succ_opt()?,
        local: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::timestamp::{Fixed, parse_fixed};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    /// The general path: chrono's reading of the fixed spelling, resolved
    /// by the strict resolver, as `read_fixed` did before the table.
    fn general(text: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
        match parse_fixed(text)? {
            Fixed::Offset(t) => Some(t),
            Fixed::Naive(naive) => crate::calendar::resolve_local(tz, naive)
                .ok()
                .map(|t| t.fixed_offset()),
        }
    }

    /// What the table answers is what the general path answers, offset
    /// included; and it answers every time of a day without a clock
    /// change.
    fn check(text: &str, tz: Tz, expect_answer: bool) {
        let cached = read_cached(text.as_bytes(), tz);
        if let Some(t) = cached {
            let expected = general(text, tz);
            assert_eq!(Some(t), expected, "{text} in {tz}");
            assert_eq!(
                Some(t.offset()),
                expected.as_ref().map(|e| e.offset()),
                "{text} in {tz}"
            );
        }
        assert!(!expect_answer || cached.is_some(), "{text} in {tz}");
    }

    /// Every second of the days around both 2026 clock changes, in a zone
    /// north and a zone south of the equator, read with and without `Z`:
    /// the table answers the days without a change as the general path
    /// does, and leaves the days with one to it.
    #[test]
    fn every_second_around_the_2026_clock_changes_reads_as_the_general_path() {
        let zones = [
            (chrono_tz::America::New_York, ["2026-03-08", "2026-11-01"]),
            (chrono_tz::Australia::Sydney, ["2026-04-05", "2026-10-04"]),
        ];
        for (tz, changes) in zones {
            for change in changes {
                let day = NaiveDate::parse_from_str(change, "%Y-%m-%d").ok();
                let day = day.expect("a date");
                let start = day.pred_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
                let mut at = start.expect("a time");
                for _ in 0..3 * 86_400 {
                    let naive = at.format("%Y-%m-%d %H:%M:%S").to_string();
                    // Only the day of the change is left to the general path.
                    check(&naive, tz, at.date() != day);
                    check(&format!("{naive}Z").replacen(' ', "T", 1), tz, true);
                    at += TimeDelta::seconds(1);
                }
                let noon = day
                    .and_hms_opt(12, 0, 0)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S"));
                let noon = noon.expect("a time").to_string();
                assert_eq!(read_cached(noon.as_bytes(), tz), None, "{noon}");
            }
        }
    }

    #[test]
    fn other_spellings_are_left_to_the_general_path() {
        let tz = chrono_tz::America::New_York;
        for text in [
            "2026-01-30T08:47:59+05:30",
            "2026-01-30T08:47:60Z",
            "2026-01-30T24:00:00Z",
            "2026-02-30 10:00:00",
            "2026-13-01 10:00:00",
            "2026-01-30T08:47:59.5Z",
            "2026-01-30T08:47",
            "2026-01-30X08:47:59",
            "2026/01/30 08:47:59",
            "2026-01-30 08:47:59 ",
        ] {
            assert_eq!(read_cached(text.as_bytes(), tz), None, "{text}");
        }
    }

    /// A date met in one zone is read afresh in another.
    #[test]
    fn dates_are_remembered_per_zone() {
        let text = "2026-07-01 09:30:00";
        for tz in [
            chrono_tz::America::New_York,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::New_York,
        ] {
            check(text, tz, true);
        }
    }

    /// Dates eight years apart share a slot: the one read second is read
    /// afresh, and still answered as the general path answers it, with and
    /// without `Z`.
    #[test]
    fn a_date_whose_slot_is_taken_is_read_afresh() {
        let tz = chrono_tz::America::New_York;
        for text in [
            "2026-01-30 08:47:59",
            "2034-01-30 08:47:59",
            "2034-01-30T23:59:59Z",
            "2042-01-30 00:00:00",
            "2026-01-30T00:00:00Z",
        ] {
            check(text, tz, true);
        }
    }

    /// Threads reading the same dates at once, into empty slots and full
    /// ones, each read what the general path reads.
    #[test]
    fn threads_share_the_table() {
        let tz = chrono_tz::Australia::Lord_Howe;
        let texts: Vec<String> = (0..400)
            .map(|i| {
                format!(
                    "{}-{:02}-{:02} 1{}:30:00",
                    2040 + i % 9,
                    1 + i % 12,
                    1 + i % 28,
                    i % 10
                )
            })
            .collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for text in &texts {
                        check(text, tz, false);
                    }
                });
            }
        });
    }

    /// The second of the day read byte by byte, as [`parse_fixed`] reads
    /// the time.
    fn second_by_bytes(time: [u8; 8]) -> Option<u32> {
        let [h0, h1, b':', m0, m1, b':', s0, s1] = time else {
            return None;
        };
        let (h, m, s) = (two(h0, h1)?, two(m0, m1)?, two(s0, s1)?);
        (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
    }

    /// The word-wide reading of `HH:MM:SS` is the byte-by-byte one: for
    /// every pair of numbers under 100 in each place, and for every byte
    /// in each position of a few times.
    #[test]
    fn times_read_in_one_word_as_byte_by_byte() {
        for n in 0..100 {
            for at in 0..3 {
                let mut parts = [7, 7, 7];
                parts[at] = n;
                let text = format!("{:02}:{:02}:{:02}", parts[0], parts[1], parts[2]);
                let time: [u8; 8] = text.as_bytes().try_into().expect("eight bytes");
                assert_eq!(second_of_day(time), second_by_bytes(time), "{text}");
            }
        }
        for base in ["00:00:00", "23:59:59", "09:09:09", "19:39:49"] {
            let base: [u8; 8] = base.as_bytes().try_into().expect("eight bytes");
            for at in 0..8 {
                for byte in 0..=255 {
                    let mut time = base;
                    time[at] = byte;
                    assert_eq!(second_of_day(time), second_by_bytes(time), "{time:?}");
                }
            }
        }
    }

    proptest! {
        /// Any text of the shape, in zones with and without clock changes,
        /// reads as the general path reads it; dates collide in the table
        /// every eight years, and the invalid ones are refused.
        #[test]
        fn fixed_spellings_read_as_the_general_path(
            text in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]Z?",
            zone in 0..4usize,
        ) {
            let tz = [
                chrono_tz::America::New_York,
                chrono_tz::Australia::Lord_Howe,
                chrono_tz::Asia::Kolkata,
                chrono_tz::UTC,
            ][zone];
            let cached = read_cached(text.as_bytes(), tz);
            if cached.is_some() {
                prop_assert_eq!(cached, general(&text, tz));
                prop_assert_eq!(cached.map(|t| t.offset().local_minus_utc()),
                    general(&text, tz).map(|t| t.offset().local_minus_utc()));
            } else if let Some(t) = general(&text, tz) {
                // Refused, yet read: only a local time of a day with a
                // clock change.
                prop_assert!(!text.ends_with('Z'), "{}", text);
                prop_assert_eq!(uniform_local_day(tz, t.with_timezone(&tz).date_naive()), None);
            }
        }
    }
}
